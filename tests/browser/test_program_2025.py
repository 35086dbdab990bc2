"""One ward through the second program in Chromium: the 2025 digital-transformation index
(`cds-2025`, 100 points, bands A–E, a three-level table for communes) seeded the way the demo
seeds it. The officer of UBND phường Trấn Biên finds the index on the home page, opens the
dossier, takes one prefilled fact in one click, gives its own value for another (refused until
explained), answers the rest with autosave while the total moves on the 100-point scale with its
band, attaches a document, submits; the reviewer of Sở KH&CN finds the dossier in the 2025
queue. Every page loaded is audited (axe-core, Nu HTML Checker)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments import demo_2025
from assessments.enums import PrefillState, Role, SubmissionStatus
from assessments.models import Agency, ItemScore, Submission
from tests.browser.conftest import audit_pages, log_in
from tests.browser.test_self_assessment import small_pdf
from tests.factories import PASSWORD, make_period, make_user

# Inputs that earn each remaining criterion's maximum on the commune table (count criteria need
# 16 news items at 0,25 and 8 households at 0,50 to reach 4,00).
COUNTS = {"1.2.1": "16", "7.2.1": "8", "Đ.1": "0", "Đ.2": "0"}


@pytest.fixture
def ward(browser_reference):
    make_period()  # the 2022 evaluation runs beside it (it has no table for communes)
    period = demo_2025.ensure_period_2025()
    agency = Agency.objects.get(code="phuong-tran-bien")
    make_user("canbo-tranbien", agency=agency)
    make_user("thamdinh", role=Role.REVIEWER, agency=period.evaluating_agency)
    return period, agency


def answer(page, item):
    """Type the answer that earns the criterion's maximum, the way a person would."""
    criterion, p = item.criterion, f"#c{item.pk}-"
    params = criterion.params or {}
    if criterion.rule == "yes_no":
        page.locator(f"label[for='c{item.pk}-met_0']").click()
        return
    if "options" in params:
        best = max(params["options"], key=lambda option: Decimal(str(option["points"])))
        page.select_option(f"{p}option", best["key"])
        return
    if criterion.code in COUNTS:
        page.fill(f"{p}count", COUNTS[criterion.code])
        page.locator(f"{p}count").blur()
        return
    if page.locator(f"{p}percent").count():
        page.fill(f"{p}percent", "100")
        page.locator(f"{p}percent").blur()
        return
    page.fill(f"{p}numerator", "40")
    page.fill(f"{p}denominator", "40")
    page.locator(f"{p}denominator").blur()


def explain(page, item, text="Số liệu theo báo cáo tổng kết năm 2025 của phường."):
    page.fill(f"#c{item.pk}-explanation", text)
    page.locator(f"#c{item.pk}-explanation").blur()
    expect(page.locator(f"#c{item.pk}-status")).to_contain_text("Đã lưu lúc")


