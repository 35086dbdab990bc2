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
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger("portal.health")

# A job worker that has not reported for this long is considered stopped.
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


def _worker_heartbeat():
    """The job worker's last heartbeat, when the jobs part provides one (None otherwise)."""
    try:
        from assessments.jobs import last_worker_heartbeat
    except ImportError:
        return None
    return last_worker_heartbeat


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
    heartbeat = _worker_heartbeat()
    if heartbeat is not None:
        last = heartbeat()
        age = (timezone.now() - last).total_seconds() if last else None
        checks["worker"] = {
            "ok": age is not None and age <= WORKER_STALE_SECONDS,
            "last_seen_seconds": round(age) if age is not None else None,
        }
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
