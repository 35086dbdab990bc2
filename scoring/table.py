"""A whole criteria table: criteria → group totals → deductions → score on the 0–3 scale."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from scoring.bands import Band, BandSet, classify_band
from scoring.errors import InvalidInput, InvalidRule, InvalidTable, TableProblem
from scoring.grades import Grade, Thresholds, classify, round_points, to_decimal
from scoring.numbers import format_points
from scoring.rules import DEDUCTION, score_item, validate_rule

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ItemSpec:
    """One row of a criteria table: a group (``rule`` None) or a criterion.

    ``maximum`` is the group's maximum (positive), the criterion's maximum (positive), or the
    floor of a deduction criterion (negative); None for a deduction group.
    """

    code: str
    rule: str | None
    params: dict = field(default_factory=dict)
    maximum: Decimal | None = None
    parent: str | None = None
    allow_not_applicable: bool = False

    @property
    def is_group(self) -> bool:
        return self.rule is None


@dataclass(frozen=True)
class ItemInput:
    """What an agency answered for a criterion, and a reviewer's override if any."""

    inputs: dict | None = None
    not_applicable: bool = False
    points_override: Decimal | None = None


@dataclass(frozen=True)
class ItemResult:
    code: str
    points: Decimal | None
    not_applicable: bool = False
    error: InvalidInput | None = None


@dataclass(frozen=True)
class GroupResult:
    """``points`` is capped at ``maximum``; for a deduction group ``maximum`` is None and
    ``applicable_maximum`` is the sum of its criteria's floors."""

    code: str
    points: Decimal
    maximum: Decimal | None
    applicable_maximum: Decimal


@dataclass(frozen=True)
class TableResult:
    items: dict[str, ItemResult]
    groups: dict[str, GroupResult]
    positive_points: Decimal
    applicable_maximum: Decimal
    deductions: Decimal
    score: Decimal
    grade: Grade | Band | None
    answered: int
    total: int


def _is_deduction(spec: ItemSpec) -> bool:
    return spec.rule == DEDUCTION


def _children(specs: Sequence[ItemSpec]) -> dict[str, list[ItemSpec]]:
    children: dict[str, list[ItemSpec]] = {}
    for spec in specs:
        if spec.parent is not None:
            children.setdefault(spec.parent, []).append(spec)
    return children


def depths(specs: Sequence[ItemSpec]) -> dict[str, int]:
    """Level of every row: 0 for a row without a parent, 1 for its children, and so on.

    A row whose chain of parents is broken (an unknown parent) or loops counts from where the
    chain stops, so a broken table still gets a level for every row (validate_table names the
    break).
    """
    parent_of = {spec.code: spec.parent for spec in specs}
    levels: dict[str, int] = {}
    for spec in specs:
        seen = {spec.code}
        level, parent = 0, spec.parent
        while parent is not None and parent in parent_of and parent not in seen:
            seen.add(parent)
            level += 1
            parent = parent_of[parent]
        levels[spec.code] = level
    return levels


def _score_criterion(spec: ItemSpec, answer: ItemInput) -> ItemResult:
    if answer.not_applicable and spec.allow_not_applicable:
        return ItemResult(spec.code, None, not_applicable=True)
    top = to_decimal(spec.maximum)
    if answer.points_override is not None:
        points = round_points(answer.points_override)
        low, high = (top, ZERO) if top < 0 else (ZERO, top)
        if not low <= points <= high:
            error = InvalidInput(
                f"Điểm điều chỉnh phải nằm trong khoảng {format_points(low)} "
                f"đến {format_points(high)}.",
                field="points_override",
            )
            return ItemResult(spec.code, None, error=error)
        return ItemResult(spec.code, points)
    try:
        points = score_item(spec.rule, spec.params, top, answer.inputs)
    except InvalidInput as error:
        return ItemResult(spec.code, None, error=error)
    return ItemResult(spec.code, points)


