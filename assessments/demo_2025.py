"""The second demo program, seeded beside 2022: the 2025 digital-transformation index
(“Chỉ số chuyển đổi số”) of the merged Đồng Nai province, evaluated by Sở Khoa học và Công nghệ
(Sở TT&TT merged into it from 1/3/2025), on a 100-point scale with five bands, open for
self-assessment. Idempotent like assessments.demo: a rerun keeps what exists.

The agency list and the criteria tables are each loaded by one small function
(`load_agencies_2025`, `table_data_2025`) so that the merged province's real list and the
three-level DTI table can replace these demo stand-ins without touching the rest.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.criteria_io import load_table
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, AgencyKind, CriteriaTable, Period, Program, User

PROGRAM_CODE = "chuyen-doi-so"
PERIOD_CODE = "cds-2025"
EVALUATOR_CODE = "so-khoa-hoc-cong-nghe"
COMMUNE_KIND = "ubnd-cap-xa"

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

# Communes and wards of the merged province used by the demo (a stand-in for the full list).
DEMO_COMMUNES = [
    ("ubnd-phuong-tran-bien", "UBND phường Trấn Biên", "UBND P. Trấn Biên"),
    ("ubnd-phuong-dong-xoai", "UBND phường Đồng Xoài", "UBND P. Đồng Xoài"),
    ("ubnd-xa-trang-bom", "UBND xã Trảng Bom", "UBND X. Trảng Bom"),
    ("ubnd-xa-long-thanh", "UBND xã Long Thành", "UBND X. Long Thành"),
]

# An officer of a commune, so that the commune journey can be tried with a demo account.
COMMUNE_ACCOUNT = (
    "donvixa",
    "ubnd-xa-trang-bom",
    ("Thảo", "Nguyễn Thị"),
    "Công chức Văn phòng HĐND-UBND xã",
)


def load_agencies_2025() -> list[AgencyKind]:
    """The kinds evaluated in 2025 (departments, communes and wards), with the demo communes.
    Returns the kinds that get a table."""
    departments = AgencyKind.objects.get(code="so-ban-nganh")
    communes, _ = AgencyKind.objects.get_or_create(
        code=COMMUNE_KIND,
        defaults={"name": "UBND các xã, phường", "appendix_label": "Phụ lục 4", "order": 4},
    )
    for order, (code, name, short_name) in enumerate(DEMO_COMMUNES, start=1):
        Agency.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short_name, "kind": communes, "order": order},
        )
    return [departments, communes]


def _criterion(code, parent, title, maximum, rule, params, guidance="") -> dict:
    return {
        "code": code,
        "parent": parent,
        "title": title,
        "rule": rule,
        "params": params,
        "maximum": maximum,
        "guidance": guidance,
        "evidence_expected": "Số liệu, văn bản chứng minh.",
        "allow_not_applicable": False,
        "requires_evidence": rule != "yes_no",
    }


def table_data_2025(kind: AgencyKind) -> dict:
    """A simple two-level table on 100 points (five pillars of 20 points), the same for both
    kinds; the three-level DTI table replaces it."""
    unit = "xã, phường" if kind.code == COMMUNE_KIND else "sở, ban, ngành"
    ratio = "ratio"
    rows = [
        {"code": "I", "title": "Nhận thức số", "maximum": "20"},
        _criterion(
            "I.1",
            "I",
            "Ban hành kế hoạch chuyển đổi số năm 2025",
            "10",
            "yes_no",
            {"label_yes": "Đã ban hành", "label_no": "Chưa ban hành"},
        ),
        _criterion(
            "I.2",
            "I",
            "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số",
            "10",
            ratio,
            {
                "numerator_label": "Số người được bồi dưỡng",
                "denominator_label": "Tổng số cán bộ, công chức",
            },
        ),
        {"code": "II", "title": "Thể chế số", "maximum": "20"},
        _criterion(
            "II.1",
            "II",
            "Quy chế quản lý, vận hành, khai thác các hệ thống thông tin dùng chung",
            "20",
            "count",
            {
                "per_item": "10",
                "items": ["Quy chế sử dụng hệ thống QLVB", "Quy chế bảo đảm an toàn thông tin"],
                "unit_label": "quy chế",
            },
        ),
        {"code": "III", "title": "Hạ tầng và nền tảng số", "maximum": "20"},
        _criterion(
            "III.1",
            "III",
            "Tỷ lệ máy trạm kết nối mạng truyền số liệu chuyên dùng",
            "20",
            ratio,
            {"numerator_label": "Số máy trạm kết nối", "denominator_label": "Tổng số máy trạm"},
        ),
        {"code": "IV", "title": "Hoạt động chính quyền số", "maximum": "20"},
        _criterion(
            "IV.1",
            "IV",
            "Tỷ lệ văn bản đi được ký số và gửi trên môi trường mạng",
            "10",
            "tiers",
            {
                "basis": "percent",
                "tiers": [{"min": "90", "points": "10"}, {"min": "70", "points": "5"}],
                "numerator_label": "Số văn bản đi được ký số",
                "denominator_label": "Tổng số văn bản đi",
            },
        ),
        _criterion(
            "IV.2",
            "IV",
            "Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến",
            "10",
            ratio,
            {
                "numerator_label": "Số hồ sơ nộp trực tuyến",
                "denominator_label": "Tổng số hồ sơ tiếp nhận",
            },
        ),
        {"code": "V", "title": "An toàn thông tin mạng", "maximum": "20"},
        _criterion(
            "V.1",
            "V",
            "Hồ sơ đề xuất cấp độ hệ thống thông tin được phê duyệt",
            "20",
            "tiers",
            {
                "options": [
                    {"key": "da-phe-duyet", "label": "Đã được phê duyệt", "points": "20"},
                    {"key": "da-trinh", "label": "Đã trình thẩm định", "points": "10"},
                    {"key": "chua", "label": "Chưa xây dựng hồ sơ", "points": "0"},
                ]
            },
        ),
    ]
    return {
        "label": kind.appendix_label,
        "kind": kind.code,
        "title": f"Bộ chỉ số đánh giá chuyển đổi số năm 2025 đối với {unit}",
        "scale_max": "100.00",
        "deduction_floor": "0.00",
        "source": "Bảng minh họa (demo) trên thang điểm 100",
        "rows": rows,
    }


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


def seed_2025(password: str | None = None) -> Period:
    """Program, period, agencies and tables of 2025; with a password, the commune's account."""
    period = ensure_period_2025()
    if password is not None:
        ensure_commune_account(password)
    return period
