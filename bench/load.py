"""Officers autosaving at once through gunicorn, against a trivial page on the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_scale .venv/bin/python bench/load.py
    ... bench/load.py --officers 200 --seconds 20 --workers 4

Uses the database DATABASE_URL names (run bench/scale.py first: it needs its generated agencies
and the open practice period of the demo data). Starts gunicorn on 127.0.0.1 (loopback only) with
production settings, then for the same number of seconds each:
  1. every simulated client GETs the login page (the trivial page);
  2. every officer autosaves one criterion of its own dossier over and over (a new value each time,
     with the version the previous answer gave), as the form's htmx does.
Prints throughput and latency percentiles of both, their CPU per request (gunicorn's processes
and this database's PostgreSQL backends, from /proc), their ratio, and then checks in the database
that every acknowledged save is stored: each item's version grew by exactly the number of
acknowledged saves and holds the last acknowledged value. Stops gunicorn in every case.
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
# The sessions written here must be readable by gunicorn: one key for both, made for this run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))

BENCH_PREFIX = "thu-tai-"
CSRF = "b" * 32  # the CSRF cookie's secret; the header repeats it (Django accepts the unmasked one)


def prepare(officers: int) -> list[dict]:
    """Give `officers` generated agencies a draft in the practice period, a session per officer
    (written directly: no password hashing for 200 logins) and one ratio criterion to save."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from assessments import demo, services
    from assessments.models import Agency, User

    period = demo.ensure_practice_period()
    agencies = list(
        Agency.objects.filter(code__startswith=BENCH_PREFIX).order_by("code")[:officers]
    )
    if len(agencies) < officers:
        raise SystemExit(f"Only {len(agencies)} generated agencies: run bench/scale.py first.")
    users = {u.agency_id: u for u in User.objects.filter(agency__in=agencies, role="officer")}
    plan = []
    for agency in agencies:
        user = users[agency.pk]
        submission = services.get_or_create_submission(agency, period)
        item = (
            submission.items.filter(criterion__rule="ratio", criterion__params__has_key="tiers")
            .select_related("criterion")
            .order_by("criterion__order")
            .first()
            or submission.items.filter(criterion__rule="ratio")
            .select_related("criterion")
            .order_by("criterion__order")
            .first()
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The backend that authenticates a password login (the lockout backend only refuses).
        session[BACKEND_SESSION_KEY] = next(
            path for path in settings.AUTHENTICATION_BACKENDS if "Lockout" not in path
        )
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        plan.append(
            {
                "session": session.session_key,
                "url": f"/ho-so/{submission.pk}/tieu-chi/{item.pk}/",
                "item": item.pk,
                "start_version": item.version,
                "start_value": (item.inputs or {}).get("numerator"),
                "fields": sorted((item.criterion.params or {}).get("fields", [])),
            }
        )
    return plan


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        # Loopback without TLS: nginx would set X-Forwarded-Proto; here nothing is redirected.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        # Production settings refuse to start without these; nothing is mailed during the run.
        EMAIL_BACKEND="console",
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    # Production settings serve hashed static files: collect them first (into staticfiles/).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/dang-nhap/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Client:
    def __init__(self, port: int, session: str | None = None):
        self.port = port
        self.cookie = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")
        self.connection = None

    def request(self, method, url, body=None, headers=None):
        headers = {"Cookie": self.cookie, **(headers or {})}
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.connection.request(method, url, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def trivial(port: int, until: float, samples: list, errors: list) -> None:
    client = Client(port)
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            status, _body = client.request("GET", "/dang-nhap/")
        except OSError as error:
            errors.append(str(error))
            continue
        samples.append(time.perf_counter() - start)
        if status != 200:
            errors.append(status)


VERSION = re.compile(r'name="c(\d+)-version" value="(\d+)"')


def officer(port: int, plan: dict, until: float, samples: list, errors: list) -> None:
    """Save the criterion again and again; remember what was acknowledged."""
    client = Client(port, plan["session"])
    version = plan["start_version"]
    plan["acked"], plan["last_value"] = 0, None
    value = 0
    prefix = f"c{plan['item']}-"
    while time.monotonic() < until:
        value += 1
        numerator = value % 100
        if str(numerator) == (plan["last_value"] or plan["start_value"]):
            # The same value again changes nothing (no new version): every save must change it.
            value += 1
            numerator = value % 100
        body = urlencode(
            {
                f"{prefix}version": version,
                f"{prefix}numerator": str(numerator),
                f"{prefix}denominator": "100",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
        }
        start = time.perf_counter()
        try:
            status, text = client.request("POST", plan["url"], body, headers)
        except OSError as error:
            errors.append(str(error))
            continue
        samples.append(time.perf_counter() - start)
        if status == 200 and "Đã lưu lúc" in text:
            plan["acked"] += 1
            plan["last_value"] = str(numerator)
            found = dict(VERSION.findall(text))
            version = int(found.get(str(plan["item"]), version + 1))
        else:
            errors.append(status)
            found = dict(VERSION.findall(text))
            version = int(found.get(str(plan["item"]), version))


def cpu_seconds(gunicorn: subprocess.Popen) -> tuple[float, float]:
    """CPU seconds used so far by gunicorn's processes and by this database's PostgreSQL
    backends (Linux /proc; zeros elsewhere). The machine is shared: CPU per request compares
    the two pages where throughput moves with whatever else runs."""
    from django.db import connection

    database = connection.settings_dict["NAME"]
    group = os.getpgid(gunicorn.pid)
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    ours = theirs = 0
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            in_group = os.getpgid(int(pid)) == group
        except OSError:
            continue
        used = int(fields[11]) + int(fields[12])  # utime + stime
        if in_group:
            ours += used
        elif command.startswith("postgres: ") and f" {database} " in command:
            theirs += used
    return ours / tick, theirs / tick


def run_phase(target, args_list, seconds: float):
    samples, errors, threads = [], [], []
    until = time.monotonic() + seconds
    started = time.perf_counter()
    for args in args_list:
        thread = threading.Thread(target=target, args=(*args, until, samples, errors))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return samples, errors, time.perf_counter() - started


def summary(label: str, samples: list, errors: list, elapsed: float, cpu=(0, 0)) -> float:
    rate = len(samples) / elapsed if elapsed else 0
    per = [f"{1000 * used / len(samples):.1f} ms" if samples else "–" for used in cpu]
    if samples:
        q = statistics.quantiles(samples, n=100)
        p50, p90, p99 = q[49], q[89], q[98]
    else:
        p50 = p90 = p99 = float("nan")
    print(
        f"| {label} | {len(samples)} | {rate:,.1f}/s | {p50 * 1000:,.0f} ms | "
        f"{p90 * 1000:,.0f} ms | {p99 * 1000:,.0f} ms | {len(errors)} | {per[0]} | {per[1]} |",
        flush=True,
    )
    return rate


def verify(plan: list[dict]) -> tuple[int, int]:
    """(acknowledged saves, of which stored) — stored means the version grew by the number of
    acknowledged saves and the item holds the last acknowledged value."""
    from assessments.models import ItemScore

    items = ItemScore.objects.in_bulk([p["item"] for p in plan])
    acked = stored = 0
    for entry in plan:
        item = items[entry["item"]]
        acked += entry["acked"]
        grew = item.version - entry["start_version"]
        if grew == entry["acked"] and (
            entry["acked"] == 0 or (item.inputs or {}).get("numerator") == entry["last_value"]
        ):
            stored += entry["acked"]
        else:
            print(
                f"  lost or extra write on item {item.pk}: {entry['acked']} acknowledged, "
                f"version grew by {grew}, stored {item.inputs}, last acknowledged "
                f"{entry['last_value']}"
            )
    return acked, stored


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()
    plan = prepare(args.officers)
    from django.db import connections

    connections.close_all()
    port = free_port()
    process = start_gunicorn(port, args.workers, args.threads)
    try:
        print(
            f"\ngunicorn {args.workers} workers × {args.threads} thread(s) on 127.0.0.1:{port}; "
            f"{args.officers} concurrent clients, {args.seconds:.0f} s per phase."
        )
        print(
            "| what | requests | throughput | p50 | p90 | p99 | errors "
            "| gunicorn CPU / request | PostgreSQL CPU / request |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        clients = [(port,) for _ in range(args.officers)]
        before = cpu_seconds(process)
        phase = run_phase(trivial, clients, args.seconds)
        after = cpu_seconds(process)
        used = [end - start for start, end in zip(before, after, strict=True)]
        base = summary("trivial page (GET login)", *phase, cpu=used)
        before = cpu_seconds(process)
        samples, save_errors, elapsed = run_phase(
            officer, [(port, entry) for entry in plan], args.seconds
        )
        after = cpu_seconds(process)
        used = [end - start for start, end in zip(before, after, strict=True)]
        saves = summary("autosave (POST one criterion)", samples, save_errors, elapsed, cpu=used)
    finally:
        stop(process)
    print(f"(autosave / trivial page throughput: {saves / base:.2f})" if base else "")
    if save_errors:
        print(f"Autosave errors by status: {dict(Counter(map(str, save_errors)))}")
    acked, stored = verify(plan)
    print(f"Acknowledged saves: {acked}; stored exactly: {stored}; lost: {acked - stored}.")
    if acked != stored:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
