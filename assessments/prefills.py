"""Facts prefilled from the province's systems (issue 14): the Department imports, per agency
and measurable criterion, the value its systems hold (documents sent with a digital signature,
online applications …), with the source system and the date the figure was taken.

* `import_prefill_workbook` reads the workbook (`workbooks.PREFILL_COLUMNS`), reports every
  problem in one pass by row and column, then writes all or nothing: a new fact is created, a
  changed one replaced (audited with its old and new value).
* A value is validated by the criterion's own answer form (`forms.answers.rule_form_class`), so
  the fact is stored exactly as the agency's answer would be and scores the same way.
* The dossier starts from the facts: `initial_items` when it is created, `place_in_drafts` for
  a draft that exists already (only where the agency has not answered, or still holds the
  value placed by an earlier import: what the agency typed is never overwritten).
* The agency accepts a fact or gives its own value with an explanation
  (`forms.answers.needs_explanation`, `selfassessment.accept_prefill`); `ItemScore.prefill`
  records which, and documents mark it (`display.prefill_note`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from assessments import audit, scores
from assessments.display import describe_inputs
from assessments.enums import AuditAction, PeriodStatus, PrefillState, SubmissionStatus
from assessments.forms.answers import (
    ChecklistForm,
    CountForm,
    OptionsForm,
    RatioForm,
    YesNoForm,
    rule_form_class,
)
from assessments.imports import (
    FALSE_TEXTS,
    TRUE_TEXTS,
    WorkbookError,
    cell_text,
    read_sheet,
    read_upload,
)
from assessments.models import Agency, Criterion, ItemScore, PrefilledFact, Submission
from assessments.workbooks import NO, PREFILL_COLUMNS, PREFILL_SHEET, YES
from scoring import format_number

# Facts matter while the agencies have not submitted: before and during the self-assessment.
PREFILL_PERIOD_STATUSES = frozenset({PeriodStatus.PREPARING, PeriodStatus.SELF_ASSESSMENT})
PERIOD_CLOSED = (
    "Kỳ “{period}” không còn ở giai đoạn chuẩn bị hoặc tự đánh giá: số liệu điền sẵn chỉ nhập "
    "trước khi các cơ quan nộp hồ sơ."
)


def as_of_text(fact) -> str:
    return f"{fact.as_of:%d/%m/%Y}"


def state_after(fact, inputs, current: str) -> str:
    """ItemScore.prefill once the agency's answer is `inputs`."""
    if fact is None:
        return ""
    if inputs and inputs != fact.inputs:
        return PrefillState.CHANGED
    if inputs and current == PrefillState.ACCEPTED:
        return PrefillState.ACCEPTED
    return PrefillState.OFFERED if inputs else current


def facts_for(submission) -> dict[int, PrefilledFact]:
    """The facts of a dossier by criterion id, in one query (callers skip it when the table has
    no measurable criterion)."""
    return {
        fact.criterion_id: fact
        for fact in PrefilledFact.objects.filter(
            agency_id=submission.agency_id, criterion__table_id=submission.table_id
        )
    }


def fact_for_item(item) -> PrefilledFact | None:
    """The fact of one item (`item.criterion` and `item.submission` loaded); no query unless
    the criterion is measurable."""
    if not item.criterion.measurable:
        return None
    return PrefilledFact.objects.filter(
        agency_id=item.submission.agency_id, criterion_id=item.criterion_id
    ).first()


# --- the dossier starts from the facts ---------------------------------------------------------


def initial_items(submission, criteria) -> list[ItemScore]:
    """Unsaved items of a new dossier, one per criterion, holding the agency's facts."""
    facts = {
        fact.criterion_id: fact
        for fact in PrefilledFact.objects.filter(
            agency_id=submission.agency_id, criterion__in=[c.pk for c in criteria]
        )
    }
    items = []
    for criterion in criteria:
        item = ItemScore(submission=submission, criterion=criterion)
        fact = facts.get(criterion.pk)
        if fact is not None:
            item.inputs = fact.inputs
            item.points = scores.item_points(criterion, fact.inputs)
            item.prefill = PrefillState.OFFERED
        items.append(item)
    return items