def test_a_ward_goes_through_the_2025_index_to_the_reviewer(
    page, browser, live_server, ward, tmp_path, nu_checker
):
    period, agency = ward
    log_in(page, live_server, "canbo-tranbien", PASSWORD)

    # Home: the 2025 index is the ward's open period (the 2022 program has no commune table).
    cards = page.locator(".card-title")
    expect(cards).to_have_text(["Đánh giá chỉ số chuyển đổi số năm 2025"])
    page.get_by_role("link", name="Bắt đầu tự đánh giá").click()
    page.get_by_role("button", name="Bắt đầu tự đánh giá").click()
    page.get_by_role("link", name="Nhập / sửa phiếu tự đánh giá").click()
    submission = Submission.objects.get(agency=agency, period=period)
    items = {
        it.criterion.code: it
        for it in submission.items.select_related("criterion").order_by("criterion__order")
    }

    # Three levels of headings, each with its points, out of 100 in all.
    table = items["1.1.1"].criterion.table
    heads = {c.code: c.pk for c in table.criteria.filter(rule="")}
    expect(page.locator(f"#nhom-tieu-de-{heads['6']}")).to_contain_text(
        "6. Hoạt động chính quyền số"
    )
    expect(page.locator(f"#nhom-tieu-de-{heads['6']}")).to_contain_text("tối đa 25,00, đạt 7,00")
    expect(page.locator(f"#nhom-tieu-de-{heads['6.2']}")).to_contain_text(
        "6.2. Dịch vụ công trực tuyến"
    )
    expect(page.locator(f"#nhom-tieu-de-{heads['6.2']}")).to_contain_text("tối đa 15,00, đạt 4,00")
    expect(page.get_by_test_id("diem-6.2.1")).to_have_text("4,00")
    summary = page.locator("#tong-ket")
    total = page.get_by_test_id("tong-diem")
    # Only the two prefilled facts count so far: 640/700 signed (91 %: 3,00), 2.000/3.100
    # online (65 %: 4,00).
    expect(total).to_have_text("7,00")
    expect(summary).to_contain_text("/ 100,00")
    expect(summary.locator(".grade")).to_have_text("E")

    # A prefilled fact with its source and date, taken in one click.
    signed = items["6.1.1"]
    notice = page.locator(f"#tieu-chi-{signed.pk}-prefill")
    expect(notice).to_contain_text("Số liệu điền sẵn từ hệ thống:")
    expect(notice).to_contain_text(
        "nguồn: Hệ thống quản lý văn bản và điều hành của tỉnh, ngày lấy số liệu 15/10/2025"
    )
    notice.get_by_role("button", name="Dùng số liệu điền sẵn").click()
    expect(page.get_by_text("Tiêu chí 6.1.1: đã dùng số liệu điền sẵn")).to_be_visible()
    expect(page.locator(f"#tieu-chi-{signed.pk}-prefill-state")).to_have_text(
        "Đơn vị dùng số liệu điền sẵn."
    )
    assert ItemScore.objects.get(pk=signed.pk).prefill == PrefillState.ACCEPTED

    # Another prefilled fact replaced by the ward's own count: refused until explained.
    online = items["6.2.1"]
    page.fill(f"#c{online.pk}-numerator", "2.500")
    page.locator(f"#c{online.pk}-numerator").blur()
    expect(page.locator(f"#c{online.pk}-explanation-err")).to_contain_text(
        "hãy giải trình vì sao số liệu của đơn vị khác."
    )
    explain(page, online, "Hệ thống chưa tính 500 hồ sơ tiếp nhận qua bưu chính công ích.")
    expect(page.locator(f"#tieu-chi-{online.pk}-prefill-state")).to_have_text(
        "Đơn vị đang dùng số liệu khác — cần giải trình."
    )
    expect(page.get_by_test_id("diem-6.2.1")).to_have_text("6,00")  # 81 %
    expect(total).to_have_text("9,00")
    online.refresh_from_db()
    assert (online.inputs, online.prefill) == (
        {"numerator": "2.500", "denominator": "3.100"},
        PrefillState.CHANGED,
    )

    # Evidence for the first criterion: a real PDF.
    first = items["1.1.1"]
    plan = tmp_path / "Quyết định kiện toàn BCĐ.pdf"
    plan.write_bytes(small_pdf())
    block = page.locator(f"#tieu-chi-{first.pk}")
    block.get_by_text("Thêm tài liệu kiểm chứng").click()
    page.fill(f"#id_ev{first.pk}-doc_number", "12/QĐ-UBND")
    page.fill(f"#id_ev{first.pk}-doc_date", "10/02/2025")
    page.set_input_files(f"#id_ev{first.pk}-upload", str(plan))
    block.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.get_by_text("Đã thêm tài liệu kiểm chứng cho tiêu chí 1.1.1.")).to_be_visible()

    # The rest through the form, autosaved; the band follows the total.
    for code, item in items.items():
        if item.criterion.is_group or code in ("6.1.1", "6.2.1"):
            continue
        answer(page, item)
        expect(page.locator(f"#c{item.pk}-status")).to_contain_text("Đã lưu lúc")
        if code == "1.1.1":
            expect(total).to_have_text("11,00")
            expect(summary.locator(".grade")).to_have_text("E")
        if item.criterion.requires_evidence and code != "1.1.1":
            explain(page, item)
    explain(page, signed)
    # Everything at its maximum but 6.1.1 (3,00 of 5,00).
    expect(total).to_have_text("98,00")
    expect(summary.locator(".grade")).to_have_text("A")
    expect(page.locator(f"#nhom-{heads['6']}")).to_have_text("23,00")
    expect(page.locator(f"#nhom-{heads['6.1']}")).to_have_text("8,00")
    expect(summary).to_contain_text("28/28")

    page.get_by_role("link", name="Kiểm tra và nộp hồ sơ").first.click()
    expect(page.get_by_text("Hồ sơ đã đủ nội dung để nộp.")).to_be_visible()
    page.get_by_role("link", name="Tiếp tục: xem tóm tắt và nộp").click()
    expect(page.get_by_test_id("tong-diem-xac-nhan")).to_have_text("98,00")
    page.get_by_label("Số, ký hiệu văn bản báo cáo").fill("85/BC-UBND")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Thị Thảo")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_text("Đã nộp hồ sơ tự đánh giá.")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    # The reviewer of Sở KH&CN finds it in the 2025 queue.
    other = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    visited = []
    try:
        reviewer = other.new_page()
        log_in(reviewer, live_server, "thamdinh", PASSWORD)
        reviewer.goto(f"{live_server.url}/tham-dinh/ky/cds-2025/")
        visited.append(reviewer.url)
        row = reviewer.locator("tr", has_text="UBND phường Trấn Biên")
        expect(row).to_contain_text("98,00")
        expect(row).to_contain_text("Đã nộp")
        problems = audit_pages(browser, nu_checker, other.cookies(), visited, tmp_path)
    finally:
        other.close()
    assert not problems, "\n".join(problems)
