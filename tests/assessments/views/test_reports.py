import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import workflow
from assessments.enums import PeriodStatus
from assessments.models import Agency, AuditEntry, IssuedDocument, Period
from tests.assessments.results_helpers import build_results, finalise_agency
from tests.assessments.test_exports import pdf_text
from tests.factories import make_period

ISSUE_FORM = {
    "number": "1234/STTTT-CNTT-VT",
    "issued_on": "2022-11-15",
    "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn Bảy",
}


@pytest.fixture
def finalised(period, reviewer, lead):
    period, _agencies = build_results(period, count=2, reviewer=reviewer, lead=lead)
    return period


def test_lead_downloads_the_consolidated_workbook(finalised, lead, client_for):
    response = client_for(lead).get(reverse("assessments:consolidated_xlsx", args=["2022"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tong-hop-ket-qua-2022.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Tổng hợp"


def test_officers_and_reviewers_get_404_for_reports(finalised, officer_a, reviewer, client_for):
    for user in (officer_a, reviewer):
        client = client_for(user)
        assert client.get(reverse("assessments:period_reports", args=["2022"])).status_code == 404
        url = reverse("assessments:dossier", args=["2022", "so-tai-chinh"])
        assert client.get(url).status_code == 404


def test_issuing_stores_the_report_and_serves_it_unchanged_after_data_changes(
    finalised, lead, client_for
):
    client = client_for(lead)
    response = client.post(reverse("assessments:issue_report", args=["2022"]), ISSUE_FORM)
    assert response.status_code == 302
    document = IssuedDocument.objects.get()
    assert (document.number, document.signer_title) == (
        "1234/STTTT-CNTT-VT",
        "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
    )
    first = b"".join(
        client.get(reverse("assessments:official_report", args=["2022"])).streaming_content
    )
    Agency.objects.filter(code="so-tai-chinh").update(name="Sở Tài chính (đổi tên)")
    second = b"".join(
        client.get(reverse("assessments:official_report", args=["2022"])).streaming_content
    )
    assert first == second
    with document.file.open("rb") as handle:
        assert handle.read() == first
    text = pdf_text(first)
    assert "Số: 1234/STTTT-CNTT-VT" in text and "Sở Tài chính (đổi tên)" not in text
    again = client.post(reverse("assessments:issue_report", args=["2022"]), ISSUE_FORM, follow=True)
    assert "Văn bản đã ban hành không được sửa hay ban hành lại" in again.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_issue_form_errors_are_shown_in_vietnamese(finalised, lead, client_for):
    response = client_for(lead).post(
        reverse("assessments:issue_report", args=["2022"]),
        {**ISSUE_FORM, "issued_on": "2999-01-01", "signer_name": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "Ngày ban hành không được sau ngày hôm nay." in page
    assert "Trường này là bắt buộc." in page
    assert not IssuedDocument.objects.exists()


def test_administrator_may_download_but_not_issue_or_publish(finalised, administrator, client_for):
    client = client_for(administrator)
    assert client.get(reverse("assessments:official_report", args=["2022"])).status_code == 200
    assert (
        client.post(reverse("assessments:issue_report", args=["2022"]), ISSUE_FORM).status_code
        == 404
    )
    response = client.post(reverse("assessments:publish_period", args=["2022"]), follow=True)
    assert "Chỉ lãnh đạo Sở TT&amp;TT được công bố" in response.content.decode()
    assert Period.objects.get(code="2022").status == PeriodStatus.FINALISED


def test_lead_publishes_then_unpublishes_with_a_logged_reason(finalised, lead, client_for):
    client = client_for(lead)
    client.post(reverse("assessments:publish_period", args=["2022"]))
    assert Period.objects.get(code="2022").status == PeriodStatus.PUBLISHED
    assert client.get(reverse("public:period_results", args=[2022])).status_code == 200
    refused = client.post(
        reverse("assessments:unpublish_period", args=["2022"]), {"reason": " "}, follow=True
    )
    assert "Vui lòng nêu lý do hủy công bố kết quả." in refused.content.decode()
    client.post(
        reverse("assessments:unpublish_period", args=["2022"]),
        {"reason": "Phát hiện sai sót số liệu của một đơn vị."},
    )
    assert Period.objects.get(code="2022").status == PeriodStatus.FINALISED
    entry = AuditEntry.objects.filter(action="unpublish_period").get()
    assert (entry.reason, entry.actor) == ("Phát hiện sai sót số liệu của một đơn vị.", lead)
    assert client.get(reverse("public:period_results", args=[2022])).status_code == 404


def test_publishing_a_period_in_review_finalises_it_first(period, reviewer, lead, client_for):
    finalise_agency(period, Agency.objects.get(code="so-tai-chinh"), reviewer=reviewer, lead=lead)
    workflow.change_period_status(period, "close_self_assessment", actor=lead)
    client_for(lead).post(reverse("assessments:publish_period", args=["2022"]))
    assert Period.objects.get(code="2022").status == PeriodStatus.PUBLISHED
    assert list(
        AuditEntry.objects.filter(period=period, submission=None, field="status").values_list(
            "action", flat=True
        )
    ) == [
        "close_self_assessment",
        "finalise_period",
        "publish_period",
    ]


def test_agency_dossier_download(finalised, lead, client_for, settings):
    settings.PDF_LAYOUT = False  # the archive's names are checked, not the PDFs' pages
    response = client_for(lead).get(
        reverse("assessments:dossier", args=["2022", "huyen-trang-bom"])
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[:2] == [
        "1 - Báo cáo tự đánh giá.pdf",
        "2 - Phiếu kết quả đánh giá.pdf",
    ]
    missing = client_for(lead).get(reverse("assessments:dossier", args=["2022", "so-noi-vu"]))
    assert missing.status_code == 404


def test_statistics_dashboard_shows_distribution_losses_late_and_comparison(
    finalised, reviewer, lead, client_for
):
    earlier = make_period(code="2021", year=2021, status=PeriodStatus.SELF_ASSESSMENT)
    build_results(earlier, count=1, reviewer=reviewer, lead=lead)
    response = client_for(lead).get(reverse("assessments:statistics", args=["2022"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 5  # the province, three kinds, the lost points
    assert "II.2. Tỷ lệ hồ sơ công việc được xử lý trên phần mềm QLVB&amp;ĐHCV" in page
    assert "Chưa nộp (37)" in page
    assert "Nộp muộn (0)" in page
    assert "Bình quân toàn tỉnh: 2021: <strong>3,00</strong> → 2022: <strong>2,94</strong>" in page
    # The strict CSP (style-src 'self') refuses style attributes: the charts carry none.
    assert " style=" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_report_pages_use_a_fixed_number_of_queries(
    count, period, reviewer, lead, client_for, django_assert_num_queries
):
    build_results(period, count=count, reviewer=reviewer, lead=lead)
    client = client_for(lead)
    # session, user, unread notices, period, tables (filter), agencies listed, finalised, the
    # page's length and agencies, five result queries for the page's agencies, issued report,
    # the period's background-built files, messages
    with django_assert_num_queries(17):
        client.get(reverse("assessments:period_reports", args=["2022"]))
    # Streamed (issue 13), one walk writing every sheet, all kinds read together (was 83 and
    # 86, a walk per kind and sheet): session, user, the period, the tables and SQL counts, the
    # criteria, the evaluating department; the agencies, per chunk of 500 their dossiers and
    # items, the extensions (test_scale pins the same count for 3 and 300 agencies).
    with django_assert_num_queries(11):
        client.get(reverse("assessments:consolidated_xlsx", args=["2022"]))