def place_in_drafts(period, facts: list[PrefilledFact], *, actor, previous=None) -> int:
    """Put the facts into the agencies' draft dossiers of the period where the agency has not
    answered the criterion, or still holds the value an earlier import placed (`previous`:
    {fact pk: inputs before this import}), offered or accepted as it was: a corrected figure
    replaces the one the agency accepted, which is offered again for the agency to confirm.
    Never over what the agency typed or marked not applicable. Returns how many items
    received a value.

    Locks the drafts then their items (the order every writer uses); each placed item: version
    + 1, an audit row; each touched dossier: version + 1."""
    if not facts:
        return 0
    previous = previous or {}
    wanted = {(fact.agency_id, fact.criterion_id): fact for fact in facts}
    submission_ids = list(
        Submission.objects.select_for_update()
        .filter(
            period=period,
            status=SubmissionStatus.DRAFT,
            agency_id__in={agency for agency, _criterion in wanted},
        )
        .values_list("pk", flat=True)
    )
    if not submission_ids:
        return 0
    items = (
        ItemScore.objects.select_for_update()
        .select_related("submission__period", "criterion")
        .filter(submission_id__in=submission_ids, criterion_id__in={c for _a, c in wanted})
        .filter(
            Q(prefill="", not_applicable=False)
            | Q(prefill__in=[PrefillState.OFFERED, PrefillState.ACCEPTED])
        )
        .order_by("pk")
    )
    placed = []
    for item in items:
        fact = wanted.get((item.submission.agency_id, item.criterion_id))
        if fact is None:
            continue
        if item.prefill == "" and item.inputs:
            continue  # the agency's own answer
        # A placed value (offered or accepted) is replaced only while it is still what the
        # earlier import placed.
        if item.prefill in (PrefillState.OFFERED, PrefillState.ACCEPTED) and (
            item.inputs != previous.get(fact.pk) or item.inputs == fact.inputs
        ):
            continue
        old = describe_inputs(item.criterion, item.inputs or None)
        item.inputs = fact.inputs
        item.points = scores.item_points(item.criterion, fact.inputs)
        item.prefill = PrefillState.OFFERED
        item.version += 1
        placed.append(item)
        audit.record(
            actor=actor,
            submission=item.submission,
            action=AuditAction.PLACE_PREFILL,
            target=item.criterion.code,
            field="inputs",
            old=old,
            new=describe_inputs(item.criterion, fact.inputs),
            reason=f"{fact.source}, ngày {as_of_text(fact)}",
        )
    if placed:
        ItemScore.objects.bulk_update(placed, ["inputs", "points", "prefill", "version"])
        # A page loaded before the import is stale: its next save meets a conflict that shows
        # the placed value, rather than silently putting back an empty answer.
        Submission.objects.filter(pk__in={item.submission_id for item in placed}).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
    return len(placed)


# --- the workbook ------------------------------------------------------------------------------

# Where a form error on an input points: the number pair has its columns, the rest is “Giá trị”.
FIELD_COLUMN = {"numerator": "numerator", "denominator": "denominator"}


def expected_form(criterion) -> str:
    cls = rule_form_class(criterion)
    if cls is YesNoForm:
        return f"“{YES}” hoặc “{NO}”"
    if cls is CountForm:
        return "một số (ví dụ 12)"
    if cls is OptionsForm:
        keys = ", ".join(f"“{option['key']}”" for option in criterion.params.get("options", []))
        return f"mã một lựa chọn ({keys})"
    if cls is ChecklistForm:
        return "số thứ tự các mục đạt, ví dụ “1; 3” (hoặc “Không”)"
    return "tử số và mẫu số ở hai cột Tử số, Mẫu số (hoặc tỷ lệ % ở cột Giá trị)"


