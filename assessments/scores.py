"""The bridge from stored submissions to the scoring library. No arithmetic here: every point
comes from `scoring`; this module only picks which inputs count at each stage of the review."""

from dataclasses import replace
from decimal import Decimal

from scoring import (
    InvalidInput,
    ItemInput,
    TableResult,
    is_cross_agency,
    read_value,
    score_item,
    score_table,
)


def item_points(criterion, inputs: dict | None) -> Decimal | None:
    """Points of one criterion for the given inputs; None when unanswered or invalid."""
    if criterion.is_group:
        return None
    try:
        return score_item(criterion.rule, criterion.params, criterion.maximum, inputs or None)
    except InvalidInput:
        return None


def _result(submission, criteria, inputs, period=None) -> TableResult:
    table = submission.table
    period = period or submission.period
    result = score_table(
        table.specs(criteria),
        inputs,
        scale_max=table.scale_max,
        deduction_floor=table.deduction_floor,
        thresholds=period.band_set,
    )
    # A criterion scored across agencies is answered by its value, although its points wait
    # for the period's finalisation (assessments.references).
    waiting = 0
    for criterion in criteria:
        if not is_cross_agency(criterion.rule):
            continue
        answer = inputs.get(criterion.code)
        item = result.items.get(criterion.code)
        if answer is None or item is None or item.points is not None or item.not_applicable:
            continue
        try:
            if read_value(answer.inputs) is not None:
                waiting += 1
        except InvalidInput:
            continue
    return replace(result, answered=result.answered + waiting) if waiting else result


def self_result(submission, criteria, items) -> TableResult:
    """The agency's own result: its inputs and not-applicable flags."""
    inputs = {
        item.criterion.code: ItemInput(
            inputs=item.inputs or None, not_applicable=item.not_applicable
        )
        for item in items
    }
    return _result(submission, criteria, inputs)


def appraised_result(submission, criteria, items) -> TableResult:
    """The reviewer's result: corrected inputs where given, overridden points where set."""
    inputs = {}
    for item in items:
        na = item.not_applicable
        if item.reviewer_not_applicable is not None:
            na = item.reviewer_not_applicable
        override = item.reviewer_points if item.reviewer_override else None
        raw = item.reviewer_inputs if item.reviewer_inputs is not None else item.inputs
        inputs[item.criterion.code] = ItemInput(
            inputs=raw or None, not_applicable=na, points_override=override
        )
    return _result(submission, criteria, inputs)


def agreed_result(submission, criteria, items) -> TableResult:
    """The agreed result: agreed points per criterion where stored, else the appraised ones."""
    appraised = appraised_result(submission, criteria, items)
    inputs = {}
    for item in items:
        code = item.criterion.code
        na = appraised.items[code].not_applicable
        if item.agreed_not_applicable is not None:
            # An accepted explanation or the lead's decision may restore the agency's own
            # “không áp dụng”.
            na = item.agreed_not_applicable
        points = item.agreed_points
        if points is None:
            points = appraised.items[code].points
        inputs[code] = ItemInput(inputs=None, not_applicable=na, points_override=points)
    return _result(submission, criteria, inputs)


def table_criteria(table):
    """All rows of a table (groups and criteria) in order, in one query. A row's parent is a
    group of the same table, so it is taken from the same rows (one object per row, shared by
    its children) rather than joined in as a second copy of each."""
    rows = list(table.criteria.order_by("order"))
    by_pk = {row.pk: row for row in rows}
    for row in rows:
        if row.parent_id in by_pk:
            row.parent = by_pk[row.parent_id]
    return rows


def missing_for_submission(criteria, items) -> list[tuple[str, str]]:
    """What still stops a submission, as (criterion code, Vietnamese sentence), in table order.

    Rules: every criterion answered (inputs or not applicable); not applicable needs a reason and
    is only allowed where the table allows it; a criterion that requires evidence needs evidence
    or an explanation (giải trình). `items` must have `evidence` prefetched.
    """
    by_code = {item.criterion.code: item for item in items}
    problems = []
    for criterion in criteria:
        if criterion.is_group:
            continue
        item = by_code.get(criterion.code)
        if item is None:
            problems.append((criterion.code, "Chưa trả lời tiêu chí này."))
            continue
        if item.not_applicable:
            if not criterion.allow_not_applicable:
                problems.append((criterion.code, "Tiêu chí này không được chọn “Không áp dụng”."))
            elif not item.not_applicable_reason.strip():
                problems.append((criterion.code, "Chọn “Không áp dụng” nhưng chưa nêu lý do."))
            continue
        try:
            points = score_item(
                criterion.rule, criterion.params, criterion.maximum, item.inputs or None
            )
        except InvalidInput as error:
            problems.append((criterion.code, f"Số liệu chưa hợp lệ: {error.message}"))
            continue
        if points is None and not (
            # Scored across agencies: answered once the value is given, points come later.
            is_cross_agency(criterion.rule) and read_value(item.inputs or None) is not None
        ):
            problems.append((criterion.code, "Chưa trả lời tiêu chí này."))
            continue
        has_evidence = bool(item.evidence.all())
        if (
            criterion.requires_evidence
            and not criterion.is_deduction
            and not has_evidence
            and not item.explanation.strip()
        ):
            problems.append(
                (criterion.code, "Chưa có tài liệu kiểm chứng hoặc giải trình cách tính điểm.")
            )
    return problems
