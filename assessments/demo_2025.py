"""The second demo program, seeded beside 2022: the 2025 digital-transformation index
(“Chỉ số chuyển đổi số”) of the merged Đồng Nai province, evaluated by Sở Khoa học và Công nghệ
(Sở TT&TT merged into it from 1/3/2025), on a 100-point scale with five bands, open for
self-assessment. Idempotent like assessments.demo: a rerun keeps what exists.

Everything comes in the way an administrator would bring it: the merged province's agencies
and the 2025 department mergers from their workbooks (fixtures/programs/dong-nai-2025/), the
three-level DTI tables of departments and communes (fixtures/programs/dti-2025/) and the facts
prefilled from the province's systems (so-lieu-dien-san.xlsx). Run after the 2022 results: the
merged departments' 2022 results then show in their successors' trend.
"""

import datetime as dt
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments import accounts, prefills
from assessments.criteria_io import FIXTURES_DIR, load_table
from assessments.dong_nai_2025 import load_dong_nai_2025
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, AgencyKind, CriteriaTable, Period, Program, User

PROGRAM_CODE = "chuyen-doi-so"
PERIOD_CODE = "cds-2025"
EVALUATOR_CODE = "so-khoa-hoc-cong-nghe"
COMMUNE_KIND = "ubnd-xa"

PROGRAM_2025 = {
    "name": "Chỉ số chuyển đổi số cấp sở, cấp xã",
    "subject": "chỉ số chuyển đổi số",
    "description": (
        "Đánh giá, xếp hạng mức độ chuyển đổi số của các sở, ban, ngành và UBND các xã, phường "
        "tỉnh Đồng Nai (sau sắp xếp đơn vị hành chính năm 2025)."
    ),
    "parent_body": "UBND tỉnh Đồng Nai",
    "agency_short_name": "Sở KH&CN",
    "agency_abbreviation": "SKHCN",
    "handling_unit": "phòng Chuyển đổi số",
    "handling_unit_code": "CĐS",
    "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    "report_addressee": "Ủy ban nhân dân tỉnh Đồng Nai",
    "report_through": "",
    "order": 2,
}

# Information-system style bands on 100 points: A ≥ 90, B 80–89, C 65–79, D 50–64, E < 50.
BANDS_2025 = [
    {"label": "A", "lowest": "90.00"},
    {"label": "B", "lowest": "80.00"},
    {"label": "C", "lowest": "65.00"},
    {"label": "D", "lowest": "50.00"},
    {"label": "E", "lowest": "0.00"},
]

LEGAL_BASIS_2025 = (
    "Quyết định số 3473/QĐ-UBND ngày 29/12/2023 của UBND tỉnh Đồng Nai ban hành Bộ chỉ số "
    "đánh giá chuyển đổi số của các sở, ban, ngành và địa phương (áp dụng cho đơn vị hành chính "
    "sau sắp xếp từ ngày 01/7/2025)."
)

# An officer of a ward of the merged province, so that the commune journey can be tried with a
# demo account (the ward has prefilled facts in fixtures/programs/dti-2025/so-lieu-dien-san.xlsx).
COMMUNE_ACCOUNT = (
    "donvixa",
    "phuong-tran-bien",
    ("Thảo", "Nguyễn Thị"),
    "Công chức Văn phòng HĐND-UBND phường",
)

# The staff of Sở TT&TT moved to Sở KH&CN with the merger of 1/3/2025: the demo's reviewer and
# lead appraise the 2025 index there (their 2022 work keeps its audit trail).
STAFF_ACCOUNTS = ("thamdinh", "lanhdao")

DTI_DIR = FIXTURES_DIR / "programs" / "dti-2025"
TABLE_FILES = {"so-ban-nganh": "cap-so.json", COMMUNE_KIND: "cap-xa.json"}
PREFILL_WORKBOOK = DTI_DIR / "so-lieu-dien-san.xlsx"


def load_agencies_2025() -> list[AgencyKind]:
    """The merged province's agencies and the 2025 department mergers, imported the way an
    administrator would (assessments.dong_nai_2025). Returns the kinds that get a table."""
    load_dong_nai_2025()
    return [
        AgencyKind.objects.get(code="so-ban-nganh"),
        AgencyKind.objects.get(code=COMMUNE_KIND),
    ]


def table_data_2025(kind: AgencyKind) -> dict:
    """The three-level, 100-point DTI table of the kind (fixtures/programs/dti-2025/), labelled
    with the kind's appendix."""
    data = json.loads((DTI_DIR / TABLE_FILES[kind.code]).read_text(encoding="utf-8"))
    return {**data, "kind": kind.code, "label": kind.appendix_label}


@transaction.atomic
def ensure_program_2025() -> Program:
    evaluator = Agency.objects.get(code=EVALUATOR_CODE)
    program, _ = Program.objects.get_or_create(
        code=PROGRAM_CODE, defaults={**PROGRAM_2025, "evaluating_agency": evaluator}
    )
    return program


@transaction.atomic
def ensure_period_2025(today: dt.date | None = None) -> Period:
    """The 2025 period, open for self-assessment with a deadline 30 days ahead so the demo
    works on any date; a rerun that finds the deadline passed moves the dates forward."""
    today = today or timezone.localdate()
    program = ensure_program_2025()
    window_end = min(today, dt.date(2025, 12, 31))
    dates = {
        "window_start": dt.date(2025, 1, 1),
        "window_end": window_end,
        "self_assessment_deadline": today + dt.timedelta(days=30),
        "report_deadline": today + dt.timedelta(days=50),
    }
    period, created = Period.objects.get_or_create(
        code=PERIOD_CODE,
        defaults={
            "program": program,
            "year": 2025,
            "title": "Đánh giá chỉ số chuyển đổi số năm 2025",
            "evaluating_agency": program.evaluating_agency,
            "legal_basis": LEGAL_BASIS_2025,
            "guidance_document": "",
            "scale_max": Decimal("100.00"),
            "decimal_places": 2,
            "bands": BANDS_2025,
            "status": PeriodStatus.SELF_ASSESSMENT,
            **dates,
        },
    )
    if not created and period.self_assessment_deadline < today:
        for key, value in dates.items():
            setattr(period, key, value)
        period.save(update_fields=list(dates))
    for kind in load_agencies_2025():
        if not CriteriaTable.objects.filter(period=period, kind=kind).exists():
            load_table(table_data_2025(kind), period, kind)
    if not period.prefilled_facts.exists():
        prefills.import_prefills(period, PREFILL_WORKBOOK, actor=None)
    return period


def ensure_commune_account(password: str) -> User:
    username, agency_code, (first, last), title = COMMUNE_ACCOUNT
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": Role.OFFICER,
            "agency": Agency.objects.get(code=agency_code),
            "first_name": first,
            "last_name": last,
            "job_title": title,
            "email": f"{username}@demo.dongnai.gov.vn",
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def commune_account() -> User:
    return User.objects.get(username=COMMUNE_ACCOUNT[0])


def move_staff_to_evaluator(evaluator: Agency) -> None:
    """The demo reviewer and lead follow their department into the merged Sở KH&CN."""
    for user in User.objects.filter(username__in=STAFF_ACCOUNTS).exclude(agency=evaluator):
        accounts.update_account(user, actor=None, agency=evaluator)


def seed_2025(password: str | None = None) -> Period:
    """Program, period, agencies, tables and prefilled facts of 2025; with a password, the
    commune's account, and the staff accounts moved to the evaluating department."""
    period = ensure_period_2025()
    if password is not None:
        ensure_commune_account(password)
        move_staff_to_evaluator(period.evaluating_agency)
    return period
