import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from assessments import appraisal, workflow
from assessments.enums import PeriodStatus, SubmissionStatus
from assessments.models import AuditEntry, Extension, Notification
from assessments.models.period import LOCAL_TZ
from assessments.services import get_or_create_submission
from assessments.workflow import TRANSITIONS, ConflictError, WorkflowError
from scoring import classify
from tests.factories import fill_submission, make_period

S = SubmissionStatus


@pytest.fixture
def filled(period, agency_a):
    return fill_submission(get_or_create_submission(agency_a, period))


def _to(submission, status):
    """Put a submission straight into a status to test the move out of it."""
    extra = {"final_score": Decimal("2.00")} if status == S.FINALISED else {}
    type(submission).objects.filter(pk=submission.pk).update(status=status, **extra)
    submission.refresh_from_db()
    return submission


def test_submit_stores_the_self_score_and_notifies_both_sides(
    filled, officer_a, reviewer, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = workflow.submit(filled, actor=officer_a)
    assert submitted.status == S.SUBMITTED
    assert submitted.self_score == Decimal("3.00")
    assert submitted.self_grade == "A+"
    assert submitted.submitted_by == officer_a
    assert submitted.version == 2
    entry = AuditEntry.objects.get(submission=submitted, action="submit")
    assert (entry.actor, entry.old_value, entry.new_value) == (
        officer_a,
        "Đang tự đánh giá",
        "Đã nộp, chờ thẩm định",
    )
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "thamdinh",
        "lanhdao",
        "canbo_a",
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "canbo_a@example.gov.vn",
        "lanhdao@example.gov.vn",
        "thamdinh@example.gov.vn",
    ]


def test_submit_with_missing_answers_is_refused(period, agency_a, officer_a):
    submission = get_or_create_submission(agency_a, period)
    with pytest.raises(WorkflowError) as caught:
        workflow.submit(submission, actor=officer_a)
    assert caught.value.message == "Hồ sơ còn 20 nội dung chưa hoàn thành, chưa thể nộp."
    submission.refresh_from_db()
    assert submission.status == S.DRAFT


def _deadline_instant(period, *, seconds_after_midnight):
    day_after = period.self_assessment_deadline + dt.timedelta(days=1)
    midnight = dt.datetime.combine(day_after, dt.time.min, tzinfo=LOCAL_TZ)
    return midnight + dt.timedelta(seconds=seconds_after_midnight)


def test_submit_at_235959_local_time_on_the_deadline_day_is_accepted(filled, officer_a, period):
    now = _deadline_instant(period, seconds_after_midnight=-1)
    assert workflow.submit(filled, actor=officer_a, now=now).status == S.SUBMITTED


def test_submit_at_midnight_after_the_deadline_is_refused_plainly(filled, officer_a, period):
    now = _deadline_instant(period, seconds_after_midnight=0)
    with pytest.raises(WorkflowError) as caught:
        workflow.submit(filled, actor=officer_a, now=now)
    day = period.self_assessment_deadline.strftime("%d/%m/%Y")
    assert caught.value.message.startswith(
        f"Đã hết hạn nộp kết quả tự đánh giá (hạn cuối: hết ngày {day})."
    )


def test_an_extension_lets_the_agency_submit_late_and_marks_it_late(
    filled, officer_a, period, agency_a, lead
):
    Extension.objects.create(
        period=period,
        agency=agency_a,
        new_deadline=period.self_assessment_deadline + dt.timedelta(days=3),
        reason="Sự cố phần mềm QLVB",
        granted_by=lead,
    )
    now = _deadline_instant(period, seconds_after_midnight=3600)
    submitted = workflow.submit(filled, actor=officer_a, now=now)
    assert submitted.status == S.SUBMITTED
    assert submitted.is_late is True


def test_an_officer_of_another_agency_cannot_submit(filled, officer_b):
    with pytest.raises(WorkflowError) as caught:
        workflow.submit(filled, actor=officer_b)
    assert caught.value.message == "Bạn không có quyền thực hiện thao tác “Nộp hồ sơ”."


