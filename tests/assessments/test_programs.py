"""Evaluation programs as data: several programs, any scale, any bands (or none)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments import demo_2025, workflow
from assessments.enums import PeriodStatus
from assessments.models import Agency, Period, Program
from assessments.models.program import program_2022
from tests.assessments.results_helpers import finalise_agency
from tests.factories import make_period

BEFORE = ("assessments", "0007_audit_action_choices")
AFTER = ("assessments", "0008_programs_scales_bands")


@pytest.fixture
def period_2025(reference):
    return demo_2025.ensure_period_2025()


# --- the migration of the 2022 data ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_existing_periods_in_the_2022_program_with_their_thresholds():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        _migrate_2022_data(executor)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    _check_migrated_2022_data()


def _migrate_2022_data(executor):
    old = executor.loader.project_state([BEFORE]).apps
    kind = old.get_model("assessments", "AgencyKind").objects.create(
        code="so-thu-nghiem", name="Sở (thử nghiệm)", appendix_label="Phụ lục 1"
    )
    department = old.get_model("assessments", "Agency").objects.create(
        code="so-tttt", name="Sở Thông tin và Truyền thông (thử nghiệm)", kind=kind
    )
    old_period = old.get_model("assessments", "Period")
    common = {
        "window_start": dt.date(2022, 1, 1),
        "window_end": dt.date(2022, 10, 25),
        "self_assessment_deadline": dt.date(2022, 10, 30),
        "report_deadline": dt.date(2022, 11, 20),
        "evaluating_agency": department,
    }
    old_period.objects.create(code="2022", year=2022, title="Năm 2022", **common)
    old_period.objects.create(
        code="2023",
        year=2023,
        title="Năm 2023",
        threshold_a_plus=Decimal("2.60"),
        threshold_a=Decimal("1.60"),
        threshold_b=Decimal("0.00"),
        **common,
    )
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])


def _check_migrated_2022_data():
    program = Program.objects.get()
    assert (program.code, program.name, program.evaluating_agency.code) == (
        "ung-dung-cntt",
        "Đánh giá ứng dụng CNTT trong quản lý điều hành",
        "so-tttt",
    )
    assert (program.agency_short_name, program.filing_line, program.contact) == (
        "Sở TT&TT",
        "Lưu: VT, CNTT-VT.",
        "phòng CNTT-VT, Sở TT&TT",
    )
    periods = {period.code: period for period in Period.objects.all()}
    assert {period.program_id for period in periods.values()} == {program.pk}
    assert periods["2022"].bands == [
        {"label": "A+", "lowest": "2.50"},
        {"label": "A", "lowest": "1.50"},
        {"label": "B", "lowest": "0.50"},
        {"label": "C", "lowest": "0.00"},
    ]
    assert periods["2023"].bands == [
        {"label": "A+", "lowest": "2.60"},
        {"label": "A", "lowest": "1.60"},
        {"label": "B", "lowest": "0.00"},
        {"label": "C", "lowest": "-1.00"},
    ]
    assert (periods["2022"].scale_max, periods["2022"].decimal_places) == (Decimal("3.00"), 2)


# --- the models -----------------------------------------------------------------------------


def test_a_new_period_grades_as_the_2022_letter(period):
    assert period.program.code == "ung-dung-cntt"
    assert period.grade_labels == ["A+", "A", "B", "C"]
    assert period.band_set.classify(Decimal("2.50")).label == "A+"


def test_two_programs_may_each_have_an_official_period_in_the_same_year(reference, period_2025):
    make_period(code="2025", year=2025, tables=False)
    assert Period.objects.filter(year=2025, is_practice=False).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        make_period(code="2025-bis", year=2025, tables=False)


def test_a_period_with_bands_out_of_order_is_invalid(period):
    period.bands = [{"label": "A", "lowest": "1"}, {"label": "B", "lowest": "2"}]
    with pytest.raises(ValidationError) as refused:
        period.full_clean()
    assert refused.value.messages == [
        "Mức “B”: điểm thấp nhất phải nhỏ hơn của mức “A” (1); các mức xếp từ cao xuống thấp."
    ]


def test_points_of_a_thousand_point_table_fit(period, agency_a):
    from assessments.services import get_or_create_submission

    submission = get_or_create_submission(agency_a, period)
    submission.self_score = Decimal("987.65")
    submission.save(update_fields=["self_score"])
    submission.refresh_from_db()
    assert submission.self_score == Decimal("987.65")


def test_the_2025_demo_is_idempotent(period_2025):
    again = demo_2025.ensure_period_2025()
    assert again.pk == period_2025.pk
    assert period_2025.program.evaluating_agency.name == "Sở Khoa học và Công nghệ"
    assert sorted(period_2025.tables.values_list("kind__code", "scale_max")) == [
        ("so-ban-nganh", Decimal("100.00")),
        ("ubnd-xa", Decimal("100.00")),
    ]
    assert period_2025.grade_labels == ["A", "B", "C", "D", "E"]
    assert period_2025.status == PeriodStatus.SELF_ASSESSMENT


# --- a 100-point period end to end ------------------------------------------------------------

# On the departments' DTI table: loses all 5 points of 5.1.1 and half of five 4-point ratios
# (10): 85 of 100, band B (80–89).
HALF = {"numerator": "50", "denominator": "100"}
EIGHTY_FIVE = {
    "5.1.1": {"numerator": "0", "denominator": "100"},
    **{code: HALF for code in ("3.1.2", "3.2.1", "3.2.2", "6.1.2", "6.1.3")},
}


def test_a_hundred_point_period_scores_grades_and_publishes(period_2025, reviewer, lead):
    finance = Agency.objects.get(code="so-tai-chinh")
    commune = Agency.objects.get(code="phuong-tam-hiep")  # no prefilled fact
    graded = finalise_agency(period_2025, finance, reviewer=reviewer, lead=lead, inputs=EIGHTY_FIVE)
    full = finalise_agency(period_2025, commune, reviewer=reviewer, lead=lead)
    assert (graded.self_score, graded.final_score, graded.final_grade) == (
        Decimal("85.00"),
        Decimal("85.00"),
        "B",
    )
    assert graded.final_thresholds == demo_2025.BANDS_2025
    assert (full.final_score, full.final_grade) == (Decimal("100.00"), "A")
    period = workflow.change_period_status(period_2025, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    workflow.change_period_status(period, "publish_period", actor=lead)

    page = Client().get(reverse("public:period_results", args=["cds-2025"])).content.decode()
    assert "Kết quả chỉ số chuyển đổi số cấp sở, cấp xã năm 2025" in page
    assert (
        "được đánh giá trên thang điểm 100: mức A từ 90,00 điểm, mức B từ 80,00, mức C từ 65,00, "
        "mức D từ 50,00, dưới 50,00 là mức E."
    ) in page
    card = Client().get(reverse("public:scorecard", args=["cds-2025", "so-tai-chinh"]))
    text = card.content.decode()
    assert '<strong>85,00 điểm</strong>, <span class="grade grade-B" title="Mức B">B</span>' in text
    assert 'Điểm đánh giá (thang điểm 100)</td><td class="num">100,00</td>' in text


def test_a_ranking_only_period_shows_the_rank_and_no_letter(period_2025, reviewer, lead):
    Period.objects.filter(pk=period_2025.pk).update(bands=[])
    period_2025.refresh_from_db()
    finance = Agency.objects.get(code="so-tai-chinh")
    graded = finalise_agency(period_2025, finance, reviewer=reviewer, lead=lead)
    assert (graded.final_score, graded.final_grade, graded.final_thresholds) == (
        Decimal("100.00"),
        "",
        [],
    )
    period = workflow.change_period_status(period_2025, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    workflow.change_period_status(period, "publish_period", actor=lead)
    text = (
        Client()
        .get(reverse("public:scorecard", args=["cds-2025", "so-tai-chinh"]))
        .content.decode()
    )
    assert "<strong>100,00 điểm</strong> — hạng 1/1" in text
    page = Client().get(reverse("public:period_results", args=["cds-2025"])).content.decode()
    assert "thang điểm 100, xếp hạng theo điểm (không xếp loại)." in page


def test_texts_name_the_programs_evaluating_agency(period_2025, reviewer, lead):
    from assessments.models import Notification

    finance = Agency.objects.get(code="so-tai-chinh")
    finalise_agency(period_2025, finance, reviewer=reviewer, lead=lead)
    titles = set(Notification.objects.values_list("title", flat=True))
    assert "Sở KH&CN đã nhận hồ sơ tự đánh giá của đơn vị" in titles
    assert f"Sở KH&CN đã thống nhất kết quả thẩm định {period_2025}" in titles


def test_the_public_home_lists_programs_and_their_published_periods(period_2025, period, lead):
    page = Client().get(reverse("home")).content.decode()
    assert "Chỉ số chuyển đổi số cấp sở, cấp xã" in page
    assert "Đánh giá ứng dụng CNTT trong quản lý điều hành" in page
    assert "Sở Thông tin và Truyền thông" not in page


def test_program_2022_is_found_not_duplicated(reference):
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    assert program_2022(department).pk == program_2022(department).pk
