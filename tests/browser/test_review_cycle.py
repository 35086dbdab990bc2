"""The whole review cycle in the browser with the demo accounts' roles: submit (set up through
the workflow, the form belongs to the self-assessment pages), appraise, return, answer, accept,
finalise, and the agency reading its final result."""

import re
from decimal import Decimal

from assessments.enums import Role
from assessments.models import Agency, Submission
from scoring import classify
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user, submitted_submission


def _log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Đăng nhập").wait_for()


def _card(page, code):
    return page.locator(f'section[data-code="{code}"]')


def test_a_whole_review_cycle(page, live_server, browser_reference):
    period = make_period()
    agency = Agency.objects.get(code="so-tai-chinh")
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    officer = make_user("donvi1", agency=agency, first_name="Lan", last_name="Nguyễn Thị")
    make_user("thamdinh", role=Role.REVIEWER, agency=department, first_name="Bình")
    make_user("lanhdao", role=Role.LEAD, agency=department, first_name="Tân")
    submission = submitted_submission(agency, period, officer)

    # The reviewer opens the dossier from the queue, starts the appraisal, lowers two criteria.
    log_in(page, live_server, "thamdinh", PASSWORD)
    page.goto(f"{live_server.url}/tham-dinh/ky/{period.code}/")
    page.get_by_role("link", name="Sở Tài chính").click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    page.get_by_text("Đã bắt đầu thẩm định hồ sơ.").wait_for()

    card = _card(page, "II.2")
    card.get_by_label("Sửa số liệu").check()
    card.locator("[name$=-numerator]").fill("80")
    card.locator("[name$=-denominator]").fill("100")
    card.get_by_role("button", name="Lưu thẩm định II.2").click()
    _card(page, "II.2").get_by_text("Điểm thẩm định khác điểm tự đánh giá").wait_for()
    # Nothing typed was lost: add the reason and save again.
    assert _card(page, "II.2").locator("[name$=-numerator]").input_value() == "80"
    _card(page, "II.2").get_by_label("Lý do điều chỉnh").fill("Phần mềm chỉ ghi nhận 80 %.")
    _card(page, "II.2").get_by_role("button", name="Lưu thẩm định II.2").click()
    _card(page, "II.2").get_by_text("Đã lưu.").wait_for()
    assert page.locator('[data-total="appraised"]').inner_text().startswith("2,94")

    card = _card(page, "II.5")
    card.get_by_label("Nhập điểm trực tiếp", exact=True).check()
    card.locator("[name$=-points]").fill("0,10")
    card.get_by_label("Lý do điều chỉnh").fill("Chỉ có hệ thống họp trực tuyến.")
    card.get_by_role("button", name="Lưu thẩm định II.5").click()
    _card(page, "II.5").get_by_text("Đã lưu.").wait_for()
    assert page.locator('[data-total="appraised"]').inner_text().startswith("2,84")
    assert page.locator('[data-total="self"]').inner_text().startswith("3,00")

    page.get_by_label("Nội dung yêu cầu giải trình").fill("Đề nghị giải trình II.2 và II.5.")
    page.get_by_role("button", name="Yêu cầu giải trình").click()
    page.get_by_text("Đã gửi yêu cầu giải trình cho đơn vị.").wait_for()
    _log_out(page)

    # The officer follows the notification, explains one item, accepts the other, sends.
    log_in(page, live_server, "donvi1", PASSWORD)
    page.goto(f"{live_server.url}/thong-bao/")
    page.get_by_role("link", name="Sở TT&TT yêu cầu giải trình hồ sơ").first.click()
    page.get_by_role("heading", name="Kết quả thẩm định và giải trình").wait_for()
    card = _card(page, "II.2")
    assert "Phần mềm chỉ ghi nhận 80 %." in card.inner_text()
    card.get_by_label("Giải trình", exact=True).check()
    card.get_by_label("Nội dung giải trình II.2").fill("20 hồ sơ được xử lý trên phần mềm cũ.")
    card.get_by_role("button", name="Lưu ý kiến II.2").click()
    _card(page, "II.2").get_by_text("Đã lưu ý kiến của đơn vị.").wait_for()
    card = _card(page, "II.5")
    card.get_by_label("Đồng ý với kết quả thẩm định").check()
    card.get_by_role("button", name="Lưu ý kiến II.5").click()
    _card(page, "II.5").get_by_text("Đã lưu ý kiến của đơn vị.").wait_for()
    page.get_by_role("button", name="Gửi giải trình").click()
    page.get_by_text("Đã gửi giải trình đến Sở TT&TT.").wait_for()
    _log_out(page)

    # The reviewer reads the explanation: agreeing is refused while II.2 is open, so the
    # reviewer accepts the explanation of II.2 (confirming), then agrees.
    confirmations = []
    page.on("dialog", lambda dialog: (confirmations.append(dialog.message), dialog.accept()))
    log_in(page, live_server, "thamdinh", PASSWORD)
    page.goto(f"{live_server.url}/tham-dinh/ho-so/{submission.pk}/")
    assert "20 hồ sơ được xử lý trên phần mềm cũ." in _card(page, "II.2").inner_text()
    assert "Chưa thể thống nhất kết quả." in page.get_by_test_id("chua-thong-nhat").inner_text()
    assert page.get_by_role("button", name="Chấp nhận, thống nhất kết quả").count() == 0
    _card(page, "II.2").get_by_role("button", name="Chấp nhận giải trình II.2").click()
    page.get_by_text("Đã chấp nhận giải trình của đơn vị về tiêu chí II.2.").wait_for()
    assert confirmations.pop(0).startswith("Chấp nhận giải trình của đơn vị về tiêu chí II.2?")
    assert "Chấp nhận giải trình" in _card(page, "II.2").inner_text()
    page.get_by_role("button", name="Chấp nhận, thống nhất kết quả").click()
    page.get_by_text("Đã thống nhất kết quả thẩm định.").wait_for()
    _log_out(page)

    # The lead finalises, confirming the browser's “cannot be changed afterwards” question.
    log_in(page, live_server, "lanhdao", PASSWORD)
    page.goto(f"{live_server.url}/tham-dinh/ho-so/{submission.pk}/")
    page.get_by_role("button", name="Chốt kết quả").click()
    page.get_by_text("Đã chốt kết quả đánh giá.").wait_for()
    assert confirmations[0].startswith("Chốt kết quả của Sở Tài chính?")
    assert page.get_by_role("button", name=re.compile("Lưu thẩm định")).count() == 0

    # Reopening needs a reason; then the lead agrees and finalises again.
    page.get_by_role("button", name="Mở lại để thẩm định").click()
    page.get_by_text("Vui lòng nêu lý do mở lại hồ sơ.").wait_for()
    page.get_by_label("Lý do mở lại hồ sơ").fill("Kiểm tra lại số liệu II.5.")
    page.get_by_role("button", name="Mở lại để thẩm định").click()
    page.get_by_text("Đã mở lại hồ sơ để thẩm định.").wait_for()
    page.get_by_role("button", name="Chấp nhận, thống nhất kết quả").click()
    page.get_by_text("Đã thống nhất kết quả thẩm định.").wait_for()
    page.get_by_role("button", name="Chốt kết quả").click()
    page.get_by_text("Đã chốt kết quả đánh giá.").wait_for()
    assert "Kiểm tra lại số liệu II.5." in page.locator("#lich-su").inner_text()
    _log_out(page)

    # The agency sees its final score and grade.
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.final_score, stored.final_grade) == (Decimal("2.90"), "A+")
    log_in(page, live_server, "donvi1", PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{submission.pk}/giai-trinh/")
    result = page.locator("#ket-qua-chinh-thuc")
    assert result.locator('[data-total="final"]').inner_text() == "2,90"
    assert result.locator(".grade").inner_text() == classify(stored.final_score).value
    assert "Chốt kết quả" in page.locator("#lich-su").inner_text()
