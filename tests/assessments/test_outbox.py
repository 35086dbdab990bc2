"""The e-mail outbox against a real SMTP server on loopback: nothing reads "sent" that the mail
server did not accept; refusals are retried with back-off; after the last failure the message is
listed for the administrator, who can send it again (a password link as a new link)."""

import datetime as dt
import logging
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import accounts, outbox
from assessments.enums import EmailKind, EmailStatus, Role
from assessments.models import AuditEntry, OutboundEmail
from assessments.notifications import notify
from tests.assessments.smtp_server import SmtpServer, free_port
from tests.conftest import login

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    settings.OUTBOX_RETRY_DELAYS = [60, 300]
    return settings


def new_account(administrator, username="moi_tao"):
    return accounts.create_account(
        actor=administrator,
        username=username,
        first_name="An",
        last_name="Trần Văn",
        email=f"{username}@dongnai.gov.vn",
        role=Role.REVIEWER,
    )


def subject(message) -> str:
    return str(message["Subject"]).strip()


def link_in(message) -> str:
    return re.search(r"https?://\S+/", message.get_content()).group(0)


def test_password_link_refused_twice_is_retried_and_sent_on_the_third_attempt(
    smtp_settings, administrator, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="assessments")
    with SmtpServer(refuse=2) as server:
        smtp_settings.EMAIL_PORT = server.port
        with django_capture_on_commit_callbacks(execute=True):
            user = new_account(administrator)

    email = OutboundEmail.objects.get(recipient=user)
    assert (email.kind, email.status, email.attempts) == (
        EmailKind.PASSWORD_LINK,
        EmailStatus.SENT,
        3,
    )
    assert email.sent_at is not None
    assert email.last_error == ""
    assert len(server.received) == 1
    assert server.received[0]["To"] == "moi_tao@dongnai.gov.vn"
    assert subject(server.received[0]) == (
        "Đặt mật khẩu tài khoản Cổng đánh giá, xếp hạng các cơ quan, đơn vị"
    )
    assert link_in(server.received[0]).startswith("http://127.0.0.1:8000/dat-mat-khau/")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("assessments")]
    failed = [line for line in lines if line.startswith("email attempt failed")]
    assert len(failed) == 2
    assert failed[0].endswith("error=SMTPDataError: 451 4.3.0 Hộp thư tạm thời không nhận thư")
    assert (
        f"email sent id={email.pk} kind=password_link to=moi_tao@dongnai.gov.vn attempts=3" in lines
    )
    assert sum(line.startswith("job started") for line in lines) == 3
    assert sum(line.startswith("job finished") for line in lines) == 3


def test_unreachable_mail_server_never_reports_sent_and_lists_the_error_for_the_administrator(
    smtp_settings, administrator, django_capture_on_commit_callbacks, caplog
):
    """Old main: send_mail(fail_silently=True) returned quietly and the page said “đã gửi”."""
    caplog.set_level(logging.INFO, logger="assessments")
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there
    client = login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:admin_account_create"),
            {
                "username": "khong_toi",
                "first_name": "Bình",
                "last_name": "Lê",
                "email": "khong_toi@dongnai.gov.vn",
                "role": Role.REVIEWER,
                "is_active": "on",
            },
            follow=True,
        )
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0] == "Đã tạo tài khoản “khong_toi”."
    # The job runs after the request's transaction: the page may not claim it was sent.
    assert texts[1] == (
        "Đường dẫn đặt mật khẩu gửi tới khong_toi@dongnai.gov.vn đang chờ gửi; nếu máy chủ thư "
        "không nhận, thư sẽ hiện ở trang “Thư đi”."
    )
    email = OutboundEmail.objects.get(to="khong_toi@dongnai.gov.vn")
    assert (email.status, email.attempts, email.sent_at) == (EmailStatus.FAILED, 3, None)
    assert email.last_error.startswith("ConnectionRefusedError: [Errno 111]")
    assert any(
        r.levelno == logging.ERROR and r.getMessage().startswith(f"email failed id={email.pk} ")
        for r in caplog.records
    )

    page = client.get(reverse("assessments:admin_outbox"))
    assert page.status_code == 200
    assert page.context["emails"][0] == email
    html = page.content.decode()
    assert "khong_toi@dongnai.gov.vn" in html
    assert "ConnectionRefusedError: [Errno 111]" in html
    assert reverse("assessments:admin_outbox_resend", args=[email.pk]) in html


