"""A three-level table (pillar → main index → criterion) shown, scored and reported at every
level: the agency's form and its autosave, the appraisal, stored results, the result sheet, the
consolidated workbook, the public scorecard and the statistics (points per pillar)."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessments import workflow
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.result_sheet import ResultSheetPdf
from assessments.models import Agency
from assessments.results import agency_results, load_period_results
from assessments.services import get_or_create_submission
from tests.assessments.deep_tables import load_deep_table
from tests.assessments.results_helpers import finalise_agency
from tests.assessments.test_exports import pdf_text
from tests.assessments.views.test_agency import item, post_item
from tests.factories import fill_submission

HTMX = {"HTTP_HX_REQUEST": "true"}
# Full marks except 1.2.1 (half: 0,20 of 0,40) and 2.1.1 (60 %: 0,75 of 1,50).
WEAKER = {
    "1.2.1": {"numerator": "1", "denominator": "2"},
    "2.1.1": {"percent": "60"},
}
GROUP_POINTS = {
    "1": "0.80",
    "1.1": "0.60",
    "1.2": "0.20",
    "2": "1.25",
    "2.1": "1.25",
    "Đ": "0.00",
}


@pytest.fixture
def deep(period):
    """The period's Phụ lục 1 replaced by the three-level table (before any dossier)."""
    return load_deep_table(period)


@pytest.fixture
def draft(deep, agency_a):
    return get_or_create_submission(agency_a, deep.period)


@pytest.fixture
def finalised(deep, agency_a, reviewer, lead):
    return finalise_agency(deep.period, agency_a, reviewer=reviewer, lead=lead, inputs=WEAKER)


@pytest.fixture
def published(finalised, lead):
    period = finalised.period
    period = workflow.change_period_status(period, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    return workflow.change_period_status(period, "publish_period", actor=lead)


def heading_of(deep, code) -> str:
    return f'id="nhom-tieu-de-{deep.criteria.get(code=code).pk}"'


def test_the_form_heads_every_level_with_its_maximum_and_points(officer_a, draft, deep, client_for):
    post_item(client_for(officer_a), item(draft, "1.1.1"), {"met": "yes"})
    body = client_for(officer_a).get(reverse("assessments:submission_form", args=[draft.pk]))
    page = body.content.decode()
    pillar, index = deep.criteria.get(code="1"), deep.criteria.get(code="1.1")
    assert (
        f'<section class="mb-4" aria-labelledby="nhom-tieu-de-{pillar.pk}">\n'
        f'    <h2 class="h5 border-bottom pb-1" id="nhom-tieu-de-{pillar.pk}">1. Nhận thức số'
    ) in page
    assert (
        f'<section class="mb-4 group-level group-level-1" '
        f'aria-labelledby="nhom-tieu-de-{index.pk}">\n'
        f'    <h2 class="h6 border-bottom pb-1" id="nhom-tieu-de-{index.pk}">1.1. Lãnh đạo, chỉ đạo'
    ) in page
    assert f'tối đa 1,00, đạt <span id="nhom-{pillar.pk}">0,60</span>' in page
    assert f'tối đa 0,60, đạt <span id="nhom-{index.pk}">0,60</span>' in page


def test_autosave_updates_the_points_of_every_group_above_the_criterion(
    officer_a, draft, deep, client_for
):
    response = post_item(
        client_for(officer_a), item(draft, "2.1.1"), {"percent": "85"}
    ).content.decode()
    pillar, index = deep.criteria.get(code="2"), deep.criteria.get(code="2.1")
    assert f'<span id="nhom-{index.pk}" data-hx-swap-oob="true">1,50</span>' in response
    assert f'<span id="nhom-{pillar.pk}" data-hx-swap-oob="true">1,50</span>' in response
    other = deep.criteria.get(code="1")
    assert f'id="nhom-{other.pk}"' not in response


def test_the_appraisal_heads_every_level_with_self_and_appraised_points(
    officer_a, draft, deep, reviewer, client_for
):

    submission = fill_submission(draft, inputs=WEAKER)
    workflow.submit(submission, actor=officer_a)
    page = (
        client_for(reviewer)
        .get(reverse("assessments:appraisal", args=[submission.pk]))
        .content.decode()
    )
    pillar, index = deep.criteria.get(code="2"), deep.criteria.get(code="2.1")
    assert (
        '<h2 class="h5 mt-3">2. Hoạt động chính quyền số <span class="small text-muted '
        f'fw-normal">(tối đa 2,00; tự chấm 1,25; thẩm định <span id="nhom-td-{pillar.pk}">1,25'
        "</span>)</span></h2>"
    ) in page
    assert (
        '<h2 class="h6 mt-3 group-level group-level-1">2.1. Dịch vụ công trực tuyến <span '
        'class="small text-muted fw-normal">(tối đa 2,00; tự chấm 1,25; thẩm định <span '
        f'id="nhom-td-{index.pk}">1,25</span>)</span></h2>'
    ) in page


def test_the_stored_result_keeps_the_points_of_every_level(finalised):
    assert finalised.final_score == Decimal("2.05")
    assert finalised.result.group_points == GROUP_POINTS


def test_the_result_sheet_lists_every_level(finalised, deep):
    _kind, result = agency_results(deep.period, "so-tai-chinh")
    text = pdf_text(ResultSheetPdf(deep.period, result).render())
    assert "1 Nhận thức số 1,00 0,80 0,80" in text
    assert "1.1 Lãnh đạo, chỉ đạo 0,60 0,60 0,60" in text
    assert "1.2 Tuyên truyền 0,40 0,20 0,20" in text
    assert "2.1 Dịch vụ công trực tuyến 2,00 1,25 1,25" in text
    assert "Tổng điểm (thang điểm 3) 2,05 2,05" in text


def test_the_consolidated_workbook_gives_points_per_pillar(finalised, deep):
    book = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(deep.period)).render()))
    rows = [
        [value for value in row if value is not None]
        for row in book["Điểm theo nhóm"].iter_rows(values_only=True)
    ]
    header = next(row for row in rows if row[1:2] == ["Phụ lục 1 — Sở, ban, ngành"])
    assert header == [
        "STT",
        "Phụ lục 1 — Sở, ban, ngành",
        "1. Nhận thức số (tối đa 1,00)",
        "2. Hoạt động chính quyền số (tối đa 2,00)",
        "Tổng điểm",
    ]
    finance = next(row for row in rows if row[1:2] == ["Sở Tài chính"])
    assert finance[1:] == ["Sở Tài chính", 0.8, 1.25, 2.05]
    # An agency without a finalised result has no points.
    assert next(row for row in rows if row[1:2] == ["Sở Nội vụ"])[1:] == ["Sở Nội vụ"]


