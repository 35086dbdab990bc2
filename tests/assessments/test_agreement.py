"""Issue 10 point 1-2: a dossier is agreed only when every adjusted criterion is, and each
criterion keeps its self-assessed, appraised and final value with how the final one was reached."""

from decimal import Decimal

import pytest

from assessments import appraisal, scores, workflow
from assessments.enums import Agreement, AuditAction, SubmissionStatus
from assessments.models import AuditEntry
from assessments.workflow import WorkflowError
from tests.assessments.review_support import in_review, item, returned

S = SubmissionStatus

OPEN_II2 = (
    "Chưa thể thống nhất kết quả: các tiêu chí II.2 đã được điều chỉnh nhưng chưa có sự đồng ý "
    "của đơn vị, chưa được chấp nhận giải trình và chưa có quyết định của lãnh đạo. Hãy yêu cầu "
    "giải trình, chấp nhận giải trình từng tiêu chí, hoặc đề nghị lãnh đạo quyết định."
)


@pytest.fixture
def explained(agency_a, period, officer_a, reviewer):
    """II.2 lowered from 0,30 to 0,24; the agency disagrees with an explanation and sends it."""
    submission = returned(agency_a, period, officer_a, reviewer)
    appraisal.respond_to_item(
        item(submission, "II.2"),
        actor=officer_a,
        response="explain",
        text="Phần mềm chưa đồng bộ 20 hồ sơ giấy đã số hóa.",
    )
    return workflow.answer(submission, actor=officer_a)


def _final(submission):
    submission.refresh_from_db()
    criteria = scores.table_criteria(submission.table)
    items = list(submission.items.select_related("criterion"))
    return scores.agreed_result(submission, criteria, items)


def test_accepting_while_the_agency_still_disagrees_is_refused(explained, reviewer):
    with pytest.raises(WorkflowError) as caught:
        workflow.accept(explained, actor=reviewer)
    assert caught.value.message == OPEN_II2
    explained.refresh_from_db()
    assert explained.status == S.ANSWERED
    assert not AuditEntry.objects.filter(submission=explained, action="accept").exists()


def test_accepting_an_adjustment_the_agency_never_saw_is_refused(
    agency_a, period, officer_a, reviewer
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Chỉ đạt 80 %.",
    )
    with pytest.raises(WorkflowError) as caught:
        workflow.accept(submission, actor=reviewer)
    assert caught.value.message == OPEN_II2


def test_accepting_the_explanation_makes_the_agency_value_final(explained, reviewer, lead):
    accepted = appraisal.accept_explanation(item(explained, "II.2"), actor=reviewer)
    assert (accepted.agreement, accepted.agreed_by, accepted.agreed_points) == (
        Agreement.EXPLANATION_ACCEPTED,
        reviewer,
        Decimal("0.30"),
    )
    agreed = workflow.accept(explained, actor=reviewer)
    assert agreed.status == S.AGREED
    ii2 = item(agreed, "II.2")
    assert (ii2.points, ii2.reviewer_points, ii2.agreed_points) == (
        Decimal("0.30"),
        Decimal("0.24"),
        Decimal("0.30"),
    )
    assert item(agreed, "II.1").agreement == Agreement.NOT_ADJUSTED
    final = workflow.finalise(agreed, actor=lead)
    assert final.final_score == _final(final).score == Decimal("3.00")
    assert list(
        AuditEntry.objects.filter(
            submission=explained, action=AuditAction.ACCEPT_EXPLANATION
        ).values_list("target", "new_value", "reason")
    ) == [
        (
            "II.2",
            "Chấp nhận giải trình: 0,30 điểm",
            "Phần mềm chưa đồng bộ 20 hồ sơ giấy đã số hóa.",
        )
    ]