def test_a_stale_page_is_told_someone_else_changed_the_submission(filled, officer_a):
    with pytest.raises(ConflictError) as caught:
        workflow.submit(filled, actor=officer_a, expected_version=filled.version + 1)
    assert caught.value.message.startswith("Người khác vừa cập nhật hồ sơ này.")


def test_withdraw_returns_a_submitted_dossier_to_draft(filled, officer_a):
    submitted = workflow.submit(filled, actor=officer_a)
    withdrawn = workflow.withdraw(submitted, actor=officer_a)
    assert withdrawn.status == S.DRAFT
    assert withdrawn.self_score is None


def test_withdraw_is_refused_once_a_reviewer_has_opened_it(filled, officer_a, reviewer):
    submitted = workflow.submit(filled, actor=officer_a)
    workflow.start_review(submitted, actor=reviewer)
    with pytest.raises(WorkflowError) as caught:
        workflow.withdraw(submitted, actor=officer_a)
    assert caught.value.message == (
        "Không thể “Rút hồ sơ để sửa” khi hồ sơ đang ở trạng thái “Đang thẩm định”."
    )


def test_a_reviewer_never_reviews_their_own_agency(
    period, department, department_officer, reviewer
):
    own = fill_submission(get_or_create_submission(department, period))
    workflow.submit(own, actor=department_officer)
    with pytest.raises(WorkflowError) as caught:
        workflow.start_review(own, actor=reviewer)
    assert "không được thẩm định hồ sơ của chính cơ quan mình" in caught.value.message


def test_the_lead_may_review_the_departments_own_submission(
    period, department, department_officer, lead
):
    own = fill_submission(get_or_create_submission(department, period))
    workflow.submit(own, actor=department_officer)
    assert workflow.start_review(own, actor=lead).status == S.IN_REVIEW


def test_a_whole_cycle_ends_with_a_final_score_matching_classify(filled, officer_a, reviewer, lead):
    s = workflow.submit(filled, actor=officer_a)
    s = workflow.start_review(s, actor=reviewer)
    assert s.reviewer == reviewer
    item = s.items.get(criterion__code="II.1")
    item.reviewer_inputs = {"percent": "75"}
    item.reviewer_points = Decimal("0.25")
    item.reviewer_reason = "Số liệu thống kê chỉ đạt 75 %."
    item.save()
    s = workflow.return_for_explanation(s, actor=reviewer, message="Đề nghị giải trình II.1")
    assert (s.status, s.round) == (S.RETURNED, 1)
    with pytest.raises(WorkflowError):
        workflow.answer(s, actor=officer_a)  # II.1 not answered yet
    appraisal.respond_to_item(item, actor=officer_a, response="agree")
    s = workflow.answer(s, actor=officer_a, message="Đơn vị thống nhất.")
    s = workflow.accept(s, actor=reviewer)
    assert s.items.get(criterion__code="II.1").agreed_points == Decimal("0.25")
    s = workflow.finalise(s, actor=lead)
    assert s.status == S.FINALISED
    assert s.final_score == Decimal("2.85")
    assert s.final_grade == classify(s.final_score).value == "A+"
    assert s.final_thresholds == [
        {"label": "A+", "lowest": "2.50"},
        {"label": "A", "lowest": "1.50"},
        {"label": "B", "lowest": "0.50"},
        {"label": "C", "lowest": "0.00"},
    ]
    s = workflow.reopen(s, actor=lead, reason="Phát hiện sai sót số liệu III.2")
    assert (s.status, s.final_score) == (S.IN_REVIEW, None)
    actions = list(
        AuditEntry.objects.filter(submission=s)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "submit",
        "start_review",
        "return_for_explanation",
        "respond",
        "answer",
        "accept",
        "finalise",
        "reopen",
    ]