def test_the_public_scorecard_shows_points_per_pillar(published):
    page = Client().get(reverse("public:scorecard", args=[2022, "so-tai-chinh"])).content.decode()
    assert (
        '<tr><th scope="row">1</th><td>Nhận thức số</td><td class="num">1,00</td>'
        '<td class="num">0,80</td></tr>'
    ) in page
    assert (
        '<tr><th scope="row">2</th><td>Hoạt động chính quyền số</td><td class="num">2,00</td>'
        '<td class="num">1,25</td></tr>'
    ) in page
    assert '<tr class="table-light fw-semibold group-level-1"><th scope="row">1.2</th>' in page


def test_the_statistics_give_the_mean_per_pillar(finalised, deep, reviewer, lead, client_for):
    other = Agency.objects.get(code="so-noi-vu")
    finalise_agency(deep.period, other, reviewer=reviewer, lead=lead)
    page = (
        client_for(lead)
        .get(reverse("assessments:statistics", args=[deep.period.code]))
        .content.decode()
    )
    # (0,80 + 1,00) / 2 and (1,25 + 2,00) / 2, rounded half up.
    assert (
        '<tr><td>Phụ lục 1</td><td>1. Nhận thức số</td><td class="num">1,00</td>'
        '<td class="num">0,90</td><td class="num">2</td></tr>'
    ) in page
    assert (
        '<tr><td>Phụ lục 1</td><td>2. Hoạt động chính quyền số</td><td class="num">2,00</td>'
        '<td class="num">1,63</td><td class="num">2</td></tr>'
    ) in page
    assert '<td>Phụ lục 3</td><td>I. Chỉ đạo, điều hành</td><td class="num">0,30</td>' in page
