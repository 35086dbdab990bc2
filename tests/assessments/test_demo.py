"""seed_demo: reference data, demo accounts, the practice period and a replay of the 2022 cycle.

The demo is seeded once for the whole module (the replay submits, appraises and finalises 39
dossiers) and rolled back when the module ends; each test runs in its own savepoint on top."""

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessments import lineage
from assessments.enums import PeriodStatus, SubmissionStatus
from assessments.models import (
    Agency,
    AuditEntry,
    CriteriaTable,
    Criterion,
    Evidence,
    ItemScore,
    Message,
    Notification,
    Period,
    PrefilledFact,
    Submission,
    User,
)
from assessments.models.period import LOCAL_TZ

# The demo is seeded once: the module's tests run on one xdist worker.
pytestmark = pytest.mark.xdist_group("seed_demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    return Period.objects.get(code="2022")


def test_seed_demo_gives_2022_complete_published_results(seeded):
    period = seeded
    assert period.status == PeriodStatus.PUBLISHED
    submissions = Submission.objects.filter(period=period).select_related("agency__kind")
    assert submissions.count() == 39
    assert set(submissions.values_list("status", flat=True)) == {SubmissionStatus.FINALISED}
    grades = Counter(submissions.values_list("final_grade", flat=True))
    assert grades == {"A+": 11, "A": 20, "B": 8}
    assert submissions.filter(is_late=True).count() == 1
    assert submissions.filter(round__gt=0).count() == 7
    assert ItemScore.objects.filter(submission__period=period, reviewer_reason__gt="").count() == 19
    own = submissions.get(agency__code="so-thong-tin-truyen-thong")
    starter = AuditEntry.objects.get(submission=own, action="start_review").actor
    assert starter.username == "lanhdao"


def test_the_demo_reports_carry_symbols_and_signers_as_agencies_write_them(seeded):
    """Ký hiệu in capitals without spaces (“…/BC-SKHĐT”, never “BC-UBNDTPBiênHòa”); a People's
    Committee signs on behalf of its collective."""
    submissions = {
        s.agency.code: s for s in Submission.objects.filter(period=seeded).select_related("agency")
    }
    for code, symbol in [
        ("so-ke-hoach-dau-tu", "SKHĐT"),
        ("so-thong-tin-truyen-thong", "STTTT"),
        ("tp-bien-hoa", "UBND"),
    ]:
        number = submissions[code].document_number
        assert number.split("/", 1)[1] == f"BC-{symbol}"
    assert submissions["tp-bien-hoa"].signer_title == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert submissions["so-tai-chinh"].signer_title == "GIÁM ĐỐC"
    assert all(" " not in s.document_number for s in submissions.values())


@override_settings(DEBUG=True)
def test_a_second_seed_changes_nothing_and_keeps_changed_passwords(seeded, capsys):
    counts = (AuditEntry.objects.count(), Message.objects.count())
    user = User.objects.get(username="donvi1")
    user.set_password("Mat-khau-moi-2022")
    user.save()

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "donvi1" in out
    assert (AuditEntry.objects.count(), Message.objects.count()) == counts
    assert Submission.objects.filter(period=seeded).count() == 39
    # 2025: the merged province's new departments, 23 wards and 72 communes; its period has a
    # three-level table for departments and one for communes, and 20 prefilled facts.
    assert Agency.objects.count() == 135
    assert Period.objects.count() == 3
    assert CriteriaTable.objects.count() == 8
    assert User.objects.get(username="donvi1").check_password("Mat-khau-moi-2022")
    demo_users = User.objects.exclude(username__startswith="canbo-")
    assert {u.username: u.agency.name if u.agency else None for u in demo_users} == {
        "donvi1": "Sở Tài chính",
        "donvi2": "UBND huyện Trảng Bom",
        "donvi3": "Đài Phát thanh – Truyền hình Đồng Nai",
        # Sở TT&TT merged into Sở KH&CN on 1/3/2025: its staff moved with it.
        "thamdinh": "Sở Khoa học và Công nghệ",
        "lanhdao": "Sở Khoa học và Công nghệ",
        "quantri": None,
        "donvixa": "UBND phường Trấn Biên",
    }
    # The other agencies' officers who submitted the demo 2022 results cannot log in.
    officers = User.objects.filter(username__startswith="canbo-")
    assert officers.count() == 36
    assert not any(user.has_usable_password() for user in officers)
    practice = Period.objects.get(code="thuc-hanh")
    assert practice.status == "self_assessment"


@override_settings(DEBUG=False)
def test_seed_demo_refuses_demo_accounts_when_debug_is_off(seeded):
    User.objects.filter(username="quantri").delete()
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo")
    assert "DEBUG đang tắt" in str(caught.value)
    assert not User.objects.filter(username="quantri").exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="quantri").exists()


