"""The lead and the administrator walk every list and report of a finalised, published period;
the page audit of the browser fixture then checks each of those pages (axe, Nu, tables)."""

from assessments.enums import Role
from assessments.models import Agency
from tests.assessments.results_helpers import build_results
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


def test_the_lead_and_the_administrator_read_every_list_and_report(
    page, live_server, browser_reference
):
    staff = Agency.objects.get(code="so-thong-tin-truyen-thong")
    reviewer = make_user("thamdinh", role=Role.REVIEWER, agency=staff)
    lead = make_user("lanhdao", role=Role.LEAD, agency=staff)
    make_user("quantri", role=Role.ADMIN)
    build_results(make_period(), count=2, reviewer=reviewer, lead=lead, publish=True)

    log_in(page, live_server, lead.username, PASSWORD)
    for path in [
        "/bao-cao/",
        "/bao-cao/2022/",
        "/bao-cao/2022/thong-ke/",
        "/tham-dinh/",
        "/tham-dinh/ky/2022/",
        "/ket-qua/2022/",
        "/ket-qua/2022/tieu-chi/",
        "/ket-qua/2022/so-tai-chinh/",
        "/ket-qua/du-lieu-mo/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert page.get_by_role("heading", level=1).count() == 1, path
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, live_server, "quantri", PASSWORD)
    for path in [
        "/quan-tri/",
        "/quan-tri/ky-danh-gia/2022/",
        "/quan-tri/ky-danh-gia/2022/sua/",
        "/quan-tri/ky-danh-gia/2022/gia-han/",
        "/quan-tri/ky-danh-gia/2022/nhac-viec/",
        "/quan-tri/loai-co-quan/",
        "/quan-tri/co-quan/",
        "/quan-tri/co-quan/them/",
        "/quan-tri/tai-khoan/",
        "/quan-tri/tai-khoan/them/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert page.get_by_role("heading", level=1).count() == 1, path
