"""Job plumbing: the backlog figure a health check reads to tell a worker is down."""

import datetime as dt

from django.utils import timezone

from assessments.jobs import deliver_email, job_backlog_seconds

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_backlog_grows_while_no_worker_takes_a_due_job_and_ignores_deferred_ones(settings, db):
    settings.TASKS = DATABASE_TASKS
    assert job_backlog_seconds() == 0.0
    result = deliver_email.enqueue(999)
    deliver_email.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(998)
    later = result.enqueued_at + dt.timedelta(seconds=90)
    assert job_backlog_seconds(now=later) == 90.0


def test_jobs_run_inside_the_request_have_no_backlog(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    deliver_email.enqueue(999)
    assert job_backlog_seconds() == 0.0
