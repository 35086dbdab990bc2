"""The strict Content-Security-Policy breaks nothing the browser loads: no refused script or
style on the pages an officer, a reviewer and the public open."""

from django.urls import reverse

from assessments.enums import Role
from assessments.models import Agency
from assessments.services import get_or_create_submission
from tests.assessments.results_helpers import build_results
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


def _violations(page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_an_officer_and_the_public_load_pages_without_a_policy_violation(
    page, live_server, browser_reference
):
    period = make_period()
    agency = Agency.objects.get(code="so-tai-chinh")
    make_user("canbo_a", agency=agency)
    submission = get_or_create_submission(agency, period)
    refused = _violations(page)
    page.goto(f"{live_server.url}/ket-qua/")
    log_in(page, live_server, "canbo_a", PASSWORD)
    page.get_by_role("heading", name="Sở Tài chính").wait_for()
    page.goto(live_server.url + reverse("assessments:submission_form", args=[submission.pk]))
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("notifications"))
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_the_django_admin_loads_without_a_policy_violation(page, live_server, browser_reference):
    make_user("quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    refused = _violations(page)
    page.goto(f"{live_server.url}/quan-tri-he-thong/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/quan-tri-he-thong/assessments/agency/")
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_published_results_scorecard_and_statistics_draw_their_charts_without_a_violation(
    page, live_server, browser_reference
):
    """The server-drawn SVG charts carried a style attribute: every chart was refused."""
    staff = Agency.objects.get(code="so-thong-tin-truyen-thong")
    reviewer = make_user("thamdinh", role=Role.REVIEWER, agency=staff)
    lead = make_user("lanhdao", role=Role.LEAD, agency=staff)
    build_results(make_period(), count=2, reviewer=reviewer, lead=lead, publish=True)
    refused = _violations(page)
    page.goto(f"{live_server.url}/ket-qua/2022/")
    page.goto(f"{live_server.url}/ket-qua/2022/huyen-trang-bom/")
    log_in(page, live_server, "lanhdao", PASSWORD)
    page.goto(live_server.url + reverse("assessments:statistics", args=["2022"]))
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.chart").count() >= 4
    assert refused == []