def test_an_explanation_can_be_accepted_only_once_answered(sent_back, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.accept_explanation(item(sent_back, "II.2"), actor=reviewer)
    assert caught.value.message == NOT_APPRAISABLE


def test_the_lead_decides_a_disputed_criterion_with_a_reason(explained, reviewer, lead):
    with pytest.raises(WorkflowError) as caught:
        appraisal.decide_item(item(explained, "II.2"), actor=lead, keep="appraised", reason=" ")
    assert caught.value.message == "Vui lòng nêu lý do quyết định của lãnh đạo."
    with pytest.raises(WorkflowError) as caught:
        appraisal.decide_item(
            item(explained, "II.2"), actor=reviewer, keep="appraised", reason="Giữ."
        )
    assert caught.value.message == "Chỉ lãnh đạo Sở quyết định tiêu chí khi hồ sơ đang thẩm định."
    decided = appraisal.decide_item(
        item(explained, "II.2"), actor=lead, keep="appraised", reason="Theo số liệu hệ thống."
    )
    assert (decided.agreement, decided.agreed_by, decided.agreement_reason) == (
        Agreement.LEAD_DECIDED,
        lead,
        "Theo số liệu hệ thống.",
    )
    agreed = workflow.accept(explained, actor=reviewer)
    assert item(agreed, "II.2").agreed_points == Decimal("0.24")
    assert _final(agreed).score == Decimal("2.94")


def test_the_lead_may_decide_for_the_agency_value(explained, lead):
    appraisal.decide_item(
        item(explained, "II.2"), actor=lead, keep="self", reason="Hồ sơ giấy đã đủ."
    )
    agreed = workflow.accept(explained, actor=lead)
    assert item(agreed, "II.2").agreed_points == Decimal("0.30")


def test_the_lead_decision_for_the_whole_dossier_records_each_open_criterion(explained, lead):
    agreed = workflow.record_decision(explained, actor=lead, reason="Giữ kết quả thẩm định.")
    ii2 = item(agreed, "II.2")
    assert (ii2.agreement, ii2.agreed_by, ii2.agreement_reason, ii2.agreed_points) == (
        Agreement.LEAD_DECIDED,
        lead,
        "Giữ kết quả thẩm định.",
        Decimal("0.24"),
    )


def test_the_agency_agreeing_settles_the_criterion(sent_back, officer_a, reviewer):
    appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_a, response="agree")
    answered = workflow.answer(sent_back, actor=officer_a)
    agreed = workflow.accept(answered, actor=reviewer)
    ii2 = item(agreed, "II.2")
    assert (ii2.agreement, ii2.agreed_by, ii2.agreed_points) == (
        Agreement.AGENCY_AGREED,
        officer_a,
        Decimal("0.24"),
    )


def test_confirming_the_result_records_the_agency_agreement(sent_back, officer_a):
    agreed = workflow.confirm_result(sent_back, actor=officer_a)
    ii2 = item(agreed, "II.2")
    assert (ii2.agreement, ii2.agreed_by, ii2.agreed_points) == (
        Agreement.AGENCY_AGREED,
        officer_a,
        Decimal("0.24"),
    )


def test_a_new_correction_reopens_an_accepted_criterion(explained, reviewer):
    appraisal.accept_explanation(item(explained, "II.2"), actor=reviewer)
    appraisal.correct_inputs(
        item(explained, "II.2"),
        actor=reviewer,
        inputs={"numerator": "90", "denominator": "100"},
        reason="Chỉ chấp nhận thêm 10 hồ sơ.",
    )
    ii2 = item(explained, "II.2")
    assert (ii2.agreement, ii2.agreed_points, ii2.is_open) == ("", None, True)
    explained.refresh_from_db()
    with pytest.raises(WorkflowError):
        workflow.accept(explained, actor=reviewer)


NOT_APPRAISABLE = "Chỉ chấp nhận giải trình khi đơn vị đã gửi giải trình."


@pytest.fixture
def sent_back(agency_a, period, officer_a, reviewer):
    return returned(agency_a, period, officer_a, reviewer)
