"""Two app servers behind one address, as production grows past one machine: two gunicorn
instances on two loopback ports, one PostgreSQL database, one S3-compatible object store (moto's
server), one Redis, one job worker. What one server writes, the other serves:

- an autosave on A is read on B;
- a file uploaded on A downloads from B (and lives in the bucket, not on a server's disk);
- a session ended on A is ended on B (Redis cache in front of the sessions; the axes lockout
  belongs to the `prod` branch, so the shared cache is shown with the session and with a value
  read straight from Redis);
- a ZIP job requested on A is run by the worker and downloaded from B.

Slow (about a minute): marked `multiserver`. Skipped with the reason when gunicorn, moto,
PostgreSQL or Redis is missing.
"""

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

# One xdist worker runs the module (one cluster, one database name) and the tests of
# tests/test_settings.py that share its collected static files.
pytestmark = [pytest.mark.multiserver, pytest.mark.xdist_group("collected_static")]

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# One database per run: two runs of the suite on one machine must not drop each other's.
DB_NAME = f"jobs_multi_{os.getpid()}"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _reachable(host, port) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, requests, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _skip_reason() -> str | None:
    if not (BIN / "gunicorn").exists():
        return "gunicorn is not installed (make install)"
    if not (BIN / "moto_server").exists():
        return "moto[server] is not installed (make install)"
    if not _reachable(PG["host"], PG["port"]):
        return "no PostgreSQL on 127.0.0.1:5432"
    if not _reachable(*REDIS):
        return "no Redis on 127.0.0.1:6379"
    if shutil.which("createdb") is None:
        return "PostgreSQL client tools (createdb) are missing"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, request):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    # Collected (and compressed) under production settings once per session.
    static_root = request.getfixturevalue("collected_static")
    requests = pytest.importorskip("requests")
    boto3 = pytest.importorskip("boto3")
    redis = pytest.importorskip("redis")
    logs = tmp_path_factory.mktemp("multi-server")
    processes: list[subprocess.Popen] = []
    outputs = []

    def start(name, *args, env):
        out = (logs / f"{name}.log").open("wb")
        outputs.append(out)
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        processes.append(process)
        return process

    s3_port, port_a, port_b = _free_port(), _free_port(), _free_port()
    prefix = f"jobs-multi-{uuid.uuid4().hex[:8]}"
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(
        DEBUG="0",
        SECRET_KEY="multi-server-test-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port_a}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        TASKS_BACKEND="database",
        STORAGE_S3_BUCKET="dossiers",
        STORAGE_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        STORAGE_S3_ACCESS_KEY="multi-test",
        STORAGE_S3_SECRET_KEY="multi-test-secret",
        REDIS_URL="redis://127.0.0.1:6379/7",
        CACHE_KEY_PREFIX=prefix,
        MEDIA_ROOT=str(logs / "media-must-stay-empty"),
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    pg = ["-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"]]
    subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", *pg, DB_NAME], check=True)
    try:
        start("moto", str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port), env=env)
        python = str(BIN / "python")
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR, env=env, check=True
        )
        setup = subprocess.run(
            [python, "-m", "tests.assessments.multi_server_setup"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        _wait_for(f"http://127.0.0.1:{s3_port}/", requests)
        s3 = boto3.client(
            "s3",
            endpoint_url=env["STORAGE_S3_ENDPOINT_URL"],
            aws_access_key_id="multi-test",
            aws_secret_access_key="multi-test-secret",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket="dossiers")
        for name, port in (("a", port_a), ("b", port_b)):
            start(
                f"gunicorn-{name}",
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                # Each instance would otherwise take the same control socket in ~/.gunicorn.
                "--no-control-socket",
                env=env,
            )
        worker = start(
            "worker",
            python,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.2",
            "--no-startup-delay",
            env=env,
        )
        for port in (port_a, port_b):
            _wait_for(f"http://127.0.0.1:{port}/dang-nhap/", requests)
        yield {
            "a": f"http://127.0.0.1:{port_a}",
            "b": f"http://127.0.0.1:{port_b}",
            "ids": ids,
            "s3": s3,
            "redis": redis.Redis(host=REDIS[0], port=REDIS[1], db=7),
            "prefix": prefix,
            "media": Path(env["MEDIA_ROOT"]),
            "requests": requests,
            "worker": worker,
            "logs": logs,
        }
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for out in outputs:
            out.close()
        subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=False)


def _session(cluster, username):
    """One browser: the same cookies go to both servers (as behind one proxy address)."""
    session = cluster["requests"].Session()
    login_url = f"{cluster['a']}/dang-nhap/"
    session.get(login_url)
    response = session.post(
        login_url,
        data={
            "username": username,
            "password": "Mat-khau-thu-nghiem-2022",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _csrf(session) -> dict:
    return {"X-CSRFToken": session.cookies["csrftoken"]}


def test_an_autosave_on_one_server_is_read_on_the_other(cluster):
    ids = cluster["ids"]
    officer = _session(cluster, ids["officer"])
    prefix = f"c{ids['item']}-"
    saved = officer.post(
        f"{cluster['a']}/ho-so/{ids['submission']}/tieu-chi/{ids['item']}/",
        data={
            f"{prefix}version": ids["item_version"],
            f"{prefix}numerator": "50",
            f"{prefix}denominator": "100",
            f"{prefix}explanation": "Giải trình lưu trên máy chủ A",
        },
        headers={"HX-Request": "true", **_csrf(officer)},
    )
    assert saved.status_code == 200
    assert "Đã lưu lúc" in saved.text
    page = officer.get(f"{cluster['b']}/ho-so/{ids['submission']}/")
    assert page.status_code == 200
    assert "Giải trình lưu trên máy chủ A" in page.text


def test_a_file_uploaded_on_one_server_downloads_from_the_other(cluster):
    ids = cluster["ids"]
    officer = _session(cluster, ids["officer"])
    prefix = f"ev{ids['evidence_item']}-"
    added = officer.post(
        f"{cluster['a']}/ho-so/{ids['submission']}/tieu-chi/{ids['evidence_item']}/minh-chung/",
        data={
            f"{prefix}doc_number": "45/KH-UBND",
            f"{prefix}doc_date": "15/03/2022",
            f"{prefix}issuer": "UBND huyện Trảng Bom",
            f"{prefix}summary": "Kế hoạch ứng dụng CNTT năm 2022",
            "csrfmiddlewaretoken": officer.cookies["csrftoken"],
        },
        files={f"{prefix}upload": ("Kế hoạch 45.pdf", PDF_BYTES, "application/pdf")},
        allow_redirects=False,
    )
    assert added.status_code == 302
    page = officer.get(f"{cluster['b']}/ho-so/{ids['submission']}/")
    links = re.findall(r'href="(/minh-chung/\d+/tep/)"', page.text)
    assert len(links) == 1
    download = officer.get(f"{cluster['b']}{links[0]}")
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    keys = [o["Key"] for o in cluster["s3"].list_objects_v2(Bucket="dossiers")["Contents"]]
    assert [key for key in keys if key.startswith("evidence/") and key.endswith(".pdf")] != [], keys
    assert not cluster["media"].exists() or not any(cluster["media"].rglob("*.pdf"))


def test_a_session_ended_on_one_server_is_ended_on_the_other_through_the_shared_cache(cluster):
    ids = cluster["ids"]
    officer = _session(cluster, ids["officer"])
    session_key = officer.cookies["sessionid"]
    cached = cluster["redis"].keys(f"{cluster['prefix']}:*{session_key}")
    assert len(cached) == 1  # the session sits in Redis, shared by both servers
    assert officer.get(f"{cluster['b']}/", allow_redirects=False).status_code == 200
    assert officer.get(f"{cluster['b']}/thong-bao/", allow_redirects=False).status_code == 200
    logout = officer.post(
        f"{cluster['a']}/dang-xuat/",
        data={"csrfmiddlewaretoken": officer.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert logout.status_code == 302
    officer.cookies.set("sessionid", session_key)  # an old cookie replayed against B
    after = officer.get(f"{cluster['b']}/thong-bao/", allow_redirects=False)
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/dang-nhap/")
    assert cluster["redis"].keys(f"{cluster['prefix']}:*{session_key}") == []


def test_a_zip_job_requested_on_one_server_is_run_by_the_worker_and_downloaded_from_the_other(
    cluster,
):
    lead = _session(cluster, cluster["ids"]["lead"])
    requested = lead.post(
        f"{cluster['a']}/bao-cao/2021/tep/ho-so-zip/tao/",
        data={"csrfmiddlewaretoken": lead.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert requested.status_code == 302
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        panel = lead.get(f"{cluster['b']}/bao-cao/2021/tep/ho-so-zip/").text
        if "hx-trigger" not in panel:
            break
        time.sleep(0.5)
    assert "/bao-cao/2021/tep/ho-so-zip/tai-ve/" in panel, (
        panel + (cluster["logs"] / "worker.log").read_text()[-3000:]
    )
    download = lead.get(f"{cluster['b']}/bao-cao/2021/tep/ho-so-zip/tai-ve/")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="ho-so-2021.zip"'
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert "01 - Sở Tài chính/1 - Báo cáo tự đánh giá.pdf" in names
    keys = [o["Key"] for o in cluster["s3"].list_objects_v2(Bucket="dossiers")["Contents"]]
    assert [key for key in keys if key.startswith("bao-cao/2021/ho-so-2021-")] != []
    worker_log = (cluster["logs"] / "worker.log").read_text()
    assert "job finished" in worker_log and "task=build_period_export" in worker_log


def test_a_login_lockout_on_one_server_holds_on_the_other(cluster):
    """django-axes keeps its failures in the shared database: five wrong passwords through A,
    then the right one through B, is still refused with the Vietnamese lockout page."""
    username = cluster["ids"]["reviewer"]
    browser = cluster["requests"].Session()

    def attempt(server, password):
        url = f"{cluster[server]}/dang-nhap/"
        browser.get(url)
        return browser.post(
            url,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            allow_redirects=False,
        )

    for _ in range(5):
        assert attempt("a", "sai-mat-khau").status_code in (200, 429)
    locked = attempt("b", "Mat-khau-thu-nghiem-2022")
    assert locked.status_code == 429
    assert "thử lại sau" in locked.text
