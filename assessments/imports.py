"""Reading administrators' Excel workbooks: criteria tables, agencies, officer accounts.

Every import is validate-then-write: the whole workbook is read and checked first, every
problem is reported with its row and column in Vietnamese, and only a workbook without errors is
written, in one transaction. Workbooks are opened with openpyxl ``read_only=True,
data_only=True``: formulas are never evaluated (a formula cell gives the value Excel last
saved, or nothing), and the size and row count are capped before anything is parsed.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessments import accounts, audit
from assessments.criteria_io import CriteriaImportError, load_table
from assessments.enums import AuditAction, Role
from assessments.exports.base import FORMULA_PREFIXES
from assessments.exports.criteria_xlsx import (
    CRITERIA_COLUMNS,
    CRITERIA_SHEET,
    INFO_ROWS,
    INFO_SHEET,
    NO,
    YES,
)
from assessments.models import Agency, AgencyKind, User
from assessments.models.criteria import RuleChoice
from scoring import (
    InvalidInput,
    InvalidRule,
    InvalidTable,
    ItemSpec,
    parse_decimal,
    validate_rule,
    validate_table,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
CENT = Decimal("0.01")

RULES_BY_TEXT = {
    **{choice.value: choice.value for choice in RuleChoice},
    **{str(choice.label).casefold(): choice.value for choice in RuleChoice},
}
TRUE_TEXTS = {YES.casefold(), "x", "1", "true", "đúng"}
FALSE_TEXTS = {NO.casefold(), "0", "false", "sai"}


class WorkbookError(CriteriaImportError):
    """Every problem found in a workbook, each a Vietnamese sentence naming row and column."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True


@dataclass
class Row:
    number: int
    values: dict
    letters: dict

    def where(self, key: str, header: str) -> str:
        return f"Dòng {self.number}, cột {self.letters[key]} “{header}”"


def open_workbook(content: bytes):
    """Open uploaded bytes safely or raise WorkbookError (too large, not an .xlsx file)."""
    if len(content) > MAX_UPLOAD_BYTES:
        size = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
        raise WorkbookError([f"Tệp quá lớn ({size} MB); tối đa 5 MB."])
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise WorkbookError(
            ["Không đọc được tệp: hãy chọn tệp Excel .xlsx (tải mẫu từ trang này)."]
        ) from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Our exports prefix formula-like text with an apostrophe; reading it back removes it.
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def read_sheet(workbook, sheet_name: str, columns: list[Column]) -> tuple[list[Row], list[str]]:
    """Rows of a sheet by header name (columns may be in any order; unknown ones ignored).
    Empty rows are skipped. Errors: missing sheet, missing required columns, too many rows."""
    if sheet_name not in workbook.sheetnames:
        return [], [f"Tệp không có trang “{sheet_name}”."]
    sheet = workbook[sheet_name]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    positions = {_text(value).casefold(): index for index, value in enumerate(header) if value}
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
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [f"Trang “{sheet_name}” có quá {MAX_ROWS} dòng."]
        picked = {
            key: values[position] if position < len(values) else None
            for key, position in index_of.items()
        }
        rows.append(Row(number, picked, letters))
    if not rows:
        errors.append(f"Trang “{sheet_name}” không có dòng dữ liệu nào.")
    return rows, errors


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
        return parse_decimal(_text(value))
    except InvalidInput:
        errors.append(f"{where}: “{_text(value)}” không phải là số.")
        return None


def _boolean(value, default: bool, where: str, errors: list[str]) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    errors.append(f"{where}: “{_text(value)}” phải là “{YES}” hoặc “{NO}”.")
    return default


# Criteria tables -------------------------------------------------------------------------------

CRITERIA = [Column(key, header, required) for key, header, required, _w in CRITERIA_COLUMNS]
HEADERS = {key: header for key, header, _r, _w in CRITERIA_COLUMNS}
# Where an InvalidRule.field points: the maximum and the rule have their own columns.
RULE_FIELD_COLUMNS = {"maximum": "maximum", "rule": "rule"}


