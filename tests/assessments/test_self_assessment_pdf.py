import io

from pypdf import PdfReader

from assessments.exports.documents import date_text
from assessments.exports.self_assessment import SelfAssessmentPdf
from tests.factories import submitted_submission


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Table cells wrap lines; compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_self_assessment_pdf_has_the_official_header_table_and_total(period, agency_a, officer_a):
    submission = submitted_submission(
        agency_a,
        period,
        officer_a,
        document_number="123/STC-VP",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
    )
    export = SelfAssessmentPdf(submission)
    pdf = export.render()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ TÀI CHÍNH",
        "Số: 123/STC-VP",
        "Kính gửi: Sở Thông tin và Truyền thông.",
        "Tỷ lệ văn bản đi (trừ văn bản mật)",
        "Số 45/KH-STC",
        "3,00 điểm, xếp mức A+",
        "Nguyễn Văn An",
        "Nơi nhận:",
    ]:
        assert expected in text, expected
    assert export.filename == f"tu-danh-gia-{period.code}-so-tai-chinh.pdf"


def test_document_dates_follow_decree_30():
    import datetime as dt

    assert date_text(dt.date(2022, 2, 5)) == "ngày 05 tháng 02 năm 2022"
    assert date_text(dt.date(2022, 11, 20)) == "ngày 20 tháng 11 năm 2022"
    assert date_text(dt.date(2022, 3, 9)) == "ngày 09 tháng 3 năm 2022"
