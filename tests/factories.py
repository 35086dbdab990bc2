"""Test data built through the same code the product uses (fixtures loader, services, workflow)."""

import copy
import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone

from assessments.criteria_io import load_fixture_table
from assessments.demo import FIXTURE_TABLES
from assessments.enums import PeriodStatus, Role
from assessments.models import (
    Agency,
    AgencyKind,
    CriteriaTable,
    Criterion,
    Evidence,
    Period,
    User,
)
from assessments.models.program import program_2022
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
    program=None,
    **settings,
) -> Period:
    """A period of the 2022 program (unless `program` is given) whose deadline is 10 days from
    today unless given, with the three 2022 tables; `settings` are further Period fields
    (scale_max, bands, …)."""
    deadline = deadline or timezone.localdate() + dt.timedelta(days=10)
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    period = Period.objects.create(
        code=code,
        year=year,
        title=f"Đánh giá ứng dụng CNTT năm {year}",
        is_practice=is_practice,
        window_start=deadline - dt.timedelta(days=300),
        window_end=deadline - dt.timedelta(days=5),
        self_assessment_deadline=deadline,
        report_deadline=deadline + dt.timedelta(days=20),
        evaluating_agency=department,
        legal_basis="Quyết định số 16/2022/QĐ-UBND ngày 28/3/2022 của UBND tỉnh Đồng Nai.",
        status=status,
        program=program or program_2022(department),
        **settings,
    )
    if tables:
        add_reference_tables(period)
    return period


# The three 2022 tables as the product's loader stored them the first time in this session:
# [(table field values, [criterion field values, …]), …]. Later periods get copies in four
# bulk inserts instead of ~90 validated single inserts (tests/test_factories.py proves the copy
# equals a fresh load).
_REFERENCE_TABLES: list = []


def _values(obj, *, skip) -> dict:
    return {
        field.attname: copy.deepcopy(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.attname not in skip
    }


def add_reference_tables(period) -> list:
    """Give the period the three 2022 criteria tables (Phụ lục 1–3)."""
    if not _REFERENCE_TABLES:
        for name in FIXTURE_TABLES:
            table = load_fixture_table(name, period)
            criteria = table.criteria.order_by("order")
            _REFERENCE_TABLES.append(
                (
                    {
                        **_values(table, skip={"id", "period_id", "kind_id", "created_at"}),
                        "kind_code": table.kind.code,
                    },
                    [_values(c, skip={"table_id"}) for c in criteria],
                )
            )
        return list(period.tables.all())
    tables = []
    kinds = {kind.code: kind for kind in AgencyKind.objects.all()}
    for table_values, rows in _REFERENCE_TABLES:
        values = dict(table_values)
        table = CriteriaTable.objects.create(
            period=period, kind=kinds[values.pop("kind_code")], **values
        )
        new_ids: dict[int, int] = {}
        pending = list(rows)
        while pending:  # parents before their children, one insert per level
            level = [
                row for row in pending if row["parent_id"] is None or row["parent_id"] in new_ids
            ]
            if not level:
                raise ValueError("Bảng tiêu chí mẫu có tiêu chí cha không tồn tại.")
            pending = [row for row in pending if row not in level]
            created = Criterion.objects.bulk_create(
                Criterion(
                    **{
                        **{k: copy.deepcopy(v) for k, v in row.items() if k != "id"},
                        "table_id": table.pk,
                        "parent_id": new_ids.get(row["parent_id"]),
                    }
                )
                for row in level
            )
            new_ids.update({row["id"]: obj.pk for row, obj in zip(level, created, strict=True)})
        tables.append(table)
    return tables


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
        if params.get("items"):
            return {"count": len(params["items"])}
        # Enough units to reach the maximum (at least 10, as the 2022 tables need).
        per_item = Decimal(str(params.get("per_item") or "1"))
        return {"count": max(10, math.ceil(Decimal(str(criterion.maximum)) / per_item))}
    if criterion.rule == "deduction":
        return {"count": 0}
    if criterion.rule in ("relative_best", "relative_average"):
        return {"value": "10"}
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


def submitted_submission(agency, period, officer, **report):
    """The agency's dossier filled with full marks and submitted by `officer`; `report` sets the
    report's document_number, signer_title and signer_name first."""
    from assessments import workflow

    submission = fill_submission(get_or_create_submission(agency, period))
    if report:
        for field, value in report.items():
            setattr(submission, field, value)
        submission.save(update_fields=list(report))
    return workflow.submit(submission, actor=officer)