def _number_text(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_number(Decimal(value))
    if isinstance(value, float):
        return format_number(Decimal(repr(value)))
    return cell_text(value)


def _form_data(criterion, values: dict) -> dict | None:
    """The row's cells as the criterion's answer form receives them; None when the value cell
    cannot mean anything for the rule (a sentence is given by the caller)."""
    cls = rule_form_class(criterion)
    value = values.get("value")
    text = _number_text(value) if value not in (None, "") else ""
    if cls is YesNoForm:
        if isinstance(value, bool):
            return {"met": "yes" if value else "no"}
        if text.casefold() in TRUE_TEXTS:
            return {"met": "yes"}
        if text.casefold() in FALSE_TEXTS:
            return {"met": "no"}
        return None
    if cls is CountForm:
        return {"count": text}
    if cls is OptionsForm:
        for option in criterion.params.get("options", []):
            if text.casefold() in (
                option["key"].casefold(),
                str(option.get("label", "")).casefold(),
            ):
                return {"option": option["key"]}
        return None
    if cls is ChecklistForm:
        if text.casefold() in FALSE_TEXTS:
            return {"checked_none": "on"}
        parts = [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
        if not parts or not all(part.isdigit() for part in parts):
            return None
        return {"checked": [str(int(part) - 1) for part in parts]}
    numerator = _number_text(values.get("numerator"))
    denominator = _number_text(values.get("denominator"))
    if numerator or denominator:
        return {
            "source": "pair",
            "numerator": numerator,
            "denominator": denominator,
            "percent": text,
        }
    return {"source": "percent", "percent": text}


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and 0 < value < 2958466:
        return from_excel(float(value)).date()
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class ParsedFact:
    row: int
    agency: Agency
    criterion: Criterion
    inputs: dict
    source: str
    as_of: dt.date


def parse_prefill_workbook(content: bytes, period) -> tuple[list[ParsedFact], list[str]]:
    """The facts of the workbook, or every error found, each “Dòng n, cột X “…”: …”.

    Per row: a known agency; a criterion of the period; in the table of the agency's kind;
    marked measurable; a value valid for the criterion's rule (its answer form); a source; a
    date (not after today); no second row for the same agency and criterion. Rows with neither
    a value nor a source nor a date are skipped (the template lists every pair). Three queries.
    """
    rows, errors = read_upload(
        content, lambda workbook: read_sheet(workbook, PREFILL_SHEET, PREFILL_COLUMNS)
    )
    agencies = {agency.code: agency for agency in Agency.objects.select_related("kind")}
    criteria: dict[tuple[int, str], Criterion] = {}
    tables_of_code: dict[str, list[str]] = {}
    for criterion in (
        Criterion.objects.filter(table__period=period)
        .exclude(rule="")
        .select_related("table__kind")
    ):
        criteria[(criterion.table.kind_id, criterion.code)] = criterion
        tables_of_code.setdefault(criterion.code, []).append(criterion.table.label)
    seen: dict[tuple[str, str], int] = {}
    facts = []
    today = timezone.localdate()
    for row in rows:
        raw, where = row.values, row.where
        if all(
            raw.get(key) in (None, "") for key in ("value", "numerator", "denominator")
        ) and not (cell_text(raw.get("source")) or raw.get("as_of") not in (None, "")):
            continue
        before = len(errors)
        agency_code, code = cell_text(raw["agency"]), cell_text(raw["criterion"])
        agency = agencies.get(agency_code)
        if agency is None:
            errors.append(f"{where('agency')}: không có cơ quan, đơn vị có mã “{agency_code}”.")
        criterion = criteria.get((agency.kind_id, code)) if agency else None
        if not code:
            errors.append(f"{where('criterion')}: mã tiêu chí không được để trống.")
        elif code not in tables_of_code:
            errors.append(f"{where('criterion')}: kỳ “{period}” không có tiêu chí mã “{code}”.")
        elif agency is not None and criterion is None:
            errors.append(
                f"{where('criterion')}: tiêu chí “{code}” thuộc "
                f"{', '.join(tables_of_code[code])}, không thuộc bảng tiêu chí của loại "
                f"“{agency.kind.name}” mà “{agency_code}” tự đánh giá."
            )
        elif criterion is not None and not criterion.measurable:
            errors.append(
                f"{where('criterion')}: tiêu chí “{code}” không được đánh dấu “Đo tự động (điền "
                "sẵn)” trong bảng tiêu chí; hãy đánh dấu trong bảng hoặc bỏ dòng này."
            )
        key = (agency_code, code)
        if agency is not None and code and key in seen:
            errors.append(
                f"{where('criterion')}: cơ quan “{agency_code}” và tiêu chí “{code}” trùng với "
                f"dòng {seen[key]}."
            )
        seen.setdefault(key, row.number)
        source = cell_text(raw.get("source"))
        if not source:
            errors.append(f"{where('source')}: hãy ghi hệ thống lấy số liệu.")
        elif len(source) > 255:
            errors.append(f"{where('source')}: tối đa 255 ký tự.")
        as_of = _date(raw.get("as_of"))
        if as_of is None:
            errors.append(
                f"{where('as_of')}: “{cell_text(raw.get('as_of'))}” không phải là ngày "
                "(ngày/tháng/năm, ví dụ 15/10/2025)."
            )
        elif as_of > today:
            errors.append(f"{where('as_of')}: ngày lấy số liệu {as_of:%d/%m/%Y} chưa tới.")
        inputs = None
        if criterion is not None and criterion.measurable:
            inputs = _validate_value(criterion, row, errors)
        if len(errors) == before:
            facts.append(ParsedFact(row.number, agency, criterion, inputs, source, as_of))
    return ([], errors) if errors else (facts, [])


def _validate_value(criterion, row, errors) -> dict | None:
    where = row.where
    if all(row.values.get(key) in (None, "") for key in ("value", "numerator", "denominator")):
        errors.append(f"{where('value')}: thiếu giá trị; cần {expected_form(criterion)}.")
        return None
    data = _form_data(criterion, row.values)
    if data is None:
        errors.append(
            f"{where('value')}: “{cell_text(row.values.get('value'))}” không hợp lệ; cần "
            f"{expected_form(criterion)}."
        )
        return None
    form = rule_form_class(criterion)(data, criterion=criterion)
    form.auto_id = False
    if not form.is_valid() or form.cleaned_data.get("inputs") is None:
        for name, messages in form.errors.items():
            column = FIELD_COLUMN.get(name, "value")
            if column not in row.letters:
                column = "value"
            errors.append(f"{where(column)}: {' '.join(messages)}")
        return None
    inputs = form.cleaned_data["inputs"]
    if not inputs:
        errors.append(f"{where('value')}: thiếu giá trị; cần {expected_form(criterion)}.")
        return None
    return inputs


@dataclass
class PrefillImport:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    placed: int = 0


@transaction.atomic
def import_prefill_workbook(content: bytes, period, *, actor, filename: str = "") -> PrefillImport:
    """Create or replace the period's facts from a workbook, all or nothing, or raise
    WorkbookError listing every problem. Only while the period is being prepared or the
    agencies self-assess. Side effects: a replaced fact is audited (old → new, source and
    date); one audit row for the import; the facts are placed in the drafts
    (`place_in_drafts`)."""
    if period.status not in PREFILL_PERIOD_STATUSES:
        raise WorkbookError([PERIOD_CLOSED.format(period=period)])
    parsed, errors = parse_prefill_workbook(content, period)
    if errors:
        raise WorkbookError(errors)
    outcome = PrefillImport()
    existing = {
        (fact.agency_id, fact.criterion_id): fact
        for fact in PrefilledFact.objects.select_for_update().filter(period=period)
    }
    now = timezone.now()
    new, changed, previous = [], [], {}
    for row in parsed:
        fact = existing.get((row.agency.pk, row.criterion.pk))
        if fact is None:
            new.append(
                PrefilledFact(
                    period=period,
                    agency=row.agency,
                    criterion=row.criterion,
                    inputs=row.inputs,
                    source=row.source,
                    as_of=row.as_of,
                    imported_by=actor,
                    imported_at=now,
                )
            )
            continue
        if (fact.inputs, fact.source, fact.as_of) == (row.inputs, row.source, row.as_of):
            outcome.unchanged += 1
            continue
        audit.record(
            actor=actor,
            period=period,
            action=AuditAction.REPLACE_PREFILL,
            target=f"{row.agency.code} · {row.criterion.code}",
            field="inputs",
            old=f"{describe_inputs(row.criterion, fact.inputs)} ({fact.source}, ngày "
            f"{as_of_text(fact)})",
            new=f"{describe_inputs(row.criterion, row.inputs)} ({row.source}, ngày "
            f"{row.as_of:%d/%m/%Y})",
            reason=f"Nhập từ tệp {filename}" if filename else "",
        )
        previous[fact.pk] = fact.inputs
        fact.inputs, fact.source, fact.as_of = row.inputs, row.source, row.as_of
        fact.imported_by, fact.imported_at = actor, now
        fact.criterion = row.criterion
        changed.append(fact)
    created = PrefilledFact.objects.bulk_create(new)
    if changed:
        PrefilledFact.objects.bulk_update(
            changed, ["inputs", "source", "as_of", "imported_by", "imported_at"]
        )
    outcome.created, outcome.replaced = len(created), len(changed)
    for fact in created:
        previous.setdefault(fact.pk, None)
    outcome.placed = place_in_drafts(period, [*created, *changed], actor=actor, previous=previous)
    audit.record(
        actor=actor,
        period=period,
        action=AuditAction.IMPORT_PREFILLS,
        target=str(period),
        new=f"{outcome.created} mới, {outcome.replaced} thay, {outcome.unchanged} giữ nguyên; "
        f"điền vào {outcome.placed} tiêu chí của phiếu đang soạn",
        reason=f"Nhập từ tệp {filename}" if filename else "",
    )
    return outcome


def import_prefills(period, path, actor) -> PrefillImport:
    """Import a prefill workbook from a file (the demo seeding and scripts)."""
    path = Path(path)
    return import_prefill_workbook(path.read_bytes(), period, actor=actor, filename=path.name)


# --- back to cells (the template and the current facts) ----------------------------------------


def inputs_to_cells(criterion, inputs: dict) -> dict:
    """A fact's inputs as the workbook's cells {column key: value} (the inverse of `_form_data`)."""
    cls = rule_form_class(criterion)
    if cls is YesNoForm:
        return {"value": YES if inputs.get("met") else NO}
    if cls is CountForm:
        return {"value": inputs.get("count", "")}
    if cls is OptionsForm:
        return {"value": inputs.get("option", "")}
    if cls is ChecklistForm:
        checked = inputs.get("checked") or []
        return {"value": "; ".join(str(index + 1) for index in checked) if checked else NO}
    if cls is RatioForm and "percent" in inputs:
        return {"value": inputs["percent"]}
    return {"numerator": inputs.get("numerator", ""), "denominator": inputs.get("denominator", "")}
