"""Login events: a log line and an audit row for every success, failure and lockout, and the
Vietnamese lockout page django-axes shows (on the portal's login and the Django admin's)."""

import logging

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from assessments import audit
from assessments.enums import AuditAction
from portal.forms import LoginForm

logger = logging.getLogger("portal.auth")


def client_ip(request) -> str:
    """The client's address: X-Real-IP when the portal is told it sits behind the proxy."""
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"].strip()
    return request.META.get("REMOTE_ADDR", "")


def _username(credentials) -> str:
    return str((credentials or {}).get("username", ""))[:120]


def _known_user(username: str):
    return get_user_model().objects.filter(username=username).first() if username else None


def _over_http(request) -> bool:
    """A sign-in through a login page; not an in-process one (a shell, the test client's
    login()), whose request is None or carries no client address."""
    return request is not None and bool(request.META.get("REMOTE_ADDR"))


@receiver(user_logged_in, dispatch_uid="portal.auth.login")
def log_login(sender, request, user, **kwargs):
    if not _over_http(request):
        return
    ip = client_ip(request)
    logger.info(
        "login succeeded for %s",
        user.get_username(),
        extra={
            "event": AuditAction.LOGIN.value,
            "username": user.get_username(),
            "ip": ip,
            "user_id": user.pk,
        },
    )
    audit.record(actor=user, action=AuditAction.LOGIN, target=user.get_username(), new=ip)


@receiver(user_login_failed, dispatch_uid="portal.auth.login_failed")
def log_login_failure(sender, credentials, request=None, **kwargs):
    if not _over_http(request):
        return
    username = _username(credentials)
    ip = client_ip(request)
    locked = bool(getattr(request, "axes_locked_out", False))
    logger.warning(
        "login failed for %s%s",
        username,
        " (locked out)" if locked else "",
        extra={
            "event": AuditAction.LOGIN_FAILED.value,
            "username": username,
            "ip": ip,
            "locked_out": locked,
        },
    )
    audit.record(
        actor=_known_user(username),
        action=AuditAction.LOGIN_FAILED,
        target=username,
        new=ip,
        reason="đang bị tạm khóa" if locked else "",
    )


@receiver(user_locked_out, dispatch_uid="portal.auth.locked_out")
def log_lockout(sender, request, username, ip_address, **kwargs):
    logger.warning(
        "login locked out for %s from %s",
        username,
        ip_address,
        extra={"event": AuditAction.LOCKED_OUT.value, "username": username, "ip": ip_address},
    )
    audit.record(
        actor=_known_user(username or ""),
        action=AuditAction.LOCKED_OUT,
        target=(username or "")[:120],
        new=ip_address,
        reason=f"sai mật khẩu {settings.AXES_FAILURE_LIMIT} lần",
    )


def locked_until(username: str, ip_address: str):
    """When the lock on this user name and address lifts: the last failure plus the cool-off."""
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying the sign-in is locked and when to try again (HTTP 429)."""
    username = _username(credentials) or request.POST.get("username", "")
    until = timezone.localtime(locked_until(username, client_ip(request)))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần nên tài khoản “{username}” tạm bị "
        f"khóa đăng nhập từ máy này trong {minutes} phút. Vui lòng thử lại sau "
        f"{until:%H:%M} ngày {until:%d/%m/%Y}, hoặc liên hệ quản trị hệ thống để được mở khóa."
    )
    form = LoginForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped for an authenticate() call without a request.

    A sign-in without a request (the test client's login(), a shell) has no address to lock; the
    two login pages always pass their request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
