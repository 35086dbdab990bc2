"""Issue 9 bug 6 as measured: on a phone the sticky summary and the bottom bar covered a third
of the screen and keyboard focus landed under them. Measured in Chromium at 390x844 and
1280x800: the bars' heights, and every focus stop's box against the bars' boxes, tabbing forward
and back through the whole form page."""

import pytest

from assessments.models import Agency
from assessments.services import get_or_create_submission
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, fill_submission, make_period, make_user

# After each Tab: where focus is and whether a sticky bar covers any part of it.
FOCUS_CHECK = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const key = el.dataset.focusStop || (el.dataset.focusStop = String(Math.random()));
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) return {key, hidden: false, name: ""};
  const bars = [...document.querySelectorAll(".form-summary, .form-actions")]
    .filter(bar => !bar.contains(el) && getComputedStyle(bar).position === "sticky")
    .map(bar => bar.getBoundingClientRect());
  const covered = bars.some(bar => box.top < bar.bottom - 0.5 && box.bottom > bar.top + 0.5
    && box.left < bar.right && box.right > bar.left);
  const offscreen = box.bottom < 0 || box.top > window.innerHeight;
  return {key, hidden: covered || offscreen,
          name: (el.id || el.getAttribute("name") || el.textContent || el.tagName).trim().slice(0, 40)};
}"""


@pytest.fixture
def dossier(browser_reference):
    period = make_period()
    agency = Agency.objects.get(code="huyen-trang-bom")
    make_user("donvi2", agency=agency)
    submission = get_or_create_submission(agency, period)
    fill_submission(submission)
    return submission


def _walk(page, key) -> tuple[int, list[str]]:
    """Press `key` until focus comes back to a stop already seen; the stops hidden by a bar."""
    seen, hidden = set(), []
    for _ in range(2000):
        page.keyboard.press(key)
        stop = page.evaluate(FOCUS_CHECK)
        if stop is None:
            continue
        if stop["key"] in seen:
            break
        seen.add(stop["key"])
        if stop["hidden"]:
            hidden.append(stop["name"])
    return len(seen), hidden


def test_the_sticky_bars_are_small_on_a_phone_and_never_hide_the_focus(page, live_server, dossier):
    # Bootstrap scrolls smoothly; measured without motion, each stop is where scrolling ends.
    page.emulate_media(reduced_motion="reduce")
    log_in(page, live_server, "donvi2", PASSWORD)
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/ho-so/{dossier.pk}/")
        if width < 768:
            summary = page.locator(".form-summary #tong-ket").bounding_box()
            actions = page.locator(".form-actions").bounding_box()
            assert summary["height"] <= 56
            assert actions["height"] <= 64
            line = page.locator(".form-summary .summary-line")
            assert line.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
        forward_stops, forward_hidden = _walk(page, "Tab")
        back_stops, back_hidden = _walk(page, "Shift+Tab")
        assert forward_stops > 150
        assert back_stops == forward_stops
        assert (width, forward_hidden, back_hidden) == (width, [], [])
