import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from assessments.models import Agency, CriteriaTable, Period, User


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_keeps_changed_passwords(db, capsys):
    call_command("seed_demo")
    user = User.objects.get(username="donvi1")
    user.set_password("Mat-khau-moi-2022")
    user.save()
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "donvi1" in out
    assert Agency.objects.count() == 39
    assert Period.objects.count() == 2
    assert CriteriaTable.objects.count() == 6
    assert User.objects.get(username="donvi1").check_password("Mat-khau-moi-2022")
    demo_users = User.objects.exclude(username__startswith="canbo-")
    assert {u.username: u.agency.name if u.agency else None for u in demo_users} == {
        "donvi1": "Sở Tài chính",
        "donvi2": "UBND huyện Trảng Bom",
        "donvi3": "Đài Phát thanh – Truyền hình Đồng Nai",
        "thamdinh": "Sở Thông tin và Truyền thông",
        "lanhdao": "Sở Thông tin và Truyền thông",
        "quantri": None,
    }
    # The other agencies' officers who submitted the demo 2022 results cannot log in.
    officers = User.objects.filter(username__startswith="canbo-")
    assert officers.count() == 36
    assert not any(user.has_usable_password() for user in officers)
    practice = Period.objects.get(code="thuc-hanh")
    assert practice.status == "self_assessment"


@override_settings(DEBUG=False)
def test_seed_demo_refuses_demo_accounts_when_debug_is_off(db):
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo")
    assert "DEBUG đang tắt" in str(caught.value)
    assert not User.objects.exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="quantri").exists()
