"""The Department's appraisal of one submission, item by item, and the agency's answers to it.

Status changes are not here (they live in `workflow`); these functions write the reviewer's
column of an item, the exchange messages, evidence added while answering, and reviewer
assignments. Each one runs in a transaction, locks the submission row (so it serialises with
the status moves in `workflow`) and the item row, refuses a stale page (`expected_version` of
the item), checks who may do it in the submission's current status, and writes one audit row per
value it changed. The agency's original self-assessment (inputs, points, explanation) is never
written here: it stays on record beside the appraisal.
"""

from decimal import Decimal

from django.db import transaction

from assessments import audit, permissions, scores
from assessments.display import describe_inputs
from assessments.enums import (
    SETTLED,
    AgencyResponse,
    Agreement,
    AuditAction,
    MessageKind,
    Role,
    SubmissionStatus,
)
from assessments.models import Assignment, ItemScore, Message, Submission, User
from assessments.workflow import CONFLICT_MESSAGE, ConflictError, WorkflowError, settle_item
from scoring import (
    InvalidInput,
    format_points,
    is_cross_agency,
    parse_decimal,
    read_value,
    score_item,
)

S = SubmissionStatus

NOT_APPRAISABLE = (
    "Chỉ được điều chỉnh kết quả thẩm định khi hồ sơ đang thẩm định hoặc đã được giải trình."
)
REASON_REQUIRED = "Điểm thẩm định khác điểm tự đánh giá của đơn vị; vui lòng nêu lý do điều chỉnh."


# --- reading and describing inputs ----------------------------------------------------------


def _points_text(points) -> str:
    return "" if points is None else format_points(points)


# --- locking --------------------------------------------------------------------------------


def _lock(item: ItemScore, *, expected_version=None) -> tuple[Submission, ItemScore]:
    """Lock the submission row, then the item row, always in this order (no deadlock with
    `workflow`, which locks the submission). Refuses a page older than the item. Only those
    two rows are locked, not the joined period, agency and criterion rows every reviewer's save
    shares."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period", "agency", "table")
        .get(pk=item.submission_id)
    )
    locked = (
        ItemScore.objects.select_for_update(of=("self",))
        .select_related("criterion")
        .get(pk=item.pk)
    )
    # The version comes from a form: an empty value means "no check", anything else that is not
    # the current version (even garbage) is a stale page, never a server error.
    if expected_version not in (None, "") and str(expected_version).strip() != str(locked.version):
        raise ConflictError(CONFLICT_MESSAGE)
    return submission, locked


def _require_appraiser(actor, submission) -> None:
    if not permissions.can_review(actor, submission):
        if permissions.reviews_own_agency(actor, submission):
            raise WorkflowError(permissions.OWN_AGENCY_REFUSED)
        raise WorkflowError("Bạn không có quyền thẩm định hồ sơ này.")
    if not permissions.can_appraise(actor, submission):
        if submission.status == S.SUBMITTED:
            raise WorkflowError("Hồ sơ chưa được mở thẩm định; hãy bấm “Bắt đầu thẩm định” trước.")
        raise WorkflowError(NOT_APPRAISABLE)


# --- the reviewer's column ------------------------------------------------------------------


REVIEW_FIELDS = {
    "reviewer_inputs": "số liệu thẩm định",
    "reviewer_points": "điểm thẩm định",
    "reviewer_override": "điều chỉnh trực tiếp điểm",
    "reviewer_not_applicable": "không áp dụng (thẩm định)",
    "reviewer_reason": "lý do điều chỉnh",
}


def _snapshot(item: ItemScore) -> dict:
    return {name: getattr(item, name) for name in REVIEW_FIELDS}


def _shown(item: ItemScore, name: str, value):
    if name == "reviewer_inputs":
        return "" if value is None else describe_inputs(item.criterion, value, empty="—")
    if name == "reviewer_points":
        return _points_text(value)
    return value


def _save_review(submission, item, before: dict, *, actor, action: str, reason: str) -> ItemScore:
    changed = [name for name in REVIEW_FIELDS if getattr(item, name) != before[name]]
    if not changed:
        return item
    item.version += 1
    item.updated_by = actor
    if item.agreement:
        # A new appraisal value: whatever was agreed about the old one no longer holds.
        changed_agreement = settle_item(item, "", actor=None, points=None, not_applicable=None)
    else:
        changed_agreement = []
    item.save(update_fields=[*changed, *changed_agreement, "version", "updated_by", "updated_at"])
    for name in changed:
        audit.record(
            actor=actor,
            submission=submission,
            period=submission.period,
            action=action,
            target=item.criterion.code,
            field=name,
            old=_shown(item, name, before[name]),
            new=_shown(item, name, getattr(item, name)),
            reason=reason,
        )
    # Stale pages showing transition buttons must see that the appraisal moved on.
    submission.version += 1
    submission.save(update_fields=["version", "updated_at"])
    return item


def _differs(item: ItemScore, points, not_applicable: bool) -> bool:
    if not_applicable != item.not_applicable:
        return True
    return not not_applicable and points != item.points


def correct_inputs(
    item: ItemScore, *, actor, inputs: dict, reason: str = "", expected_version=None
) -> ItemScore:
    """The reviewer corrects an item's inputs; the appraised points are recomputed by `scoring`.

    Rules: only while the submission is in review or answered, and never on the reviewer's own
    agency; inputs must score (a Vietnamese `InvalidInput` sentence is raised as WorkflowError);
    points different from the agency's need a reason. Clears a previous override and
    not-applicable mark. Side effects: one audit row per changed field, item and submission
    versions bumped.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        _require_appraiser(actor, submission)
        criterion = locked.criterion
        try:
            points = score_item(criterion.rule, criterion.params, criterion.maximum, inputs)
        except InvalidInput as error:
            raise WorkflowError(f"Tiêu chí {criterion.code}: {error.message}") from error
        cross_agency = is_cross_agency(criterion.rule)
        if points is None and not (cross_agency and read_value(inputs) is not None):
            raise WorkflowError(
                f"Tiêu chí {criterion.code}: vui lòng nhập đủ số liệu thẩm định để tính điểm."
            )
        # Scored across agencies, the points are not known yet: the value tells the change.
        differs = (
            inputs != (locked.inputs or {}) if cross_agency else _differs(locked, points, False)
        )
        if differs and not reason:
            raise WorkflowError(REASON_REQUIRED)
        before = _snapshot(locked)
        locked.reviewer_inputs = inputs
        locked.reviewer_points = points
        locked.reviewer_override = False
        locked.reviewer_not_applicable = None if not locked.not_applicable else False
        locked.reviewer_reason = reason
        return _save_review(
            submission,
            locked,
            before,
            actor=actor,
            action=AuditAction.CORRECT_INPUTS,
            reason=reason,
        )


