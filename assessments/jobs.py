"""Background jobs (django-tasks): e-mail delivery and the period-wide files the reports page
asks for. Web servers only enqueue; `manage.py db_worker` runs the jobs (several workers may run
side by side: the database hands each job to one of them).

Every job start, finish and failure is logged here with its duration, whatever enqueued it.
"""

import datetime as dt
import logging
import tempfile
import time

from django.core.files.base import File
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from assessments import outbox
from assessments.enums import EXPORT_IN_PROGRESS, ExportKind, ExportStatus
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.dossier import PeriodDossierZip
from assessments.models import Period, PeriodExport
from assessments.results import (
    FINAL_PERIOD_STATUSES,
    stream_period_results,
)

logger = logging.getLogger("assessments.jobs")

# A request older than this with no finished file is taken as lost (its worker died) and may
# be made again; the ZIP of a whole period takes about a minute.
EXPORT_STALE_AFTER = dt.timedelta(hours=1)

_started: dict[str, float] = {}


def _log_started(sender, task_result, **kwargs):
    _started[str(task_result.id)] = time.monotonic()
    logger.info(
        "job started id=%s task=%s args=%s",
        task_result.id,
        task_result.task.name,
        list(task_result.args),
    )


def _log_finished(sender, task_result, **kwargs):
    began = _started.pop(str(task_result.id), None)
    duration = f"{time.monotonic() - began:.3f}" if began is not None else "?"
    if task_result.status == TaskResultStatus.FAILED:
        error = (
            task_result.errors[-1].traceback.strip().splitlines()[-1] if task_result.errors else ""
        )
        logger.error(
            "job failed id=%s task=%s args=%s duration_s=%s error=%s",
            task_result.id,
            task_result.task.name,
            list(task_result.args),
            duration,
            error,
        )
    else:
        logger.info(
            "job finished id=%s task=%s args=%s duration_s=%s",
            task_result.id,
            task_result.task.name,
            list(task_result.args),
            duration,
        )


task_started.connect(_log_started, dispatch_uid="assessments.jobs.started")
task_finished.connect(_log_finished, dispatch_uid="assessments.jobs.finished")


def job_backlog_seconds(now: dt.datetime | None = None) -> float:
    """How long the oldest job that is due has been waiting, in seconds (0 when none is due, or
    when jobs run inside the request). A worker that is down shows as a number that keeps
    growing: for the health check and monitoring."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return 0.0
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"],
    ]
    due = [at for at in oldest if at is not None]
    return max(0.0, (now - min(due)).total_seconds()) if due else 0.0


@task()
def deliver_email(email_id: int) -> str:
    """One delivery attempt of an outbox message; plans its own retry (see outbox.deliver)."""
    return outbox.deliver(email_id)


@task()
def deliver_emails(email_ids: list[int]) -> dict[str, int]:
    """One attempt at each message of a batch queued together (e.g. publishing's notices); each
    failure plans its own retry (outbox.deliver). Returns the count per resulting status."""
    counts: dict[str, int] = {}
    for email_id in email_ids:
        status = outbox.deliver(email_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


@task()
def build_period_export(export_id: int) -> int:
    """Build a period's ZIP or workbook; returns the file size in bytes."""
    return build_export(export_id)


class ExportRequestError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def export_filename(export: PeriodExport) -> str:
    """The name the person downloading the file sees."""
    code = export.period.code
    return {
        ExportKind.DOSSIER_ZIP: f"ho-so-{code}.zip",
        ExportKind.CONSOLIDATED_XLSX: f"tong-hop-{code}.xlsx",
    }[export.kind]


def request_export(period: Period, kind: str, *, actor) -> PeriodExport:
    """Queue the build of a period's ZIP or workbook. Refused while the period is not finalised
    or while the same file is already being built. The previous file stays downloadable until
    the new one is ready."""
    if period.status not in FINAL_PERIOD_STATUSES:
        raise ExportRequestError("Chỉ tạo tệp khi kỳ đánh giá đã chốt kết quả.")
    with transaction.atomic():
        export, created = PeriodExport.objects.select_for_update().get_or_create(
            period=period,
            kind=kind,
            defaults={"requested_at": timezone.now(), "requested_by": actor},
        )
        if (
            not created
            and export.status in EXPORT_IN_PROGRESS
            and timezone.now() - export.requested_at < EXPORT_STALE_AFTER
        ):
            raise ExportRequestError(
                f"{export.get_kind_display()}: tệp đang được tạo theo yêu cầu lúc "
                f"{timezone.localtime(export.requested_at):%H:%M}; vui lòng chờ."
            )
        export.status = ExportStatus.QUEUED
        export.done = export.total = 0
        export.error = ""
        export.requested_by = actor
        export.requested_at = timezone.now()
        export.save(
            update_fields=["status", "done", "total", "error", "requested_by", "requested_at"]
        )
        transaction.on_commit(lambda: build_period_export.enqueue(export.pk))
    logger.info(
        "export requested id=%s period=%s kind=%s by=%s",
        export.pk,
        period.code,
        kind,
        getattr(actor, "pk", None),
    )
    return export


def _progress(export_id: int):
    def report(done: int, total: int) -> None:
        PeriodExport.objects.filter(pk=export_id).update(done=done, total=total)

    return report


def build_export(export_id: int) -> int:
    """Render the file, store it (filesystem or object storage, whichever STORAGES names),
    then drop the file it replaces. Progress is written as it goes, outside any transaction,
    so the reports page can show it."""
    export = PeriodExport.objects.select_related("period").get(pk=export_id)
    PeriodExport.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING)
    report = _progress(export_id)
    try:
        # The file is written to a temporary file, not held in memory: a period's dossier
        # carries every agency's evidence files.
        with tempfile.TemporaryFile() as handle:
            if export.kind == ExportKind.DOSSIER_ZIP:
                PeriodDossierZip(export.period, progress=report).write_to(handle)
            else:
                report(0, 1)
                handle.write(ConsolidatedXlsx(stream_period_results(export.period)).render())
                report(1, 1)
            size = handle.tell()
            handle.seek(0)
            old_name = export.file.name
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            stem, _dot, suffix = export_filename(export).rpartition(".")
            export.file.save(f"{stem}-{stamp}.{suffix}", File(handle), save=False)
        export.refresh_from_db(fields=["done", "total"])
        export.status = ExportStatus.DONE
        export.file_size = size
        export.file_built_at = timezone.now()
        export.save(update_fields=["file", "status", "file_size", "file_built_at"])
        if old_name and old_name != export.file.name:
            export.file.storage.delete(old_name)
    except Exception as error:
        PeriodExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    return size