def parse_criteria_workbook(content: bytes) -> tuple[dict, list[str]]:
    """The workbook as criteria_io table data, plus every error found (empty when valid).

    Checks per cell (numbers, yes/no, JSON, rule names, empty required cells), per row (rule
    parameters), per table (unique codes, parents, groups, maxima sum to the table's scale).
    """
    workbook = open_workbook(content)
    try:
        rows, errors = read_sheet(workbook, CRITERIA_SHEET, CRITERIA)
        info = _read_info(workbook, errors)
    finally:
        workbook.close()
    if errors:
        return {}, errors

    def where(row, key):
        return row.where(key, HEADERS[key])

    table_rows = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        raw = row.values
        errors_before = len(errors)
        code = _text(raw["code"])
        if not code:
            errors.append(f"{where(row, 'code')}: mã không được để trống.")
        elif code in first_row_of:
            errors.append(f"{where(row, 'code')}: mã “{code}” trùng với dòng {first_row_of[code]}.")
        else:
            first_row_of[code] = row.number
        title = _text(raw["title"])
        if not title:
            errors.append(f"{where(row, 'title')}: nội dung tiêu chí không được để trống.")
        rule_text = _text(raw["rule"])
        rule = RULES_BY_TEXT.get(rule_text.casefold(), "") if rule_text else ""
        if rule_text and not rule:
            names = ", ".join(str(choice.label) for choice in RuleChoice)
            errors.append(
                f"{where(row, 'rule')}: “{rule_text}” không phải là cách tính điểm hợp lệ "
                f"({names})."
            )
        params_text = _text(raw["params"])
        params = {}
        if params_text:
            try:
                params = json.loads(params_text)
            except json.JSONDecodeError:
                errors.append(f"{where(row, 'params')}: tham số không đúng định dạng JSON.")
        maximum = _decimal(raw["maximum"], where(row, "maximum"), errors)
        item = {
            "code": code,
            "parent": _text(raw["parent"]) or None,
            "title": title,
            "rule": rule,
            "params": params,
            "maximum": maximum,
            "guidance": _text(raw.get("guidance")),
            "evidence_expected": _text(raw.get("evidence_expected")),
            "allow_not_applicable": _boolean(
                raw.get("allow_not_applicable"),
                False,
                where(row, "allow_not_applicable") if "allow_not_applicable" in row.letters else "",
                errors,
            ),
            "requires_evidence": _boolean(
                raw.get("requires_evidence"),
                True,
                where(row, "requires_evidence") if "requires_evidence" in row.letters else "",
                errors,
            ),
        }
        if rule and len(errors) == errors_before:
            try:
                validate_rule(rule, params, maximum)
            except InvalidRule as error:
                key = RULE_FIELD_COLUMNS.get(error.field, "params")
                errors.append(f"{where(row, key)}: {error.message}")
        table_rows.append((row, item))
    if errors:
        return {}, errors

    specs = [
        ItemSpec(
            code=item["code"],
            rule=item["rule"] or None,
            params=item["params"],
            maximum=item["maximum"],
            parent=item["parent"],
            allow_not_applicable=item["allow_not_applicable"],
        )
        for _row, item in table_rows
    ]
    try:
        validate_table(specs, scale_max=info["scale_max"])
    except InvalidTable as error:
        for code, message in error.errors:
            if code in first_row_of:
                prefix = f"Dòng {code}: "
                message = message.removeprefix(prefix)
                message = f"Dòng {first_row_of[code]} (mã {code}): {message}"
            errors.append(message)
    if errors:
        return {}, errors
    data = {
        **info,
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
        for number, values in enumerate(workbook[INFO_SHEET].iter_rows(values_only=True), 1):
            if len(found) > len(INFO_ROWS) or number > 50:
                break
            label = _text(values[0] if values else None).casefold()
            if label in by_label:
                found[by_label[label]] = (number, values[1] if len(values) > 1 else None)
    info = {"label": "", "title": "", "source": ""}
    for key in ("label", "title", "source"):
        if key in found:
            info[key] = _text(found[key][1])
    for key, default in (("scale_max", Decimal("3.00")), ("deduction_floor", Decimal("-1.00"))):
        info[key] = default
        if key in found:
            number, value = found[key]
            label = dict(INFO_ROWS)[key]
            parsed = _decimal(value, f"Trang “{INFO_SHEET}”, dòng {number} “{label}”", errors)
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

    A table that already has submissions is refused (load_table's rule): results already given
    against it must keep meaning what they meant; a new year gets a new period. Audit row.
    """
    data, errors = parse_criteria_workbook(content)
    if errors:
        raise WorkbookError(errors)
    data["label"] = data["label"] or kind.appendix_label
    data["title"] = data["title"] or kind.name
    data["source"] = data["source"] or (f"Nhập từ tệp {filename}" if filename else "")
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


# Agencies -------------------------------------------------------------------------------------

AGENCY_SHEET = "Cơ quan, đơn vị"
AGENCY_COLUMNS = [
    Column("code", "Mã"),
    Column("name", "Tên cơ quan, đơn vị"),
    Column("short_name", "Tên viết tắt", required=False),
    Column("kind", "Mã loại"),
    Column("email", "Thư điện tử", required=False),
    Column("order", "Thứ tự", required=False),
    Column("is_active", "Đang hoạt động", required=False),
]
ACCOUNT_SHEET = "Tài khoản"
ACCOUNT_COLUMNS = [
    Column("username", "Tên đăng nhập"),
    Column("last_name", "Họ và tên đệm"),
    Column("first_name", "Tên"),
    Column("email", "Thư điện tử"),
    Column("agency", "Mã cơ quan"),
    Column("job_title", "Chức vụ", required=False),
    Column("phone", "Điện thoại", required=False),
]


def _read_rows(content: bytes, sheet: str, columns):
    """The rows of one sheet of an uploaded workbook, or its errors; the workbook is closed."""
    workbook = open_workbook(content)
    try:
        return read_sheet(workbook, sheet, columns)
    finally:
        workbook.close()


def _headers(columns):
    return {column.key: column.header for column in columns}


def parse_agencies_workbook(content: bytes) -> tuple[list[dict], list[str]]:
    """Agencies to create or update (matched by code), or every error found."""
    rows, errors = _read_rows(content, AGENCY_SHEET, AGENCY_COLUMNS)
    if errors:
        return [], errors
    headers = _headers(AGENCY_COLUMNS)
    kinds = {kind.code: kind for kind in AgencyKind.objects.all()}
    names_in_db = dict(Agency.objects.values_list("name", "code"))
    seen_codes, seen_names, result = {}, {}, []
    for row in rows:
        raw = row.values

        def where(key, row=row):
            return row.where(key, headers[key])

        code = _text(raw["code"])
        try:
            validate_slug(code)
        except ValidationError:
            errors.append(
                f"{where('code')}: mã “{code}” chỉ được gồm chữ không dấu, số và dấu gạch ngang."
            )
        if code in seen_codes:
            errors.append(f"{where('code')}: mã “{code}” trùng với dòng {seen_codes[code]}.")
        seen_codes.setdefault(code, row.number)
        name = _text(raw["name"])
        if not name:
            errors.append(f"{where('name')}: tên không được để trống.")
        elif name in seen_names:
            errors.append(f"{where('name')}: tên “{name}” trùng với dòng {seen_names[name]}.")
        elif names_in_db.get(name, code) != code:
            errors.append(
                f"{where('name')}: tên “{name}” đã dùng cho cơ quan có mã “{names_in_db[name]}”."
            )
        seen_names.setdefault(name, row.number)
        kind = kinds.get(_text(raw["kind"]))
        if kind is None:
            errors.append(f"{where('kind')}: không có loại cơ quan có mã “{_text(raw['kind'])}”.")
        email = _text(raw.get("email"))
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
                "short_name": _text(raw.get("short_name")),
                "kind": kind,
                "email": email,
                "order": int(order or 0),
                "is_active": is_active,
            }
        )
    return ([], errors) if errors else (result, [])


@transaction.atomic
def import_agencies_workbook(content: bytes, *, actor) -> tuple[int, int]:
    """Create or update agencies by code, all or nothing. Returns (created, updated)."""
    rows, errors = parse_agencies_workbook(content)
    if errors:
        raise WorkbookError(errors)
    existing = {agency.code: agency for agency in Agency.objects.all()}
    created = updated = 0
    for values in rows:
        agency = existing.get(values["code"])
        if agency is None:
            accounts.save_agency(Agency(), actor=actor, **values)
            created += 1
        elif accounts.save_agency(agency, actor=actor, **values):
            updated += 1
    return created, updated


def parse_accounts_workbook(content: bytes) -> tuple[list[dict], list[str]]:
    """Officer accounts to create or update (matched by username), or every error found."""
    rows, errors = _read_rows(content, ACCOUNT_SHEET, ACCOUNT_COLUMNS)
    if errors:
        return [], errors
    headers = _headers(ACCOUNT_COLUMNS)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    roles = dict(User.objects.values_list("username", "role"))
    validator = User.username_validator
    seen, result = {}, []
    for row in rows:
        raw = row.values

        def where(key, row=row):
            return row.where(key, headers[key])

        username = _text(raw["username"])
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
        if username in roles and roles[username] != Role.OFFICER:
            errors.append(
                f"{where('username')}: “{username}” là tài khoản "
                f"{Role(roles[username]).label.lower()}, không phải cán bộ đầu mối."
            )
        for key in ("last_name", "first_name"):
            if not _text(raw[key]):
                errors.append(f"{where(key)}: không được để trống.")
        email = _text(raw["email"])
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                f"{where('email')}: “{email}” không phải là địa chỉ thư hợp lệ "
                "(cần để gửi đường dẫn đặt mật khẩu)."
            )
        agency = agencies.get(_text(raw["agency"]))
        if agency is None:
            errors.append(
                f"{where('agency')}: không có cơ quan, đơn vị có mã “{_text(raw['agency'])}”."
            )
        result.append(
            {
                "username": username,
                "last_name": _text(raw["last_name"]),
                "first_name": _text(raw["first_name"]),
                "email": email,
                "agency": agency,
                "job_title": _text(raw.get("job_title")),
                "phone": _text(raw.get("phone")),
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