def override_points(
    item: ItemScore, *, actor, points, reason: str, expected_version=None
) -> ItemScore:
    """Exceptionally, the reviewer sets the points directly instead of computing them.

    Rules: as `correct_inputs`; a reason is always required; `points` (Decimal or Vietnamese
    text “0,25”) must lie between 0 and the criterion's maximum (between the maximum and 0 for
    a deduction). Side effects: audit rows per changed field, versions bumped.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        _require_appraiser(actor, submission)
        criterion = locked.criterion
        if not reason:
            raise WorkflowError(
                "Điều chỉnh trực tiếp điểm là trường hợp ngoại lệ; vui lòng nêu lý do."
            )
        try:
            value = points if isinstance(points, Decimal) else parse_decimal(str(points or ""))
        except InvalidInput as error:
            raise WorkflowError(f"Tiêu chí {criterion.code}: {error.message}") from error
        top = criterion.maximum
        low, high = (top, Decimal("0")) if top < 0 else (Decimal("0"), top)
        if not low <= value <= high or value != value.quantize(Decimal("0.01")):
            raise WorkflowError(
                f"Tiêu chí {criterion.code}: điểm điều chỉnh phải từ {format_points(low)} đến "
                f"{format_points(high)}, tối đa hai chữ số thập phân."
            )
        before = _snapshot(locked)
        locked.reviewer_points = value.quantize(Decimal("0.01"))
        locked.reviewer_override = True
        locked.reviewer_not_applicable = None if not locked.not_applicable else False
        locked.reviewer_reason = reason
        return _save_review(
            submission,
            locked,
            before,
            actor=actor,
            action=AuditAction.OVERRIDE_POINTS,
            reason=reason,
        )


def mark_not_applicable(item: ItemScore, *, actor, reason: str, expected_version=None) -> ItemScore:
    """The reviewer finds the criterion not applicable to this agency.

    Rules: as `correct_inputs`; only where the table allows “không áp dụng”; a reason is
    required when the agency had not marked it so. The score is then rescaled by `scoring`.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        _require_appraiser(actor, submission)
        if not locked.criterion.allow_not_applicable:
            raise WorkflowError(
                f"Tiêu chí {locked.criterion.code} không được chọn “Không áp dụng”."
            )
        if _differs(locked, None, True) and not reason:
            raise WorkflowError(REASON_REQUIRED)
        before = _snapshot(locked)
        locked.reviewer_inputs = None
        locked.reviewer_points = None
        locked.reviewer_override = False
        locked.reviewer_not_applicable = True
        locked.reviewer_reason = reason
        return _save_review(
            submission,
            locked,
            before,
            actor=actor,
            action=AuditAction.MARK_NOT_APPLICABLE,
            reason=reason,
        )


