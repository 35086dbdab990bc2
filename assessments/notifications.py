"""In-app notifications plus the same text by e-mail through the outbox (delivered by a job once
the transaction commits, retried, listed for the administrator if it never gets through)."""

from django.conf import settings

from assessments import outbox
from assessments.enums import DEPARTMENT_ROLES, EmailKind, Role
from assessments.models import Notification, User


def department_staff():
    return User.objects.filter(is_active=True, role__in=DEPARTMENT_ROLES)


def agency_officers(agency):
    return User.objects.filter(is_active=True, role=Role.OFFICER, agency=agency)


def notify(users, *, title: str, body: str = "", submission=None, url: str = "") -> int:
    """Create a notification per user and queue one email each (after commit). Returns the count."""
    users = [user for user in users if user.is_active]
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