def score_table(
    specs: Sequence[ItemSpec],
    inputs: Mapping[str, ItemInput],
    *,
    scale_max: Decimal = Decimal("3.00"),
    deduction_floor: Decimal = Decimal("-1.00"),
    thresholds: BandSet | Thresholds | Mapping | None = None,
) -> TableResult:
    """Score a whole table. Never raises for an agency's bad input; the item carries the error.

    Rules:

    * an unanswered or invalid criterion counts 0 (invalid ones carry ``error``);
    * a reviewer's ``points_override`` replaces the computed points (it must lie between 0 and
      the maximum, or between the floor and 0 for a deduction);
    * ``not_applicable`` counts only where the criterion allows it; such a criterion drops out
      of the applicable maximum;
    * a group's points are the sum of its children (criteria and subgroups, at any depth),
      capped at the group maximum; its applicable maximum is the sum of its applicable
      criteria's maxima and its subgroups' applicable maxima, capped the same way; every group
      at every level has its ``GroupResult``;
    * the positive points are those of the top-level positive groups and of positive criteria
      outside any group;
    * deductions (criteria with rule ``deduction``) are summed and floored at
      ``deduction_floor`` (−1.00 for the whole table);
    * score = scale_max × positive points / applicable maximum + deductions, rounded half-up to
      two places and clamped to [0, scale_max]; with nothing not applicable and maxima summing
      to scale_max the rescale is the identity;
    * grade = ``classify(score, thresholds)`` (a ``Grade``), or with a ``BandSet`` the band the
      score falls in (``classify_band``; None for a ranking-only set).

    The table is assumed valid (see ``validate_table``); a broken rule raises ``InvalidRule``.
    """
    scale = to_decimal(scale_max)
    floor = to_decimal(deduction_floor)
    criteria = [spec for spec in specs if not spec.is_group]
    items = {
        spec.code: _score_criterion(spec, inputs.get(spec.code, ItemInput())) for spec in criteria
    }

    children = _children(specs)
    levels = depths(specs)
    computed: dict[str, GroupResult] = {}
    # Deepest groups first, so that a group sums subgroups already computed.
    for group in sorted(
        (spec for spec in specs if spec.is_group), key=lambda spec: -levels[spec.code]
    ):
        points = applicable = ZERO
        for child in children.get(group.code, ()):
            if child.is_group:
                # A subgroup is missing only from a table whose parents loop (invalid).
                subgroup = computed.get(child.code, GroupResult(child.code, ZERO, None, ZERO))
                points += subgroup.points
                applicable += subgroup.applicable_maximum
            else:
                points += items[child.code].points or ZERO
                if not items[child.code].not_applicable:
                    applicable += to_decimal(child.maximum)
        maximum = None if group.maximum is None else to_decimal(group.maximum)
        if maximum is not None and maximum > 0:
            points, applicable = min(points, maximum), min(applicable, maximum)
        computed[group.code] = GroupResult(group.code, points, maximum, applicable)
    groups = {spec.code: computed[spec.code] for spec in specs if spec.is_group}

    positive_points = applicable_maximum = deductions = ZERO
    for spec in criteria:
        result = items[spec.code]
        if _is_deduction(spec):
            deductions += result.points or ZERO
        elif spec.parent is None:
            positive_points += result.points or ZERO
            if not result.not_applicable:
                applicable_maximum += to_decimal(spec.maximum)
    for spec in specs:
        group = groups.get(spec.code) if spec.is_group and spec.parent is None else None
        if group is not None and group.maximum is not None and group.maximum > 0:
            positive_points += group.points
            applicable_maximum += group.applicable_maximum

    deductions = max(floor, deductions)
    with localcontext() as context:
        context.prec = 28
        positive_part = scale * positive_points / applicable_maximum if applicable_maximum else ZERO
    score = min(scale, max(ZERO, round_points(positive_part + deductions)))
    answered = sum(
        1 for result in items.values() if result.points is not None or result.not_applicable
    )
    return TableResult(
        items=items,
        groups=groups,
        positive_points=round_points(positive_points),
        applicable_maximum=round_points(applicable_maximum),
        deductions=round_points(deductions),
        score=round_points(score),
        grade=(
            classify_band(score, thresholds)
            if isinstance(thresholds, BandSet)
            else classify(score, thresholds)
        ),
        answered=answered,
        total=len(criteria),
    )


