import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.enums import PeriodStatus
from assessments.exports.consolidated_xlsx import SUMMARY_HEADER, ConsolidatedXlsx
from assessments.exports.dossier import AgencyDossierZip, PeriodDossierZip, safe_filename
from assessments.exports.official_report import (
    IssueError,
    OfficialReportPdf,
    issue_official_report,
)
from assessments.exports.open_data import COLUMN_KEYS, OpenDataCsv, OpenDataJson
from assessments.exports.result_sheet import ResultSheetPdf
from assessments.models import (
    Agency,
    AuditEntry,
    Extension,
    IssuedDocument,
    Period,
    Submission,
)
from assessments.results import load_period_results, stream_period_results
from tests.assessments.results_helpers import FORMULA_NAME, attach_file, build_results


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def three(period, reviewer, lead):
    period, agencies = build_results(period, count=3, reviewer=reviewer, lead=lead)
    return period, agencies


def test_results_of_three_agencies_are_the_stored_ones(three):
    period, _agencies = three
    results = load_period_results(period)
    stored = {
        s.agency.code: (s.self_score, s.final_score, s.final_grade)
        for s in Submission.objects.filter(period=period)
    }
    assert stored == {
        "so-tai-chinh": (Decimal("3.00"), Decimal("3.00"), "A+"),
        "huyen-trang-bom": (Decimal("3.00"), Decimal("2.88"), "A+"),
        "ban-thu-nghiem": (Decimal("2.70"), Decimal("2.70"), "A+"),
    }
    assert results.final_count == 3
    assert results.grade_counts() == {"A+": 3, "A": 0, "B": 0, "C": 0}


def test_consolidated_workbook_reads_back(three):
    period, _agencies = three
    export = ConsolidatedXlsx(load_period_results(period))
    book = load_workbook(io.BytesIO(export.render()))
    assert export.filename == "tong-hop-ket-qua-2022.xlsx"
    assert book.sheetnames == [
        "Tổng hợp",
        "Phụ lục 1",
        "Phụ lục 2",
        "Phụ lục 3",
        "Điều chỉnh và thống nhất",
        "Điểm theo nhóm",
        "Căn cứ và ngưỡng",
    ]
    summary = book["Tổng hợp"]
    assert [cell.value for cell in summary[4]] == SUMMARY_HEADER
    rows = [list(row) for row in summary.iter_rows(min_row=5, values_only=True)]
    by_name = {row[1]: row for row in rows if isinstance(row[0], int)}
    assert by_name["Sở Tài chính"] == [6, "Sở Tài chính", "Phụ lục 1", 3, 3, "A+", None]
    assert by_name["UBND huyện Trảng Bom"][3:6] == [3, 2.88, "A+"]
    headings = [
        cell.row for cell in summary["B"] if str(cell.value or "").startswith("Phụ lục 1 —")
    ]
    # Kind headings span B:G so LibreOffice never draws them over the next row.
    assert [f"B{row}:G{row}" in summary.merged_cells for row in headings] == [True]
    assert summary.freeze_panes == "C5"
    # The test board (order 0) comes first in Phụ lục 1; the formula-looking name is stored as text, never as a formula.
    assert by_name["'" + FORMULA_NAME][1] == "'" + FORMULA_NAME
    assert by_name["Sở Nội vụ"][6] == "Chưa nộp hồ sơ"
    counts = [(row[1], row[5]) for row in rows if row[1] and str(row[1]).startswith("Số cơ quan")]
    # Three kinds × four grades, then the whole province.
    assert counts[0:4] == [
        ("Số cơ quan, đơn vị xếp mức A+", 2),
        ("Số cơ quan, đơn vị xếp mức A", 0),
        ("Số cơ quan, đơn vị xếp mức B", 0),
        ("Số cơ quan, đơn vị xếp mức C", 0),
    ]
    assert counts[-4:] == [
        ("Số cơ quan, đơn vị xếp mức A+", 3),
        ("Số cơ quan, đơn vị xếp mức A", 0),
        ("Số cơ quan, đơn vị xếp mức B", 0),
        ("Số cơ quan, đơn vị xếp mức C", 0),
    ]
    assert summary.page_setup.orientation == "landscape"
    assert summary.page_setup.paperSize == 9  # A4
    assert summary.print_title_rows == "$4:$4"
    assert summary.freeze_panes == "C5"
    assert summary["E6"].number_format == "0.00"


