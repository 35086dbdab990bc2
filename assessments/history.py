"""The history panel of a submission: audit rows and exchange messages, merged in time order,
filtered to what the reader may see."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist

from assessments import permissions
from assessments.enums import AuditAction, MessageKind, SubmissionStatus
from assessments.models import AuditEntry, Message, Period

FIELD_LABELS = {
    "status": "Trạng thái",
    "reviewer_inputs": "Số liệu thẩm định",
    "reviewer_points": "Điểm thẩm định",
    "reviewer_override": "Điều chỉnh trực tiếp",
    "reviewer_not_applicable": "Không áp dụng (thẩm định)",
    "reviewer_reason": "Lý do điều chỉnh",
    "agency_response": "Ý kiến của đơn vị",
    "agency_response_text": "Nội dung giải trình",
    "evidence": "Tài liệu kiểm chứng",
    "reviewer": "Người thẩm định",
    "inputs": "Số liệu tự đánh giá",
    "points": "Điểm tự đánh giá",
    "explanation": "Giải trình cách tính điểm",
    "not_applicable": "Không áp dụng",
    "not_applicable_reason": "Lý do không áp dụng",
    "new_deadline": "Hạn mới",
    "agreement": "Cách thống nhất",
}


def action_label(action: str) -> str:
    """How a person reads an audit action (the code itself only for a value no longer known)."""
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action


def field_label(name: str) -> str:
    """How a person reads the changed field of an audit row: the submission's fields above, a
    period's by their verbose name."""
    if not name:
        return ""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    try:
        label = str(Period._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: object
    title: str
    target: str = ""
    field: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""
    body: str = ""
    kind: str = "audit"
    is_internal: bool = False


# Status changes that send the appraisal to the agency. While a dossier is in review (first
# appraisal, or reopened), edits made after the last of them are the reviewer's work in progress
# and stay inside the Department until sent, as on the exchange page.
APPRAISAL_SENDING_ACTIONS = frozenset(
    {
        AuditAction.RETURN_FOR_EXPLANATION,
        AuditAction.ACCEPT,
        AuditAction.RECORD_DECISION,
        AuditAction.FINALISE,
    }
)
APPRAISAL_EDIT_ACTIONS = frozenset(
    {
        AuditAction.CORRECT_INPUTS,
        AuditAction.OVERRIDE_POINTS,
        AuditAction.MARK_NOT_APPLICABLE,
        AuditAction.KEEP_AGENCY_RESULT,
    }
)


def _without_unsent_appraisal(entries: list[AuditEntry]) -> list[AuditEntry]:
    last_sent = max(
        (entry.at for entry in entries if entry.action in APPRAISAL_SENDING_ACTIONS), default=None
    )
    return [
        entry
        for entry in entries
        if entry.action not in APPRAISAL_EDIT_ACTIONS or (last_sent and entry.at <= last_sent)
    ]


def history_for(user, submission) -> list[HistoryEntry]:
    """Every status change, change of a value and message of the submission the user may read,
    oldest first. Agencies never see internal notes, questions drafted for a round that has not
    been sent yet, nor appraisal edits made since the appraisal was last sent to them. Two queries whatever the length of the history."""
    staff = permissions.can_see_internal_notes(user)
    entries = AuditEntry.objects.filter(submission=submission).select_related("actor")
    messages = Message.objects.filter(submission=submission).select_related(
        "author", "item__criterion"
    )
    if not staff:
        entries = entries.filter(is_internal=False)
        messages = messages.filter(is_internal=False, round__lte=submission.round)
    entries = list(entries)
    if not staff and submission.status in (SubmissionStatus.IN_REVIEW, SubmissionStatus.ANSWERED):
        entries = _without_unsent_appraisal(entries)
    result = [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            title=action_label(entry.action),
            target=entry.target,
            field=field_label(entry.field),
            old=entry.old_value,
            new=entry.new_value,
            # The new reason is the value itself there; saying it twice reads badly.
            reason="" if entry.field == "reviewer_reason" else entry.reason,
            is_internal=entry.is_internal,
        )
        for entry in entries
        # Questions and notes are shown from their message (with the round), not twice.
        if entry.action not in (AuditAction.ASK_QUESTION, AuditAction.ADD_INTERNAL_NOTE)
    ]
    # return_for_explanation, answer and record_decision keep their text both as the status
    # change's reason and as a submission-level message; show it once, with the status change.
    transition_texts = {
        entry.reason for entry in entries if entry.field == "status" and entry.reason
    }
    result += [
        HistoryEntry(
            at=message.created_at,
            actor=message.author,
            title=MessageKind(message.kind).label,
            target=message.item.criterion.code if message.item_id else "",
            body=message.body,
            kind="message",
            is_internal=message.is_internal,
        )
        for message in messages
        if message.item_id is not None or message.body not in transition_texts
    ]
    return sorted(result, key=lambda entry: entry.at)


def period_log(period, *, limit: int = 30) -> list[HistoryEntry]:
    """The period's own audit rows (set-up, status, reports, reminders), newest first, read in
    Vietnamese with the same labels as a dossier's history."""
    entries = (
        period.audit_entries.filter(submission__isnull=True)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            title=action_label(entry.action),
            target=entry.target,
            field=field_label(entry.field),
            old=entry.old_value,
            new=entry.new_value,
            reason=entry.reason,
        )
        for entry in entries
    ]
