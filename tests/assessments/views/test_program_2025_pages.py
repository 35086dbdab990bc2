"""The 2025 program's pages as its people see them: the period's scale and bands, never the 2022
program's 3-point scale or A+/A/B/C, and the evaluating department of the period."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import demo_2025
from assessments.enums import PeriodStatus, Role
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.official_report import OfficialReportPdf
from assessments.models import Agency
from assessments.results import load_period_results, previous_period
from assessments.services import get_or_create_submission
from tests.assessments.test_exports import pdf_text
from tests.conftest import login
from tests.factories import make_period, make_user


@pytest.fixture
def period_2025(reference):
    return demo_2025.ensure_period_2025()


@pytest.fixture
def ward_officer(period_2025):
    return make_user("canbo-tranbien", agency=Agency.objects.get(code="phuong-tran-bien"))


@pytest.fixture
def lead_2025(period_2025):
    return make_user("lanhdao-khcn", role=Role.LEAD, agency=period_2025.evaluating_agency)


@pytest.fixture
def ward_dossier(period_2025, ward_officer):
    return get_or_create_submission(ward_officer.agency, period_2025)


def test_the_form_summary_counts_out_of_the_period_scale(ward_officer, ward_dossier, client_for):
    # The ward's two prefilled facts already count: 6.1.1 (91 %: 3,00) and 6.2.1 (65 %: 4,00).
    page = client_for(ward_officer).get(
        reverse("assessments:submission_form", args=[ward_dossier.pk])
    )
    html = page.content.decode()
    assert 'data-testid="tong-diem">7,00</strong> / 100,00</div>' in html


def test_the_statistics_compare_only_with_the_same_program(period_2025, lead_2025, client_for):
    make_period(status=PeriodStatus.PUBLISHED)  # the 2022 evaluation, on 3 points
    assert previous_period(period_2025) is None
    page = client_for(lead_2025).get(reverse("assessments:statistics", args=["cds-2025"]))
    assert page.status_code == 200
    assert "Chưa có kỳ đánh giá trước đã chốt kết quả để so sánh." in page.content.decode()


def test_the_official_report_names_the_programs_subject(period_2025):
    text = pdf_text(OfficialReportPdf(load_period_results(period_2025)).render())
    assert (
        "Sở Khoa học và Công nghệ báo cáo kết quả đánh giá chỉ số chuyển đổi số năm 2025 của "
        "các cơ quan, đơn vị như sau:"
    ) in text
    assert "công nghệ thông tin" not in text


def test_changes_recorded_without_a_person_list_as_the_system(period_2025, administrator):
    # The 2025 mergers come from the demo's workbook import, recorded by no one.
    page = login(administrator).get(reverse("assessments:admin_agency_changes"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sở Thông tin và Truyền thông" in html
    assert '<td class="small">Hệ thống</td>' in html


def test_the_statistics_link_to_the_queue_only_for_those_who_can_open_it(
    period_2025, lead_2025, administrator
):
    url = reverse("assessments:statistics", args=["cds-2025"])
    queue = reverse("assessments:review_queue", args=["cds-2025"])
    # 95 communes and wards and the departments have not submitted: more than the list shows.
    assert f'href="{queue}"' in login(lead_2025).get(url).content.decode()
    assert f'href="{queue}"' not in login(administrator).get(url).content.decode()
    assert login(administrator).get(queue).status_code == 404


def test_the_consolidated_workbook_is_titled_with_the_programs_subject(period_2025):
    content = ConsolidatedXlsx(load_period_results(period_2025)).render()
    book = load_workbook(io.BytesIO(content))
    assert book.properties.title == "Tổng hợp kết quả đánh giá chỉ số chuyển đổi số năm 2025"
    assert book["Tổng hợp"]["A1"].value == "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2025"
