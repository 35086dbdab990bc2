"""Every status change of a submission or a period, and nowhere else.

Each transition: runs in a transaction, re-reads the row with select_for_update, checks the move
against TRANSITIONS and the actor's role, refuses a stale page (expected_version), saves with
update_fields, writes an audit row, and notifies the other side after commit.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessments import audit, permissions, references, results, scores
from assessments.enums import (
    AgencyResponse,
    Agreement,
    AuditAction,
    MessageKind,
    PeriodStatus,
    Role,
    SubmissionStatus,
)
from assessments.models import Extension, ItemScore, Message, Period, Submission, User
from assessments.notifications import agency_officers, department_staff, notify, notify_agencies
from scoring import format_points, is_cross_agency, label_of


def _score_text(result) -> str:
    """“2,94 điểm, mức A+”; a ranking-only period has no grade to name."""
    grade = label_of(result.grade)
    return f"{format_points(result.score)} điểm" + (f", mức {grade}" if grade else "")


def _in_brackets(result) -> str:
    grade = label_of(result.grade)
    return f" (mức {grade})" if grade else ""


S = SubmissionStatus


class WorkflowError(Exception):
    """A move that is not allowed; `message` is the Vietnamese sentence shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConflictError(WorkflowError):
    """Someone else changed the submission since the page was loaded."""


CONFLICT_MESSAGE = (
    "Người khác vừa cập nhật hồ sơ này. Vui lòng tải lại trang để xem nội dung mới nhất "
    "trước khi thao tác tiếp."
)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    roles: frozenset
    label: str


# The one table of allowed moves. Roles are those who may trigger the move; the own-agency rule
# for reviewers is checked separately (a reviewer never appraises their own agency).
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({S.DRAFT}), S.SUBMITTED, frozenset({Role.OFFICER}), "Nộp hồ sơ"),
    "withdraw": Transition(
        frozenset({S.SUBMITTED}), S.DRAFT, frozenset({Role.OFFICER}), "Rút hồ sơ để sửa"
    ),
    "start_review": Transition(
        frozenset({S.SUBMITTED}),
        S.IN_REVIEW,
        frozenset({Role.REVIEWER, Role.LEAD}),
        "Bắt đầu thẩm định",
    ),
    "return_for_explanation": Transition(
        frozenset({S.IN_REVIEW, S.ANSWERED}),
        S.RETURNED,
        frozenset({Role.REVIEWER, Role.LEAD}),
        "Yêu cầu giải trình",
    ),
    "answer": Transition(
        frozenset({S.RETURNED}), S.ANSWERED, frozenset({Role.OFFICER}), "Gửi giải trình"
    ),
    "confirm_result": Transition(
        frozenset({S.RETURNED}), S.AGREED, frozenset({Role.OFFICER}), "Thống nhất kết quả"
    ),
    "accept": Transition(
        frozenset({S.IN_REVIEW, S.ANSWERED}),
        S.AGREED,
        frozenset({Role.REVIEWER, Role.LEAD}),
        "Chấp nhận, thống nhất kết quả",
    ),
    "record_decision": Transition(
        frozenset({S.IN_REVIEW, S.RETURNED, S.ANSWERED}),
        S.AGREED,
        frozenset({Role.LEAD}),
        "Lãnh đạo quyết định kết quả",
    ),
    "finalise": Transition(
        frozenset({S.AGREED}), S.FINALISED, frozenset({Role.LEAD}), "Chốt kết quả"
    ),
    "reopen": Transition(
        frozenset({S.AGREED, S.FINALISED}),
        S.IN_REVIEW,
        frozenset({Role.LEAD}),
        "Mở lại để thẩm định",
    ),
}

PERIOD_TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "open_period": (frozenset({PeriodStatus.PREPARING}), PeriodStatus.SELF_ASSESSMENT),
    "close_self_assessment": (frozenset({PeriodStatus.SELF_ASSESSMENT}), PeriodStatus.REVIEW),
    "finalise_period": (frozenset({PeriodStatus.REVIEW}), PeriodStatus.FINALISED),
    "publish_period": (frozenset({PeriodStatus.FINALISED}), PeriodStatus.PUBLISHED),
    "unpublish_period": (frozenset({PeriodStatus.PUBLISHED}), PeriodStatus.FINALISED),
    "archive_period": (
        frozenset({PeriodStatus.FINALISED, PeriodStatus.PUBLISHED}),
        PeriodStatus.ARCHIVED,
    ),
}


