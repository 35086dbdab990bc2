"""In-app notifications plus the same text by e-mail through the outbox (delivered by a job once
the transaction commits, retried, listed for the administrator if it never gets through)."""

from django.conf import settings
from django.db import connection
from django.db.models import CharField, DateTimeField, F, Value
from django.db.models.functions import Concat
from django.utils import timezone

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


def notify_agencies(users, *, title: str, body: str = "", url_prefix: str, url_suffix: str = "/"):
    """The same notice to every active user of `users`, each linked to its own agency's page
    (url_prefix + agency code + url_suffix), in one INSERT … SELECT and one read of the e-mail
    addresses, whatever the number of users (publishing reaches every officer of the province);
    the e-mails go after commit. Returns the count."""
    users = users.filter(is_active=True).order_by()
    now = timezone.now()
    rows = users.annotate(
        notice_title=Value(title, output_field=CharField()),
        notice_body=Value(body, output_field=CharField()),
        notice_url=Concat(
            Value(url_prefix), F("agency__code"), Value(url_suffix), output_field=CharField()
        ),
        notice_at=Value(now, output_field=DateTimeField()),
    ).values_list("pk", "notice_title", "notice_body", "notice_url", "notice_at")
    select, params = rows.query.sql_with_params()
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, title, body, url, created_at) {select}",
            params,
        )
        count = cursor.rowcount
    base = settings.SITE_URL.rstrip("/")
    messages = [
        {
            "kind": EmailKind.NOTICE,
            "to": email,
            "subject": title,
            "body": f"{body}\n\nXem chi tiết: {base}{url_prefix}{code}{url_suffix}\n",
            "recipient_id": user_id,
        }
        for user_id, email, code in users.exclude(email="").values_list(
            "pk", "email", "agency__code"
        )
    ]
    if messages:
        outbox.queue_many(messages)
    return count
