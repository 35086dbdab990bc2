"""Prefilled facts in Chromium: the Department imports them through its page, the agency finds
them in its form, gives its own value (refused until explained) or takes the prefilled one in
one click. Every page visited is audited (axe, Nu HTML Checker)."""

import pytest
from playwright.sync_api import expect

from assessments import prefills
from assessments.enums import PrefillState, Role
from assessments.models import Agency, ItemScore, PrefilledFact, User
from assessments.services import get_or_create_submission
from tests.assessments.prefill_helpers import mark_measurable, standard_rows, workbook_bytes
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


@pytest.fixture
def world(browser_reference):
    period = make_period()
    mark_measurable(period)
    agency = Agency.objects.get(code="so-tai-chinh")
    make_user("canbo_stc", agency=agency)
    make_user("quantri", role=Role.ADMIN)
    return period, agency


def test_the_administrator_imports_the_prefill_workbook(page, live_server, world, tmp_path):
    period, _agency = world
    path = tmp_path / "so-lieu-dien-san.xlsx"
    path.write_bytes(workbook_bytes(standard_rows()))
    log_in(page, live_server, "quantri", PASSWORD)
    page.goto(f"{live_server.url}/quan-tri/ky-danh-gia/{period.code}/")
    page.get_by_role("link", name="Nhập số liệu điền sẵn từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx, tối đa 5 MB)").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra và nhập").click()

    expect(
        page.get_by_text("Đã nhập số liệu điền sẵn: 3 mới, 0 thay, 0 giữ nguyên")
    ).to_be_visible()
    assert PrefilledFact.objects.filter(period=period).count() == 3


def test_the_agency_explains_its_own_value_or_takes_the_prefilled_one(page, live_server, world):
    period, agency = world
    prefills.import_prefill_workbook(
        workbook_bytes(standard_rows()), period, actor=User.objects.get(username="quantri")
    )
    submission = get_or_create_submission(agency, period)
    items = {it.criterion.code: it for it in submission.items.select_related("criterion")}
    count, ratio = items["II.5"], items["II.2"]
    log_in(page, live_server, "canbo_stc", PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{submission.pk}/")

    notice = page.locator(f"#tieu-chi-{count.pk}-prefill")
    expect(notice).to_contain_text("Số liệu điền sẵn từ hệ thống: 2 hệ thống")
    expect(notice).to_contain_text("nguồn: Cổng dịch vụ công, ngày lấy số liệu 15/10/2022")
    expect(page.locator(f"#c{count.pk}-count")).to_have_value("2")

    page.fill(f"#c{count.pk}-count", "1")
    page.keyboard.press("Tab")
    expect(page.locator(f"#c{count.pk}-explanation-err")).to_contain_text(
        "hãy giải trình vì sao số liệu của đơn vị khác."
    )
    page.fill(f"#c{count.pk}-explanation", "Hệ thống họp trực tuyến chưa vận hành.")
    page.keyboard.press("Tab")
    expect(page.locator(f"#c{count.pk}-status")).to_contain_text("Đã lưu lúc")
    expect(page.locator(f"#tieu-chi-{count.pk}-prefill-state")).to_have_text(
        "Đơn vị đang dùng số liệu khác — cần giải trình."
    )
    count.refresh_from_db()
    assert (count.inputs, count.prefill) == ({"count": "1"}, PrefillState.CHANGED)

    page.locator(f"#tieu-chi-{ratio.pk}-prefill").get_by_role(
        "button", name="Dùng số liệu điền sẵn"
    ).click()
    expect(page.get_by_text("Tiêu chí II.2: đã dùng số liệu điền sẵn")).to_be_visible()
    expect(page.locator(f"#tieu-chi-{ratio.pk}-prefill-state")).to_have_text(
        "Đơn vị dùng số liệu điền sẵn."
    )
    assert ItemScore.objects.get(pk=ratio.pk).prefill == PrefillState.ACCEPTED