def allowed_actions(submission: Submission, user) -> list[str]:
    """Transitions the user could attempt now (for showing buttons; the functions still check)."""
    return [
        name
        for name, move in TRANSITIONS.items()
        if submission.status in move.sources and _role_allows(user, submission, move)
    ]


def _role_allows(user, submission, move: Transition) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in move.roles:
        return False
    if user.role == Role.OFFICER:
        return permissions.is_own_agency(user, submission)
    return not permissions.reviews_own_agency(user, submission)


def _begin(submission: Submission, name: str, *, actor, expected_version=None) -> Submission:
    """Lock the row, check the version and the move. Returns the fresh, locked submission."""
    move = TRANSITIONS[name]
    locked = (
        Submission.objects.select_for_update()
        .select_related("period", "agency", "table")
        .get(pk=submission.pk)
    )
    # The version comes from a form: an empty value means "no check", anything else that is not
    # the current version (even garbage) is a stale page, never a server error.
    if expected_version not in (None, "") and str(expected_version).strip() != str(locked.version):
        raise ConflictError(CONFLICT_MESSAGE)
    if not _role_allows(actor, locked, move):
        if permissions.reviews_own_agency(actor, locked):
            raise WorkflowError(permissions.OWN_AGENCY_REFUSED)
        raise WorkflowError(f"Bạn không có quyền thực hiện thao tác “{move.label}”.")
    if locked.status not in move.sources:
        raise WorkflowError(
            f"Không thể “{move.label}” khi hồ sơ đang ở trạng thái “{S(locked.status).label}”."
        )
    return locked


def _send_appraisal(locked: Submission) -> None:
    """Record the reviewer's column as sent to the agency: what the agency sees until the next
    sending, whatever the reviewer drafts meanwhile."""
    items = list(locked.items.all())
    for item in items:
        item.sent_appraisal = item.appraisal_snapshot()
    ItemScore.objects.bulk_update(items, ["sent_appraisal"])


def _finish(
    locked: Submission, name: str, *, actor, reason: str = "", fields=(), is_internal=False
) -> Submission:
    old = locked.status
    locked.status = TRANSITIONS[name].target
    if permissions.agency_follows_exchange(locked):
        _send_appraisal(locked)
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at", *fields])
    audit.record(
        actor=actor,
        submission=locked,
        period=locked.period,
        action=name,
        field="status",
        old=S(old).label,
        new=S(locked.status).label,
        reason=reason,
        is_internal=is_internal,
    )
    return locked


def _urls(submission):
    """(the agency's page, the Department's page). Once submitted, the agency follows the
    review on its exchange page; before that, on its self-assessment form."""
    agency_page = (
        "assessments:exchange"
        if permissions.agency_follows_exchange(submission)
        else "assessments:submission_form"
    )
    return (
        reverse(agency_page, args=[submission.pk]),
        reverse("assessments:appraisal", args=[submission.pk]),
    )


def deadline_for(submission: Submission):
    """The instant submission closes for this agency: its extension if any, else the period's."""
    return agency_deadline(submission.period, submission.agency)


def agency_deadline(period: Period, agency):
    """(closing instant, extension or None) for an agency in a period, with or without a dossier."""
    extension = Extension.objects.filter(period=period, agency=agency).first()
    if extension is not None:
        return extension.ends_at, extension
    return period.deadline_ends_at, None


def _items(submission):
    return list(submission.items.select_related("criterion__parent").prefetch_related("evidence"))


SIGNATURE_FIELDS = {
    "document_number": "số văn bản tự đánh giá",
    "signer_name": "người ký",
    "signer_title": "chức vụ người ký",
}