def test_resending_a_failed_password_link_sends_a_new_link_once_the_server_accepts(
    smtp_settings, administrator, django_capture_on_commit_callbacks
):
    smtp_settings.EMAIL_PORT = free_port()
    with django_capture_on_commit_callbacks(execute=True):
        user = new_account(administrator)
    email = OutboundEmail.objects.get(recipient=user)
    assert email.status == EmailStatus.FAILED

    client = login(administrator)
    with SmtpServer() as server:
        smtp_settings.EMAIL_PORT = server.port
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("assessments:admin_outbox_resend", args=[email.pk]), follow=True
            )
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert [str(m) for m in response.context["messages"]] == [
        "Thư gửi tới moi_tao@dongnai.gov.vn đang chờ gửi; nếu máy chủ thư không nhận, thư sẽ "
        "hiện ở trang “Thư đi”."
    ]
    assert len(server.received) == 1
    link = link_in(server.received[0])
    set_password = client.__class__().get(link, follow=True)
    assert set_password.status_code == 200
    assert "new_password1" in set_password.content.decode()
    assert AuditEntry.objects.filter(action="resend_email", target=email.to).count() == 1
    assert list(response.context["emails"]) == []


def test_a_sent_message_is_not_sent_again(smtp_settings, administrator):
    email = OutboundEmail.objects.create(
        kind=EmailKind.NOTICE, to="a@dongnai.gov.vn", subject="x", status=EmailStatus.SENT
    )
    with pytest.raises(outbox.OutboxError) as error:
        outbox.resend(email, actor=administrator)
    assert error.value.message == "Thư này đã được máy chủ thư nhận; không gửi lại."


def test_outbox_page_is_for_administrators_only(lead, officer_a):
    assert login(lead).get(reverse("assessments:admin_outbox")).status_code == 404
    assert login(officer_a).get(reverse("assessments:admin_outbox")).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_database_backend_worker_delivers_and_waits_for_the_back_off(
    smtp_settings, officer_a, caplog
):
    """The production path: the request only stores the message and its job; `db_worker` sends
    it. A refusal plans the next attempt 60 s later, which a worker run now does not take."""
    caplog.set_level(logging.INFO, logger="assessments")
    smtp_settings.TASKS = DATABASE_TASKS
    with SmtpServer(refuse=1) as server:
        smtp_settings.EMAIL_PORT = server.port
        notify([officer_a], title="Thông báo thử", body="Nội dung thông báo.", url="/")
        email = OutboundEmail.objects.get()
        assert (email.status, email.attempts, server.received) == (EmailStatus.QUEUED, 0, [])

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
        wait = email.next_attempt_at - email.last_attempt_at
        assert wait == dt.timedelta(seconds=60)
        assert server.received == []

        # The retry is due: the worker sends it.
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert [subject(m) for m in server.received] == ["Thông báo thử"]
    assert server.received[0].get_content() == (
        "Nội dung thông báo.\r\n\r\nXem chi tiết: http://127.0.0.1:8000/\r\n"
    )
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_message_whose_job_was_lost_is_listed_after_a_quarter_of_an_hour(administrator):
    """A worker that died or a crash between commit and enqueue leaves a message QUEUED with no
    job: after 15 minutes it is listed too, so the administrator can send it again."""
    lost = OutboundEmail.objects.create(kind=EmailKind.NOTICE, to="a@dongnai.gov.vn", subject="x")
    fresh = OutboundEmail.objects.create(kind=EmailKind.NOTICE, to="b@dongnai.gov.vn", subject="y")
    OutboundEmail.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=16)
    )
    waiting_retry = OutboundEmail.objects.create(
        kind=EmailKind.NOTICE,
        to="c@dongnai.gov.vn",
        subject="z",
        attempts=1,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=4),
    )
    OutboundEmail.objects.filter(pk=waiting_retry.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = login(administrator).get(reverse("assessments:admin_outbox"))
    assert list(page.context["emails"]) == [lost]
    assert page.context["queued"] == 3
    assert fresh.status == EmailStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_many_notices_are_one_job_and_each_is_sent(settings):
    """Publishing mails every officer: one job per batch of messages, not one per message."""
    from django.core import mail

    settings.TASKS = DATABASE_TASKS
    messages = [
        {"kind": EmailKind.NOTICE, "to": f"nguoi{n}@example.vn", "subject": "Công bố", "body": "x"}
        for n in range(3)
    ]
    with transaction.atomic():
        outbox.queue_many(messages)
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert sorted(OutboundEmail.objects.values_list("status", flat=True)) == [EmailStatus.SENT] * 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"nguoi{n}@example.vn" for n in range(3)]
