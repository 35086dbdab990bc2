import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assessments.enums import Role, SubmissionStatus
from assessments.models import Agency, CriteriaTable, Criterion, Evidence, Period, Submission, User
from assessments.models.program import program_2022
from assessments.services import get_or_create_submission
from tests.factories import make_period


def test_one_submission_per_agency_and_period_is_enforced_by_the_database(period, agency_a):
    first = get_or_create_submission(agency_a, period)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(agency=agency_a, period=period, table=first.table)


def test_get_or_create_submission_returns_the_existing_one_with_an_item_per_criterion(
    period, agency_a
):
    first = get_or_create_submission(agency_a, period)
    again = get_or_create_submission(agency_a, period)
    assert again.pk == first.pk
    assert first.table.label == "Phụ lục 1"
    assert first.items.count() == 20  # Phụ lục 1: 17 positive criteria + 3 deductions


def test_officer_without_agency_is_refused_by_the_database(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="x", password="x", role=Role.OFFICER, agency=None)


def test_superuser_is_an_administrator_without_agency(reference):
    user = User.objects.create_superuser(username="root", password="x")
    assert user.role == Role.ADMIN
    assert user.agency is None


def test_evidence_without_citation_file_or_link_is_refused(period, agency_a):
    submission = get_or_create_submission(agency_a, period)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(submission=submission, summary="Chỉ có trích yếu")


def test_evidence_citation_reads_as_an_official_reference(period, agency_a):
    submission = get_or_create_submission(agency_a, period)
    evidence = Evidence.objects.create(
        submission=submission,
        doc_number="45/KH-STC",
        doc_date=dt.date(2022, 3, 15),
        issuer="Sở Tài chính",
        summary="Kế hoạch ứng dụng CNTT năm 2022",
    )
    assert evidence.citation == (
        "Số 45/KH-STC ngày 15/03/2022 của Sở Tài chính — Kế hoạch ứng dụng CNTT năm 2022"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"window_end": dt.date(2021, 12, 31)},  # window ends before it starts
        {"self_assessment_deadline": dt.date(2022, 10, 1)},  # deadline inside the window
        {"report_deadline": dt.date(2022, 10, 29)},  # report before the deadline
        {"decimal_places": 3},  # points are stored with two decimals
        {"scale_max": Decimal("0")},
    ],
)
def test_period_dates_and_thresholds_must_be_ordered(reference, changes):
    values = {
        "code": "2022",
        "year": 2022,
        "title": "Năm 2022",
        "window_start": dt.date(2022, 1, 1),
        "window_end": dt.date(2022, 10, 25),
        "self_assessment_deadline": dt.date(2022, 10, 30),
        "report_deadline": dt.date(2022, 11, 20),
        "evaluating_agency": Agency.objects.get(code="so-thong-tin-truyen-thong"),
        "program": program_2022(Agency.objects.get(code="so-thong-tin-truyen-thong")),
        **changes,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(**values)


def test_only_one_official_period_per_year_but_practice_periods_may_share_it(reference):
    make_period(code="2022", year=2022, tables=False)
    make_period(code="thuc-hanh-2022", year=2022, is_practice=True, tables=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_period(code="2022-bis", year=2022, tables=False)


def test_one_table_per_period_and_kind(period):
    table = CriteriaTable.objects.filter(period=period).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaTable.objects.create(period=period, kind=table.kind, label="x", title="x")


def test_criterion_codes_are_unique_in_a_table(period):
    table = CriteriaTable.objects.filter(period=period).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(table=table, code="I.1", title="Trùng mã")


def test_a_finalised_submission_must_have_a_score_and_no_negative_one(period, agency_a):
    submission = get_or_create_submission(agency_a, period)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.FINALISED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(final_score=Decimal("-0.01"))