def submit(
    submission: Submission, *, actor, expected_version=None, now=None, signature=None
) -> Submission:
    """The agency sends its self-assessment.

    `signature` (document_number, signer_name, signer_title) is the report's number and signer
    typed on the confirmation page; stored with the submission under the same lock and version
    check, one audit row per changed value.

    Refused when the period is not open, after the deadline (end of the deadline day, Việt Nam
    time) unless the agency has an extension, or while anything in `missing_for_submission`
    remains. Stores the self-assessed score and grade; notifies the Department and sends the agency
    a receipt.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _begin(submission, "submit", actor=actor, expected_version=expected_version)
        period = locked.period
        if period.status not in (PeriodStatus.SELF_ASSESSMENT, PeriodStatus.REVIEW):
            raise WorkflowError("Kỳ đánh giá chưa mở hoặc đã đóng, không thể nộp hồ sơ.")
        deadline, extension = deadline_for(locked)
        if now >= deadline:
            day = timezone.localtime(deadline - timezone.timedelta(seconds=1)).strftime("%d/%m/%Y")
            raise WorkflowError(
                f"Đã hết hạn nộp kết quả tự đánh giá (hạn cuối: hết ngày {day}). "
                f"Vui lòng liên hệ {period.program.contact} để được xem xét gia hạn."
            )
        criteria = scores.table_criteria(locked.table)
        items = _items(locked)
        problems = scores.missing_for_submission(criteria, items)
        if problems:
            raise WorkflowError(
                f"Hồ sơ còn {len(problems)} nội dung chưa hoàn thành, chưa thể nộp."
            )
        signed = []
        for name, value in (signature or {}).items():
            value = (value or "").strip()
            if name in SIGNATURE_FIELDS and value != getattr(locked, name):
                audit.record(
                    actor=actor,
                    submission=locked,
                    period=period,
                    action=AuditAction.RECORD_SIGNATURE,
                    field=SIGNATURE_FIELDS[name],
                    old=getattr(locked, name),
                    new=value,
                )
                setattr(locked, name, value)
                signed.append(name)
        result = scores.self_result(locked, criteria, items)
        locked.self_score = result.score
        locked.self_grade = label_of(result.grade)
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.is_late = now >= period.deadline_ends_at
        _finish(
            locked,
            "submit",
            actor=actor,
            fields=[
                "self_score",
                "self_grade",
                "submitted_at",
                "submitted_by",
                "is_late",
                *signed,
            ],
            reason=f"Gia hạn đến {extension.new_deadline:%d/%m/%Y}" if extension else "",
        )
        agency_url, review_url = _urls(locked)
        notify(
            department_staff(),
            title=f"{locked.agency} đã nộp hồ sơ tự đánh giá",
            body=(
                f"{locked.agency} đã nộp hồ sơ {locked.period}: tự đánh giá {_score_text(result)}."
            ),
            submission=locked,
            url=review_url,
        )
        notify(
            agency_officers(locked.agency),
            title=f"{period.program.agency_short_name} đã nhận hồ sơ tự đánh giá của đơn vị",
            body=(
                f"Hồ sơ {locked.period} của {locked.agency} đã được nộp lúc "
                f"{timezone.localtime(now):%H:%M %d/%m/%Y} với {format_points(result.score)} điểm"
                f"{_in_brackets(result)}."
            ),
            submission=locked,
            url=agency_url,
        )
    return locked


def withdraw(
    submission: Submission, *, actor, expected_version=None, reason: str = ""
) -> Submission:
    """The agency takes back a submission no reviewer has opened yet, to correct and resubmit it."""
    with transaction.atomic():
        locked = _begin(submission, "withdraw", actor=actor, expected_version=expected_version)
        locked.self_score = None
        locked.self_grade = ""
        _finish(locked, "withdraw", actor=actor, reason=reason, fields=["self_score", "self_grade"])
    return locked


def start_review(submission: Submission, *, actor, expected_version=None) -> Submission:
    """A reviewer opens the appraisal: from now on the agency can no longer withdraw."""
    with transaction.atomic():
        locked = _begin(submission, "start_review", actor=actor, expected_version=expected_version)
        fields = []
        if locked.reviewer_id is None and actor.role == Role.REVIEWER:
            locked.reviewer = actor
            fields.append("reviewer")
        _finish(locked, "start_review", actor=actor, fields=fields)
    return locked


def return_for_explanation(
    submission: Submission, *, actor, message: str, reply_by=None, expected_version=None
) -> Submission:
    """Ask the agency to explain (yêu cầu giải trình). A message is required; rounds are counted."""
    if not (message or "").strip():
        raise WorkflowError("Vui lòng nhập nội dung yêu cầu giải trình gửi cơ quan, đơn vị.")
    with transaction.atomic():
        locked = _begin(
            submission, "return_for_explanation", actor=actor, expected_version=expected_version
        )
        locked.round += 1
        locked.reply_by = reply_by
        # Each round is answered afresh; the previous answers stay in the message threads.
        locked.items.exclude(agency_response="").update(
            agency_response="", agency_response_text="", version=F("version") + 1
        )
        # The agency answers afresh, so its agreement of the last round is asked again; the
        # Department's accepted explanations and the lead's decisions stand.
        locked.items.filter(agreement=Agreement.AGENCY_AGREED).update(
            agreement="",
            agreed_by=None,
            agreed_at=None,
            agreed_points=None,
            agreed_not_applicable=None,
        )
        Message.objects.create(
            submission=locked,
            author=actor,
            kind=MessageKind.QUESTION,
            body=message.strip(),
            round=locked.round,
        )
        _finish(
            locked,
            "return_for_explanation",
            actor=actor,
            reason=message.strip(),
            fields=["round", "reply_by"],
        )
        agency_url, _review_url = _urls(locked)
        by = f" trước ngày {reply_by:%d/%m/%Y}" if reply_by else ""
        notify(
            agency_officers(locked.agency),
            title=f"{locked.period.program.agency_short_name} yêu cầu giải trình hồ sơ {locked.period}",
            body=f"{message.strip()}\n\nĐề nghị đơn vị trả lời{by}.",
            submission=locked,
            url=agency_url,
        )
    return locked


def answer(
    submission: Submission, *, actor, message: str = "", expected_version=None
) -> Submission:
    """The agency sends back its answers. Every adjusted criterion needs “đồng ý” or an
    explanation (saved on the items beforehand)."""
    with transaction.atomic():
        locked = _begin(submission, "answer", actor=actor, expected_version=expected_version)
        pending = [
            item.criterion.code
            for item in locked.items.select_related("criterion").order_by("criterion__order")
            if item.is_adjusted and not item.agency_response and not item.is_settled
        ]
        if pending:
            raise WorkflowError(
                "Chưa trả lời các tiêu chí đã được điều chỉnh: " + ", ".join(pending) + "."
            )
        if message.strip():
            Message.objects.create(
                submission=locked,
                author=actor,
                kind=MessageKind.ANSWER,
                body=message.strip(),
                round=locked.round,
            )
        _finish(locked, "answer", actor=actor, reason=message.strip())
        _agency_url, review_url = _urls(locked)
        notify(
            department_staff(),
            title=f"{locked.agency} đã gửi giải trình vòng {locked.round}",
            body=_answer_summary(locked, message.strip()),
            submission=locked,
            url=review_url,
        )
    return locked


def _answer_summary(locked: Submission, message: str) -> str:
    """The answer as the reviewer reads it in the notification: per criterion, agreed or the
    explanation, then the general message."""
    lines = []
    answered = (
        locked.items.exclude(agency_response="")
        .select_related("criterion")
        .order_by("criterion__order")
    )
    for item in answered:
        if item.agency_response == "agree":
            lines.append(f"- {item.criterion.code}: đồng ý với kết quả thẩm định.")
        else:
            lines.append(f"- {item.criterion.code}: giải trình: {item.agency_response_text}")
    if message:
        lines.append(f"Ý kiến chung: {message}")
    return "\n".join(lines) or f"{locked.agency} đã trả lời yêu cầu giải trình vòng {locked.round}."


def open_items(submission: Submission) -> list[ItemScore]:
    """Adjusted criteria nobody has settled yet: the agency has not agreed, the Department has not
    accepted its explanation and the lead has not decided. A dossier with any of these is not
    agreed, whatever button is pressed."""
    items = submission.items.select_related("criterion").order_by("criterion__order")
    return [item for item in items if item.is_open]


def _open_message(codes: list[str]) -> str:
    return (
        "Chưa thể thống nhất kết quả: các tiêu chí " + ", ".join(codes) + " đã được điều chỉnh "
        "nhưng chưa có sự đồng ý của đơn vị, chưa được chấp nhận giải trình và chưa có quyết "
        "định của lãnh đạo. Hãy yêu cầu giải trình, chấp nhận giải trình từng tiêu chí, hoặc đề "
        "nghị lãnh đạo quyết định."
    )


def _refuse_open(locked: Submission) -> None:
    codes = [item.criterion.code for item in open_items(locked)]
    if codes:
        raise WorkflowError(_open_message(codes))


def settle_item(item: ItemScore, agreement: str, *, actor, points, not_applicable, reason=""):
    """Record on an (already locked) item how its final value was reached. No save."""
    item.agreement = agreement
    item.agreed_points = points
    item.agreed_not_applicable = not_applicable
    item.agreed_by = actor if getattr(actor, "pk", None) else None
    item.agreed_at = timezone.now()
    item.agreement_reason = reason
    return [
        "agreement",
        "agreed_points",
        "agreed_not_applicable",
        "agreed_by",
        "agreed_at",
        "agreement_reason",
    ]


def _store_agreed_points(locked: Submission, *, actor):
    """Store the final value of every criterion; returns the appraised result.

    Criteria the reviewer did not adjust take the appraised (= the agency's) value; those the
    agency agreed to take the appraised value; accepted explanations and the lead's decisions
    keep the value stored when they were recorded. Refuses while any adjusted criterion is open.
    """
    criteria = scores.table_criteria(locked.table)
    items = _items(locked)
    open_codes = [item.criterion.code for item in items if item.is_open]
    if open_codes:
        raise WorkflowError(_open_message(open_codes))
    result = scores.appraised_result(locked, criteria, items)
    fields = set()
    for item in items:
        appraised = result.items[item.criterion.code]
        if is_cross_agency(item.criterion.rule):
            item.agreed_inputs = references.agreed_inputs(item)
            fields.add("agreed_inputs")
        if not item.is_adjusted:
            if item.agreement != Agreement.NOT_ADJUSTED:
                fields.update(
                    settle_item(
                        item,
                        Agreement.NOT_ADJUSTED,
                        actor=actor,
                        points=appraised.points,
                        not_applicable=appraised.not_applicable,
                    )
                )
            else:
                item.agreed_points = appraised.points
                item.agreed_not_applicable = appraised.not_applicable
        elif item.agreement == Agreement.AGENCY_AGREED or item.agreed_not_applicable is None:
            # Agreed with the appraisal, or decided in its favour: the appraised value.
            item.agreed_points = appraised.points
            item.agreed_not_applicable = appraised.not_applicable
        fields.update({"agreed_points", "agreed_not_applicable"})
    ItemScore.objects.bulk_update(items, sorted(fields))
    return result


def confirm_result(submission: Submission, *, actor, expected_version=None) -> Submission:
    """The agency agrees with the appraised result (thống nhất kết quả); agreed points are stored."""
    with transaction.atomic():
        locked = _begin(
            submission, "confirm_result", actor=actor, expected_version=expected_version
        )
        # The agency agrees with every criterion it has not explained and had accepted.
        for item in open_items(locked):
            fields = settle_item(
                item, Agreement.AGENCY_AGREED, actor=actor, points=None, not_applicable=None
            )
            item.agency_response = AgencyResponse.AGREE
            item.version += 1
            item.save(update_fields=[*fields, "agency_response", "version", "updated_at"])
            _audit_agreed(locked, item, actor=actor)
        result = _store_agreed_points(locked, actor=actor)
        _finish(locked, "confirm_result", actor=actor)
        _agency_url, review_url = _urls(locked)
        notify(
            department_staff(),
            title=f"{locked.agency} đã thống nhất kết quả thẩm định",
            body=(
                f"Đơn vị đồng ý kết quả thẩm định: {_score_text(result)}. "
                "Hồ sơ chờ lãnh đạo chốt kết quả."
            ),
            submission=locked,
            url=review_url,
        )
    return locked


def accept(
    submission: Submission, *, actor, expected_version=None, message: str = ""
) -> Submission:
    """The reviewer (or the lead) records the dossier as agreed; final values are stored.

    Refused while any adjusted criterion is open (see `open_items`): the agency must have agreed
    to it, the reviewer accepted its explanation (`appraisal.accept_explanation`), or the lead
    decided it (`appraisal.decide_item` or `record_decision`).
    """
    with transaction.atomic():
        locked = _begin(submission, "accept", actor=actor, expected_version=expected_version)
        _store_agreed_points(locked, actor=actor)
        _finish(locked, "accept", actor=actor, reason=message)
        agency_url, _review_url = _urls(locked)
        notify(
            agency_officers(locked.agency),
            title=f"{locked.period.program.agency_short_name} đã thống nhất kết quả thẩm định {locked.period}",
            body=message or "Kết quả thẩm định đã được thống nhất và chờ lãnh đạo chốt.",
            submission=locked,
            url=agency_url,
        )
    return locked


def _audit_agreed(locked: Submission, item: ItemScore, *, actor, reason: str = ""):
    audit.record(
        actor=actor,
        submission=locked,
        period=locked.period,
        action=AuditAction.AGREE_ITEM
        if item.agreement == Agreement.AGENCY_AGREED
        else AuditAction.DECIDE_ITEM,
        target=item.criterion.code,
        field="agreement",
        new=Agreement(item.agreement).label,
        reason=reason,
    )


def record_decision(
    submission: Submission, *, actor, reason: str, expected_version=None
) -> Submission:
    """Where the agency still disagrees (or has not answered), the lead decides.

    Every adjusted criterion still open is decided in favour of the appraisal with this reason
    (recorded per criterion as “lãnh đạo quyết định”); criteria the lead already decided one by
    one (`appraisal.decide_item`) keep that decision. The reason is required and kept.
    """
    if not (reason or "").strip():
        raise WorkflowError("Vui lòng nêu lý do quyết định của lãnh đạo.")
    with transaction.atomic():
        locked = _begin(
            submission, "record_decision", actor=actor, expected_version=expected_version
        )
        for item in open_items(locked):
            fields = settle_item(
                item,
                Agreement.LEAD_DECIDED,
                actor=actor,
                points=None,
                not_applicable=None,
                reason=reason.strip(),
            )
            item.version += 1
            item.save(update_fields=[*fields, "version", "updated_at"])
            _audit_agreed(locked, item, actor=actor, reason=reason.strip())
        _store_agreed_points(locked, actor=actor)
        locked.decision_reason = reason.strip()
        Message.objects.create(
            submission=locked,
            author=actor,
            kind=MessageKind.DECISION,
            body=reason.strip(),
            round=locked.round,
        )
        _finish(
            locked,
            "record_decision",
            actor=actor,
            reason=reason.strip(),
            fields=["decision_reason"],
        )
        agency_url, _review_url = _urls(locked)
        notify(
            agency_officers(locked.agency),
            title=f"Lãnh đạo {locked.period.program.agency_short_name} đã quyết định kết quả {locked.period}",
            body=reason.strip(),
            submission=locked,
            url=agency_url,
        )
    return locked


def finalise(submission: Submission, *, actor, expected_version=None) -> Submission:
    """The lead locks the result: final score and grade are stored with the thresholds used."""
    with transaction.atomic():
        locked = _begin(submission, "finalise", actor=actor, expected_version=expected_version)
        criteria = scores.table_criteria(locked.table)
        items = _items(locked)
        result = scores.agreed_result(locked, criteria, items)
        locked.final_score = result.score
        locked.final_grade = label_of(result.grade)
        locked.final_thresholds = locked.period.band_set.as_list()
        locked.finalised_at = timezone.now()
        locked.finalised_by = actor
        _finish(
            locked,
            "finalise",
            actor=actor,
            reason=_score_text(result),
            fields=[
                "final_score",
                "final_grade",
                "final_thresholds",
                "finalised_at",
                "finalised_by",
            ],
        )
        results.store_result(locked, result)
        pending = ""
        if any(is_cross_agency(criterion.rule) for criterion in criteria):
            if locked.period.status == PeriodStatus.FINALISED:
                # Reopened and finalised again after the period: the references take the new
                # value into account, and every agency of the kind follows.
                Period.objects.select_for_update().get(pk=locked.period_id)
                references.apply_references(locked.period, actor=actor)
                locked.refresh_from_db(fields=["final_score", "final_grade", "version"])
                result = scores.agreed_result(locked, criteria, _items(locked))
            else:
                pending = (
                    " Điểm các tiêu chí so sánh giữa các đơn vị được tính khi chốt kết quả "
                    "kỳ đánh giá."
                )
        agency_url, _review_url = _urls(locked)
        notify(
            agency_officers(locked.agency),
            title=f"Đã chốt kết quả: {locked.period}",
            body=f"Kết quả chính thức: {_score_text(result)}.{pending}",
            submission=locked,
            url=agency_url,
        )
    return locked


def reopen(submission: Submission, *, actor, reason: str, expected_version=None) -> Submission:
    """The lead reopens an agreed or finalised result for appraisal; a reason is required."""
    if not (reason or "").strip():
        raise WorkflowError("Vui lòng nêu lý do mở lại hồ sơ.")
    with transaction.atomic():
        locked = _begin(submission, "reopen", actor=actor, expected_version=expected_version)
        if locked.period.status in (PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED):
            raise WorkflowError(
                "Kết quả của kỳ này đã công bố; cần hủy công bố trước khi mở lại hồ sơ."
            )
        locked.final_score = None
        locked.final_grade = ""
        locked.finalised_at = None
        _finish(
            locked,
            "reopen",
            actor=actor,
            reason=reason.strip(),
            fields=["final_score", "final_grade", "finalised_at"],
        )
        results.forget_result(locked)
        agency_url, _review_url = _urls(locked)
        notify(
            agency_officers(locked.agency),
            title=f"Hồ sơ {locked.period} được mở lại để thẩm định",
            body=reason.strip(),
            submission=locked,
            url=agency_url,
        )
    return locked


# --- periods -------------------------------------------------------------------------------

PERIOD_ROLES = {
    "publish_period": frozenset({Role.LEAD}),
    "unpublish_period": frozenset({Role.LEAD}),
}


def change_period_status(period: Period, name: str, *, actor, reason: str = "") -> Period:
    """Move a period along PERIOD_TRANSITIONS. Publishing needs every submitted dossier finalised
    and at least one result; unpublishing needs a reason. Administrators (and leads) run the other moves."""
    sources, target = PERIOD_TRANSITIONS[name]
    allowed_roles = PERIOD_ROLES.get(name, frozenset({Role.ADMIN, Role.LEAD}))
    if not (actor.is_superuser or actor.role in allowed_roles):
        raise WorkflowError("Bạn không có quyền thay đổi trạng thái kỳ đánh giá.")
    if name == "unpublish_period" and not reason.strip():
        raise WorkflowError("Vui lòng nêu lý do hủy công bố kết quả.")
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.status not in sources:
            raise WorkflowError(
                f"Không thể chuyển kỳ đánh giá khi đang ở trạng thái "
                f"“{PeriodStatus(locked.status).label}”."
            )
        if name in ("finalise_period", "publish_period"):
            open_count = (
                locked.submissions.exclude(status=S.FINALISED)
                .exclude(status=S.DRAFT, submitted_at__isnull=True)
                .count()
            )
            if open_count:
                raise WorkflowError(
                    f"Còn {open_count} hồ sơ chưa chốt kết quả; cần chốt hết trước khi "
                    "chốt hoặc công bố kỳ đánh giá."
                )
        if name == "publish_period" and locked.is_practice:
            raise WorkflowError("Kỳ thực hành không được công bố.")
        # An empty results page would read as “every agency failed”; nothing is published
        # until at least one result is final.
        if name == "publish_period" and not locked.submissions.filter(status=S.FINALISED).exists():
            raise WorkflowError("Kỳ đánh giá chưa có kết quả nào được chốt, chưa thể công bố.")
        old = locked.status
        locked.status = target
        fields = ["status"]
        if name == "publish_period":
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit.record(
            actor=actor,
            period=locked,
            action=name,
            field="status",
            old=PeriodStatus(old).label,
            new=PeriodStatus(target).label,
            reason=reason,
        )
        if name == "finalise_period":
            # Rules across agencies are scored now that every agency's final value is known.
            references.apply_references(locked, actor=actor)
        if name in ("finalise_period", "publish_period"):
            results.store_period_results(locked)
        if name == "publish_period":
            # Every agency with a result learns it is now public, with the link to its scorecard,
            # in a fixed number of queries however many agencies there are.
            officers = User.objects.filter(
                is_active=True,
                role=Role.OFFICER,
                agency__submissions__period=locked,
                agency__submissions__status=S.FINALISED,
            )
            scorecard = reverse("public:scorecard", args=[locked.code, "AGENCY"])
            prefix, suffix = scorecard.split("AGENCY")
            notify_agencies(
                officers,
                title=f"Kết quả đánh giá năm {locked.year} đã được công bố",
                body=(
                    f"{locked.program.agency_short_name} đã công bố kết quả "
                    f"{locked.program.name.lower()} năm {locked.year} trên trang công khai."
                ),
                url_prefix=prefix,
                url_suffix=suffix,
            )
    return locked
