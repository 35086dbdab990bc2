"""The administrator's yearly set-up, in the browser: a 2023 period copied from 2022 with one
table replaced from an edited workbook; then a new agency kind, agency and officer account, an
extension and reminders."""

from django.core import mail
from openpyxl import load_workbook

from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, Extension, Period, ReminderLog, User
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


def _edit_downloaded(download, tmp_path):
    original = tmp_path / "tai-ve.xlsx"
    download.save_as(original)
    workbook = load_workbook(original)
    sheet = workbook["Tiêu chí"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == "II.2":
            sheet.cell(row=row, column=3).value = "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng"
    path = tmp_path / "phu-luc-1-2023.xlsx"
    workbook.save(path)
    return path


def test_a_new_year_is_copied_and_one_table_replaced_from_excel(
    page, live_server, browser_reference, tmp_path
):
    make_period()
    make_user("quantri", role=Role.ADMIN)
    log_in(page, live_server, "quantri", PASSWORD)
    page.get_by_role("link", name="Quản trị", exact=True).first.click()
    page.get_by_role("link", name="Tạo kỳ đánh giá mới").click()
    assert page.get_by_label("Mã kỳ").input_value() == "2023"
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()

    page.get_by_text("Đã tạo kỳ đánh giá").wait_for()
    assert page.locator("#trang-thai-ky").inner_text() == "Chuẩn bị"
    new = Period.objects.get(code="2023")
    assert new.tables.count() == 3

    with page.expect_download() as info:
        page.locator("tr", has_text="Phụ lục 1").get_by_role("link", name="Tải về (Excel)").click()
    edited = _edit_downloaded(info.value, tmp_path)
    page.get_by_label("Bảng tiêu chí cho loại cơ quan, đơn vị").select_option(
        label="Phụ lục 1 — Sở, ban, ngành"
    )
    page.get_by_label("Tệp Excel (.xlsx, tối đa 5 MB)").set_input_files(str(edited))
    page.get_by_role("button", name="Kiểm tra và nhập").click()

    page.get_by_text("Đã nhập Phụ lục 1 (26 dòng) cho kỳ").wait_for()
    table = new.tables.get(kind__code="so-ban-nganh")
    assert table.criteria.get(code="II.2").title == (
        "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng"
    )
    assert table.source == (
        "Tái dựng theo Công văn 2083/STTTT-CNTT-VT ngày 22/8/2022 (phụ lục gốc chưa công bố)"
    )

    page.get_by_role("button", name="Mở cho các cơ quan tự đánh giá").click()
    page.get_by_text("Kỳ đánh giá chuyển sang trạng thái “Đang tự đánh giá”.").wait_for()
    new.refresh_from_db()
    assert new.status == PeriodStatus.SELF_ASSESSMENT


def test_an_agency_with_its_officer_an_extension_and_reminders(
    page, live_server, browser_reference
):
    period = make_period()
    make_user("quantri", role=Role.ADMIN)
    officer = make_user("canbo_a", agency=Agency.objects.get(code="so-tai-chinh"))
    log_in(page, live_server, "quantri", PASSWORD)
    page.goto(f"{live_server.url}/quan-tri/loai-co-quan/")
    page.get_by_label("Mã").fill("ubnd-cap-xa")
    page.get_by_label("Tên loại").fill("UBND cấp xã")
    page.get_by_label("Phụ lục").fill("Phụ lục 4")
    page.get_by_label("Thứ tự").fill("4")
    page.get_by_role("button", name="Thêm loại").click()
    page.get_by_text("Đã thêm loại “UBND cấp xã”.").wait_for()

    page.get_by_role("link", name="Cơ quan, đơn vị", exact=True).click()
    page.get_by_role("link", name="Thêm cơ quan, đơn vị").click()
    page.get_by_label("Mã").fill("xa-phu-hoi")
    page.get_by_label("Tên cơ quan, đơn vị").fill("UBND xã Phú Hội")
    page.get_by_label("Loại").select_option(label="Phụ lục 4 — UBND cấp xã")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu “UBND xã Phú Hội”.").wait_for()

    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.get_by_role("link", name="Thêm tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("phuhoi")
    page.get_by_label("Họ và tên đệm").fill("Võ Văn")
    page.locator("#id_first_name").fill("Tài")
    page.get_by_label("Thư điện tử").fill("phuhoi@dongnai.gov.vn")
    page.get_by_label("Cơ quan, đơn vị").select_option(label="UBND xã Phú Hội")
    page.get_by_role("button", name="Tạo tài khoản và gửi đường dẫn đặt mật khẩu").click()
    page.get_by_text("Đã tạo tài khoản “phuhoi”").wait_for()
    account = User.objects.get(username="phuhoi")
    assert (account.agency.code, account.has_usable_password()) == ("xa-phu-hoi", False)
    assert [m.to for m in mail.outbox] == [["phuhoi@dongnai.gov.vn"]]

    new_deadline = (
        period.self_assessment_deadline.replace()
        + (period.report_deadline - period.self_assessment_deadline) / 2
    )
    page.goto(f"{live_server.url}/quan-tri/ky-danh-gia/{period.code}/gia-han/")
    page.get_by_label("Cơ quan, đơn vị").select_option(label="Sở Tài chính")
    page.get_by_label("Hạn mới (nhận đến hết ngày)").fill(new_deadline.isoformat())
    page.get_by_label("Lý do gia hạn").fill("Sự cố đường truyền")
    page.get_by_role("button", name="Lưu gia hạn").click()
    page.get_by_text(
        f"Đã gia hạn cho Sở Tài chính đến hết ngày {new_deadline:%d/%m/%Y}."
    ).wait_for()
    assert Extension.objects.get().agency.code == "so-tai-chinh"

    page.get_by_role("link", name="Quay lại kỳ đánh giá").click()
    page.get_by_role("link", name="Tình hình nộp và nhắc việc").click()
    row = page.locator("tr", has_text="Sở Tài chính")
    assert "gia hạn" in row.inner_text()
    page.get_by_label("Sở Tài chính", exact=True).check()
    page.get_by_role("button", name="Gửi nhắc việc tới các cơ quan đã chọn").click()
    page.get_by_text("Đã gửi nhắc việc tới 1 cơ quan, đơn vị.").wait_for()
    assert ReminderLog.objects.get().agency.code == "so-tai-chinh"
    assert officer.notifications.filter(title__startswith="Nhắc việc").count() == 1
