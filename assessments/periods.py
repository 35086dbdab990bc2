"""Setting up a year: new periods copied from a previous one, period settings, deadline
extensions and reminders. Every change writes an audit row in the same transaction."""

import datetime as dt
import json
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments import audit, workflow
from assessments.criteria_io import dump_table, load_table
from assessments.enums import (
    PERIOD_OPEN_FOR_SUBMISSION,
    AuditAction,
    PeriodStatus,
    SubmissionStatus,
)
from assessments.models import (
    Agency,
    Criterion,
    Extension,
    Period,
    Program,
    ReminderLog,
    Submission,
)
from assessments.notifications import agency_officers, notify

# Settings an administrator edits on a period; status is never one of them (workflow only).
PERIOD_FIELDS = (
    "program",
    "code",
    "year",
    "title",
    "is_practice",
    "window_start",
    "window_end",
    "self_assessment_deadline",
    "report_deadline",
    "evaluating_agency",
    "legal_basis",
    "guidance_document",
    "scale_max",
    "decimal_places",
    "bands",
)
# Settings of a program (its documents' wording); Program has no status.
PROGRAM_FIELDS = (
    "code",
    "name",
    "subject",
    "description",
    "evaluating_agency",
    "parent_body",
    "agency_short_name",
    "agency_abbreviation",
    "handling_unit",
    "handling_unit_code",
    "signer_title",
    "signer_name",
    "report_addressee",
    "report_through",
    "order",
)


class AdministrationError(Exception):
    """A change an administrator asked for that cannot be made; `message` is shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _shown(value):
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        # Result bands, best first; none means the period only ranks.
        shown = "; ".join(
            f"{band['label']} ≥ {str(band['lowest']).replace('.', ',')}" for band in value
        )
        return shown or "Không xếp loại (chỉ xếp hạng)"
    return value


@transaction.atomic
def create_program(*, actor, **values) -> Program:
    """Create an evaluation program from `values` (the PROGRAM_FIELDS). Side effect: audit row."""
    program = Program.objects.create(**values)
    audit.record(
        actor=actor, action=AuditAction.CREATE_PROGRAM, target=program.code, new=program.name
    )
    return program


@transaction.atomic
def update_program(program: Program, *, actor, **values) -> list[str]:
    """Change a program's settings; one audit row per changed field. Returns the changed names.
    The program's row is locked first, so two administrators never overwrite each other
    unknowingly (the second one's audit rows name the first one's values as old)."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    changed = []
    for name, new in values.items():
        if name not in PROGRAM_FIELDS:
            raise ValueError(name)
        old = getattr(locked, name)
        if old == new:
            continue
        setattr(locked, name, new)
        changed.append(name)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE_PROGRAM,
            target=locked.code,
            field=name,
            old=_shown(old),
            new=_shown(new),
        )
    if changed:
        locked.save(update_fields=changed)
    return changed


@transaction.atomic
def create_period(*, actor, copy_from: Period | None = None, **values) -> Period:
    """Create a period in “Chuẩn bị” from `values` (the PERIOD_FIELDS). With `copy_from`, every
    criteria table of that period is copied (dump → load, so the copy is validated like an
    import) and can then be edited or replaced before the period opens.

    Side effects: one audit row for the period and one per copied table.
    """
    period = Period.objects.create(status=PeriodStatus.PREPARING, **values)
    audit.record(
        actor=actor,
        period=period,
        action=AuditAction.CREATE_PERIOD,
        target=period.code,
        new=period.title,
        reason=f"Sao chép từ kỳ “{copy_from}”" if copy_from else "",
    )
    if copy_from is not None:
        for table in copy_from.tables.select_related("kind"):
            copied = load_table(dump_table(table), period, table.kind)
            updated = _update_year(copied, copy_from.year, period.year)
            reason = f"Sao chép từ kỳ “{copy_from}”"
            if updated:
                reason += (
                    f"; đổi “năm {copy_from.year}” thành “năm {period.year}” ở {updated} nội dung"
                )
            audit.record(
                actor=actor,
                period=period,
                action=AuditAction.COPY_TABLE,
                target=copied.label,
                new=copied.title,
                reason=reason,
            )
    return period


