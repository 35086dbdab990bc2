"""The reference value of a criterion scored across agencies is shown beside the result: the
dossier's page, the result sheet PDF, the consolidated workbook and the public scorecard; the
criterion's answer form takes the raw value; a criteria workbook may use the rules."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import workflow
from assessments.criteria_io import dump_table
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.forms.answers import ValueForm, rule_form_class, self_assessment_form
from assessments.imports import import_criteria_workbook, parse_criteria_workbook
from assessments.models import Agency, ItemScore, Submission
from assessments.services import get_or_create_submission
from tests.assessments.admin_workbooks import row_of, table_workbook
from tests.assessments.crossrules_helpers import (
    BANDWIDTH,
    board,
    finalise_with_value,
    make_relative,
)
from tests.assessments.test_exports import pdf_text
from tests.factories import fill_submission, make_period, make_user

SHOWN = "Giá trị cao nhất trong khối: 12,5 Mbps/người"
# Columns of the “Tiêu chí” sheet (1-based).
RULE, MAXIMUM, UNIT, OTHER = 4, 5, 8, 14


@pytest.fixture
def published(period, reviewer, lead):
    make_relative(period)
    finalise_with_value(
        period, Agency.objects.get(code="so-tai-chinh"), "12,5", reviewer=reviewer, lead=lead
    )
    finalise_with_value(period, board(1), "5", reviewer=reviewer, lead=lead)
    period = workflow.change_period_status(period, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    return workflow.change_period_status(period, "publish_period", actor=lead)


def test_the_result_sheet_shows_the_reference_beside_the_criterion(published, lead, client_for):
    url = reverse("assessments:result_sheet", args=["2022", "ban-1"])
    text = pdf_text(client_for(lead).get(url).content)
    assert SHOWN in text


def test_the_consolidated_workbook_lists_the_reference(published, lead, client_for):
    response = client_for(lead).get(reverse("assessments:consolidated_xlsx", args=["2022"]))
    sheet = load_workbook(io.BytesIO(response.content))["Căn cứ và ngưỡng"]
    rows = [tuple(cell.value for cell in row[:3]) for row in sheet.iter_rows()]
    assert rows[-2:] == [
        ("Bảng tiêu chí", "Tiêu chí so sánh giữa các đơn vị", "Giá trị tham chiếu"),
        (
            "Phụ lục 1",
            "II.3. " + ItemScore.objects.filter(criterion__code="II.3").first().criterion.title,
            SHOWN,
        ),
    ]
    matrix = load_workbook(io.BytesIO(response.content))["Phụ lục 1"]
    values = [[cell.value for cell in row] for row in matrix.iter_rows(min_row=5)]
    codes = [cell.value for cell in next(matrix.iter_rows(min_row=3, max_row=3))]
    column = codes.index("II.3")
    points = {row[1]: row[column] for row in values}
    assert (points["Ban thử nghiệm 1"], points["Sở Tài chính"]) == (0.06, 0.15)


def test_the_public_scorecard_shows_the_reference(published, client):
    page = client.get(reverse("public:scorecard", args=[2022, "ban-1"])).content.decode()
    assert SHOWN in page


def test_the_agencys_dossier_page_shows_the_reference(published, client_for):
    submission = Submission.objects.get(agency__code="ban-1")
    officer = submission.agency.users.get()
    page = client_for(officer).get(reverse("assessments:exchange", args=[submission.pk]))
    assert SHOWN in page.content.decode()


# --- the form ----------------------------------------------------------------------------------


def test_the_form_of_the_rule_takes_the_raw_value_with_its_unit(period, agency_a):
    make_relative(period)
    submission = get_or_create_submission(agency_a, period)
    item = submission.items.select_related("criterion").get(criterion__code="II.3")
    assert rule_form_class(item.criterion) is ValueForm
    form = self_assessment_form(item, {f"c{item.pk}-value": "12,50", f"c{item.pk}-version": "1"})
    assert form.is_valid()
    assert form.answer["inputs"] == {"value": "12,5"}
    assert form["value"].label == "Băng thông Internet bình quân (Mbps/người)"
    refused = self_assessment_form(item, {f"c{item.pk}-value": "-3"})
    assert not refused.is_valid()
    assert refused.answer_errors == {"value": "Giá trị không được âm."}


# --- the criteria workbook ---------------------------------------------------------------------


def test_a_table_using_the_rules_is_imported_from_the_workbook(period, administrator):
    table = period.tables.get(kind__code="so-ban-nganh")

    def change(workbook):
        sheet = workbook["Tiêu chí"]
        row = row_of(sheet, "II.3")
        sheet.cell(row=row, column=RULE).value = "So với đơn vị cao nhất"
        sheet.cell(row=row, column=UNIT).value = "Mbps/người"
        sheet.cell(row=row, column=6).value = None
        sheet.cell(row=row, column=7).value = None
        sheet.cell(row=row, column=OTHER).value = '{"value_label": "Băng thông", "scope": "kind"}'

    new_period = make_period(code="2023", year=2023, tables=False)
    copy = import_criteria_workbook(
        table_workbook(table, change), new_period, table.kind, actor=administrator
    )
    criterion = copy.criteria.get(code="II.3")
    assert (criterion.rule, criterion.params) == (
        "relative_best",
        {"unit_label": "Mbps/người", "value_label": "Băng thông", "scope": "kind"},
    )


def test_a_bad_scope_is_named_in_vietnamese(period):
    table = period.tables.get(kind__code="so-ban-nganh")

    def change(workbook):
        sheet = workbook["Tiêu chí"]
        row = row_of(sheet, "II.3")
        sheet.cell(row=row, column=RULE).value = "relative_average"
        sheet.cell(row=row, column=6).value = None
        sheet.cell(row=row, column=7).value = None
        sheet.cell(row=row, column=OTHER).value = '{"scope": "world"}'

    _data, errors = parse_criteria_workbook(table_workbook(table, change))
    assert len(errors) == 1
    assert errors[0].endswith(
        "Tham số “scope” chỉ nhận “kind” (trong khối) hoặc “province” (toàn tỉnh)."
    )


# --- before the period is finalised ------------------------------------------------------------


@pytest.fixture
def submitted(period, reviewer):
    make_relative(period)
    dossiers = []
    for agency, value in ((Agency.objects.get(code="so-tai-chinh"), "12,5"), (board(1), "5")):
        officer = make_user(f"canbo-{agency.code}", agency=agency)
        submission = fill_submission(
            get_or_create_submission(agency, period), inputs={"II.3": {"value": value}}
        )
        dossiers.append(workflow.submit(submission, actor=officer))
    return dossiers


def test_the_department_sees_provisional_points_against_the_submitted_dossiers(
    submitted, reviewer, client_for
):
    page = client_for(reviewer).get(reverse("assessments:appraisal", args=[submitted[1].pk]))
    text = page.content.decode()
    assert (
        "Tạm tính: 0,06 điểm, so với giá trị cao nhất trong khối hiện tại 12,5 Mbps/người "
        "(2 hồ sơ đã nộp)."
    ) in text


def test_the_agency_sees_its_points_as_not_computed_and_no_other_value(submitted, client_for):
    submission = submitted[1]
    officer = submission.agency.users.get()
    page = client_for(officer).get(reverse("assessments:submission_form", args=[submission.pk]))
    text = page.content.decode()
    assert "Chưa tính" in text
    assert "12,5" not in text and "Tạm tính" not in text


def test_a_table_with_the_rules_round_trips_through_the_workbook(period, administrator):
    make_relative(period, params={**BANDWIDTH, "scope": "province"})
    make_relative(period, code="II.2", rule="relative_average", params={})
    table = period.tables.get(kind__code="so-ban-nganh")
    new_period = make_period(code="2023", year=2023, tables=False)
    copy = import_criteria_workbook(
        CriteriaTableExport(table).render(), new_period, table.kind, actor=administrator
    )
    assert dump_table(copy) == dump_table(table)


def test_pages_listing_results_cost_the_same_queries_for_2_and_4_agencies(
    period, reviewer, lead, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_relative(period)
    client = client_for(lead)
    urls = [
        reverse("assessments:period_reports", args=["2022"]),
        reverse("assessments:result_sheet", args=["2022", "ban-0"]),
    ]

    def counts():
        measured = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        return measured

    for number, value in enumerate(["12,5", "5"]):
        finalise_with_value(period, board(number), value, reviewer=reviewer, lead=lead)
    with_two = counts()
    for number in (2, 3):
        finalise_with_value(period, board(number), "7", reviewer=reviewer, lead=lead)
    assert counts() == with_two
