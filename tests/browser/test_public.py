"""A visitor browses the published 2022 results, opens a scorecard and downloads the CSV."""

from pathlib import Path

from assessments.enums import Role
from assessments.models import Agency
from tests.assessments.results_helpers import build_results
from tests.factories import make_period, make_user


def test_visitor_follows_an_agency_to_its_scorecard_and_downloads_the_csv(
    page, live_server, browser_reference
):
    staff = Agency.objects.get(code="so-thong-tin-truyen-thong")
    reviewer = make_user("thamdinh", role=Role.REVIEWER, agency=staff)
    lead = make_user("lanhdao", role=Role.LEAD, agency=staff)
    build_results(make_period(), count=2, reviewer=reviewer, lead=lead, publish=True)

    page.goto(f"{live_server.url}/ket-qua/2022/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Kết quả đánh giá ứng dụng CNTT trong quản lý điều hành năm 2022"
    )
    page.get_by_role("link", name="UBND huyện Trảng Bom").click()
    page.wait_for_url("**/ket-qua/2022/huyen-trang-bom/")
    assert page.get_by_role("heading", level=1).inner_text() == "UBND huyện Trảng Bom"
    assert "2,88 điểm" in page.locator("p.lead").inner_text()
    page.get_by_role("link", name="Năm 2022").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải dữ liệu CSV").click()
    download = download_info.value
    assert download.suggested_filename == "ket-qua-2022.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("nam,ma_ky,ma_co_quan,ten_co_quan")
    assert [line.split(",")[2] for line in lines[1:]] == ["so-tai-chinh", "huyen-trang-bom"]


def test_a_phone_reads_the_results_without_scrolling_sideways(page, live_server, browser_reference):
    # The header's department name did not wrap and pushed every page 5 px past a 390 px screen.
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/ket-qua/")

    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert page.get_by_role("button", name="Mở menu").is_visible()


def test_on_a_phone_without_javascript_the_menu_links_are_reachable(
    browser, live_server, browser_reference
):
    # Bootstrap's collapse needs JavaScript: below 992 px the “Mở menu” button did nothing.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ket-qua/")
        assert page.get_by_role("link", name="Kết quả công bố").is_visible()
        assert page.get_by_role("link", name="Đăng nhập").is_visible()
        assert not page.get_by_role("button", name="Mở menu").is_visible()
    finally:
        context.close()