def keep_agency_result(item: ItemScore, *, actor, expected_version=None) -> ItemScore:
    """The reviewer agrees with the agency's own answer: the reviewer's column is cleared and
    the appraised points are the agency's again. Audit rows record what was cleared."""
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        _require_appraiser(actor, submission)
        before = _snapshot(locked)
        locked.reviewer_inputs = None
        locked.reviewer_points = None
        locked.reviewer_override = False
        locked.reviewer_not_applicable = None
        locked.reviewer_reason = ""
        return _save_review(
            submission,
            locked,
            before,
            actor=actor,
            action=AuditAction.KEEP_AGENCY_RESULT,
            reason="",
        )


# --- messages -------------------------------------------------------------------------------


def _require_text(body: str, sentence: str) -> str:
    body = (body or "").strip()
    if not body:
        raise WorkflowError(sentence)
    return body


def ask_question(submission: Submission, *, actor, body: str, item=None) -> Message:
    """A question to the agency, on one criterion (`item`) or on the whole submission.

    Rules: reviewers and the lead, while the submission may be appraised. The question belongs
    to the next round of explanation: the agency sees it once the submission is returned
    (Message.round = current round + 1). Side effect: one audit row.
    """
    body = _require_text(body, "Vui lòng nhập nội dung câu hỏi gửi cơ quan, đơn vị.")
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update().select_related("period").get(pk=submission.pk)
        )
        _require_appraiser(actor, locked)
        if item is not None and item.submission_id != locked.pk:
            raise WorkflowError("Tiêu chí không thuộc hồ sơ này.")
        message = Message.objects.create(
            submission=locked,
            item=item,
            author=actor,
            kind=MessageKind.QUESTION,
            body=body,
            round=locked.round + 1,
        )
        audit.record(
            actor=actor,
            submission=locked,
            period=locked.period,
            action=AuditAction.ASK_QUESTION,
            target=item.criterion.code if item is not None else "",
            new=body,
        )
    return message


def add_internal_note(submission: Submission, *, actor, body: str, item=None) -> Message:
    """A note among the Department's staff; never shown to the agency (is_internal=True).

    Rules: reviewers and the lead who may review the submission, at any status.
    """
    body = _require_text(body, "Vui lòng nhập nội dung ghi chú.")
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update().select_related("period").get(pk=submission.pk)
        )
        if not permissions.can_review(actor, locked):
            raise WorkflowError("Bạn không có quyền ghi chú trên hồ sơ này.")
        if item is not None and item.submission_id != locked.pk:
            raise WorkflowError("Tiêu chí không thuộc hồ sơ này.")
        message = Message.objects.create(
            submission=locked,
            item=item,
            author=actor,
            kind=MessageKind.NOTE,
            body=body,
            is_internal=True,
            round=locked.round,
        )
        audit.record(
            actor=actor,
            submission=locked,
            period=locked.period,
            action=AuditAction.ADD_INTERNAL_NOTE,
            target=item.criterion.code if item is not None else "",
            new=body,
            is_internal=True,
        )
    return message


# --- the agency's side ----------------------------------------------------------------------


def _require_answering_officer(actor, submission) -> None:
    if not permissions.can_answer(actor, submission):
        if actor.role == Role.OFFICER and permissions.is_own_agency(actor, submission):
            raise WorkflowError(
                f"Chỉ trả lời được khi {submission.period.program.agency_short_name} đang yêu cầu "
                "giải trình hồ sơ này."
            )
        raise WorkflowError("Bạn không có quyền trả lời giải trình cho hồ sơ này.")


