"""Rules computed across agencies: the reference is computed and stored when the period is
finalised, and every agency's points and results follow from it."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import appraisal, references, workflow
from assessments.enums import AgencyResponse, AuditAction, PeriodStatus
from assessments.models import (
    Agency,
    AuditEntry,
    ItemScore,
    ReferenceValue,
    Submission,
    SubmissionResult,
)
from assessments.scores import missing_for_submission, self_result, table_criteria
from assessments.services import get_or_create_submission
from tests.assessments.crossrules_helpers import board, finalise_with_value, make_relative
from tests.factories import fill_submission, make_user


def _close(period, lead):
    return workflow.change_period_status(period, "close_self_assessment", actor=lead)


def _item(agency, code="II.3"):
    return ItemScore.objects.get(submission__agency=agency, criterion__code=code)


@pytest.fixture
def bandwidth(period):
    return make_relative(period)


def test_a_value_answers_the_criterion_before_its_points_are_known(period, bandwidth, agency_a):
    submission = fill_submission(
        get_or_create_submission(agency_a, period), inputs={"II.3": {"value": "12,5"}}
    )
    items = list(submission.items.select_related("criterion").prefetch_related("evidence"))
    criteria = table_criteria(submission.table)
    assert missing_for_submission(criteria, items) == []
    assert _item(agency_a).points is None
    result = self_result(submission, criteria, items)
    assert (result.answered, result.items["II.3"].points) == (result.total, None)


def test_finalising_the_period_stores_the_best_and_every_agencys_points(
    period, bandwidth, reviewer, lead
):
    agencies = [Agency.objects.get(code="so-tai-chinh"), board(1), board(2)]
    for agency, value in zip(agencies, ["12,5", "5", "0"], strict=True):
        finalise_with_value(period, agency, value, reviewer=reviewer, lead=lead)
    # Before the period is finalised the criterion counts nothing: “chưa tính”.
    assert [s.final_score for s in Submission.objects.order_by("pk")] == [D("2.85")] * 3
    assert not ReferenceValue.objects.exists()

    workflow.change_period_status(_close(period, lead), "finalise_period", actor=lead)

    reference = ReferenceValue.objects.get()
    assert (reference.criterion, reference.kind.code, reference.method) == (
        bandwidth,
        "so-ban-nganh",
        "relative_best",
    )
    assert (reference.value, reference.contributors, reference.computed_by) == (
        D("12.5000"),
        3,
        lead,
    )
    assert [_item(agency).agreed_points for agency in agencies] == [
        D("0.15"),
        D("0.06"),
        D("0.00"),
    ]
    finals = {s.agency_id: s for s in Submission.objects.select_related("result")}
    assert [(finals[a.pk].final_score, finals[a.pk].final_grade) for a in agencies] == [
        (D("3.00"), "A+"),
        (D("2.91"), "A+"),
        (D("2.85"), "A+"),
    ]
    assert [finals[a.pk].result.rank for a in agencies] == [1, 2, 3]
    assert [finals[a.pk].result.group_points["II"] for a in agencies] == ["1.20", "1.11", "1.05"]
    entries = AuditEntry.objects.filter(action=AuditAction.COMPUTE_REFERENCE).order_by("pk")
    assert [(e.submission_id, e.target, e.new_value, e.reason) for e in entries][:1] == [
        (
            None,
            "Phụ lục 1 II.3",
            "Giá trị cao nhất trong khối: 12,5 Mbps/người",
            "3 đơn vị có số liệu",
        )
    ]
    assert [(e.submission.agency, e.old_value, e.new_value) for e in entries[1:]] == [
        (agencies[0], "2,85 điểm, mức A+", "3,00 điểm, mức A+"),
        (agencies[1], "2,85 điểm, mức A+", "2,91 điểm, mức A+"),
    ]


def test_the_average_counts_every_table_with_the_same_criterion_in_the_province(
    period, reviewer, lead
):
    make_relative(period, rule="relative_average", params={"unit_label": "Mbps/người"})
    # Phụ lục 2 (districts) scores its own II.3 against the same provincial average.
    make_relative(
        period, rule="relative_average", params={"unit_label": "Mbps/người"}, kind="ubnd-cap-huyen"
    )
    finalise_with_value(period, board(1), "15", reviewer=reviewer, lead=lead)
    finalise_with_value(period, board(2), "3", reviewer=reviewer, lead=lead)
    finalise_with_value(
        period, Agency.objects.get(code="huyen-trang-bom"), "12", reviewer=reviewer, lead=lead
    )
    workflow.change_period_status(_close(period, lead), "finalise_period", actor=lead)

    rows = list(ReferenceValue.objects.order_by("criterion__table__kind__order"))
    assert [(row.value, row.contributors, row.kind) for row in rows] == [
        (D("10.0000"), 3, None),
        (D("10.0000"), 3, None),
    ]
    assert _item(Agency.objects.get(code="ban-1")).agreed_points == D("0.15")
    assert _item(Agency.objects.get(code="ban-2")).agreed_points == D("0.05")  # 0.15 × 3/10 → 0.045
    assert references.reference_text(rows[0].criterion, references.references_for(period)) == (
        "Trung bình toàn tỉnh: 10 Mbps/người"
    )


def test_a_dossier_finalised_again_after_the_period_moves_the_reference(
    period, bandwidth, reviewer, lead
):
    best, other = board(1), board(2)
    finalise_with_value(period, best, "12,5", reviewer=reviewer, lead=lead)
    finalise_with_value(period, other, "5", reviewer=reviewer, lead=lead)
    period = workflow.change_period_status(_close(period, lead), "finalise_period", actor=lead)
    submission = workflow.reopen(
        Submission.objects.get(agency=best), actor=lead, reason="Số liệu băng thông sai."
    )
    appraisal.correct_inputs(
        _item(best), actor=lead, inputs={"value": "2"}, reason="Hợp đồng chỉ ghi 2 Mbps/người."
    )
    submission = workflow.record_decision(submission, actor=lead, reason="Theo hợp đồng.")
    workflow.finalise(submission, actor=lead)

    assert ReferenceValue.objects.get().value == D("5.0000")
    assert [_item(best).agreed_points, _item(other).agreed_points] == [D("0.06"), D("0.15")]
    assert Submission.objects.get(agency=other).final_score == D("3.00")
    assert Submission.objects.get(agency=best).result.rank == 2


def test_an_accepted_explanation_makes_the_agencys_own_value_final(
    period, bandwidth, reviewer, lead
):
    first, second = board(1), board(2)
    finalise_with_value(period, first, "20", reviewer=reviewer, lead=lead)
    officer = make_user("canbo-ban-2", agency=second)
    submission = fill_submission(
        get_or_create_submission(second, period), inputs={"II.3": {"value": "10"}}
    )
    submission = workflow.submit(submission, actor=officer)
    submission = workflow.start_review(submission, actor=reviewer)
    item = _item(second)
    appraisal.correct_inputs(
        item, actor=reviewer, inputs={"value": "4"}, reason="Hợp đồng chỉ ghi 4 Mbps/người."
    )
    item.refresh_from_db()
    assert (item.is_adjusted, item.reviewer_points) == (True, None)
    submission = workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị.")
    appraisal.respond_to_item(
        _item(second), actor=officer, response=AgencyResponse.EXPLAIN, text="Có hợp đồng bổ sung."
    )
    submission = workflow.answer(submission, actor=officer)
    appraisal.accept_explanation(_item(second), actor=reviewer)
    submission = workflow.accept(submission, actor=reviewer)
    assert _item(second).agreed_inputs == {"value": "10"}
    workflow.finalise(submission, actor=lead)
    workflow.change_period_status(_close(period, lead), "finalise_period", actor=lead)

    assert ReferenceValue.objects.get().value == D("20.0000")
    assert _item(second).agreed_points == D("0.08")  # 0.15 × 10 / 20 = 0.075


def test_a_corrected_value_agreed_by_the_agency_is_final(period, bandwidth, reviewer, lead):
    agency = board(1)
    officer = make_user("canbo-ban-1", agency=agency)
    submission = fill_submission(
        get_or_create_submission(agency, period), inputs={"II.3": {"value": "10"}}
    )
    submission = workflow.submit(submission, actor=officer)
    submission = workflow.start_review(submission, actor=reviewer)
    appraisal.correct_inputs(
        _item(agency), actor=reviewer, inputs={"value": "8"}, reason="Hợp đồng ghi 8."
    )
    submission = workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị.")
    appraisal.respond_to_item(_item(agency), actor=officer, response=AgencyResponse.AGREE)
    submission = workflow.confirm_result(submission, actor=officer)
    assert _item(agency).agreed_inputs == {"value": "8"}


def test_the_reference_takes_the_same_number_of_queries_for_3_and_30_agencies(
    period, bandwidth, reviewer, lead
):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            references.apply_references(period, actor=lead)
        return len(queries)

    for number in range(3):
        finalise_with_value(period, board(number), str(number + 1), reviewer=reviewer, lead=lead)
    with_three = count_queries()
    for number in range(3, 30):
        finalise_with_value(period, board(number), str(number + 1), reviewer=reviewer, lead=lead)
    assert count_queries() == with_three
    assert ReferenceValue.objects.get().value == D("30.0000")
    assert _item(Agency.objects.get(code="ban-14")).agreed_points == D("0.08")  # 0.15 × 15/30
    # 29 → 0.15 × 29 / 30 = 0.145 → 0.15: the two best share the first rank.
    assert SubmissionResult.objects.filter(rank=1).count() == 2
    assert period.status == PeriodStatus.SELF_ASSESSMENT