def test_the_demo_accounts_work_in_both_programs(seeded, client):
    period_2025 = Period.objects.get(code="cds-2025")
    assert (period_2025.program.name, period_2025.status) == (
        "Chỉ số chuyển đổi số cấp sở, cấp xã",
        PeriodStatus.SELF_ASSESSMENT,
    )
    for username in ("donvi1", "donvixa"):
        client.force_login(User.objects.get(username=username))
        home = client.get(reverse("home")).content.decode()
        assert "Đánh giá chỉ số chuyển đổi số năm 2025" in home, username
        response = client.get(reverse("assessments:agency_period", args=["cds-2025"]))
        assert response.status_code == 200, username
    client.force_login(User.objects.get(username="thamdinh"))
    review = client.get(reverse("assessments:review_home")).content.decode()
    assert "Chỉ số chuyển đổi số cấp sở, cấp xã" in review
    assert "Đánh giá ứng dụng CNTT trong quản lý điều hành" in review


def test_the_2025_demo_brings_the_merged_province_its_deep_tables_and_prefilled_facts(seeded):
    period = Period.objects.get(code="cds-2025")
    tables = {
        table.kind.code: (table.label, table.scale_max, table.criteria.count())
        for table in period.tables.select_related("kind")
    }
    assert tables == {
        "so-ban-nganh": ("Phụ lục 1", Decimal("100.00"), 52),
        "ubnd-xa": ("Phụ lục 4", Decimal("100.00"), 49),
    }
    assert sorted({c.level for c in Criterion.objects.filter(table__period=period)}) == [0, 1, 2]
    assert [band["label"] for band in period.bands] == ["A", "B", "C", "D", "E"]
    assert Agency.objects.filter(kind__code="ubnd-xa").count() == 95
    assert PrefilledFact.objects.filter(period=period).count() == 20
    merged = Agency.objects.get(code="so-thong-tin-truyen-thong")
    assert (merged.is_active, merged.ended_on) == (False, dt.date(2025, 3, 1))
    # Sở KH&CN's 2022 scorecard shows Sở TT&TT's 2022 result in its trend, labelled.
    points = lineage.trend(Agency.objects.get(code="so-khoa-hoc-cong-nghe"), program=seeded.program)
    assert [(point.year, point.label) for point in points] == [
        (2022, "Sở Khoa học và Công nghệ"),
        (2022, "Sở Thông tin và Truyền thông (trước khi hợp nhất)"),
    ]


# The replay of 2022 is dated 2022 ------------------------------------------------------------


def _years(values) -> set[int]:
    return {timezone.localtime(value).year for value in values}


def test_every_date_of_the_2022_replay_is_in_2022(seeded):
    submissions = Submission.objects.filter(period=seeded)

    assert timezone.localtime(seeded.published_at) == dt.datetime(
        2022, 11, 25, 8, 30, tzinfo=LOCAL_TZ
    )
    assert _years(submissions.values_list("submitted_at", flat=True)) == {2022}
    assert _years(submissions.values_list("finalised_at", flat=True)) == {2022}
    assert _years(submissions.values_list("created_at", flat=True)) == {2022}
    assert _years(AuditEntry.objects.filter(period=seeded).values_list("at", flat=True)) == {2022}
    assert _years(
        Message.objects.filter(submission__period=seeded).values_list("created_at", flat=True)
    ) == {2022}
    assert _years(
        Evidence.objects.filter(submission__period=seeded).values_list("created_at", flat=True)
    ) == {2022}
    assert _years(
        Notification.objects.filter(submission__period=seeded).values_list("created_at", flat=True)
    ) == {2022}


def test_the_replay_runs_in_the_order_of_the_2022_calendar(seeded):
    own = Submission.objects.get(period=seeded, agency__code="so-tai-chinh")
    moves = list(
        AuditEntry.objects.filter(submission=own, field="status").values_list("action", "at")
    )

    assert [action for action, _at in moves] == ["submit", "start_review", "accept", "finalise"]
    assert [at for _action, at in moves] == sorted(at for _action, at in moves)
    assert timezone.localtime(own.finalised_at).date() == dt.date(2022, 11, 14)
    assert timezone.localtime(moves[0][1]) == timezone.localtime(own.submitted_at)


def test_the_public_pages_and_open_data_show_2022_dates(seeded, client):
    results = client.get(reverse("public:period_results", args=[2022])).content.decode()
    response = client.get(reverse("public:open_data_json", args=[2022]))
    data = json.loads(b"".join(response.streaming_content))
    today = f"{timezone.localdate():%d/%m/%Y}"

    assert "công bố ngày 25/11/2022" in results
    assert today not in results
    assert data["ky_danh_gia"]["ngay_cong_bo"] == "2022-11-25"
    assert {row["ngay_chot"][:4] for row in data["ket_qua"]} == {"2022"}
