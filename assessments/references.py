"""Criteria scored across agencies (relative to the best of the kind, to the provincial average):
the final value each agency agreed on, the reference values computed from them when the period
is finalised, and the points and stored results that follow, all in a fixed number of queries
whatever the number of agencies.

Until the period is finalised such a criterion's points are not computed (“chưa tính”): an
agency's points would otherwise reveal another agency's value before the results are published,
and would change each time another dossier is submitted. The value itself is entered, appraised,
explained and agreed like any other input. The arithmetic is `scoring.relative`'s.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from assessments import results, scores
from assessments.enums import Agreement, AuditAction, SubmissionStatus
from assessments.models import (
    AuditEntry,
    Criterion,
    ItemScore,
    Period,
    ReferenceValue,
    Submission,
    SubmissionResult,
)
from scoring import (
    CROSS_AGENCY_RULES,
    InvalidInput,
    describe_reference,
    format_points,
    is_cross_agency,
    read_value,
    reference_label,
    reference_value,
    relative_points,
    scope_of,
)
from scoring.relative import SCOPE_KIND

NOT_COMPUTED = "Chưa tính"
NOT_COMPUTED_NOTE = (
    "Chưa tính: điểm được tính khi chốt kết quả kỳ đánh giá, so với các đơn vị khác."
)


def agreed_inputs(item: ItemScore) -> dict | None:
    """The inputs whose value is final for one criterion scored across agencies, read when the
    dossier is agreed (before `workflow._store_agreed_points` writes the agreed values):
    the appraised inputs, or the agency's own where its explanation was accepted or the lead
    decided for it. None when the criterion is finally not applicable, or when the reviewer set
    the points directly (those points stand and the value takes no part in the reference)."""
    appraised = (
        not item.is_adjusted
        or item.agreement == Agreement.AGENCY_AGREED
        or item.agreed_not_applicable is None
    )
    if appraised:
        not_applicable = item.not_applicable
        if item.reviewer_not_applicable is not None:
            not_applicable = item.reviewer_not_applicable
        if not_applicable or item.reviewer_override:
            return None
        inputs = item.reviewer_inputs if item.reviewer_inputs is not None else item.inputs
        return inputs or None
    if item.agreed_not_applicable:
        return None
    return item.inputs or None


def _value(inputs) -> object:
    try:
        return read_value(inputs)
    except InvalidInput:
        return None


@dataclass
class Applied:
    references: list[ReferenceValue]
    items: int
    submissions: int


def apply_references(period: Period, *, actor, now=None) -> Applied:
    """Compute and store the reference value of every criterion scored across agencies in the
    period, then the points of every finalised dossier's item and the dossiers' final scores,
    grades and stored results (group points, ranks).

    Rules: only finalised dossiers whose agency is still of the table's kind count (as on the
    result pages); their agreed value (`agreed_inputs`) makes the reference (the best, or the
    mean, per `scoring.relative`), per table for the scope “kind”, across every table of the
    period with the same criterion code and rule for the scope “province”; agencies without a
    value (not applicable, points set directly) take no part. Idempotent: run again, it gives
    the same values. Side effects: ReferenceValue rows replaced; ItemScore.agreed_points,
    Submission final_score/final_grade/version and SubmissionResult group points and ranks
    updated; one audit row per reference and per dossier whose score changed. A fixed number of
    queries: one per step, plus the re-ranking of each affected table.
    """
    now = now or timezone.now()
    relative = list(
        Criterion.objects.filter(table__period=period, rule__in=CROSS_AGENCY_RULES)
        .select_related("table")
        .order_by("table_id", "order")
    )
    if not relative:
        return Applied([], 0, 0)
    table_ids = sorted({criterion.table_id for criterion in relative})
    tables = {criterion.table_id: criterion.table for criterion in relative}
    criteria_by_table: dict[int, list[Criterion]] = defaultdict(list)
    by_id = {}
    for criterion in (
        Criterion.objects.filter(table_id__in=table_ids).select_related("parent").order_by("order")
    ):
        criteria_by_table[criterion.table_id].append(criterion)
        by_id[criterion.pk] = criterion
    submissions = list(
        Submission.objects.filter(
            period=period,
            table_id__in=table_ids,
            status=SubmissionStatus.FINALISED,
            agency__kind_id=F("table__kind_id"),
        ).order_by("pk")
    )
    items_by_submission: dict[int, list[ItemScore]] = defaultdict(list)
    for item in ItemScore.objects.filter(submission__in=submissions).order_by("pk"):
        item.criterion = by_id[item.criterion_id]
        items_by_submission[item.submission_id].append(item)

    # The values of each pool: a criterion (scope “kind”) or a code and rule across the tables.
    def pool(criterion):
        return _pool_key(criterion.pk, criterion.code, criterion.rule, criterion.params)

    values = defaultdict(list)
    relative_items = []
    for items in items_by_submission.values():
        for item in items:
            if not is_cross_agency(item.criterion.rule):
                continue
            relative_items.append(item)
            value = _value(item.agreed_inputs)
            if value is not None:
                values[pool(item.criterion)].append(value)

    references = {}
    rows = []
    for criterion in relative:
        key = pool(criterion)
        reference = reference_value(criterion.rule, values[key])
        references[criterion.pk] = reference
        rows.append(
            ReferenceValue(
                period=period,
                criterion=criterion,
                kind_id=criterion.table.kind_id if key[0] == "criterion" else None,
                method=criterion.rule,
                value=reference,
                contributors=len(values[key]),
                computed_at=now,
                computed_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    ReferenceValue.objects.filter(criterion__in=relative).delete()
    ReferenceValue.objects.bulk_create(rows)

    changed_items = []
    for item in relative_items:
        value = _value(item.agreed_inputs)
        if value is None:
            continue
        reference = references.get(item.criterion_id)
        points = (
            None
            if reference is None
            else relative_points(item.criterion.rule, item.criterion.maximum, value, reference)
        )
        if points != item.agreed_points:
            item.agreed_points = points
            changed_items.append(item)
    ItemScore.objects.bulk_update(changed_items, ["agreed_points"], batch_size=500)

    audit = [
        AuditEntry(
            period=period,
            actor=actor if getattr(actor, "pk", None) else None,
            action=AuditAction.COMPUTE_REFERENCE,
            target=f"{tables[row.criterion.table_id].label} {row.criterion.code}",
            field=row.get_method_display(),
            new_value=describe_reference(row.method, row.criterion.params, row.value),
            reason=f"{row.contributors} đơn vị có số liệu",
        )
        for row in rows
    ]
    rescored = []
    for submission in submissions:
        submission.period = period
        submission.table = tables[submission.table_id]
        result = scores.agreed_result(
            submission,
            criteria_by_table[submission.table_id],
            items_by_submission[submission.pk],
        )
        submission.group_points = {code: str(group.points) for code, group in result.groups.items()}
        if (submission.final_score, submission.final_grade) != (result.score, result.grade.value):
            audit.append(
                AuditEntry(
                    submission=submission,
                    period=period,
                    actor=actor if getattr(actor, "pk", None) else None,
                    action=AuditAction.COMPUTE_REFERENCE,
                    field="điểm chính thức",
                    old_value=f"{format_points(submission.final_score)} điểm, mức "
                    f"{submission.final_grade}",
                    new_value=f"{format_points(result.score)} điểm, mức {result.grade.value}",
                    reason="Tính điểm các tiêu chí so sánh giữa các đơn vị khi chốt kỳ.",
                )
            )
            submission.final_score = result.score
            submission.final_grade = result.grade.value
            submission.version += 1
            rescored.append(submission)
    Submission.objects.bulk_update(
        rescored, ["final_score", "final_grade", "version"], batch_size=500
    )
    AuditEntry.objects.bulk_create(audit, batch_size=500)

    by_submission = {submission.pk: submission for submission in submissions}
    stored = list(SubmissionResult.objects.filter(submission_id__in=list(by_submission)))
    for row in stored:
        row.group_points = by_submission[row.submission_id].group_points
    SubmissionResult.objects.bulk_update(stored, ["group_points"], batch_size=500)
    for table_id in table_ids:
        results.rank_table(period.pk, table_id)
    return Applied(rows, items=len(changed_items), submissions=len(rescored))


def references_for(period: Period) -> dict[int, ReferenceValue]:
    """The stored reference of each criterion of the period scored across agencies, by criterion
    id, in one query (empty before the period is finalised)."""
    return {row.criterion_id: row for row in ReferenceValue.objects.filter(period=period)}


def reference_text(criterion, references: dict) -> str:
    """“Giá trị cao nhất trong khối: 12,5 Mbps/người” beside a result; “” for a criterion not
    scored across agencies; before the period is finalised, “Chưa tính: điểm được tính khi chốt
    kết quả kỳ đánh giá, so với giá trị cao nhất trong khối.”"""
    if not is_cross_agency(criterion.rule):
        return ""
    row = references.get(criterion.pk)
    if row is None:
        label = reference_label(criterion.rule, criterion.params)
        return (
            f"{NOT_COMPUTED}: điểm được tính khi chốt kết quả kỳ đánh giá, so với {label.lower()}."
        )
    return describe_reference(criterion.rule, criterion.params, row.value)


def _pool_key(criterion_id, code, rule, params):
    if scope_of(rule, params) == SCOPE_KIND:
        return ("criterion", criterion_id)
    return ("province", code, rule)


def provisional_texts(submission, criteria) -> dict[int, str]:
    """For the Department's appraisal page, criterion id → the reference as it stands among the
    dossiers submitted so far and this dossier's points against it: “Tạm tính: 0,06 điểm, so
    với giá trị cao nhất trong khối hiện tại 12,5 Mbps/người (3 hồ sơ đã nộp).” Once the period
    is finalised, the stored reference instead. Never shown to an agency (it would reveal the
    others' values before publication). One query for the stored references and one for the
    submitted values, whatever the number of agencies; none for a table without such criteria.
    """
    relative = [c for c in criteria if is_cross_agency(c.rule)]
    if not relative:
        return {}
    stored = references_for(submission.period)
    if stored:
        return {c.pk: reference_text(c, stored) for c in relative}
    rows = ItemScore.objects.filter(
        submission__period_id=submission.period_id,
        submission__submitted_at__isnull=False,
        criterion__rule__in=CROSS_AGENCY_RULES,
        criterion__code__in={c.code for c in relative},
    ).values_list(
        "submission_id",
        "criterion_id",
        "criterion__code",
        "criterion__rule",
        "criterion__params",
        "inputs",
        "reviewer_inputs",
        "not_applicable",
        "reviewer_not_applicable",
        "reviewer_override",
        "agreed_inputs",
    )
    values, own = defaultdict(list), {}
    for sub_id, crit_id, code, rule, params, inputs, rev, na, rev_na, override, agreed in rows:
        if rev_na if rev_na is not None else na:
            continue
        if override:
            continue
        raw = agreed if agreed is not None else (rev if rev is not None else inputs)
        value = _value(raw)
        if value is None:
            continue
        values[_pool_key(crit_id, code, rule, params)].append(value)
        if sub_id == submission.pk:
            own[crit_id] = value
    texts = {}
    for criterion in relative:
        key = _pool_key(criterion.pk, criterion.code, criterion.rule, criterion.params)
        reference = reference_value(criterion.rule, values[key])
        label = reference_label(criterion.rule, criterion.params).lower()
        if reference is None:
            texts[criterion.pk] = f"Tạm tính: chưa có hồ sơ nào đã nộp có số liệu ({label})."
            continue
        shown = describe_reference(criterion.rule, criterion.params, reference).split(": ", 1)[1]
        count = f"{len(values[key])} hồ sơ đã nộp"
        value = own.get(criterion.pk)
        if value is None:
            texts[criterion.pk] = f"Tạm tính: {label} hiện tại {shown} ({count})."
            continue
        points = relative_points(criterion.rule, criterion.maximum, value, reference)
        texts[criterion.pk] = (
            f"Tạm tính: {format_points(points)} điểm, so với {label} hiện tại {shown} ({count})."
        )
    return texts
