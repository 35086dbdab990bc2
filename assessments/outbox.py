"""Every e-mail the portal sends goes through here: one OutboundEmail row per message, written in
the caller's transaction, delivered by a background job that retries with back-off.

Nothing is marked sent until the mail server accepted it (no `fail_silently`). After the last
failed attempt the message stays FAILED with its error, listed for the administrator, who can
send it again. A password link's text is written at each attempt, never stored, so every
attempt (and every resend) carries a fresh one-time link.
"""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments import audit
from assessments.enums import AuditAction, EmailKind, EmailStatus
from assessments.models import OutboundEmail, User

logger = logging.getLogger("assessments.outbox")

LINK_SUBJECT = f"Đặt mật khẩu tài khoản {settings.PORTAL_NAME}"
# A message still QUEUED this long after its planned attempt has lost its job (a worker that
# died mid-way, a crash between commit and enqueue): the administrator sees it too.
STUCK_AFTER = dt.timedelta(minutes=15)


class OutboxError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def password_link(user: User) -> str:
    """The absolute one-time link for the user to choose a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("assessments:set_password", args=[uid, token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def password_link_body(user: User) -> str:
    return (
        f"Xin chào {user},\n\n"
        f"Tài khoản “{user.username}” của bạn trên {settings.PORTAL_NAME} đã được tạo "
        f"hoặc cần đặt lại mật khẩu. Vui lòng mở đường dẫn sau để tự đặt mật khẩu "
        f"(đường dẫn chỉ dùng được một lần):\n\n{password_link(user)}\n\n"
        "Nếu bạn không đề nghị việc này, vui lòng bỏ qua thư và báo cho quản trị hệ thống.\n"
    )


def queue(*, kind: str, to: str, subject: str, body: str = "", recipient=None) -> OutboundEmail:
    """Store one message and start its delivery job once the caller's transaction commits (a
    rolled-back change sends nothing)."""
    email = OutboundEmail.objects.create(
        kind=kind, to=to, subject=subject, body=body, recipient=recipient
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def queue_many(messages: list[dict]) -> list[OutboundEmail]:
    """Several messages (OutboundEmail field values) in one insert, one job each after commit."""
    emails = OutboundEmail.objects.bulk_create(
        (OutboundEmail(**values) for values in messages), batch_size=1000
    )
    ids = [email.pk for email in emails]
    # One job per batch, not per message: publishing reaches every officer of the country in a
    # few inserts. A message that fails plans its own retry as a job of its own.
    transaction.on_commit(
        lambda: [_enqueue_batch(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH)]
    )
    return emails


def queue_password_link(user: User) -> OutboundEmail:
    return queue(kind=EmailKind.PASSWORD_LINK, to=user.email, subject=LINK_SUBJECT, recipient=user)


BATCH = 500


def _enqueue_batch(email_ids: list[int]) -> None:
    if len(email_ids) == 1:
        _enqueue(email_ids[0])
        return
    from assessments.jobs import deliver_emails  # jobs imports this module for the task body

    deliver_emails.enqueue(email_ids)


def _enqueue(email_id: int, run_after: dt.datetime | None = None) -> None:
    from assessments.jobs import deliver_email  # jobs imports this module for the task body

    task = deliver_email
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(email_id)


def _message(email: OutboundEmail) -> EmailMessage:
    if email.kind == EmailKind.PASSWORD_LINK:
        if email.recipient is None or not email.recipient.is_active:
            raise OutboxError(
                "Tài khoản nhận không còn hoạt động; không gửi đường dẫn đặt mật khẩu."
            )
        body = password_link_body(email.recipient)
    else:
        body = email.body
    return EmailMessage(email.subject, body, settings.DEFAULT_FROM_EMAIL, [email.to])


def describe_error(error: Exception) -> str:
    """The error as an administrator reads it: the SMTP reply code and text when there is one."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


