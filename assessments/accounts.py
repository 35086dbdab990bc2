"""Agencies, agency kinds and accounts as an administrator manages them.

Nothing with history is ever deleted: agencies and people are deactivated. Administrators never
see or set a password: a new account gets a one-time link to choose its own (Django's
password-reset token, which stops working once the password is set or after
PASSWORD_RESET_TIMEOUT).
"""

from django.db import transaction

from assessments import audit, outbox
from assessments.enums import AuditAction
from assessments.models import Agency, AgencyKind, User

AGENCY_FIELDS = ("code", "name", "short_name", "kind", "email", "order", "is_active")
KIND_FIELDS = ("code", "name", "appendix_label", "order", "is_active")
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "agency",
    "job_title",
    "phone",
    "is_active",
)


def _save_changes(obj, values: dict, *, actor, action: str, target: str) -> list[str]:
    """Set the given attributes, one audit row per changed field; create when obj has no pk."""
    creating = obj.pk is None
    changed = []
    for name, new in values.items():
        old = None if creating else getattr(obj, name)
        if not creating and old == new:
            continue
        setattr(obj, name, new)
        changed.append(name)
        if not creating:
            audit.record(actor=actor, action=action, target=target, field=name, old=old, new=new)
    if creating:
        obj.save()
        audit.record(actor=actor, action=action, target=target, new=str(obj))
    elif changed:
        obj.save(update_fields=changed)
    return changed


@transaction.atomic
def save_agency_kind(kind: AgencyKind, *, actor, **values) -> list[str]:
    """Create (kind without pk) or change an agency kind; audit rows. Returns changed fields."""
    action = AuditAction.CREATE_AGENCY_KIND if kind.pk is None else AuditAction.UPDATE_AGENCY_KIND
    return _save_changes(
        kind, values, actor=actor, action=action, target=values.get("name", kind.name)
    )


@transaction.atomic
def save_agency(agency: Agency, *, actor, **values) -> list[str]:
    """Create (agency without pk) or change an agency; deactivating is a change like any other
    (an agency is never deleted: its submissions and results stay). Audit rows. Returns the
    changed fields."""
    action = AuditAction.CREATE_AGENCY if agency.pk is None else AuditAction.UPDATE_AGENCY
    return _save_changes(
        agency, values, actor=actor, action=action, target=values.get("name", agency.name)
    )


def send_password_link(user: User, *, actor):
    """Queue the one-time link in the outbox (delivered by a job after commit, retried, listed
    for the administrator if it never gets through). Audit row; the link itself is never
    stored. Returns the outbox message (None without an e-mail address)."""
    if not user.email:
        return None
    email = outbox.queue_password_link(user)
    audit.record(
        actor=actor, action=AuditAction.SEND_PASSWORD_LINK, target=user.username, new=user.email
    )
    return email


@transaction.atomic
def create_account(*, actor, **values) -> User:
    """Create an account without a usable password and email it the one-time link to choose
    one. Audit row. The administrator never knows the password."""
    user = User(**{key: value for key, value in values.items() if key in USER_FIELDS})
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE_ACCOUNT,
        target=user.username,
        new=user.get_role_display(),
    )
    send_password_link(user, actor=actor)
    return user


@transaction.atomic
def update_account(user: User, *, actor, **values) -> list[str]:
    """Change an account's details, role, agency or active flag; one audit row per field."""
    values = {key: value for key, value in values.items() if key in USER_FIELDS}
    return _save_changes(
        user, values, actor=actor, action=AuditAction.UPDATE_ACCOUNT, target=user.username
    )
