"""Edges an operator, a monitor or a hostile user hits: HEAD, /healthz, JSON request logs,
Content-Security-Policy, Cache-Control on private pages and files, the request body limit."""

import base64
import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signals
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.jobs import deliver_email
from assessments.models import Evidence
from assessments.services import get_or_create_submission
from tests.assessments.results_helpers import build_results
from tests.factories import submitted_submission
from tests.portal.conftest import captured_json_log

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the URLconf as (route, name, converters), recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _url_for(route: str, year: int) -> str:
    """A concrete URL for a route: the published year, a real agency code, 1 for other ids."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name == "year":
            return str(year)
        if converter == "int":
            return "1"
        return "so-tai-chinh" if name in {"agency", "code", "slug"} else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def published(period, reviewer, lead):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead, publish=True)
    return period


PUBLIC_PAGES = [
    ("home", []),
    ("login", []),
    ("public:periods", []),
    ("public:open_data", []),
    ("public:period_results", [2022]),
    ("public:criteria", [2022]),
    ("public:scorecard", [2022, "so-tai-chinh"]),
    ("public:open_data_csv", [2022]),
    ("public:open_data_json", [2022]),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_head_answers_like_get_on_every_public_page_and_open_data_file(published, name, args):
    """Before: 405 on every page guarded by require_GET (all of /ket-qua/…)."""
    url = reverse(name, args=args)
    get = Client().get(url)
    head = Client().head(url)
    assert get.status_code == 200
    assert head.status_code == 200
    assert (b"".join(head.streaming_content) if head.streaming else head.content) == b""
    assert head["Content-Type"] == get["Content-Type"]
    if get.streaming:
        # Open data is streamed (issue 13): its length is not known before it is written, so
        # HEAD names none rather than a wrong one.
        assert b"".join(get.streaming_content) != b""
        assert "Content-Length" not in head
    else:
        assert head["Content-Length"] == str(len(get.content))


def test_head_answers_like_get_over_the_whole_urlconf(published, lead):
    """Whatever a URL answers to GET (200, 302 to login, 404, 405 for POST-only), it answers
    the same to HEAD, for the public and for a signed-in user."""
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(lead)
    checked = 0
    for route, _entry in _patterns():
        if "quan-tri-he-thong" in route:
            continue  # Django's own admin: class-based, HEAD handled by View already
        url = _url_for(route, published.year)
        for client in (anonymous, signed_in):
            get = client.get(url)
            head = client.head(url)
            assert (url, head.status_code) == (url, get.status_code)
            checked += 1
    assert checked > 60


def test_head_returns_headers_only_even_where_the_test_client_would_not_strip_them(published):
    """The test client drops HEAD bodies itself; the WSGI handler does not, so check there."""
    status, headers, body = _call_wsgi(
        _environ("HEAD", reverse("public:period_results", args=[2022]), b"")
    )
    assert status.startswith("200")
    assert body == b""
    assert dict(headers)["Content-Type"] == "text/html; charset=utf-8"
    assert int(dict(headers)["Content-Length"]) > 100
    status, headers, body = _call_wsgi(
        _environ("HEAD", reverse("public:open_data_csv", args=[2022]), b"")
    )
    assert status.startswith("200")
    assert body == b""
    assert dict(headers)["Content-Type"] == "text/csv; charset=utf-8"
    # Streamed (issue 13): no length is claimed, in particular not a wrong one.
    assert "Content-Length" not in dict(headers)


# --- /healthz -------------------------------------------------------------------------------


def test_healthz_reports_database_and_storage_without_secrets(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert sorted(body["checks"]) == ["database", "storage", "worker"]
    assert {part["ok"] for part in body["checks"].values()} == {True}
    assert sorted(body["checks"]["database"]) == ["ms", "ok"]
    assert "no-cache" in response["Cache-Control"]
    # The probe file is removed again.
    assert list(Path(settings.MEDIA_ROOT).rglob("*.txt")) == []


def test_healthz_answers_503_when_storage_cannot_be_written(db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "error",
        "checks": {
            "database": body["checks"]["database"],
            "storage": {"ok": False},
            "worker": {"ok": True, "waiting_seconds": 0},
        },
    }
    assert str(blocker) not in response.content.decode()


def test_healthz_answers_503_when_a_due_job_waits_with_no_worker(db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = deliver_email.enqueue(999)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=6)
    )
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "waiting_seconds": 360}


# --- JSON request logs ----------------------------------------------------------------------


@pytest.fixture
def json_log():
    with captured_json_log("portal") as lines:
        yield lines


def test_each_request_writes_one_json_line_with_request_id_user_and_duration(json_log, officer_a):
    client = Client()
    client.force_login(officer_a)
    response = client.get("/", HTTP_X_REQUEST_ID="a1b2c3d4e5f60718293a4b5c6d7e8f90")
    lines = [line for line in json_log() if line["logger"] == "portal.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["message"] == "GET / 200"
    assert line["level"] == "INFO"
    assert line["request_id"] == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert response["X-Request-ID"] == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert line["user_id"] == officer_a.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["duration_ms"], float)


def test_a_request_without_an_id_gets_a_fresh_one(json_log, db):
    response = Client().get("/ket-qua/", HTTP_X_REQUEST_ID="<script>")
    (line,) = [line for line in json_log() if line["logger"] == "portal.request"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert line["user_id"] is None


# --- Content-Security-Policy ----------------------------------------------------------------


def test_html_pages_carry_a_strict_content_security_policy(db):
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def _site_templates():
    return [p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in _site_templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert offenders == []


def test_no_template_has_a_style_attribute():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in _site_templates()
        if re.search(r"\sstyle\s*=", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_error_page_style_block_is_the_one_the_policy_allows():
    text = (TEMPLATES / "500.html").read_text(encoding="utf-8")
    (css,) = re.findall(r"<style>(.*?)</style>", text, re.S)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


def test_confirmations_are_data_attributes_handled_by_portal_js():
    script = (Path(settings.BASE_DIR) / "static/js/portal.js").read_text(encoding="utf-8")
    assert 'getAttribute("data-confirm")' in script
    form = (TEMPLATES / "assessments/agency/form.html").read_text(encoding="utf-8")
    assert 'data-confirm="Rút hồ sơ để sửa? Sau khi sửa phải nộp lại trước hạn."' in form


# --- Cache-Control --------------------------------------------------------------------------


def test_authenticated_pages_are_not_stored(officer_a):
    client = Client()
    client.force_login(officer_a)
    response = client.get("/")
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"no-store", "private"}


def test_private_evidence_files_are_not_stored(officer_a, agency_a, period):
    submission = get_or_create_submission(agency_a, period)
    evidence = Evidence.objects.create(
        submission=submission,
        summary="Kế hoạch",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="ke-hoach.pdf"),
        original_filename="ke-hoach.pdf",
        content_type="application/pdf",
    )
    client = Client()
    client.force_login(officer_a)
    response = client.get(reverse("assessments:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert "no-store" in response["Cache-Control"]


def test_a_private_pdf_is_not_stored(officer_a, agency_a, period):
    """Before: the self-assessment PDF went out with no Cache-Control at all."""
    submission = submitted_submission(agency_a, period, officer_a)
    client = Client()
    client.force_login(officer_a)
    response = client.get(reverse("assessments:self_assessment_pdf", args=[submission.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"no-store", "private"}


def test_public_pages_for_anonymous_visitors_stay_cacheable(db):
    response = Client().get(reverse("public:periods"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- request body limit ---------------------------------------------------------------------


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.bytes_read += len(chunk)
        return chunk


def _environ(method, path, body, content_type="multipart/form-data; boundary=XYZ"):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": CountingStream(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _call_wsgi(environ):
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    # As Django's test client does: the test's database connection must survive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        body = b"".join(result)
        result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return captured["status"], captured["headers"], body


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(db, settings):
    """Before: a 200 MB evidence upload was received and written to a temporary file in full
    before the 20 MB check refused it."""
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    settings.MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024
    body = (
        b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n"
        + b"%PDF"
        + b"0" * (3 * 1024 * 1024)
        + b"\r\n--XYZ--\r\n"
    )
    environ = _environ("POST", "/ho-so/1/minh-chung/", body)
    status, _headers, page = _call_wsgi(environ)
    assert status == "413 Request Entity Too Large"
    assert environ["wsgi.input"].bytes_read == 0
    assert "Mỗi lần tải lên tối đa 1 MB" in page.decode()


def test_a_file_over_the_limit_stops_streaming_at_the_limit(officer_a, settings):
    """A body sent without a declared length past the middleware: the upload handler stops
    reading the file once it passes MAX_REQUEST_BODY_BYTES."""
    from django.test import RequestFactory

    from portal.uploads import SizeLimitUploadHandler

    settings.MAX_REQUEST_BODY_BYTES = 1024 * 1024
    payload = b"0" * (2 * 1024 * 1024)
    request = RequestFactory().post(
        "/", {"file": ContentFile(payload, name="big.pdf"), "summary": "x"}
    )
    request.upload_handlers = [SizeLimitUploadHandler(request), *request.upload_handlers]
    assert "big.pdf" not in [f.name for f in request.FILES.values()]
    assert request.upload_refused == "big.pdf"
