"""In-app notifications plus the same text by email, sent only once the transaction commits."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from assessments.enums import DEPARTMENT_ROLES, Role
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
    messages = [
        (title, f"{body}\n\nXem chi tiết: {link}\n", settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(users)


def notify_each(users_and_urls, *, title: str, body: str = "") -> int:
    """The same notice to many users, each with its own link (e.g. its agency's scorecard), in
    one insert per thousand users and one batch of e-mails after commit. Returns the count."""
    notifications, messages = [], []
    base = settings.SITE_URL.rstrip("/")
    for user, url in users_and_urls:
        if not user.is_active:
            continue
        notifications.append(Notification(user=user, title=title, body=body, url=url))
        if user.email:
            text = f"{body}\n\nXem chi tiết: {base}{url}\n"
            messages.append((title, text, settings.DEFAULT_FROM_EMAIL, [user.email]))
    Notification.objects.bulk_create(notifications, batch_size=1000)
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(notifications)
