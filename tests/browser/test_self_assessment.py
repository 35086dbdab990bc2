"""An officer completes Phụ lục 3 in the browser: autosave, live total, a PDF attached, submit,
read-only summary, the report downloaded and read back; another agency cannot open it."""

import io
from decimal import Decimal

from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.models import Agency, Evidence, Submission
from scoring import format_points
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, full_inputs, make_period, make_user


def small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Kế hoạch ứng dụng CNTT năm 2022</p>").write_pdf()


def answer(page, item):
    """Type the answer that earns the maximum, the way a person would."""
    criterion, p = item.criterion, f"#c{item.pk}-"
    inputs = full_inputs(criterion)
    if criterion.rule == "yes_no":
        page.check(f"{p}met_0")
    elif "checked" in inputs:
        for index in inputs["checked"]:
            page.check(f"{p}checked_{index}")
    elif "option" in inputs:
        page.select_option(f"{p}option", inputs["option"])
    elif "count" in inputs:
        page.fill(f"{p}count", str(inputs["count"]))
        page.locator(f"{p}count").blur()
    elif criterion.code == "II.2":
        # Vietnamese thousands separators: 1.234 of 1.300 documents.
        page.fill(f"{p}numerator", "1.234")
        page.fill(f"{p}denominator", "1.300")
        page.locator(f"{p}denominator").blur()
        return "0,24"
    else:
        page.fill(f"{p}numerator", "1.300")
        page.fill(f"{p}denominator", "1.300")
        page.locator(f"{p}denominator").blur()
    return format_points(max(criterion.maximum, Decimal(0)))


def test_officer_completes_submits_and_downloads_the_report(
    page, browser, live_server, browser_reference, tmp_path
):
    make_period()
    trang_bom = Agency.objects.get(code="huyen-trang-bom")
    make_user("donvi2", agency=trang_bom)
    make_user("canbo_a", agency=Agency.objects.get(code="so-tai-chinh"))
    make_user(
        "thamdinh", role="reviewer", agency=Agency.objects.get(code="so-thong-tin-truyen-thong")
    )

    log_in(page, live_server, "donvi2", PASSWORD)
    page.get_by_role("link", name="Bắt đầu tự đánh giá").click()
    page.get_by_role("button", name="Bắt đầu tự đánh giá").click()
    expect(page.get_by_text("0/23 tiêu chí")).to_be_visible()
    page.get_by_role("link", name="Nhập / sửa phiếu tự đánh giá").click()
    submission = Submission.objects.get(agency=trang_bom)
    items = list(submission.items.select_related("criterion").order_by("criterion__order"))
    total = page.get_by_test_id("tong-diem")
    expect(total).to_have_text("0,00")

    # Evidence first: a real PDF, checked by content on the server.
    plan = tmp_path / "Kế hoạch 45.pdf"
    plan.write_bytes(small_pdf())
    first = items[0]
    block = page.locator(f"#tieu-chi-{first.pk}")
    block.get_by_text("Thêm tài liệu kiểm chứng").click()
    page.fill(f"#id_ev{first.pk}-doc_number", "45/KH-UBND")
    page.fill(f"#id_ev{first.pk}-doc_date", "15/03/2022")
    page.set_input_files(f"#id_ev{first.pk}-upload", str(plan))
    block.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.get_by_text("Đã thêm tài liệu kiểm chứng cho tiêu chí I.1.")).to_be_visible()
    expect(page.get_by_role("link", name="📎 Kế hoạch 45.pdf")).to_be_visible()

    for index, item in enumerate(items):
        expected = answer(page, item)
        expect(page.get_by_test_id(f"diem-{item.criterion.code}")).to_have_text(expected)
        if index == 0:
            expect(total).not_to_have_text("0,00")  # the live total moved
        if item.criterion.requires_evidence and item.pk != first.pk:
            page.fill(
                f"#c{item.pk}-explanation", "Số liệu theo báo cáo của các phòng, ban năm 2022."
            )
            page.locator(f"#c{item.pk}-explanation").blur()
            expect(page.locator(f"#c{item.pk}-status")).to_contain_text("Đã lưu lúc")
    expect(total).to_have_text("2,99")
    expect(page.get_by_text("Đã trả lời 23/23 tiêu chí")).to_be_visible()

    page.get_by_role("link", name="Kiểm tra và nộp hồ sơ").first.click()
    expect(page.get_by_text("Hồ sơ đã đủ nội dung để nộp.")).to_be_visible()
    page.get_by_role("link", name="Tiếp tục: xem tóm tắt và nộp").click()
    expect(page.get_by_test_id("tong-diem-xac-nhan")).to_have_text("2,99")
    page.get_by_label("Số, ký hiệu văn bản báo cáo").fill("123/BC-UBND")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_text("Đã nộp hồ sơ tự đánh giá.")).to_be_visible()
    expect(page.get_by_test_id("trang-thai")).to_have_text("Đã nộp, chờ thẩm định")
    expect(page.get_by_text("chỉ xem, không sửa được")).to_be_visible()
    assert page.locator("textarea").count() == 0
    assert Evidence.objects.get().original_filename == "Kế hoạch 45.pdf"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải báo cáo tự đánh giá (PDF)").click()
    report = download_info.value
    with open(report.path(), "rb") as downloaded:
        content = downloaded.read()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "TRẢNG BOM" in text.upper()
    assert "2,99 điểm, xếp mức A+" in text
    report_url = page.url.split("/ho-so/")[0] + f"/ho-so/{submission.pk}/bao-cao-tu-danh-gia.pdf"

    other = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        other_page = other.new_page()
        log_in(other_page, live_server, "canbo_a", PASSWORD)
        expect(other_page.get_by_role("heading", name="Sở Tài chính")).to_be_visible()
        assert other_page.request.get(report_url).status == 404
    finally:
        other.close()
