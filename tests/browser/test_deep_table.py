"""An agency fills a three-level table (pillar → main index → criterion) in Chromium: every
level's heading shows its points, and a saved answer moves the criterion's main index and its
pillar together. The page is audited (axe-core, Nu HTML Checker) when the test passes."""

import pytest
from playwright.sync_api import expect

from assessments.models import Agency
from assessments.services import get_or_create_submission
from tests.assessments.deep_tables import load_deep_table
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


@pytest.fixture
def deep_dossier(browser_reference):
    period = make_period()
    table = load_deep_table(period)
    agency = Agency.objects.get(code="so-tai-chinh")
    make_user("canbo-tc", agency=agency)
    submission = get_or_create_submission(agency, period)
    items = {it.criterion.code: it for it in submission.items.select_related("criterion")}
    groups = {c.code: c for c in table.criteria.filter(rule="")}
    return submission, items, groups


def test_filling_a_deep_table_moves_the_points_of_every_level(page, live_server, deep_dossier):
    submission, items, groups = deep_dossier
    log_in(page, live_server, "canbo-tc", PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{submission.pk}/")

    pillar = page.locator(f"#nhom-tieu-de-{groups['2'].pk}")
    index = page.locator(f"#nhom-tieu-de-{groups['2.1'].pk}")
    expect(pillar).to_contain_text("2. Hoạt động chính quyền số")
    expect(pillar).to_contain_text("tối đa 2,00, đạt 0,00")
    expect(index).to_contain_text("2.1. Dịch vụ công trực tuyến")
    expect(index).to_contain_text("tối đa 2,00, đạt 0,00")

    online = items["2.1.1"]
    page.fill(f"#c{online.pk}-percent", "85")
    page.keyboard.press("Tab")
    expect(page.locator(f"#c{online.pk}-status")).to_contain_text("Đã lưu lúc")
    expect(page.locator(f"#nhom-{groups['2.1'].pk}")).to_have_text("1,50")
    expect(page.locator(f"#nhom-{groups['2'].pk}")).to_have_text("1,50")

    plan = items["1.1.1"]
    page.locator(f"label[for='c{plan.pk}-met_0']").click()
    expect(page.locator(f"#c{plan.pk}-status")).to_contain_text("Đã lưu lúc")
    expect(page.locator(f"#nhom-{groups['1.1'].pk}")).to_have_text("0,60")
    expect(page.locator(f"#nhom-{groups['1'].pk}")).to_have_text("0,60")
    expect(page.locator(f"#nhom-{groups['2'].pk}")).to_have_text("1,50")
    expect(page.get_by_test_id("tong-diem")).to_have_text("2,10")

    online.refresh_from_db()
    plan.refresh_from_db()
    assert (online.inputs, plan.inputs) == ({"percent": "85"}, {"met": True})
