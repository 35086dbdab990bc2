"""Reference data and demo content, idempotent: running it twice keeps what exists."""

import datetime as dt
import os

from django.db import transaction
from django.utils import timezone

from assessments.criteria_io import load_fixture_table, load_reference_agencies
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, CriteriaTable, Period, User

DEFAULT_DEMO_PASSWORD = "DongNai@2022"  # noqa: S105 (printed for demo accounts only)

FIXTURE_TABLES = ["2022-phu-luc-1.json", "2022-phu-luc-2.json", "2022-phu-luc-3.json"]

LEGAL_BASIS_2022 = (
    "Quyết định số 16/2022/QĐ-UBND ngày 28/3/2022 của UBND tỉnh Đồng Nai ban hành Quy định về "
    "đánh giá mức độ hoàn thành nhiệm vụ của các sở, ban, ngành, đơn vị sự nghiệp công lập trực "
    "thuộc UBND tỉnh và UBND các huyện, thành phố Long Khánh, Biên Hòa (điểm h, khoản 1, Điều 7)."
)

DEMO_ACCOUNTS = [
    # username, role, agency code, full name (first, last), job title
    ("donvi1", Role.OFFICER, "so-tai-chinh", ("Lan", "Nguyễn Thị"), "Chuyên viên Văn phòng Sở"),
    ("donvi2", Role.OFFICER, "huyen-trang-bom", ("Hùng", "Trần Văn"), "Chuyên viên Phòng VH-TT"),
    ("donvi3", Role.OFFICER, "dai-phat-thanh-truyen-hinh", ("Mai", "Lê Thị"), "Phó phòng Kỹ thuật"),
    (
        "thamdinh",
        Role.REVIEWER,
        "so-thong-tin-truyen-thong",
        ("Bình", "Phạm Huy"),
        "Chuyên viên phòng CNTT-VT",
    ),
    (
        "lanhdao",
        Role.LEAD,
        "so-thong-tin-truyen-thong",
        ("Tân", "Trần Minh"),
        "Phó Trưởng phòng CNTT-VT",
    ),
    ("quantri", Role.ADMIN, None, ("Quản trị", "Hệ thống"), "Quản trị hệ thống"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _load_tables(period: Period) -> None:
    for name in FIXTURE_TABLES:
        kind_code = {"1": "so-ban-nganh", "2": "don-vi-su-nghiep", "3": "ubnd-cap-huyen"}[name[-6]]
        if not CriteriaTable.objects.filter(period=period, kind__code=kind_code).exists():
            load_fixture_table(name, period)


@transaction.atomic
def ensure_period_2022() -> Period:
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    period, _ = Period.objects.get_or_create(
        code="2022",
        defaults={
            "year": 2022,
            "title": "Đánh giá ứng dụng CNTT trong quản lý điều hành năm 2022",
            "window_start": dt.date(2022, 1, 1),
            "window_end": dt.date(2022, 10, 25),
            "self_assessment_deadline": dt.date(2022, 10, 30),
            "report_deadline": dt.date(2022, 11, 20),
            "evaluating_agency": department,
            "legal_basis": LEGAL_BASIS_2022,
            "guidance_document": "Công văn số 2083/STTTT-CNTT-VT ngày 22/8/2022 của Sở TT&TT",
            "status": PeriodStatus.REVIEW,
        },
    )
    _load_tables(period)
    return period


@transaction.atomic
def ensure_practice_period(today: dt.date | None = None) -> Period:
    """A practice period open from today for 30 days, so the demo works on any date. Its dates
    move forward when a rerun finds the deadline passed."""
    today = today or timezone.localdate()
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    dates = {
        "window_start": dt.date(today.year, 1, 1),
        "window_end": today,
        "self_assessment_deadline": today + dt.timedelta(days=30),
        "report_deadline": today + dt.timedelta(days=50),
    }
    period, created = Period.objects.get_or_create(
        code="thuc-hanh",
        defaults={
            "year": today.year,
            "title": "Kỳ thực hành (làm quen với cổng đánh giá)",
            "is_practice": True,
            "evaluating_agency": department,
            "legal_basis": LEGAL_BASIS_2022,
            "guidance_document": "Công văn số 2083/STTTT-CNTT-VT ngày 22/8/2022 của Sở TT&TT",
            "status": PeriodStatus.SELF_ASSESSMENT,
            **dates,
        },
    )
    if not created and period.self_assessment_deadline < today:
        for key, value in dates.items():
            setattr(period, key, value)
        period.save(update_fields=list(dates))
    _load_tables(period)
    return period


@transaction.atomic
def ensure_demo_accounts(password: str) -> list[User]:
    """Create the demo accounts; an existing account keeps its password."""
    users = []
    for username, role, agency_code, (first, last), title in DEMO_ACCOUNTS:
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "agency": agency,
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@demo.dongnai.gov.vn",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def seed_reference() -> Period:
    load_reference_agencies()
    return ensure_period_2022()
