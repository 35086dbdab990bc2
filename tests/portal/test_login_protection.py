"""Login protection (django-axes): lockout per user name and address, a Vietnamese message
saying when to try again, unlock by the administrator; every login event logged and audited."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.enums import AuditAction, Role
from assessments.models import AuditEntry
from tests.factories import PASSWORD, make_user
from tests.portal.conftest import captured_json_log

LOGIN = "/dang-nhap/"
ADMIN_LOGIN = "/quan-tri-he-thong/login/"


def attempt(client, username, password, *, url=LOGIN, address="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def json_log():
    with captured_json_log("portal.auth") as lines:
        yield lines


def test_five_wrong_passwords_lock_the_user_name_from_that_address(officer_a):
    """Before: 100 wrong passwords in a row, no lockout, and the right one still worked."""
    client = Client()
    for _ in range(4):
        assert attempt(client, "canbo_a", "sai-mat-khau").status_code == 200
    locked = attempt(client, "canbo_a", "sai-mat-khau")
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    response = attempt(client, "canbo_a", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập sai quá 5 lần nên tài khoản “canbo_a” tạm bị khóa đăng nhập" in page
    assert "trong 15 phút" in page
    assert re.search(r"Vui lòng thử lại sau \d\d:\d\d ngày \d\d/\d\d/\d{4}", page)
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_only_for_that_user_name_and_address(officer_a, officer_b):
    client = Client()
    for _ in range(5):
        attempt(client, "canbo_a", "sai-mat-khau")
    # The same person from another address, and a colleague from the same address, get in.
    assert attempt(Client(), "canbo_a", PASSWORD, address="198.51.100.2").status_code == 302
    assert attempt(Client(), "canbo_b", PASSWORD).status_code == 302


def test_the_django_admin_login_is_locked_the_same_way(reference):
    make_user("quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        attempt(client, "quantri", "sai-mat-khau", url=ADMIN_LOGIN)
    response = attempt(client, "quantri", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "tạm bị khóa đăng nhập" in response.content.decode()
    # The portal's own login shares the lock.
    assert attempt(Client(), "quantri", PASSWORD).status_code == 429


def test_the_administrator_unlocks_with_a_command(officer_a):
    client = Client()
    for _ in range(5):
        attempt(client, "canbo_a", "sai-mat-khau")
    assert attempt(client, "canbo_a", PASSWORD).status_code == 429
    call_command("axes_reset_username", "canbo_a", stdout=io.StringIO())
    assert attempt(client, "canbo_a", PASSWORD).status_code == 302


def test_the_administrator_sees_lockouts_in_the_django_admin(officer_a, reference):
    admin = make_user("quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    for _ in range(5):
        attempt(Client(), "canbo_a", "sai-mat-khau")
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "canbo_a" in response.content.decode()


def test_login_success_failure_and_lockout_are_logged_and_audited(officer_a, json_log):
    client = Client()
    assert attempt(client, "canbo_a", PASSWORD).status_code == 302
    for _ in range(5):
        attempt(Client(), "canbo_a", "sai-mat-khau")
    events = [(line["event"], line["username"], line["ip"]) for line in json_log()]
    # django-axes decides the lockout while handling the fifth failure, so it comes first.
    assert events == [
        ("login", "canbo_a", "203.0.113.7"),
        *[("login_failed", "canbo_a", "203.0.113.7")] * 4,
        ("locked_out", "canbo_a", "203.0.113.7"),
        ("login_failed", "canbo_a", "203.0.113.7"),
    ]
    audited = list(
        AuditEntry.objects.filter(
            action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOCKED_OUT]
        )
        .order_by("pk")
        .values_list("action", "actor__username", "target", "new_value")
    )
    assert audited == [
        (AuditAction.LOGIN, "canbo_a", "canbo_a", "203.0.113.7"),
        *[(AuditAction.LOGIN_FAILED, "canbo_a", "canbo_a", "203.0.113.7")] * 4,
        (AuditAction.LOCKED_OUT, "canbo_a", "canbo_a", "203.0.113.7"),
        (AuditAction.LOGIN_FAILED, "canbo_a", "canbo_a", "203.0.113.7"),
    ]


def test_a_failure_for_an_unknown_user_name_is_audited_without_an_actor(db, json_log):
    attempt(Client(), "khong-co-ai", "x")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.target) == (None, "khong-co-ai")
    assert json_log()[0]["message"] == "login failed for khong-co-ai"


def test_password_rules_speak_vietnamese(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password("1234567")
    assert refused.value.messages == [
        "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
        "Mật khẩu này quá phổ biến, dễ bị đoán.",
        "Mật khẩu không được chỉ gồm chữ số.",
    ]