ACTORS = {
    "submit": "officer_a",
    "withdraw": "officer_a",
    "start_review": "reviewer",
    "return_for_explanation": "reviewer",
    "answer": "officer_a",
    "confirm_result": "officer_a",
    "accept": "reviewer",
    "record_decision": "lead",
    "finalise": "lead",
    "reopen": "lead",
}
EXTRA = {
    "return_for_explanation": {"message": "Đề nghị giải trình"},
    "record_decision": {"reason": "Giữ kết quả thẩm định"},
    "reopen": {"reason": "Mở lại"},
}


def _call(name, submission, actor):
    return getattr(workflow, name)(submission, actor=actor, **EXTRA.get(name, {}))


@pytest.mark.parametrize(
    ("name", "source"),
    [(name, source) for name, move in TRANSITIONS.items() for source in sorted(move.sources)],
)
def test_every_allowed_move_reaches_its_target(name, source, filled, request):
    actor = request.getfixturevalue(ACTORS[name])
    request.getfixturevalue("lead")
    if name == "finalise":
        # finalise needs agreed points: reach AGREED the way the review does.
        s = workflow.submit(filled, actor=request.getfixturevalue("officer_a"))
        s = workflow.start_review(s, actor=request.getfixturevalue("reviewer"))
        s = workflow.accept(s, actor=request.getfixturevalue("reviewer"))
    else:
        s = _to(filled, source)
    result = _call(name, s, actor)
    assert result.status == TRANSITIONS[name].target


@pytest.mark.parametrize(
    ("name", "source"),
    [
        (name, source)
        for name, move in TRANSITIONS.items()
        for source in S.values
        if source not in move.sources
    ],
)
def test_every_forbidden_move_is_refused_with_a_sentence(name, source, filled, request):
    actor = request.getfixturevalue(ACTORS[name])
    s = _to(filled, source)
    with pytest.raises(WorkflowError) as caught:
        _call(name, s, actor)
    assert caught.value.message == (
        f"Không thể “{TRANSITIONS[name].label}” khi hồ sơ đang ở trạng thái “{S(source).label}”."
    )
    s.refresh_from_db()
    assert s.status == source


def test_return_without_a_message_is_refused(filled, officer_a, reviewer):
    s = workflow.start_review(workflow.submit(filled, actor=officer_a), actor=reviewer)
    with pytest.raises(WorkflowError) as caught:
        workflow.return_for_explanation(s, actor=reviewer, message="  ")
    assert caught.value.message == "Vui lòng nhập nội dung yêu cầu giải trình gửi cơ quan, đơn vị."


def test_only_the_lead_finalises(filled, officer_a, reviewer):
    s = workflow.accept(
        workflow.start_review(workflow.submit(filled, actor=officer_a), actor=reviewer),
        actor=reviewer,
    )
    with pytest.raises(WorkflowError) as caught:
        workflow.finalise(s, actor=reviewer)
    assert caught.value.message == "Bạn không có quyền thực hiện thao tác “Chốt kết quả”."


def test_publishing_needs_every_submitted_dossier_finalised(
    reference, agency_a, officer_a, lead, reviewer
):
    period = make_period(status=PeriodStatus.REVIEW)
    s = fill_submission(get_or_create_submission(agency_a, period))
    s = workflow.submit(s, actor=officer_a, now=timezone.now())
    with pytest.raises(WorkflowError) as caught:
        workflow.change_period_status(period, "finalise_period", actor=lead)
    assert caught.value.message.startswith("Còn 1 hồ sơ chưa chốt kết quả")
    s = workflow.accept(workflow.start_review(s, actor=reviewer), actor=reviewer)
    workflow.finalise(s, actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    period = workflow.change_period_status(period, "publish_period", actor=lead)
    assert period.status == PeriodStatus.PUBLISHED
    assert period.published_at is not None
    with pytest.raises(WorkflowError):
        workflow.change_period_status(period, "unpublish_period", actor=lead, reason="")
    period = workflow.change_period_status(
        period, "unpublish_period", actor=lead, reason="Sai tên đơn vị"
    )
    assert period.status == PeriodStatus.FINALISED
    entry = AuditEntry.objects.filter(period=period, action="unpublish_period").get()
    assert entry.reason == "Sai tên đơn vị"