# Texts of a criterion a person reads, in the order the list of leftovers shows them.
CRITERION_TEXTS = {
    "title": "nội dung",
    "guidance": "hướng dẫn chấm",
    "evidence_expected": "tài liệu kiểm chứng",
}


def _update_year(table, old_year: int, new_year: int) -> int:
    """In a copied table, “năm <old year>” becomes “năm <new year>” in the table's title and
    its criteria's texts. Nothing else is touched: “16/2022/QĐ-UBND” or “ngày 22/8/2022” name a
    document or a day and must be read by a person (see texts_naming_other_years). Returns
    the number of texts changed."""
    if old_year == new_year:
        return 0
    pattern = re.compile(rf"\bnăm {old_year}\b")
    replacement = f"năm {new_year}"
    changed = 0
    new_title = pattern.sub(replacement, table.title)
    if new_title != table.title:
        table.title = new_title
        table.save(update_fields=["title"])
        changed += 1
    for criterion in table.criteria.all():
        fields = []
        for name in CRITERION_TEXTS:
            new = pattern.sub(replacement, getattr(criterion, name))
            if new != getattr(criterion, name):
                setattr(criterion, name, new)
                fields.append(name)
        if fields:
            criterion.save(update_fields=fields)
            changed += len(fields)
    return changed


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 40), min(len(text), end + 40)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def texts_naming_other_years(period: Period) -> list[dict]:
    """Every text of the period's criteria tables that names a year other than the period's
    (a copied table's dates, decision numbers, plans of last year), for the administrator to
    read before opening the period: [{"where", "excerpt"}], in table and criterion order."""
    found = []
    year = str(period.year)

    def scan(where: str, text: str) -> None:
        for match in YEAR.finditer(text):
            # A number far from the period's year (“Công văn 2083/…”) is not a year.
            if match.group() != year and abs(int(match.group()) - period.year) <= 30:
                found.append({"where": where, "excerpt": _excerpt(text, *match.span())})
                return  # one line per text is enough to send the reader there

    for table in period.tables.select_related("kind").order_by("kind__order"):
        scan(f"{table.label}: tên bảng", table.title)
        scan(f"{table.label}: nguồn", table.source)
    criteria = (
        Criterion.objects.filter(table__period=period)
        .select_related("table")
        .order_by("table__kind__order", "order")
    )
    for criterion in criteria:
        where = f"{criterion.table.label}, tiêu chí {criterion.code}"
        for name, label in CRITERION_TEXTS.items():
            scan(f"{where}: {label}", getattr(criterion, name))
        if criterion.params:
            scan(
                f"{where}: tham số chấm điểm",
                json.dumps(criterion.params, ensure_ascii=False),
            )
    return found


def open_period(period: Period, *, actor, confirm_past_deadline: bool = False) -> Period:
    """Open the period for self-assessment (workflow.change_period_status “open_period”).

    Rule: when the common self-assessment deadline has already passed, the administrator must
    confirm explicitly; otherwise agencies would find a period they can no longer submit to."""
    if timezone.now() >= period.deadline_ends_at and not confirm_past_deadline:
        raise AdministrationError(
            f"Hạn gửi kết quả tự đánh giá của kỳ (hết ngày "
            f"{period.self_assessment_deadline:%d/%m/%Y}) đã qua: các cơ quan sẽ không nộp "
            "được hồ sơ. Hãy sửa thời hạn của kỳ, hoặc đánh dấu “Vẫn mở kỳ dù hạn đã qua” "
            "để xác nhận."
        )
    return workflow.change_period_status(period, "open_period", actor=actor)


@transaction.atomic
def update_period(period: Period, *, actor, **values) -> list[str]:
    """Change a period's settings; one audit row per changed field. Returns the changed names."""
    changed = []
    for name, new in values.items():
        if name not in PERIOD_FIELDS:
            raise ValueError(name)
        old = getattr(period, name)
        if old == new:
            continue
        setattr(period, name, new)
        changed.append(name)
        audit.record(
            actor=actor,
            period=period,
            action=AuditAction.UPDATE_PERIOD,
            target=period.code,
            field=name,
            old=_shown(old),
            new=_shown(new),
        )
    if changed:
        period.save(update_fields=changed)
    return changed


