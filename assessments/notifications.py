"""In-app notifications plus the same text by e-mail through the outbox (delivered by a job once
the transaction commits, retried, listed for the administrator if it never gets through)."""

from django.conf import settings

from assessments import outbox
from assessments.enums import DEPARTMENT_ROLES, EmailKind, Role
from assessments.models import Notification, User
from assessments.models.audit import validate_link


def department_staff():
    return User.objects.filter(is_active=True, role__in=DEPARTMENT_ROLES)


def agency_officers(agency):
    return User.objects.filter(is_active=True, role=Role.OFFICER, agency=agency)


def notify(users, *, title: str, body: str = "", submission=None, url: str = "") -> int:
    """Create a notification per user and queue one email each (after commit). Returns the count."""
    users = [user for user in users if user.is_active]
    validate_link(url)
    Notification.objects.bulk_create(
        Notification(user=user, submission=submission, title=title, body=body, url=url)
        for user in users
    )
    link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else settings.SITE_URL
    outbox.queue_many(
        [
            {
                "kind": EmailKind.NOTICE,
                "to": user.email,
                "subject": title,
                "body": f"{body}\n\nXem chi tiết: {link}\n",
                "recipient": user,
            }
            for user in users
            if user.email
        ]
    )
    return len(users)


def notify_each(users_and_urls, *, title: str, body: str = "") -> int:
    """The same notice to many users, each with its own link (e.g. its agency's scorecard), in
    one insert per thousand users and one batch of e-mails after commit. Returns the count."""
    notifications, messages = [], []
    base = settings.SITE_URL.rstrip("/")
    for user, url in users_and_urls:
        if not user.is_active:
            continue
        validate_link(url)
        notifications.append(Notification(user=user, title=title, body=body, url=url))
        if user.email:
            messages.append(
                {
                    "kind": EmailKind.NOTICE,
                    "to": user.email,
                    "subject": title,
                    "body": f"{body}\n\nXem chi tiết: {base}{url}\n",
                    "recipient": user,
                }
            )
    Notification.objects.bulk_create(notifications, batch_size=1000)
    if messages:
        outbox.queue_many(messages)
    return len(notifications)