def validate_table(specs: Sequence[ItemSpec], *, scale_max: Decimal = Decimal("3.00")) -> None:
    """Check a criteria table before it is used; raise ``InvalidTable`` listing every error.

    Rules: codes are non-empty and unique; a parent exists, is a group and comes before its
    rows (the table is shown in its order); groups nest to any depth (pillar → main index → component → criterion) and
    each has at least one child; a group's maximum is positive, or None for a group of
    deductions, which stands at the top level and holds only deduction criteria; each
    criterion's rule is valid (see ``validate_rule``); deduction criteria (rule ``deduction``,
    negative maximum) are not in a positive group and positive criteria are not in a deduction
    group; a child's maximum (criterion or subgroup) does not exceed its group's; the maxima of
    a positive group's children sum to the group's maximum (else the group could never be
    reached, or its children promise points the group cannot give); the top-level positive
    group maxima (plus positive criteria outside any group) sum to ``scale_max``.
    """
    errors: list[TableProblem] = []
    scale = to_decimal(scale_max)
    by_code: dict[str, ItemSpec] = {}
    for position, spec in enumerate(specs, start=1):
        code = (spec.code or "").strip()
        if not code:
            errors.append(TableProblem("", f"Dòng thứ {position}: mã không được để trống.", "code"))
        elif code in by_code:
            errors.append(TableProblem(code, f"Dòng {code}: mã bị trùng.", "code"))
        else:
            by_code[code] = spec

    def add(code: str, message: str, field: str | None) -> None:
        errors.append(TableProblem(code, f"Dòng {code}: {message}", field))

    def in_a_loop(code: str) -> bool:
        seen, parent = {code}, by_code[code].parent
        while parent in by_code and parent not in seen:
            seen.add(parent)
            parent = by_code[parent].parent
        return parent == code

    def summed_into(code: str, maximum: Decimal, parent: ItemSpec) -> None:
        group_maximum = to_decimal(parent.maximum)
        if group_maximum <= 0:
            return
        group_sums[parent.code] = group_sums.get(parent.code, ZERO) + maximum
        if maximum > group_maximum:
            add(
                code,
                f"điểm tối đa {format_points(maximum)} vượt điểm tối đa của nhóm "
                f"{parent.code} ({format_points(group_maximum)}).",
                "maximum",
            )

    # Sum of the valid children of each positive group. A group with an invalid child ("*":
    # every group, when a row's group is unknown) is not summed: that child's own error says
    # what to fix first.
    group_sums: dict[str, Decimal] = {}
    unsummable: set[str] = set()
    has_children = {spec.parent for spec in by_code.values()}
    position_of = {code: position for position, code in enumerate(by_code)}
    parents_of_groups = {spec.parent for spec in by_code.values() if spec.is_group}

    total = ZERO
    for code, spec in by_code.items():
        parent = by_code.get(spec.parent) if spec.parent is not None else None
        if spec.parent is not None and parent is None:
            add(code, f"nhóm cha “{spec.parent}” không tồn tại.", "parent")
            unsummable.add("*")
        elif parent is not None and not parent.is_group:
            add(code, f"“{spec.parent}” không phải là nhóm.", "parent")
            unsummable.add("*")
        elif parent is not None and in_a_loop(code):
            add(code, "nhóm cha tạo thành vòng lặp (nhóm nằm trong chính nó).", "parent")
            unsummable.add("*")
            continue
        elif parent is not None and position_of[parent.code] > position_of[code]:
            add(code, f"nhóm cha “{parent.code}” phải đứng trước dòng này.", "parent")
            unsummable.add("*")

        if spec.is_group:
            if code not in has_children:
                add(code, "nhóm chưa có tiêu chí nào.", "code")
            if spec.maximum is None:
                if parent is not None:
                    add(
                        code,
                        "nhóm điểm trừ phải là nhóm cấp cao nhất, không nằm trong nhóm khác.",
                        "parent",
                    )
                continue
            maximum = to_decimal(spec.maximum)
            if maximum <= 0:
                add(
                    code,
                    "điểm tối đa của nhóm phải lớn hơn 0 (để trống nếu là nhóm điểm trừ).",
                    "maximum",
                )
                unsummable.add(spec.parent or "")
            elif spec.parent is None:
                total += maximum
            elif parent is not None and parent.is_group:
                if parent.maximum is None:
                    add(
                        code,
                        f"nhóm cộng điểm không được nằm trong nhóm điểm trừ “{parent.code}”.",
                        "parent",
                    )
                else:
                    summed_into(code, maximum, parent)
            continue

        try:
            validate_rule(spec.rule, spec.params, spec.maximum)
        except InvalidRule as error:
            add(code, error.message, "maximum" if error.field == "maximum" else "rule")
            unsummable.add(spec.parent or "")
            continue
        maximum = to_decimal(spec.maximum)
        if parent is None or not parent.is_group:
            if not _is_deduction(spec) and spec.parent is None:
                total += maximum
            continue
        group_maximum = None if parent.maximum is None else to_decimal(parent.maximum)
        if _is_deduction(spec) and group_maximum is not None:
            add(
                code,
                f"tiêu chí điểm trừ không được nằm trong nhóm cộng điểm “{parent.code}”.",
                "parent",
            )
        elif not _is_deduction(spec) and group_maximum is None:
            add(
                code,
                f"tiêu chí cộng điểm không được nằm trong nhóm điểm trừ “{parent.code}”.",
                "parent",
            )
        elif group_maximum is not None:
            summed_into(code, maximum, parent)

    for code, summed in group_sums.items():
        group_maximum = to_decimal(by_code[code].maximum)
        if not unsummable & {code, "*"} and summed != group_maximum:
            members = "nhóm con và tiêu chí" if code in parents_of_groups else "tiêu chí"
            add(
                code,
                f"tổng điểm tối đa các {members} của nhóm là {format_points(summed)}, phải "
                f"bằng điểm tối đa của nhóm ({format_points(group_maximum)}).",
                "maximum",
            )

    if total != scale:
        errors.append(
            TableProblem(
                "",
                f"Tổng điểm tối đa các nhóm là {format_points(total)}, "
                f"phải bằng {format_points(scale)}.",
            )
        )
    if errors:
        raise InvalidTable(errors)