def respond_to_item(
    item: ItemScore, *, actor, response: str, text: str = "", expected_version=None
) -> ItemScore:
    """The agency answers one criterion: “đồng ý” with the appraisal, or an explanation.

    Rules: the agency's officers, while the submission is returned for explanation; an
    explanation needs its text. Stored in agency_response / agency_response_text and kept as a
    Message (kind answer) in the criterion's thread. The original self-assessment is not
    touched. Side effects: audit rows per changed field, item version bumped.
    """
    text = (text or "").strip()
    if response not in AgencyResponse.values:
        raise WorkflowError("Vui lòng chọn “Đồng ý” hoặc “Giải trình”.")
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        _require_answering_officer(actor, submission)
        code = locked.criterion.code
        if response == AgencyResponse.EXPLAIN and not text:
            raise WorkflowError(f"Vui lòng nhập nội dung giải trình cho tiêu chí {code}.")
        if response == AgencyResponse.AGREE:
            text = text or ""
        if locked.agreement in SETTLED - {Agreement.AGENCY_AGREED}:
            raise WorkflowError(
                f"Tiêu chí {code} đã được {Agreement(locked.agreement).label.lower()}; "
                "không cần trả lời thêm."
            )
        before = (locked.agency_response, locked.agency_response_text)
        locked.agency_response = response
        locked.agency_response_text = text
        if (locked.agency_response, locked.agency_response_text) == before:
            return locked
        locked.version += 1
        locked.updated_by = actor
        # “Đồng ý” settles an adjusted criterion on the appraised value; an explanation
        # reopens it until the Department accepts it or the lead decides.
        if response == AgencyResponse.AGREE and locked.is_adjusted:
            agreement_fields = settle_item(
                locked, Agreement.AGENCY_AGREED, actor=actor, points=None, not_applicable=None
            )
        else:
            agreement_fields = settle_item(locked, "", actor=None, points=None, not_applicable=None)
        locked.save(
            update_fields=[
                "agency_response",
                "agency_response_text",
                *agreement_fields,
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        labels = dict(AgencyResponse.choices)
        if locked.agency_response != before[0]:
            audit.record(
                actor=actor,
                submission=submission,
                period=submission.period,
                action=AuditAction.RESPOND,
                target=code,
                field="agency_response",
                old=labels.get(before[0], ""),
                new=labels[response],
            )
        if locked.agency_response_text != before[1]:
            audit.record(
                actor=actor,
                submission=submission,
                period=submission.period,
                action=AuditAction.RESPOND,
                target=code,
                field="agency_response_text",
                old=before[1],
                new=text,
            )
        Message.objects.create(
            submission=submission,
            item=locked,
            author=actor,
            kind=MessageKind.ANSWER,
            body=text or "Đồng ý với kết quả thẩm định.",
            round=submission.round,
        )
    return locked


# --- settling an adjusted criterion ----------------------------------------------------------


def _settle(submission, locked, agreement, *, actor, action, points, not_applicable, reason=""):
    fields = settle_item(
        locked, agreement, actor=actor, points=points, not_applicable=not_applicable, reason=reason
    )
    locked.version += 1
    locked.updated_by = actor
    locked.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        submission=submission,
        period=submission.period,
        action=action,
        target=locked.criterion.code,
        field="agreement",
        new=f"{Agreement(agreement).label}: {_final_text(locked)}",
        reason=reason,
    )
    # Pages showing the dossier's transition buttons must see that a criterion was settled.
    submission.version += 1
    submission.save(update_fields=["version", "updated_at"])
    return locked


def _final_text(item) -> str:
    if item.agreed_not_applicable:
        return "không áp dụng"
    if item.agreed_points is None:
        return "theo kết quả thẩm định"
    return f"{format_points(item.agreed_points)} điểm"


def _self_value(submission, item):
    """(points, not applicable) of the agency's own answer to one criterion."""
    criteria = scores.table_criteria(submission.table)
    result = scores.self_result(submission, criteria, list(submission.items.all()))
    own = result.items[item.criterion.code]
    return own.points, own.not_applicable


def accept_explanation(item: ItemScore, *, actor, expected_version=None) -> ItemScore:
    """The reviewer accepts the agency's explanation on one adjusted criterion: the agency's own
    value becomes the final one (“chấp nhận giải trình”); the appraised value stays on record.

    Rules: reviewers and the lead who may appraise (never a reviewer of the agency itself),
    while the dossier is answered; only on an adjusted criterion the agency explained.
    Side effects: one audit row; item and submission versions bumped.
    """
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        if not permissions.can_accept_explanation(actor, submission):
            if not permissions.can_review(actor, submission):
                _require_appraiser(actor, submission)
            raise WorkflowError("Chỉ chấp nhận giải trình khi đơn vị đã gửi giải trình.")
        code = locked.criterion.code
        if not locked.is_adjusted or locked.agency_response != AgencyResponse.EXPLAIN:
            raise WorkflowError(f"Tiêu chí {code} không có giải trình của đơn vị để chấp nhận.")
        points, not_applicable = _self_value(submission, locked)
        return _settle(
            submission,
            locked,
            Agreement.EXPLANATION_ACCEPTED,
            actor=actor,
            action=AuditAction.ACCEPT_EXPLANATION,
            points=points,
            not_applicable=not_applicable,
            reason=locked.agency_response_text,
        )


DECISION_KEEPS = ("appraised", "self")


def decide_item(
    item: ItemScore, *, actor, keep: str, reason: str, expected_version=None
) -> ItemScore:
    """The lead decides one adjusted criterion the agency does not agree with: the appraised
    value (`keep="appraised"`) or the agency's own (`keep="self"`) becomes final.

    Rules: the lead only (`permissions.can_decide`), while the dossier is in review, returned or
    answered; only on an adjusted criterion; a reason is required and kept on the criterion.
    Side effects: one audit row; item and submission versions bumped.
    """
    reason = (reason or "").strip()
    if keep not in DECISION_KEEPS:
        raise WorkflowError("Vui lòng chọn giữ kết quả thẩm định hoặc kết quả tự đánh giá.")
    if not reason:
        raise WorkflowError("Vui lòng nêu lý do quyết định của lãnh đạo.")
    with transaction.atomic():
        submission, locked = _lock(item, expected_version=expected_version)
        if not permissions.can_decide(actor, submission):
            raise WorkflowError("Chỉ lãnh đạo Sở quyết định tiêu chí khi hồ sơ đang thẩm định.")
        if not locked.is_adjusted:
            raise WorkflowError(
                f"Tiêu chí {locked.criterion.code} không được điều chỉnh, không cần quyết định."
            )
        points, not_applicable = (None, None)
        if keep == "self":
            points, not_applicable = _self_value(submission, locked)
        return _settle(
            submission,
            locked,
            Agreement.LEAD_DECIDED,
            actor=actor,
            action=AuditAction.DECIDE_ITEM,
            points=points,
            not_applicable=not_applicable,
            reason=reason,
        )


def assign_reviewer(
    submission: Submission, *, actor, reviewer: User | None, group=None, expected_version=None
) -> None:
    """The lead assigns a reviewer to the whole submission, or to one criteria group.

    Rules: lead only; not on a finalised submission; the reviewer must be an active reviewer or
    lead and, for a reviewer, not from the agency under review (the evaluating department's own submission needs
    another reviewer or the lead). `reviewer=None` removes the assignment. `expected_version`
    (the submission's version when the page was loaded; None means no check) must equal the
    stored one, else `ConflictError`: a lead's page left open while another lead assigned
    someone else does not silently undo that choice. Side effects: one audit row (old → new
    reviewer); submission.version + 1.
    """
    if not permissions.is_lead(actor):
        raise WorkflowError("Chỉ lãnh đạo được phân công người thẩm định.")
    if reviewer is not None:
        if not reviewer.is_active or reviewer.role not in (Role.REVIEWER, Role.LEAD):
            raise WorkflowError("Người được chọn không phải người thẩm định đang hoạt động.")
        if permissions.reviews_own_agency(reviewer, submission):
            raise WorkflowError(
                "Không thể phân công người thẩm định thuộc chính cơ quan được đánh giá."
            )
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("period", "reviewer")
            .get(pk=submission.pk)
        )
        if locked.status == S.FINALISED:
            raise WorkflowError("Hồ sơ đã chốt kết quả, không thể thay đổi phân công.")
        if expected_version is not None and expected_version != locked.version:
            raise ConflictError(CONFLICT_MESSAGE)
        if group is None:
            old = locked.reviewer
            if old == reviewer:
                return
            locked.reviewer = reviewer
            target = ""
        else:
            if group.table_id != locked.table_id or not group.is_group:
                raise WorkflowError("Nhóm tiêu chí không thuộc bảng tiêu chí của hồ sơ này.")
            current = Assignment.objects.filter(submission=locked, group=group).first()
            old = current.reviewer if current else None
            if old == reviewer:
                return
            if reviewer is None:
                current.delete()
            else:
                Assignment.objects.update_or_create(
                    submission=locked, group=group, defaults={"reviewer": reviewer}
                )
            target = group.code
        locked.version += 1
        locked.save(update_fields=["reviewer", "version", "updated_at"])
        audit.record(
            actor=actor,
            submission=locked,
            period=locked.period,
            action=AuditAction.ASSIGN_REVIEWER,
            target=target,
            field="reviewer",
            old=str(old) if old else "",
            new=str(reviewer) if reviewer else "",
        )