def effective_deadline(period: Period, extension: Extension | None) -> dt.date:
    return extension.new_deadline if extension is not None else period.self_assessment_deadline


@transaction.atomic
def grant_extension(period: Period, agency: Agency, *, new_deadline: dt.date, reason: str, actor):
    """Give (or change) one agency's later self-assessment deadline.

    Rules: a reason is required; the new date is after the period's own deadline and not after
    the report deadline (results must still reach UBND tỉnh in time); only while the period is
    being prepared, open or under review. Side effects: audit row; the agency's officers are
    notified after commit.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AdministrationError("Vui lòng nêu lý do gia hạn.")
    if period.status not in (
        PeriodStatus.PREPARING,
        PeriodStatus.SELF_ASSESSMENT,
        PeriodStatus.REVIEW,
    ):
        raise AdministrationError("Kỳ đánh giá đã chốt; không thể gia hạn.")
    if new_deadline <= period.self_assessment_deadline:
        raise AdministrationError(
            f"Hạn mới phải sau hạn chung "
            f"({period.self_assessment_deadline:%d/%m/%Y}) của kỳ đánh giá."
        )
    if new_deadline > period.report_deadline:
        raise AdministrationError(
            f"Hạn mới không được sau hạn gửi kết quả về UBND tỉnh "
            f"({period.report_deadline:%d/%m/%Y})."
        )
    extension = Extension.objects.select_for_update().filter(period=period, agency=agency).first()
    old = extension.new_deadline if extension else None
    if extension is None:
        extension = Extension.objects.create(
            period=period, agency=agency, new_deadline=new_deadline, reason=reason, granted_by=actor
        )
    else:
        extension.new_deadline = new_deadline
        extension.reason = reason
        extension.granted_by = actor
        extension.save(update_fields=["new_deadline", "reason", "granted_by"])
    audit.record(
        actor=actor,
        period=period,
        action=AuditAction.GRANT_EXTENSION,
        target=agency.name,
        field="new_deadline",
        old=_shown(old),
        new=_shown(new_deadline),
        reason=reason,
    )
    notify(
        agency_officers(agency),
        title=f"{period.title}: gia hạn tự đánh giá đến hết ngày {new_deadline:%d/%m/%Y}",
        body=f"Lý do: {reason}",
        url=reverse("home"),
    )
    return extension


@transaction.atomic
def remove_extension(extension: Extension, *, actor, reason: str) -> None:
    """Withdraw an extension (the period's own deadline applies again). Reason required."""
    reason = (reason or "").strip()
    if not reason:
        raise AdministrationError("Vui lòng nêu lý do hủy gia hạn.")
    audit.record(
        actor=actor,
        period=extension.period,
        action=AuditAction.REMOVE_EXTENSION,
        target=extension.agency.name,
        field="new_deadline",
        old=_shown(extension.new_deadline),
        new=None,
        reason=reason,
    )
    extension.delete()


# Reminders -------------------------------------------------------------------------------------

NOT_STARTED = "not_started"
IN_DRAFT = "draft"
SUBMITTED = "submitted"
PROGRESS_LABELS = {
    NOT_STARTED: "Chưa bắt đầu",
    IN_DRAFT: "Đang tự đánh giá, chưa nộp",
    SUBMITTED: "Đã nộp",
}


def expected_agencies(period: Period):
    """Active agencies of a kind that has a table in the period: those who must self-assess."""
    return (
        Agency.objects.filter(is_active=True, kind__tables__period=period)
        .select_related("kind")
        .distinct()
    )


def agency_progress(period: Period, *, today: dt.date | None = None) -> list[dict]:
    """One row per expected agency: its submission (if any), its extension (if any), its
    deadline, the bucket not_started / draft / submitted, and whether a reminder may still be
    sent (reminder_due). Three queries, whatever the size."""
    today = today or timezone.localdate()
    agencies = list(expected_agencies(period))
    submissions = {
        s.agency_id: s for s in Submission.objects.filter(period=period).only("agency", "status")
    }
    extensions = {e.agency_id: e for e in Extension.objects.filter(period=period)}
    rows = []
    for agency in agencies:
        submission = submissions.get(agency.pk)
        if submission is None:
            state = NOT_STARTED
        elif submission.status == SubmissionStatus.DRAFT:
            state = IN_DRAFT
        else:
            state = SUBMITTED
        extension = extensions.get(agency.pk)
        deadline = effective_deadline(period, extension)
        rows.append(
            {
                "agency": agency,
                "submission": submission,
                "state": state,
                "state_label": PROGRESS_LABELS[state],
                "extension": extension,
                "deadline": deadline,
                "is_overdue": state != SUBMITTED and deadline < today,
                "reminder_due": state != SUBMITTED and deadline >= today,
            }
        )
    return rows


def _send(period: Period, row: dict, *, key: str, actor) -> bool:
    """Send one reminder unless one with this key was already sent (the unique key makes a
    second cron run, or a double click, a no-op)."""
    agency = row["agency"]
    with transaction.atomic():
        _log, created = ReminderLog.objects.get_or_create(
            period=period, agency=agency, key=key, defaults={"sent_by": actor}
        )
        if not created:
            return False
        deadline = row["deadline"]
        if row["state"] == NOT_STARTED:
            situation = "Đơn vị chưa bắt đầu tự đánh giá."
        else:
            situation = "Hồ sơ tự đánh giá của đơn vị chưa được nộp."
        notify(
            agency_officers(agency),
            title=f"Nhắc việc: {period.title} — hạn nộp hết ngày {deadline:%d/%m/%Y}",
            body=(
                f"{situation} Vui lòng hoàn thành và nộp hồ sơ trước hết ngày {deadline:%d/%m/%Y}."
            ),
            url=reverse("assessments:agency_period", args=[period.code]),
        )
        audit.record(
            actor=actor,
            period=period,
            action=AuditAction.SEND_REMINDER,
            target=agency.name,
            new=key,
        )
    return True


def send_reminders(period: Period, agency_ids, *, actor, today: dt.date | None = None) -> tuple:
    """Remind the chosen agencies that have not submitted (one manual reminder per agency per
    day), only while the period is open for submission and only before the agency's own deadline
    (its extension's, if any): after it, a reminder would ask for what can no longer be done.
    Returns (sent, skipped) agency lists: skipped were already reminded today, have already
    submitted, or are past their deadline without an extension that covers today."""
    if period.status not in PERIOD_OPEN_FOR_SUBMISSION:
        raise AdministrationError(
            "Kỳ đánh giá không mở cho các cơ quan tự đánh giá; không gửi nhắc việc."
        )
    today = today or timezone.localdate()
    wanted = {int(pk) for pk in agency_ids}
    sent, skipped = [], []
    for row in agency_progress(period, today=today):
        if row["agency"].pk not in wanted:
            continue
        if not row["reminder_due"]:
            skipped.append(row["agency"])
            continue
        key = f"thu-cong-{today:%Y%m%d}"
        (sent if _send(period, row, key=key, actor=actor) else skipped).append(row["agency"])
    return sent, skipped


def send_due_reminders(period: Period, days_before, *, today: dt.date | None = None) -> list:
    """For a daily cron: remind every agency that has not submitted when its own deadline
    (extension included) is exactly N days away, for each N in `days_before`. The key names N
    and the deadline, so a rerun the same day sends nothing and a new extension date gets its
    own reminders. Returns the (agency, days) pairs sent."""
    today = today or timezone.localdate()
    if period.status != PeriodStatus.SELF_ASSESSMENT:
        return []
    sent = []
    for row in agency_progress(period, today=today):
        if not row["reminder_due"]:
            continue
        days = (row["deadline"] - today).days
        if days in set(days_before):
            key = f"truoc-han-{days}-ngay-{row['deadline']:%Y%m%d}"
            if _send(period, row, key=key, actor=None):
                sent.append((row["agency"], days))
    return sent
