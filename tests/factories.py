"""Test data built through the same code the product uses (fixtures loader, services, workflow)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments.criteria_io import load_fixture_table
from assessments.demo import FIXTURE_TABLES
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, AgencyKind, Evidence, Period, User
from assessments.services import get_or_create_submission

PASSWORD = "Mat-khau-thu-nghiem-2022"


def make_period(
    *,
    code="2022",
    year=2022,
    status=PeriodStatus.SELF_ASSESSMENT,
    deadline: dt.date | None = None,
    is_practice=False,
    tables=True,
) -> Period:
    """A period whose deadline is 10 days from today unless given, with the three 2022 tables."""
    deadline = deadline or timezone.localdate() + dt.timedelta(days=10)
    period = Period.objects.create(
        code=code,
        year=year,
        title=f"Đánh giá ứng dụng CNTT năm {year}",
        is_practice=is_practice,
        window_start=deadline - dt.timedelta(days=300),
        window_end=deadline - dt.timedelta(days=5),
        self_assessment_deadline=deadline,
        report_deadline=deadline + dt.timedelta(days=20),
        evaluating_agency=Agency.objects.get(code="so-thong-tin-truyen-thong"),
        legal_basis="Quyết định số 16/2022/QĐ-UBND ngày 28/3/2022 của UBND tỉnh Đồng Nai.",
        status=status,
    )
    if tables:
        for name in FIXTURE_TABLES:
            load_fixture_table(name, period)
    return period


def make_user(username, *, role=Role.OFFICER, agency=None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        agency=agency,
        email=f"{username}@example.gov.vn",
        **extra,
    )
    return user


def make_agency(code, name, kind_code="so-ban-nganh") -> Agency:
    return Agency.objects.create(code=code, name=name, kind=AgencyKind.objects.get(code=kind_code))


def full_inputs(criterion) -> dict:
    """Inputs that earn the criterion's maximum (0 violations for deductions)."""
    params = criterion.params or {}
    if criterion.rule == "yes_no":
        return {"met": True}
    if criterion.rule == "ratio":
        if "checklist" in params:
            return {"checked": list(range(len(params["checklist"])))}
        return {"numerator": "100", "denominator": "100"}
    if criterion.rule == "tiers":
        if "options" in params:
            best = max(params["options"], key=lambda option: Decimal(str(option["points"])))
            return {"option": best["key"]}
        return {"percent": "100"}
    if criterion.rule == "count":
        return {"count": len(params.get("items") or []) or 10}
    if criterion.rule == "deduction":
        return {"count": 0}
    raise ValueError(criterion.rule)


def fill_submission(submission, *, inputs=None, with_evidence=True):
    """Answer every criterion with full marks (or the given per-code inputs) and cite one
    document for all of them, as an officer would through the form."""
    items = list(submission.items.select_related("criterion"))
    inputs = inputs or {}
    from assessments.scores import item_points

    for item in items:
        item.inputs = inputs.get(item.criterion.code, full_inputs(item.criterion))
        item.points = item_points(item.criterion, item.inputs)
        item.save(update_fields=["inputs", "points"])
    if with_evidence:
        evidence = Evidence.objects.create(
            submission=submission,
            doc_number="45/KH-STC",
            doc_date=dt.date(2022, 3, 15),
            issuer=submission.agency.name,
            summary="Kế hoạch ứng dụng CNTT năm 2022",
        )
        evidence.items.set(items)
    return submission


def submitted_submission(agency, period, officer):
    from assessments import workflow

    submission = fill_submission(get_or_create_submission(agency, period))
    return workflow.submit(submission, actor=officer)
