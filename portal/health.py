"""/healthz: can this app server answer? For uptime monitors and the proxy's health checks.

Reports only yes/no and timings per part, never settings, paths or error texts (the error goes to
the log with the request id). 200 when everything answers, 503 otherwise.
"""

import logging
import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from assessments.jobs import job_backlog_seconds

logger = logging.getLogger("portal.health")

# A job that has been due this long without a worker taking it means no worker is running.
WORKER_STALE_SECONDS = 300


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as probe:
            if probe.read() != b"ok":
                raise OSError("storage returned different bytes")
    finally:
        default_storage.delete(name)


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        check()
    except Exception:
        logger.exception("health check %s failed", check.__name__.strip("_"))
        return {"ok": False}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
def healthz(request):
    checks = {"database": _timed(_database), "storage": _timed(_storage)}
    if checks["database"]["ok"]:
        # An idle worker is healthy; a due e-mail or export nobody has taken for five minutes
        # is not (jobs inside the request, as in tests, never wait).
        waiting = job_backlog_seconds()
        checks["worker"] = {
            "ok": waiting <= WORKER_STALE_SECONDS,
            "waiting_seconds": round(waiting),
        }
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
