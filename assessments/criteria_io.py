"""Loading and dumping criteria tables as plain data (JSON fixtures, Excel import/export).

One format for every source, so the official appendices can be loaded when obtained without a
code change. Everything is validated before anything is written.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from assessments.models import AgencyKind, CriteriaTable, Criterion
from scoring import InvalidTable, ItemSpec, validate_table

ROW_FIELDS = (
    "code",
    "parent",
    "title",
    "rule",
    "params",
    "maximum",
    "guidance",
    "evidence_expected",
    "allow_not_applicable",
    "requires_evidence",
    "measurable",
)


class CriteriaImportError(Exception):
    """Every problem found, each a Vietnamese sentence naming the row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _decimal(value, where: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors.append(f"{where}: “{value}” không phải là số.")
        return None


def validate_table_data(data: dict) -> tuple[list[dict], list[str]]:
    """Normalise rows and collect every error (structure and scoring rules)."""
    errors: list[str] = []
    rows = []
    for index, raw in enumerate(data.get("rows") or [], start=1):
        code = str(raw.get("code") or "").strip()
        where = f"Dòng {index}" + (f" ({code})" if code else "")
        if not code:
            errors.append(f"{where}: thiếu mã tiêu chí.")
        title = str(raw.get("title") or "").strip()
        if not title:
            errors.append(f"{where}: thiếu nội dung tiêu chí.")
        rule = str(raw.get("rule") or "").strip()
        params = raw.get("params") or {}
        if isinstance(params, str):
            try:
                params = json.loads(params) if params.strip() else {}
            except json.JSONDecodeError:
                errors.append(f"{where}: tham số không đúng định dạng JSON.")
                params = {}
        rows.append(
            {
                "code": code,
                "parent": str(raw.get("parent") or "").strip() or None,
                "title": title,
                "rule": rule,
                "params": params,
                "maximum": _decimal(raw.get("maximum"), where, errors),
                "guidance": str(raw.get("guidance") or "").strip(),
                "evidence_expected": str(raw.get("evidence_expected") or "").strip(),
                "allow_not_applicable": bool(raw.get("allow_not_applicable", False)),
                "requires_evidence": bool(raw.get("requires_evidence", True)),
                "measurable": bool(raw.get("measurable", False)),
            }
        )
    if not rows:
        errors.append("Bảng tiêu chí không có dòng nào.")
    scale_max = _decimal(data.get("scale_max", "3.00"), "Điểm tối đa", errors) or Decimal("3.00")
    if not errors:
        specs = [
            ItemSpec(
                code=row["code"],
                rule=row["rule"] or None,
                params=row["params"],
                maximum=row["maximum"],
                parent=row["parent"],
                allow_not_applicable=row["allow_not_applicable"],
            )
            for row in rows
        ]
        try:
            validate_table(specs, scale_max=scale_max)
        except InvalidTable as error:
            errors.extend(message for _code, message in error.errors)
    return rows, errors


@transaction.atomic
def load_table(data: dict, period, kind: AgencyKind | None = None) -> CriteriaTable:
    """Create the period's table for a kind from plain data, or raise CriteriaImportError.

    Refuses to replace a table that already has submissions: results already given against it
    must keep meaning what they meant.
    """
    rows, errors = validate_table_data(data)
    if kind is None:
        kind = AgencyKind.objects.filter(code=data.get("kind")).first()
        if kind is None:
            errors.append(f"Không có loại cơ quan, đơn vị có mã “{data.get('kind')}”.")
    existing = CriteriaTable.objects.filter(period=period, kind=kind).first() if kind else None
    if existing is not None and existing.submissions.exists():
        errors.append(
            f"{existing.label} của kỳ “{period}” đã có hồ sơ tự đánh giá; không thể thay thế. "
            "Hãy tạo kỳ đánh giá mới hoặc xóa hồ sơ thử trước."
        )
    if errors:
        raise CriteriaImportError(errors)
    if existing is not None:
        existing.delete()
    table = CriteriaTable.objects.create(
        period=period,
        kind=kind,
        label=str(data.get("label") or kind.appendix_label),
        title=str(data.get("title") or kind.name),
        scale_max=Decimal(str(data.get("scale_max", "3.00"))),
        deduction_floor=Decimal(str(data.get("deduction_floor", "-1.00"))),
        source=str(data.get("source") or ""),
    )
    by_code: dict[str, Criterion] = {}
    for order, row in enumerate(rows, start=1):
        parent = by_code.get(row["parent"]) if row["parent"] else None
        by_code[row["code"]] = Criterion.objects.create(
            table=table,
            parent=parent,
            level=0 if parent is None else parent.level + 1,
            code=row["code"],
            title=row["title"],
            guidance=row["guidance"],
            evidence_expected=row["evidence_expected"],
            rule=row["rule"],
            params=row["params"],
            maximum=row["maximum"],
            order=order * 10,
            allow_not_applicable=row["allow_not_applicable"],
            requires_evidence=row["requires_evidence"],
            measurable=row.get("measurable", False),
        )
    return table


def dump_table(table: CriteriaTable) -> dict:
    """The inverse of load_table: dump then load gives the same table."""
    rows = []
    for criterion in table.criteria.select_related("parent").order_by("order"):
        rows.append(
            {
                "code": criterion.code,
                "parent": criterion.parent.code if criterion.parent_id else None,
                "title": criterion.title,
                "rule": criterion.rule,
                "params": criterion.params,
                "maximum": None if criterion.maximum is None else str(criterion.maximum),
                "guidance": criterion.guidance,
                "evidence_expected": criterion.evidence_expected,
                "allow_not_applicable": criterion.allow_not_applicable,
                "requires_evidence": criterion.requires_evidence,
                "measurable": criterion.measurable,
            }
        )
    return {
        "label": table.label,
        "kind": table.kind.code,
        "title": table.title,
        "scale_max": str(table.scale_max),
        "deduction_floor": str(table.deduction_floor),
        "source": table.source,
        "rows": rows,
    }


FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture_table(name: str, period) -> CriteriaTable:
    data = json.loads((FIXTURES_DIR / "criteria" / name).read_text(encoding="utf-8"))
    return load_table(data, period)


@transaction.atomic
def load_reference_agencies() -> tuple[int, int]:
    """Create the agency kinds and agencies of fixtures/agencies.json that do not exist yet
    (idempotent). Existing ones are left as they are: an administrator's later changes (a new
    order, a rename, the 2025 list imported over them) survive a rerun of the demo seeding."""
    from assessments.models import Agency

    data = json.loads((FIXTURES_DIR / "agencies.json").read_text(encoding="utf-8"))
    kinds = {}
    for row in data["kinds"]:
        kinds[row["code"]], _ = AgencyKind.objects.get_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("name", "appendix_label", "order")},
        )
    for row in data["agencies"]:
        Agency.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "kind": kinds[row["kind"]],
                "order": row.get("order", 0),
            },
        )
    return len(data["kinds"]), len(data["agencies"])