def test_matrix_sheet_has_final_and_self_points_per_criterion(three):
    period, _agencies = three
    book = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(period)).render()))
    sheet = book["Phụ lục 3"]
    codes = [cell.value for cell in sheet[3]]
    assert codes[:4] == ["STT", "Cơ quan, đơn vị", "I.1", None]
    assert [cell.value for cell in sheet[4]][2:4] == ["CT", "TC"]
    column = codes.index("II.2") + 1
    row = next(r for r in sheet.iter_rows(min_row=5) if r[1].value == "UBND huyện Trảng Bom")
    assert (row[column - 1].value, row[column].value) == (0.13, 0.25)
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.freeze_panes == "C5"


def _cells(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


@pytest.mark.parametrize("chunk", [1, 2, 500])
def test_the_streamed_workbook_has_every_cell_of_the_loaded_one(three, lead, chunk):
    """Issue 13: read a chunk of agencies at a time, without scoring, the workbook is the one
    the whole period scored in memory gives (adjusted, not applicable, no dossier, extension)."""
    period, _agencies = three
    Extension.objects.create(
        period=period,
        agency=Agency.objects.get(code="so-noi-vu"),
        new_deadline=period.self_assessment_deadline,
        reason="Thay đổi đầu mối",
        granted_by=lead,
    )
    loaded = _cells(ConsolidatedXlsx(load_period_results(period)).render())
    streamed = _cells(ConsolidatedXlsx(stream_period_results(period, chunk=chunk)).render())
    assert streamed == loaded
    assert any(row[2:] for row in loaded["Điều chỉnh và thống nhất"][2:])  # something adjusted


def test_the_official_report_from_sql_ranks_and_counts_is_the_loaded_one(three, settings):
    """Issue 13: the report reads each kind's ranking (stored ranks) and the counts from SQL;
    its text is the one the period scored in memory gives."""
    settings.PDF_LAYOUT = False  # the HTML is compared, not the pages laid out
    period, _agencies = three
    loaded = OfficialReportPdf(load_period_results(period), number="12/BC-STTTT").render()
    streamed = OfficialReportPdf(stream_period_results(period), number="12/BC-STTTT").render()
    assert streamed == loaded
    assert "UBND huyện Trảng Bom" in streamed.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_exports_read_the_database_in_a_fixed_number_of_queries(
    count, period, reviewer, lead, django_assert_num_queries, settings
):
    settings.PDF_LAYOUT = False  # queries are counted, not pages laid out
    period, _agencies = build_results(period, count=count, reviewer=reviewer, lead=lead)
    fresh = Period.objects.get(pk=period.pk)
    # + the evaluating department, the workbook's author; its program's subject, the title
    # (whether the period has prefilled facts is asked only when an answer is marked as taken
    # from one: 9 before)
    with django_assert_num_queries(8):
        ConsolidatedXlsx(load_period_results(fresh)).render()
    fresh = Period.objects.get(pk=period.pk)
    # + the evaluating department's name, its program's wording
    with django_assert_num_queries(8):
        OfficialReportPdf(load_period_results(fresh)).render()
    fresh = Period.objects.get(pk=period.pk)
    with django_assert_num_queries(2):  # the evaluating department, the records (streamed)
        OpenDataJson(fresh).render()
    fresh = Period.objects.get(pk=period.pk)
    # + evidence, its criteria, messages, department, program, the result sheets' signers; the
    # agencies with a dossier, then their results a chunk (50 agencies) at a time
    with django_assert_num_queries(13):
        PeriodDossierZip(fresh).render()


def test_official_report_pdf_has_the_administrative_format_and_results(three):
    period, _agencies = three
    pdf = OfficialReportPdf(
        load_period_results(period),
        number="1234/STTTT-CNTT-VT",
        signer_name="Nguyễn Văn Bảy",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    ).render()
    text = pdf_text(pdf)
    for expected in [
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1234/STTTT-CNTT-VT",
        "Kính gửi: Ủy ban nhân dân tỉnh Đồng Nai (qua Sở Nội vụ).",
        "Tổng số 3 cơ quan, đơn vị được đánh giá; trong đó: mức A+: 3; mức A: 0",
        "Sở Tài chính 3,00 3,00 A+",
        "UBND huyện Trảng Bom 3,00 2,88 A+",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn Bảy",
    ]:
        assert expected in text, expected


def test_issued_report_is_stored_once_and_never_changes(three, lead, settings):
    period, _agencies = three
    import datetime as dt

    document = issue_official_report(
        load_period_results(period),
        actor=lead,
        number="1234/STTTT-CNTT-VT",
        issued_on=dt.date(2022, 11, 15),
        signer_name="Nguyễn Văn Bảy",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    )
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert "ngày 15 tháng 11 năm 2022" in pdf_text(stored)
    assert AuditEntry.objects.get(action="issue_report").new_value == document.sha256
    with pytest.raises(IssueError) as refused:
        issue_official_report(
            load_period_results(period),
            actor=lead,
            number="9999/STTTT",
            issued_on=dt.date(2022, 11, 16),
            signer_name="Người khác",
            signer_title="GIÁM ĐỐC",
        )
    assert "đã ban hành (số 1234/STTTT-CNTT-VT ngày 15/11/2022)" in refused.value.message
    assert IssuedDocument.objects.count() == 1


def test_report_cannot_be_issued_before_the_period_is_final(period, lead):
    import datetime as dt

    with pytest.raises(IssueError) as refused:
        issue_official_report(
            load_period_results(period),
            actor=lead,
            number="1/STTTT",
            issued_on=dt.date(2022, 11, 15),
            signer_name="A",
            signer_title="GIÁM ĐỐC",
        )
    assert refused.value.message == (
        "Chỉ ban hành báo cáo khi kỳ đánh giá đã chốt kết quả (hiện tại: “Đang tự đánh giá”)."
    )
    assert period.status == PeriodStatus.SELF_ASSESSMENT


def test_result_sheet_shows_self_and_final_points_with_the_reason(three):
    period, _agencies = three
    result = load_period_results(period).for_agency("huyen-trang-bom")
    export = ResultSheetPdf(period, result)
    text = pdf_text(export.render())
    assert export.filename == "phieu-ket-qua-2022-huyen-trang-bom.pdf"
    assert "UBND huyện Trảng Bom" in text
    # Self-assessed, appraised, final, and how the final value was reached.
    assert "0,25 0,13 0,13 Số liệu hệ thống QLVB chỉ ghi nhận 50/100 hồ sơ." in text
    assert "50/100 hồ sơ. Đơn vị đồng ý" in text
    assert "Tổng điểm (thang điểm 3) 3,00 2,88 Xếp loại: A+" in text
    assert "Số:" not in text  # a working paper, not a numbered document


def test_agency_dossier_zip_lists_pdfs_and_evidence_with_readable_unique_names(three):
    period, _agencies = three
    submission = Submission.objects.get(period=period, agency__code="huyen-trang-bom")
    attach_file(submission, "Kế hoạch CĐS: 2022?.pdf", b"%PDF-1 ke hoach")
    attach_file(submission, "Kế hoạch CĐS: 2022?.pdf", b"%PDF-1 ban sua")
    attach_file(submission, "../../etc/Báo cáo.pdf", b"%PDF-1 bao cao")
    export = AgencyDossierZip(load_period_results(period), "huyen-trang-bom")
    archive = zipfile.ZipFile(io.BytesIO(export.render()))
    assert export.filename == "ho-so-2022-huyen-trang-bom.zip"
    assert archive.namelist() == [
        "1 - Báo cáo tự đánh giá.pdf",
        "2 - Phiếu kết quả đánh giá.pdf",
        "3 - Trao đổi, giải trình.pdf",
        "Tài liệu kiểm chứng/01 - Kế hoạch CĐS_ 2022_.pdf",
        "Tài liệu kiểm chứng/02 - Kế hoạch CĐS_ 2022_.pdf",
        "Tài liệu kiểm chứng/03 - Báo cáo.pdf",
    ]
    assert archive.read("Tài liệu kiểm chứng/02 - Kế hoạch CĐS_ 2022_.pdf") == b"%PDF-1 ban sua"
    thread = pdf_text(archive.read("3 - Trao đổi, giải trình.pdf"))
    assert "Đề nghị đơn vị cho ý kiến về tiêu chí II.2." in thread
    assert "Đồng ý: Đơn vị thống nhất số liệu điều chỉnh." in thread
    assert "Số 45/KH-STC" in pdf_text(archive.read("1 - Báo cáo tự đánh giá.pdf"))


def test_a_dossier_with_an_evidence_file_missing_on_disk_names_it_in_a_note(
    three, lead, client_for, settings
):
    settings.PDF_LAYOUT = False  # the archive's list is under test, not the PDFs' pages
    period, _agencies = three
    submission = Submission.objects.get(period=period, agency__code="huyen-trang-bom")
    kept = attach_file(submission, "Kế hoạch.pdf", b"%PDF-1 ke hoach")
    lost = attach_file(submission, "Báo cáo.pdf", b"%PDF-1 bao cao")
    lost.file.storage.delete(lost.file.name)

    response = client_for(lead).get(
        reverse("assessments:dossier", args=[period.code, "huyen-trang-bom"])
    )

    assert kept.file.storage.exists(kept.file.name)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[3:] == [
        "Tài liệu kiểm chứng/01 - Kế hoạch.pdf",
        "Tài liệu kiểm chứng/TỆP BỊ THIẾU.txt",
    ]
    assert archive.read("Tài liệu kiểm chứng/TỆP BỊ THIẾU.txt").decode() == (
        "Các tệp tài liệu kiểm chứng sau không còn trên máy chủ nên không có trong hồ sơ này; "
        "đề nghị liên hệ quản trị hệ thống để khôi phục từ bản sao lưu:\n"
        "- 02 - Báo cáo.pdf (ngày 01/05/2022 — Tệp đính kèm)\n"
    )


def test_period_dossier_has_a_folder_per_agency(period, reviewer, lead):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    archive = zipfile.ZipFile(io.BytesIO(PeriodDossierZip(period).render()))
    assert archive.namelist() == [
        "01 - Sở Tài chính/1 - Báo cáo tự đánh giá.pdf",
        "01 - Sở Tài chính/2 - Phiếu kết quả đánh giá.pdf",
        "01 - Sở Tài chính/3 - Trao đổi, giải trình.pdf",
    ]


def test_the_period_dossier_read_an_agency_at_a_time_is_the_same_archive(
    three, settings, django_assert_num_queries
):
    settings.PDF_LAYOUT = False  # the archive's names and bytes are compared, not the pages
    period, _agencies = three
    whole = zipfile.ZipFile(io.BytesIO(PeriodDossierZip(period).render()))
    seen = []
    fresh = Period.objects.get(pk=period.pk)
    # The agencies with a dossier, the department and program once; then per chunk (here one
    # agency) the same ten queries: its results, evidence and its criteria, messages, signers.
    with django_assert_num_queries(3 + 3 * 10):
        data = PeriodDossierZip(fresh, chunk=1, progress=lambda *args: seen.append(args)).render()
    chunked = zipfile.ZipFile(io.BytesIO(data))
    assert len(whole.namelist()) == 9
    assert chunked.namelist() == whole.namelist()
    assert [chunked.read(name) for name in chunked.namelist()] == [
        whole.read(name) for name in whole.namelist()
    ]
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_safe_filename_keeps_vietnamese_and_drops_what_systems_refuse():
    assert safe_filename("Quyết định 16/2022.pdf") == "2022.pdf"
    assert safe_filename('Báo cáo: "quý 3"?.docx') == "Báo cáo_ _quý 3_.docx"
    assert safe_filename("..\\..\\bí mật.txt") == "bí mật.txt"
    assert safe_filename("   ") == "tep"
    assert safe_filename("a" * 200 + ".pdf") == "a" * 116 + ".pdf"


def test_open_data_csv_and_json_match_the_database(three):
    period, _agencies = three
    results = load_period_results(period, only_final=True)
    csv_bytes = OpenDataCsv(results).render()
    assert csv_bytes.startswith("\ufeff".encode())
    lines = csv_bytes.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == COLUMN_KEYS
    finalised = Submission.objects.get(agency__code="huyen-trang-bom").finalised_at.date()
    # CSV doubles the quotes inside a quoted field; the leading apostrophe neutralises it.
    quoted = "\"'" + FORMULA_NAME.replace('"', '""') + '"'
    assert lines[1:] == [
        f"2022,2022,so-tai-chinh,Sở Tài chính,so-ban-nganh,Phụ lục 1,3.00,3.00,A+,1,false,{finalised}",
        f"2022,2022,ban-thu-nghiem,{quoted},so-ban-nganh,Phụ lục 1,2.70,2.70,A+,2,false,{finalised}",
        f"2022,2022,huyen-trang-bom,UBND huyện Trảng Bom,ubnd-cap-huyen,Phụ lục 3,3.00,2.88,A+,1,"
        f"false,{finalised}",
    ]
    data = json.loads(OpenDataJson(results).render())
    assert [column["ten"] for column in data["cot"]] == COLUMN_KEYS
    assert data["ky_danh_gia"]["nam"] == 2022
    assert data["ket_qua"][2] == {
        "nam": 2022,
        "ma_ky": "2022",
        "ma_co_quan": "huyen-trang-bom",
        "ten_co_quan": "UBND huyện Trảng Bom",
        "ma_loai": "ubnd-cap-huyen",
        "phu_luc": "Phụ lục 3",
        "diem_tu_danh_gia": "3.00",
        "diem_chinh_thuc": "2.88",
        "xep_loai": "A+",
        "thu_hang_trong_loai": 1,
        "nop_muon": False,
        "ngay_chot": str(finalised),
    }
    assert len(data["ket_qua"]) == Submission.objects.filter(final_score__isnull=False).count()
    assert Agency.objects.filter(name=FORMULA_NAME).exists()


def test_a_table_label_excel_refuses_as_a_sheet_name_is_cleaned():
    from assessments.exports.consolidated_xlsx import sheet_title

    assert sheet_title("Phụ lục 1/2: [A]*?") == "Phụ lục 1-2- -A---"
    assert sheet_title("'Phụ lục 3'") == "Phụ lục 3"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("???"[:0]) == "Bảng tiêu chí"


def test_consolidated_workbook_lists_each_adjusted_criterion_and_how_it_was_agreed(three):
    period, _agencies = three
    book = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(period)).render()))
    sheet = book["Điều chỉnh và thống nhất"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    ii2 = Submission.objects.get(agency__code="huyen-trang-bom").items.get(criterion__code="II.2")
    officer_name = ii2.agreed_by.get_full_name() or ii2.agreed_by.username
    assert ii2.agreed_by.role == "officer"
    assert rows == [
        (
            "STT",
            "Cơ quan, đơn vị",
            "Tiêu chí",
            "Điểm tự chấm",
            "Điểm thẩm định",
            "Điểm thống nhất",
            "Cách thống nhất",
            "Người thống nhất",
            "Lý do điều chỉnh; quyết định của lãnh đạo",
        ),
        (
            1,
            "UBND huyện Trảng Bom",
            "II.2",
            0.25,
            0.13,
            0.13,
            "Đơn vị đồng ý",
            officer_name,
            "Số liệu hệ thống QLVB chỉ ghi nhận 50/100 hồ sơ.",
        ),
    ]
