from assessments.enums import Role
from assessments.models import Agency
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


def test_an_officer_logs_in_and_sees_the_open_period(page, live_server, browser_reference):
    make_period()
    make_user("canbo_a", agency=Agency.objects.get(code="so-tai-chinh"))
    log_in(page, live_server, "canbo_a", PASSWORD)
    page.get_by_role("heading", name="Sở Tài chính").wait_for()
    assert page.get_by_role("link", name="Bắt đầu tự đánh giá").is_visible()


def test_a_wrong_password_shows_a_vietnamese_message(page, live_server, browser_reference):
    make_user(
        "thamdinh", role=Role.REVIEWER, agency=Agency.objects.get(code="so-thong-tin-truyen-thong")
    )
    log_in(page, live_server, "thamdinh", "sai-mat-khau")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").is_visible()
