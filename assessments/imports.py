"""Reading administrators' Excel workbooks: criteria tables, agencies, officer accounts.

Every import is validate-then-write: the whole workbook is read and checked first, every
problem is reported in one pass with its row and column in Vietnamese (what is wrong and what
is expected), and only a workbook without errors is written, in one transaction. Workbooks are
read through `assessments.workbooks` (the layouts, and a reader bounded before it parses):
formulas are never evaluated (a formula cell gives the value Excel last saved, or nothing).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from openpyxl.utils import get_column_letter

from assessments import accounts, audit, lineage
from assessments.criteria_io import CriteriaImportError, load_table
from assessments.enums import AgencyChangeKind, AuditAction, Role
from assessments.models import Agency, AgencyChange, AgencyKind, User
from assessments.models.criteria import RuleChoice
from assessments.workbooks import (
    ACCOUNT_COLUMNS,
    ACCOUNT_SHEET,
    AGENCY_CHANGE_COLUMNS,
    AGENCY_CHANGE_SHEET,
    AGENCY_COLUMNS,
    AGENCY_SHEET,
    CONTROL_CHARACTERS,
    CRITERIA_COLUMNS,
    CRITERIA_SHEET,
    FORMULA_PREFIXES,
    INFO_ROWS,
    INFO_SHEET,
    KIND_COLUMNS,
    KIND_SHEET,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    NO,
    PARAM_KEYS,
    YES,
    WorkbookError,
    columns_to_params,
    open_upload,
)
from scoring import (
    InvalidInput,
    InvalidRule,
    InvalidTable,
    ItemSpec,
    parse_decimal,
    validate_rule,
    validate_table,
)

__all__ = [
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "CriteriaImportError",
    "WorkbookError",
    "import_accounts_workbook",
    "import_agencies_workbook",
    "import_agency_changes_workbook",
    "import_criteria_workbook",
    "parse_accounts_workbook",
    "parse_agencies_workbook",
    "parse_criteria_workbook",
]

CENT = Decimal("0.01")

RULES_BY_TEXT = {
    **{choice.value: choice.value for choice in RuleChoice},
    **{str(choice.label).casefold(): choice.value for choice in RuleChoice},
}
TRUE_TEXTS = {YES.casefold(), "x", "1", "true", "đúng"}
FALSE_TEXTS = {NO.casefold(), "0", "false", "sai"}


@dataclass
class Row:
    number: int
    values: dict
    letters: dict
    headers: dict

    def where(self, key: str) -> str:
        return f"Dòng {self.number}, cột {self.letters[key]} “{self.headers[key]}”"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Our exports prefix formula-like text with an apostrophe; reading it back removes it.
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def read_sheet(workbook, sheet_name: str, columns) -> tuple[list[Row], list[str]]:
    """Rows of a sheet by header name (columns may be in any order; unknown ones ignored).
    Empty rows are skipped (but counted towards the row cap by the reader). Errors: missing
    sheet, missing required columns, text with control characters, too many rows."""
    if sheet_name not in workbook.sheetnames:
        return [], [f"Tệp không có trang “{sheet_name}”."]
    rows_iter = workbook.rows(sheet_name)
    _number, header = next(rows_iter, (1, ()))
    positions = {}
    for index, value in enumerate(header):
        positions.setdefault(cell_text(value).casefold(), index)
    errors = []
    index_of = {}
    for column in columns:
        position = positions.get(column.header.casefold())
        if position is None:
            if column.required:
                errors.append(f"Trang “{sheet_name}” thiếu cột “{column.header}”.")
            continue
        index_of[column.key] = position
    if errors:
        return [], errors
    letters = {key: get_column_letter(position + 1) for key, position in index_of.items()}
    headers = {column.key: column.header for column in columns}
    rows = []
    for number, values in rows_iter:
        if not any(value not in (None, "") for value in values):
            continue
        picked = {
            key: values[position] if position < len(values) else None
            for key, position in index_of.items()
        }
        row = Row(number, picked, letters, headers)
        for key, value in picked.items():
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                character = CONTROL_CHARACTERS.search(value).group()
                errors.append(
                    f"{row.where(key)}: có ký tự điều khiển không in được "
                    f"(U+{ord(character):04X}); hãy gõ lại nội dung ô này."
                )
                picked[key] = CONTROL_CHARACTERS.sub("", value)
        rows.append(row)
    if not rows:
        errors.append(f"Trang “{sheet_name}” không có dòng dữ liệu nào.")
    return rows, errors


def read_upload(content: bytes, read):
    """Run `read(workbook)` on an uploaded workbook, which is closed afterwards."""
    workbook = open_upload(content)
    try:
        return read(workbook)
    finally:
        workbook.close()


def _decimal(value, where: str, errors: list[str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.append(f"{where}: “{value}” không phải là số.")
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return parse_decimal(cell_text(value))
    except InvalidInput:
        errors.append(f"{where}: “{cell_text(value)}” không phải là số.")
        return None


def _boolean(value, default: bool, where: str, errors: list[str]) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    errors.append(f"{where}: “{cell_text(value)}” phải là “{YES}” hoặc “{NO}”.")
    return default


# Criteria tables -------------------------------------------------------------------------------

# Where a scoring error points: the maximum and the rule have their own columns; a parameter
# has its readable column, unless the row gave it in “Tham số khác (JSON)”.
PARAM_COLUMN_OF = {
    "numerator_label": "numerator_label",
    "denominator_label": "denominator_label",
    "unit_label": "unit_label",
    "tiers": "tiers",
    "basis": "tiers",
    "options": "options",
    "checklist": "list",
    "items": "list",
    "per_item": "per_unit",
    "per_violation": "per_unit",
    "cap": "cap",
}


def _rule_column(row: Row, field: str | None) -> str:
    if field in ("maximum", "rule"):
        return field
    column = PARAM_COLUMN_OF.get(field or "")
    if column and column in row.letters and cell_text(row.values.get(column)):
        return column
    if "other_params" in row.letters and cell_text(row.values.get("other_params")):
        return "other_params"
    return column if column in row.letters else "rule"


def parse_criteria_workbook(content: bytes, kind=None) -> tuple[dict, list[str]]:
    """The workbook as criteria_io table data, plus every error found (empty when valid).

    One pass: per cell (numbers, yes/no, parameters, rule names, empty required cells), per
    row (rule parameters), per table (unique codes, parents, groups, each group's criteria sum
    to its maximum, groups sum to the table's scale) and, given `kind`, that the workbook is
    that kind's appendix. A table-wide sum is not checked while a row it depends on has an
    error of its own (that error is what to fix).
    """

    def read(workbook):
        rows, errors = read_sheet(workbook, CRITERIA_SHEET, CRITERIA_COLUMNS)
        return rows, errors, _read_info(workbook, errors)

    rows, errors, info = read_upload(content, read)
    if (
        kind is not None
        and info["label"]
        and info["label"].casefold() != kind.appendix_label.casefold()
    ):
        errors.insert(
            0,
            f"Trang “{INFO_SHEET}”, dòng {info['label_row']}, cột B “Phụ lục”: tệp là bảng "
            f"“{info['label']}”, còn loại “{kind.name}” dùng “{kind.appendix_label}”. Hãy chọn "
            "đúng loại cơ quan, đơn vị hoặc tải lên đúng tệp.",
        )
    if not rows:
        return {}, errors

    table_rows = []
    first_row_of: dict[str, int] = {}
    row_of_code: dict[str, Row] = {}
    failed: set[str] = set()
    for row in rows:
        raw = row.values
        errors_before = len(errors)
        code = cell_text(raw["code"])
        if not code:
            errors.append(f"{row.where('code')}: mã không được để trống.")
        elif code in first_row_of:
            errors.append(f"{row.where('code')}: mã “{code}” trùng với dòng {first_row_of[code]}.")
        else:
            first_row_of[code] = row.number
            row_of_code[code] = row
        title = cell_text(raw["title"])
        if not title:
            errors.append(f"{row.where('title')}: nội dung tiêu chí không được để trống.")
        rule_text = cell_text(raw["rule"])
        rule = RULES_BY_TEXT.get(rule_text.casefold(), "") if rule_text else ""
        if rule_text and not rule:
            names = ", ".join(str(choice.label) for choice in RuleChoice)
            errors.append(
                f"{row.where('rule')}: “{rule_text}” không phải là cách tính điểm hợp lệ ({names})."
            )
        params = {}
        if rule:
            cells = {key: cell_text(raw.get(key)) for key in PARAM_KEYS if key in row.letters}
            params, problems = columns_to_params(rule, cells)
            errors.extend(f"{row.where(key)}: {message}" for key, message in problems)
        elif not rule_text:
            for key in PARAM_KEYS:
                if key in row.letters and cell_text(raw.get(key)):
                    errors.append(
                        f"{row.where(key)}: dòng nhóm không có tham số; hãy để trống "
                        "(hoặc ghi cách tính điểm nếu đây là tiêu chí)."
                    )
        maximum = _decimal(raw["maximum"], row.where("maximum"), errors)
        item = {
            "code": code,
            "parent": cell_text(raw["parent"]) or None,
            "title": title,
            "rule": rule,
            "params": params,
            "maximum": maximum,
            "guidance": cell_text(raw.get("guidance")),
            "evidence_expected": cell_text(raw.get("evidence_expected")),
            "allow_not_applicable": _boolean(
                raw.get("allow_not_applicable"),
                False,
                row.where("allow_not_applicable") if "allow_not_applicable" in row.letters else "",
                errors,
            ),
            "requires_evidence": _boolean(
                raw.get("requires_evidence"),
                True,
                row.where("requires_evidence") if "requires_evidence" in row.letters else "",
                errors,
            ),
            "measurable": _boolean(
                raw.get("measurable"),
                False,
                row.where("measurable") if "measurable" in row.letters else "",
                errors,
            ),
        }
        if rule and len(errors) == errors_before:
            try:
                validate_rule(rule, params, maximum)
            except InvalidRule as error:
                errors.append(f"{row.where(_rule_column(row, error.field))}: {error.message}")
        if len(errors) != errors_before:
            failed.add(code)
        table_rows.append((row, item))

    specs = [
        ItemSpec(
            code=item["code"],
            # A criterion whose rule could not be read stays a criterion for the table checks.
            rule=item["rule"] or ("yes_no" if cell_text(row.values["rule"]) else None),
            params=item["params"],
            maximum=item["maximum"],
            parent=item["parent"],
            allow_not_applicable=item["allow_not_applicable"],
        )
        for row, item in table_rows
        if item["code"]
    ]
    try:
        validate_table(specs, scale_max=info["scale_max"])
    except InvalidTable as error:
        parents = {item["code"]: item["parent"] for _row, item in table_rows}
        for problem in error.errors:
            code, message = problem
            field = getattr(problem, "field", None)
            if code in failed:
                continue
            if not code:
                # The table's total: meaningless while a row has an error of its own.
                if not failed:
                    errors.append(message)
                continue
            # A group whose row or whose criterion's row failed is checked once that is fixed.
            if parents.get(code) in failed or any(parents.get(o) == code for o in failed):
                continue
            row = row_of_code[code]
            message = message.removeprefix(f"Dòng {code}: ")
            column = field if field in ("code", "parent", "maximum", "rule") else "code"
            errors.append(f"{row.where(column)} (mã {code}): {message}")
    if errors:
        return {}, errors
    data = {
        **{key: info[key] for key in ("label", "title", "source")},
        "scale_max": str(info["scale_max"].quantize(CENT)),
        "deduction_floor": str(info["deduction_floor"].quantize(CENT)),
        "rows": [
            {
                **item,
                "maximum": None if item["maximum"] is None else str(item["maximum"].quantize(CENT)),
            }
            for _row, item in table_rows
        ],
    }
    return data, []


def _read_info(workbook, errors: list[str]) -> dict:
    """The optional “Thông tin” sheet: label / value pairs in columns A and B."""
    found = {}
    if INFO_SHEET in workbook.sheetnames:
        by_label = {label.casefold(): key for key, label in INFO_ROWS}
        for number, values in workbook.rows(INFO_SHEET):
            if number > 50:
                break
            label = cell_text(values[0] if values else None).casefold()
            if label in by_label:
                found[by_label[label]] = (number, values[1] if len(values) > 1 else None)
    info = {"label": "", "title": "", "source": "", "label_row": 1}
    labels = dict(INFO_ROWS)
    for key in ("label", "title", "source"):
        if key in found:
            number, value = found[key]
            info[key] = cell_text(value)
            if CONTROL_CHARACTERS.search(info[key]):
                errors.append(
                    f"Trang “{INFO_SHEET}”, dòng {number}, cột B “{labels[key]}”: có ký tự điều "
                    "khiển không in được; hãy gõ lại nội dung ô này."
                )
    if "label" in found:
        info["label_row"] = found["label"][0]
    for key, default in (("scale_max", Decimal("3.00")), ("deduction_floor", Decimal("-1.00"))):
        info[key] = default
        if key in found:
            number, value = found[key]
            where = f"Trang “{INFO_SHEET}”, dòng {number}, cột B “{labels[key]}”"
            parsed = _decimal(value, where, errors)
            if parsed is not None:
                info[key] = parsed
    if info["scale_max"] <= 0:
        errors.append(f"Trang “{INFO_SHEET}”: điểm tối đa của bảng phải lớn hơn 0.")
    if info["deduction_floor"] > 0:
        errors.append(f"Trang “{INFO_SHEET}”: tổng điểm trừ tối đa phải là số âm hoặc 0.")
    return info


@transaction.atomic
def import_criteria_workbook(content: bytes, period, kind, *, actor, filename: str = ""):
    """Create or replace the period's table for `kind` from a workbook, or raise
    CriteriaImportError listing every problem (nothing is written then).

    The workbook must be `kind`'s appendix (its “Phụ lục” is the kind's, or empty), and no
    other kind's table of the period may carry the same label. A table that already has
    submissions is refused (load_table's rule): results already given against it must keep
    meaning what they meant; a new year gets a new period. Audit row.
    """
    data, errors = parse_criteria_workbook(content, kind)
    if errors:
        raise WorkbookError(errors)
    data["label"] = data["label"] or kind.appendix_label
    data["title"] = data["title"] or kind.name
    data["source"] = data["source"] or (f"Nhập từ tệp {filename}" if filename else "")
    clash = period.tables.filter(label=data["label"]).exclude(kind=kind).select_related("kind")
    if clash.exists():
        raise WorkbookError(
            [
                f"Kỳ “{period}” đã có “{data['label']}” cho loại “{clash[0].kind.name}”; "
                "mỗi loại cơ quan, đơn vị dùng phụ lục của mình."
            ]
        )
    replaced = period.tables.filter(kind=kind).exists()
    table = load_table(data, period, kind)
    audit.record(
        actor=actor,
        period=period,
        action=AuditAction.REPLACE_TABLE if replaced else AuditAction.IMPORT_TABLE,
        target=table.label,
        new=f"{table.criteria.count()} dòng",
        reason=f"Nhập từ tệp {filename}" if filename else "",
    )
    return table


# Agencies and accounts -------------------------------------------------------------------------


def _read_rows(content: bytes, sheet: str, columns):
    return read_upload(content, lambda workbook: read_sheet(workbook, sheet, columns))


def _parse_kinds(rows, errors: list[str]) -> list[dict]:
    """Rows of the optional kinds sheet: kinds to create or update (matched by code); each row
    holds the AgencyKind (new ones unsaved) that the agency rows of the same workbook use."""
    kinds = {kind.code: kind for kind in AgencyKind.objects.all()}
    seen, result = {}, []
    for row in rows:
        raw = row.values

        def where(key, row=row):
            # Two sheets in one workbook: a kind's row names its sheet.
            return f"Trang “{KIND_SHEET}”, {row.where(key)[0].lower()}{row.where(key)[1:]}"

        code = cell_text(raw["code"])
        try:
            validate_slug(code)
        except ValidationError:
            errors.append(
                f"{where('code')}: mã loại “{code}” chỉ được gồm chữ không dấu, số và dấu gạch "
                "ngang."
            )
        if code in seen:
            errors.append(f"{where('code')}: mã loại “{code}” trùng với dòng {seen[code]}.")
        seen.setdefault(code, row.number)
        values = {key: cell_text(raw[key]) for key in ("name", "appendix_label")}
        for key, what in (("name", "tên loại"), ("appendix_label", "phụ lục")):
            if not values[key]:
                errors.append(f"{where(key)}: {what} không được để trống.")
        order = _decimal(raw.get("order"), where("order") if "order" in row.letters else "", errors)
        if order is not None and (order != order.to_integral_value() or order < 0):
            errors.append(f"{where('order')}: thứ tự phải là số nguyên không âm.")
            order = None
        is_active = _boolean(
            raw.get("is_active"),
            True,
            where("is_active") if "is_active" in row.letters else "",
            errors,
        )
        kind = kinds.get(code) or AgencyKind(code=code)
        kinds[code] = kind
        result.append(
            {
                "kind": kind,
                "values": {
                    "code": code,
                    **values,
                    "order": int(order or 0),
                    "is_active": is_active,
                },
            }
        )
    return result


def parse_agency_list_workbook(content: bytes) -> tuple[list[dict], list[dict], list[str]]:
    """(kinds, agencies, errors) of an agency workbook: the optional “Loại cơ quan, đơn vị”
    sheet (kinds to create or update by code) and the “Cơ quan, đơn vị” sheet (agencies by
    code, whose kind is an existing kind or one of the kinds sheet). Every error in one pass."""

    def read(workbook):
        kind_rows, kind_errors = [], []
        if KIND_SHEET in workbook.sheetnames:
            kind_rows, kind_errors = read_sheet(workbook, KIND_SHEET, KIND_COLUMNS)
        agency_rows, agency_errors = read_sheet(workbook, AGENCY_SHEET, AGENCY_COLUMNS)
        return kind_rows, agency_rows, kind_errors + agency_errors

    kind_rows, rows, errors = read_upload(content, read)
    kind_list = _parse_kinds(kind_rows, errors)
    kinds = {kind.code: kind for kind in AgencyKind.objects.all()}
    kinds.update({entry["kind"].code: entry["kind"] for entry in kind_list})
    names_in_db = dict(Agency.objects.values_list("name", "code"))
    seen_codes, seen_names, result = {}, {}, []
    for row in rows:
        raw, where = row.values, row.where
        code = cell_text(raw["code"])
        try:
            validate_slug(code)
        except ValidationError:
            errors.append(
                f"{where('code')}: mã “{code}” chỉ được gồm chữ không dấu, số và dấu gạch ngang."
            )
        if code in seen_codes:
            errors.append(f"{where('code')}: mã “{code}” trùng với dòng {seen_codes[code]}.")
        seen_codes.setdefault(code, row.number)
        name = cell_text(raw["name"])
        if not name:
            errors.append(f"{where('name')}: tên không được để trống.")
        elif name in seen_names:
            errors.append(f"{where('name')}: tên “{name}” trùng với dòng {seen_names[name]}.")
        elif names_in_db.get(name, code) != code:
            errors.append(
                f"{where('name')}: tên “{name}” đã dùng cho cơ quan có mã “{names_in_db[name]}”."
            )
        seen_names.setdefault(name, row.number)
        kind = kinds.get(cell_text(raw["kind"]))
        if kind is None:
            errors.append(
                f"{where('kind')}: không có loại cơ quan có mã “{cell_text(raw['kind'])}”."
            )
        email = cell_text(raw.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"{where('email')}: “{email}” không phải là địa chỉ thư hợp lệ.")
        order = _decimal(raw.get("order"), where("order") if "order" in row.letters else "", errors)
        if order is not None and (order != order.to_integral_value() or order < 0):
            errors.append(f"{where('order')}: thứ tự phải là số nguyên không âm.")
            order = None
        is_active = _boolean(
            raw.get("is_active"),
            True,
            where("is_active") if "is_active" in row.letters else "",
            errors,
        )
        result.append(
            {
                "code": code,
                "name": name,
                "short_name": cell_text(raw.get("short_name")),
                "kind": kind,
                "email": email,
                "order": int(order or 0),
                "is_active": is_active,
            }
        )
    return ([], [], errors) if errors else (kind_list, result, [])


def parse_agencies_workbook(content: bytes) -> tuple[list[dict], list[str]]:
    """Agencies to create or update (matched by code), or every error found."""
    _kinds, agencies, errors = parse_agency_list_workbook(content)
    return agencies, errors


@transaction.atomic
def import_agencies_workbook(content: bytes, *, actor) -> tuple[int, int]:
    """Create or update agency kinds (the optional kinds sheet) and agencies by code, all or
    nothing. Returns (created, updated), kinds and agencies counted together."""
    kinds, rows, errors = parse_agency_list_workbook(content)
    if errors:
        raise WorkbookError(errors)
    created = updated = 0
    for entry in kinds:
        kind = entry["kind"]
        if kind.pk is None:
            accounts.save_agency_kind(kind, actor=actor, **entry["values"])
            created += 1
        elif accounts.save_agency_kind(kind, actor=actor, **entry["values"]):
            updated += 1
    existing = {agency.code: agency for agency in Agency.objects.all()}
    for values in rows:
        agency = existing.get(values["code"])
        if agency is None:
            accounts.save_agency(Agency(), actor=actor, **values)
            created += 1
        elif accounts.save_agency(agency, actor=actor, **values):
            updated += 1
    return created, updated


# Agency changes ----------------------------------------------------------------------------------

CHANGE_KINDS_BY_TEXT = {
    **{choice.value: choice.value for choice in AgencyChangeKind},
    **{str(choice.label).casefold(): choice.value for choice in AgencyChangeKind},
    "hợp nhất": AgencyChangeKind.MERGE,
    "sáp nhập": AgencyChangeKind.MERGE,
    "chia tách": AgencyChangeKind.SPLIT,
    "chia": AgencyChangeKind.SPLIT,
    "tách": AgencyChangeKind.SPLIT,
}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date(value, where: str, errors: list[str]) -> dt.date | None:
    """A date cell: a date, an Excel day number (the reader gives dates so), “dd/mm/yyyy” or
    “yyyy-mm-dd”."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2958465:
        return EXCEL_EPOCH + dt.timedelta(days=value)
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    if not text:
        errors.append(f"{where}: ngày hiệu lực không được để trống.")
    else:
        errors.append(f"{where}: “{text}” không phải là ngày (viết theo dạng 01/03/2025).")
    return None


def _codes(value) -> list[str]:
    return [code.strip() for code in cell_text(value).replace(";", ",").split(",") if code.strip()]


def _same_as_recorded(kind, date, predecessors, successors) -> bool:
    """A row that repeats a change already recorded (the changes' own export imported back)."""
    wanted = ({a.pk for a in predecessors}, {a.pk for a in successors or predecessors})
    changes = AgencyChange.objects.filter(kind=kind, effective_date=date).prefetch_related(
        "predecessors", "successors"
    )
    for change in changes:
        found = (
            {a.pk for a in change.predecessors.all()},
            {a.pk for a in change.successors.all()},
        )
        if found == wanted:
            return True
    return False


@transaction.atomic
def import_agency_changes_workbook(content: bytes, *, actor) -> tuple[int, int]:
    """Record the renames, merges and splits of the “Thay đổi cơ quan” sheet, one row per change,
    in row order (a row may rely on an agency that a row above created, ended or renamed), all
    or nothing: every row is checked (against the changes of the rows above it) and every error
    reported by row and column; nothing is written unless every row is right. A row that repeats
    a change already recorded is skipped, so the changes' own export imports back unchanged.
    Returns (recorded, 0)."""
    rows, errors = _read_rows(content, AGENCY_CHANGE_SHEET, AGENCY_CHANGE_COLUMNS)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    recorded = 0
    for row in rows:
        raw, where = row.values, row.where
        before = len(errors)
        kind_text = cell_text(raw["kind"])
        kind = CHANGE_KINDS_BY_TEXT.get(kind_text.casefold())
        if kind is None:
            errors.append(
                f"{where('kind')}: “{kind_text}” không phải là loại thay đổi (đổi tên, hợp "
                "nhất hoặc chia tách)."
            )
        date = _date(raw["effective_date"], where("effective_date"), errors)
        sides: dict[str, list] = {"predecessors": [], "successors": []}
        for key in sides:
            if key not in row.letters:
                continue
            for code in _codes(raw.get(key)):
                agency = agencies.get(code)
                if agency is None:
                    errors.append(f"{where(key)}: không có cơ quan, đơn vị có mã “{code}”.")
                else:
                    sides[key].append(agency)
        decision = cell_text(raw["decision"])
        if not decision:
            errors.append(f"{where('decision')}: căn cứ, quyết định không được để trống.")
        if len(errors) != before:
            continue
        if _same_as_recorded(kind, date, sides["predecessors"], sides["successors"]):
            continue
        try:
            # A savepoint per row: a refused row leaves nothing behind, the rows above stay
            # applied so the rows below are checked against them.
            with transaction.atomic():
                lineage.record_change(
                    actor=actor,
                    kind=kind,
                    effective_date=date,
                    predecessors=sides["predecessors"],
                    successors=sides["successors"],
                    new_name=cell_text(raw.get("new_name")),
                    decision=decision,
                )
        except lineage.ChangeError as error:
            for field, message in error.errors:
                column = field if field in row.letters else "kind"
                errors.append(f"{where(column)}: {message}")
            continue
        recorded += 1
        agencies = {agency.code: agency for agency in Agency.objects.all()}
    if errors:
        raise WorkbookError(errors)
    return recorded, 0


def parse_accounts_workbook(content: bytes) -> tuple[list[dict], list[str]]:
    """Officer accounts to create or update (matched by username), or every error found.

    A new account needs a surname and a valid e-mail address (its password link is sent
    there); an existing account may keep the values it already has, so that the accounts'
    own export always imports back unchanged."""
    rows, errors = _read_rows(content, ACCOUNT_SHEET, ACCOUNT_COLUMNS)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    users = {user.username: user for user in User.objects.all()}
    validator = User.username_validator
    seen, result = {}, []
    for row in rows:
        raw, where = row.values, row.where
        username = cell_text(raw["username"])
        try:
            validator(username)
            if not username:
                raise ValidationError("empty")
        except ValidationError:
            errors.append(
                f"{where('username')}: tên đăng nhập “{username}” chỉ được gồm chữ, số và "
                "các ký tự @ . + - _."
            )
        if username in seen:
            errors.append(
                f"{where('username')}: tên đăng nhập “{username}” trùng với dòng {seen[username]}."
            )
        seen.setdefault(username, row.number)
        user = users.get(username)
        if user is not None and user.role != Role.OFFICER:
            errors.append(
                f"{where('username')}: “{username}” là tài khoản "
                f"{Role(user.role).label.lower()}, không phải cán bộ đầu mối."
            )
            user = None
        values = {key: cell_text(raw.get(key)) for key in ("last_name", "first_name", "email")}
        for key in ("last_name", "first_name"):
            unchanged = user is not None and values[key] == getattr(user, key)
            if not values[key] and not unchanged:
                errors.append(f"{where(key)}: không được để trống.")
        email = values["email"]
        if not (user is not None and email == user.email):
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    f"{where('email')}: “{email}” không phải là địa chỉ thư hợp lệ "
                    "(cần để gửi đường dẫn đặt mật khẩu)."
                )
        agency = agencies.get(cell_text(raw["agency"]))
        if agency is None:
            errors.append(
                f"{where('agency')}: không có cơ quan, đơn vị có mã “{cell_text(raw['agency'])}”."
            )
        result.append(
            {
                "username": username,
                **values,
                "agency": agency,
                "job_title": cell_text(raw.get("job_title")),
                "phone": cell_text(raw.get("phone")),
            }
        )
    return ([], errors) if errors else (result, [])


@transaction.atomic
def import_accounts_workbook(content: bytes, *, actor) -> tuple[int, int]:
    """Create officer accounts (each gets its one-time password link) or update existing
    officers' details, all or nothing. Returns (created, updated)."""
    rows, errors = parse_accounts_workbook(content)
    if errors:
        raise WorkbookError(errors)
    existing = {user.username: user for user in User.objects.filter(role=Role.OFFICER)}
    created = updated = 0
    for values in rows:
        user = existing.get(values["username"])
        if user is None:
            accounts.create_account(actor=actor, role=Role.OFFICER, **values)
            created += 1
        elif accounts.update_account(user, actor=actor, **values):
            updated += 1
    return created, updated