def deliver(email_id: int) -> str:
    """One attempt at one message (the job's body). Marks it SENT only when the mail server
    accepted it; otherwise records the error and plans the next attempt after the back-off in
    OUTBOX_RETRY_DELAYS, or marks it FAILED after the last one. Returns the resulting status.

    The row stays locked during the attempt, so two workers never send the same message twice.
    """
    delays = settings.OUTBOX_RETRY_DELAYS
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.status != EmailStatus.QUEUED:
            return email.status if email else "missing"
        now = timezone.now()
        email.attempts += 1
        email.last_attempt_at = now
        try:
            accepted = get_connection(fail_silently=False).send_messages([_message(email)])
            if accepted != 1:
                raise OutboxError("Máy chủ thư không nhận thư.")
        except Exception as error:  # any failure is recorded on the message, never swallowed
            email.last_error = describe_error(error)[:2000]
            if email.attempts > len(delays):
                email.status = EmailStatus.FAILED
                email.next_attempt_at = None
                logger.error(
                    "email failed id=%s kind=%s to=%s attempts=%s error=%s",
                    email.pk,
                    email.kind,
                    email.to,
                    email.attempts,
                    email.last_error,
                )
            else:
                email.next_attempt_at = now + dt.timedelta(seconds=delays[email.attempts - 1])
                logger.warning(
                    "email attempt failed id=%s kind=%s to=%s attempt=%s retry_at=%s error=%s",
                    email.pk,
                    email.kind,
                    email.to,
                    email.attempts,
                    email.next_attempt_at.isoformat(),
                    email.last_error,
                )
                retry_at = email.next_attempt_at
                transaction.on_commit(lambda: _enqueue(email.pk, run_after=retry_at))
        else:
            email.status = EmailStatus.SENT
            email.sent_at = now
            email.next_attempt_at = None
            email.last_error = ""
            logger.info(
                "email sent id=%s kind=%s to=%s attempts=%s",
                email.pk,
                email.kind,
                email.to,
                email.attempts,
            )
        email.save(
            update_fields=[
                "status",
                "attempts",
                "last_attempt_at",
                "next_attempt_at",
                "sent_at",
                "last_error",
            ]
        )
    return email.status


def needs_attention():
    """What the administrator's outbox page lists: messages that failed for good, and messages
    still waiting long after their attempt was due (their job was lost)."""
    stuck_before = timezone.now() - STUCK_AFTER
    return (
        OutboundEmail.objects.filter(status=EmailStatus.FAILED)
        | OutboundEmail.objects.filter(
            status=EmailStatus.QUEUED, created_at__lt=stuck_before, next_attempt_at__isnull=True
        )
        | OutboundEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lt=stuck_before)
    )


@transaction.atomic
def resend(email: OutboundEmail, *, actor) -> OutboundEmail:
    """Send a failed (or stuck) message again from the first attempt. A password link gets a
    new one-time link. Audit row."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status == EmailStatus.SENT:
        raise OutboxError("Thư này đã được máy chủ thư nhận; không gửi lại.")
    if email.kind == EmailKind.PASSWORD_LINK and (
        email.recipient is None or not email.recipient.is_active
    ):
        raise OutboxError(
            "Tài khoản nhận không còn hoạt động; không gửi lại đường dẫn đặt mật khẩu."
        )
    email.status = EmailStatus.QUEUED
    email.attempts = 0
    email.next_attempt_at = None
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(actor=actor, action=AuditAction.RESEND_EMAIL, target=email.to, new=email.subject)
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def delivery_message(email: OutboundEmail | None, *, what: str) -> tuple[str, str]:
    """(level, text) telling an administrator what became of a message just queued: accepted by
    the mail server, failed, or still waiting for the job worker."""
    if email is None:
        return "error", "Tài khoản chưa có địa chỉ thư điện tử."
    email.refresh_from_db(fields=["status", "last_error"])
    if email.status == EmailStatus.SENT:
        return "success", f"Máy chủ thư đã nhận {what} gửi tới {email.to}."
    if email.status == EmailStatus.FAILED:
        return "error", f"Không gửi được {what} tới {email.to}: {email.last_error}"
    return (
        "info",
        f"{what[:1].upper()}{what[1:]} gửi tới {email.to} đang chờ gửi; nếu máy chủ thư không "
        "nhận, thư sẽ hiện ở trang “Thư đi”.",
    )
