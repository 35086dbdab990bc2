"""Agencies, agency kinds and accounts as an administrator manages them.

Nothing with history is ever deleted: agencies and people are deactivated. Administrators never
see or set a password: a new account gets a one-time link to choose its own (Django's
password-reset token, which stops working once the password is set or after
PASSWORD_RESET_TIMEOUT).
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments import audit
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


def password_link(user: User) -> str:
    """The absolute one-time link for the user to choose a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("assessments:set_password", args=[uid, token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_password_link(user: User, *, actor) -> None:
    """Email the one-time link (after commit). Audit row; the link itself is never stored."""
    if not user.email:
        return
    link = password_link(user)
    body = (
        f"Xin chào {user},\n\n"
        f"Tài khoản “{user.username}” của bạn trên Cổng đánh giá ứng dụng CNTT đã được tạo "
        f"hoặc cần đặt lại mật khẩu. Vui lòng mở đường dẫn sau để tự đặt mật khẩu "
        f"(đường dẫn chỉ dùng được một lần):\n\n{link}\n\n"
        "Nếu bạn không đề nghị việc này, vui lòng bỏ qua thư và báo cho quản trị hệ thống.\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            "Đặt mật khẩu tài khoản Cổng đánh giá ứng dụng CNTT",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=True,
        )
    )
    audit.record(
        actor=actor, action=AuditAction.SEND_PASSWORD_LINK, target=user.username, new=user.email
    )


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
