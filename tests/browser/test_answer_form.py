"""Issue 9 as found in Chromium: Enter deleted evidence, a typed percentage was ignored but
reported saved, text typed and not yet saved was lost without warning, a failed save vanished."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from assessments import selfassessment
from assessments.forms.answers import answer_of
from assessments.models import Agency, Evidence, User
from assessments.services import get_or_create_submission
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


@pytest.fixture
def dossier(browser_reference):
    period = make_period()
    agency = Agency.objects.get(code="huyen-trang-bom")
    make_user("donvi2", agency=agency)
    submission = get_or_create_submission(agency, period)
    items = {it.criterion.code: it for it in submission.items.select_related("criterion").all()}
    return submission, items


def _open(page, live_server, submission):
    log_in(page, live_server, "donvi2", PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{submission.pk}/")


def test_enter_in_any_input_keeps_every_criterions_evidence(page, live_server, dossier):
    submission, items = dossier
    officer = User.objects.get(username="donvi2")
    selfassessment.add_evidence(
        submission, actor=officer, items=[items["I.1"]], doc_number="45/KH-UBND"
    )
    _open(page, live_server, submission)
    fields = [
        f"#c{items['II.1'].pk}-percent",  # text (ratio)
        f"#c{items['I.2'].pk}-count",  # text (count)
        f"#c{items['VI.3'].pk}-met_0",  # radio
        f"#c{items['IV.1'].pk}-checked_0",  # checkbox
        f"#c{items['I.1'].pk}-option",  # select
    ]
    page.fill(fields[0], "98,5")
    for selector in fields:
        page.focus(selector)
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Chưa thêm được tài liệu kiểm chứng")).to_have_count(0)
    expect(page.locator(f"#ev-{items['I.1'].pk}")).to_contain_text("Số 45/KH-UBND")
    assert list(Evidence.objects.values_list("doc_number", flat=True)) == ["45/KH-UBND"]
    assert [it.criterion.code for it in Evidence.objects.get().items.all()] == ["I.1"]


def test_a_typed_percentage_replaces_the_pair_and_is_what_scores(page, live_server, dossier):
    submission, items = dossier
    officer = User.objects.get(username="donvi2")
    it = items["II.2"]
    form = answer_of(it, {"numerator": "751", "denominator": "1.000"})
    selfassessment.save_item(it, actor=officer, answer=form.answer, expected_version=1)
    _open(page, live_server, submission)
    p = f"#c{it.pk}-"
    expect(page.get_by_test_id("dung-de-tinh-II.2")).to_have_text("Tính theo: 751/1.000 (75,1 %)")
    page.fill(f"{p}percent", "50")
    page.keyboard.press("Tab")
    expect(page.locator(f"{p}status")).to_contain_text("Đã lưu lúc")
    it.refresh_from_db()
    assert it.inputs == {"percent": "50"}
    expect(page.get_by_test_id("dung-de-tinh-II.2")).to_have_text("Tính theo: 50 %")
    page.reload()
    expect(page.locator(f"{p}percent")).to_have_value("50")
    expect(page.locator(f"{p}source_1")).to_be_checked()
    expect(page.locator(f"{p}numerator")).to_have_value("")


def test_typing_saves_after_a_pause_and_leaving_before_asks_first(page, live_server, dossier):
    submission, items = dossier
    it = items["II.2"]
    _open(page, live_server, submission)
    leaving = (
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    page.locator(f"#c{it.pk}-explanation").press_sequentially("Theo báo cáo")
    assert page.evaluate(leaving) is True  # not saved yet: the browser asks before leaving
    # No blur: the pause alone saves it.
    expect(page.locator(f"#c{it.pk}-status")).to_contain_text("Đã lưu lúc")
    assert page.evaluate(leaving) is False
    it.refresh_from_db()
    assert it.explanation == "Theo báo cáo"


def test_a_failed_save_stays_visible_with_a_retry(page, live_server, dossier):
    submission, items = dossier
    it = items["I.2"]
    _open(page, live_server, submission)
    url = re.compile(rf".*/ho-so/{submission.pk}/tieu-chi/{it.pk}/$")
    page.route(url, lambda route: route.abort())
    page.fill(f"#c{it.pk}-count", "2")
    page.keyboard.press("Tab")
    state = page.locator(f"#tieu-chi-{it.pk} .autosave-state")
    expect(state).to_contain_text("Mất kết nối: nội dung CHƯA được lưu")
    page.wait_for_timeout(1500)
    expect(state).to_contain_text("Mất kết nối")  # it does not go away by itself
    expect(page.locator(f"#c{it.pk}-count")).to_have_value("2")  # nothing typed is lost
    page.unroute(url)
    state.get_by_role("button", name="Thử lưu lại").click()
    expect(page.locator(f"#c{it.pk}-status")).to_contain_text("Đã lưu lúc")
    it.refresh_from_db()
    assert it.inputs == {"count": "2"}


def test_after_the_deadline_the_check_page_says_so_and_offers_no_submit(page, live_server):
    """Bug 7: the check page said “Hồ sơ đã đủ nội dung để nộp” and offered “Nộp hồ sơ” after
    the deadline; the refusal came only after the click."""
    from django.utils import timezone

    from assessments.criteria_io import load_reference_agencies
    from tests.factories import fill_submission

    load_reference_agencies()
    deadline = timezone.localdate() - dt.timedelta(days=2)
    period = make_period(deadline=deadline)
    agency = Agency.objects.get(code="huyen-trang-bom")
    make_user("donvi2", agency=agency)
    submission = fill_submission(get_or_create_submission(agency, period))
    log_in(page, live_server, "donvi2", PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{submission.pk}/kiem-tra/")

    expect(page.get_by_text(f"Đã quá hạn nộp hồ sơ (hết ngày {deadline:%d/%m/%Y})")).to_be_visible()
    expect(page.get_by_text("Hồ sơ đã đủ nội dung để nộp")).to_have_count(0)
    expect(page.get_by_role("link", name="Tiếp tục: xem tóm tắt và nộp")).to_have_count(0)
    expect(page.get_by_role("button", name="Nộp hồ sơ")).to_have_count(0)
