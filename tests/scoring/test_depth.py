"""Tables of any depth: pillar → main index → component index → criterion (DTI, QĐ 922)."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    InvalidTable,
    ItemInput,
    ItemSpec,
    depths,
    score_table,
    validate_table,
)
from tests.scoring.sample_tables import full_marks, phu_luc_1

c = ItemSpec


def dti_like() -> tuple[ItemSpec, ...]:
    """Two pillars of three levels on 100 points, a deduction group beside them."""
    return (
        c("1", None, {}, D("40")),
        c("1.1", None, {}, D("25"), "1"),
        c("1.1.1", "ratio", {}, D("15"), "1.1"),
        c("1.1.2", "yes_no", {}, D("10"), "1.1"),
        c("1.2", None, {}, D("15"), "1"),
        c("1.2.1", "ratio", {}, D("15"), "1.2", allow_not_applicable=True),
        c("2", None, {}, D("60")),
        c("2.1", None, {}, D("60"), "2"),
        c("2.1.1", None, {}, D("60"), "2.1"),
        c("2.1.1.1", "yes_no", {}, D("20"), "2.1.1"),
        c("2.1.1.2", "count", {"per_item": "10", "cap": "40"}, D("40"), "2.1.1"),
        c("Đ", None, {}, None),
        c("Đ.1", "deduction", {"per_violation": "5"}, D("-10"), "Đ"),
    )


HUNDRED = {"scale_max": D("100"), "deduction_floor": D("-10")}


def test_a_three_and_four_level_table_is_valid():
    assert validate_table(dti_like(), scale_max=D("100")) is None


def test_levels_count_from_the_top():
    assert depths(dti_like()) == {
        "1": 0,
        "1.1": 1,
        "1.1.1": 2,
        "1.1.2": 2,
        "1.2": 1,
        "1.2.1": 2,
        "2": 0,
        "2.1": 1,
        "2.1.1": 2,
        "2.1.1.1": 3,
        "2.1.1.2": 3,
        "Đ": 0,
        "Đ.1": 1,
    }


def test_every_level_has_its_group_result_summing_its_children():
    answers = {
        "1.1.1": ItemInput({"numerator": 1, "denominator": 2}),
        "1.1.2": ItemInput({"met": True}),
        "1.2.1": ItemInput({"numerator": 3, "denominator": 4}),
        "2.1.1.2": ItemInput({"count": 3}),
        "Đ.1": ItemInput({"count": 1}),
    }
    result = score_table(dti_like(), answers, **HUNDRED)
    points = {code: (group.points, group.maximum) for code, group in result.groups.items()}
    assert points == {
        "1": (D("28.75"), D("40")),
        "1.1": (D("17.50"), D("25")),
        "1.2": (D("11.25"), D("15")),
        "2": (D("30.00"), D("60")),
        "2.1": (D("30.00"), D("60")),
        "2.1.1": (D("30.00"), D("60")),
        "Đ": (D("-5.00"), None),
    }
    assert result.positive_points == D("58.75")
    assert result.deductions == D("-5.00")
    assert result.score == D("53.75")
    assert (result.answered, result.total) == (5, 6)


def test_not_applicable_drops_out_of_every_level_above():
    answers = {
        "1.1.1": ItemInput({"numerator": 1, "denominator": 1}),
        "1.1.2": ItemInput({"met": True}),
        "1.2.1": ItemInput(not_applicable=True),
        "2.1.1.1": ItemInput({"met": True}),
        "2.1.1.2": ItemInput({"count": 4}),
    }
    result = score_table(dti_like(), answers, **HUNDRED)
    assert result.groups["1.2"].applicable_maximum == D("0")
    assert result.groups["1"].applicable_maximum == D("25")
    assert result.applicable_maximum == D("85.00")
    assert result.score == D("100.00")


def test_the_two_level_table_scores_as_before(table, full):
    result = score_table(table, full)
    assert result.score == D("3.00")
    assert {code: group.points for code, group in result.groups.items()} == {
        "I": D("0.30"),
        "II": D("1.20"),
        "III": D("0.90"),
        "IV": D("0.30"),
        "V": D("0.30"),
        "Đ": D("0.00"),
    }


# --- validate_table at every level ------------------------------------------------------------


def errors_of(specs, scale=D("100")) -> list[tuple[str, str]]:
    with pytest.raises(InvalidTable) as caught:
        validate_table(specs, scale_max=scale)
    return caught.value.errors


def with_maximum(specs, code, maximum):
    return [replace(spec, maximum=maximum) if spec.code == code else spec for spec in specs]


def test_a_subgroup_whose_children_sum_above_its_maximum_is_named():
    specs = with_maximum(dti_like(), "1.1.2", D("12"))
    assert errors_of(specs) == [
        (
            "1.1",
            "Dòng 1.1: tổng điểm tối đa các tiêu chí của nhóm là 27,00, phải bằng điểm tối đa "
            "của nhóm (25,00).",
        ),
    ]


def test_a_pillar_whose_main_indexes_sum_below_its_maximum_is_named():
    specs = with_maximum(dti_like(), "1.2", D("10"))
    specs = with_maximum(specs, "1.2.1", D("10"))
    assert errors_of(specs) == [
        (
            "1",
            "Dòng 1: tổng điểm tối đa các nhóm con và tiêu chí của nhóm là 35,00, phải bằng "
            "điểm tối đa của nhóm (40,00).",
        ),
    ]


def test_a_subgroup_above_its_pillar_is_named():
    specs = [
        c("1", None, {}, D("100")),
        c("1.1", None, {}, D("120"), "1"),
        c("1.1.1", "yes_no", {}, D("120"), "1.1"),
    ]
    assert errors_of(specs) == [
        ("1.1", "Dòng 1.1: điểm tối đa 120,00 vượt điểm tối đa của nhóm 1 (100,00)."),
        (
            "1",
            "Dòng 1: tổng điểm tối đa các nhóm con và tiêu chí của nhóm là 120,00, phải bằng "
            "điểm tối đa của nhóm (100,00).",
        ),
    ]


def test_groups_that_contain_each_other_are_refused():
    specs = [
        c("1", None, {}, D("100")),
        c("1.1", "yes_no", {}, D("100"), "1"),
        c("A", None, {}, D("5"), "B"),
        c("B", None, {}, D("5"), "A"),
    ]
    assert errors_of(specs) == [
        ("A", "Dòng A: nhóm cha tạo thành vòng lặp (nhóm nằm trong chính nó)."),
        ("B", "Dòng B: nhóm cha tạo thành vòng lặp (nhóm nằm trong chính nó)."),
    ]


def test_deduction_groups_stay_at_the_top_and_hold_no_positive_group():
    specs = [
        c("1", None, {}, D("100")),
        c("1.1", "yes_no", {}, D("100"), "1"),
        c("1.Đ", None, {}, None, "1"),
        c("1.Đ.1", "deduction", {"per_violation": "1"}, D("-2"), "1.Đ"),
        c("Đ", None, {}, None),
        c("Đ.1", None, {}, D("5"), "Đ"),
        c("Đ.1.1", "yes_no", {}, D("5"), "Đ.1"),
    ]
    assert errors_of(specs) == [
        (
            "1.Đ",
            "Dòng 1.Đ: nhóm điểm trừ phải là nhóm cấp cao nhất, không nằm trong nhóm khác.",
        ),
        ("Đ.1", "Dòng Đ.1: nhóm cộng điểm không được nằm trong nhóm điểm trừ “Đ”."),
    ]


def test_an_empty_subgroup_is_named():
    specs = [*dti_like(), c("1.3", None, {}, D("1"), "1")]
    assert ("1.3", "Dòng 1.3: nhóm chưa có tiêu chí nào.") in errors_of(specs)


# --- properties on random trees ----------------------------------------------------------------

RULES = ("yes_no", "ratio", "count")


@st.composite
def trees(draw, max_depth=4):
    """A valid positive table of random shape: each group's maximum is its children's sum."""
    specs: list[ItemSpec] = []
    counter = iter(range(10_000))

    def node(parent: str | None, depth: int) -> D:
        code = f"{parent}.{next(counter)}" if parent else f"P{next(counter)}"
        if depth >= max_depth or not draw(st.booleans()):
            cents = draw(st.integers(1, 2000))
            maximum = D(cents) / 100
            rule = draw(st.sampled_from(RULES))
            params = {"per_item": str(maximum / 4), "cap": str(maximum)} if rule == "count" else {}
            specs.append(
                c(code, rule, params, maximum, parent, allow_not_applicable=draw(st.booleans()))
            )
            return maximum
        position = len(specs)
        specs.append(c(code, None, {}, None, parent))
        total = sum((node(code, depth + 1) for _ in range(draw(st.integers(1, 3)))), D("0"))
        specs[position] = replace(specs[position], maximum=total)
        return total

    scale = sum((node(None, 0) for _ in range(draw(st.integers(1, 4)))), D("0"))
    return tuple(specs), scale


def full_answer(spec: ItemSpec) -> ItemInput:
    if spec.rule == "yes_no":
        return ItemInput({"met": True})
    if spec.rule == "ratio":
        return ItemInput({"numerator": 7, "denominator": 7})
    return ItemInput({"count": 4})


def answer_for(spec: ItemSpec, level: int) -> ItemInput:
    if spec.rule == "yes_no":
        return ItemInput({"met": level % 2 == 1})
    if spec.rule == "ratio":
        return ItemInput({"numerator": level, "denominator": 9})
    return ItemInput({"count": level})


@st.composite
def answered_trees(draw):
    specs, scale = draw(trees())
    answers = {}
    for spec in specs:
        if spec.is_group:
            continue
        mode = draw(st.sampled_from(["answer", "answer", "blank", "na"]))
        if mode == "answer":
            answers[spec.code] = answer_for(spec, draw(st.integers(0, 9)))
        elif mode == "na":
            answers[spec.code] = ItemInput(not_applicable=True)
    return specs, scale, answers


PROPERTIES = settings(max_examples=150, deadline=None)


@PROPERTIES
@given(trees())
def test_random_trees_are_valid(tree):
    specs, scale = tree
    assert validate_table(specs, scale_max=scale) is None


@PROPERTIES
@given(answered_trees())
def test_score_stays_within_the_scale_and_groups_within_their_maxima(tree):
    specs, scale, answers = tree
    result = score_table(specs, answers, scale_max=scale)
    assert D("0") <= result.score <= scale
    assert set(result.groups) == {spec.code for spec in specs if spec.is_group}
    for group in result.groups.values():
        assert D("0") <= group.points <= group.maximum
        assert D("0") <= group.applicable_maximum <= group.maximum


@PROPERTIES
@given(trees())
def test_full_answers_give_the_scale_maximum_at_every_level(tree):
    specs, scale = tree
    answers = {spec.code: full_answer(spec) for spec in specs if not spec.is_group}
    result = score_table(specs, answers, scale_max=scale)
    assert result.score == scale.quantize(D("0.01"))
    for group in result.groups.values():
        assert group.points == group.maximum


@PROPERTIES
@given(answered_trees())
def test_wrapping_a_table_in_an_extra_level_changes_no_score(tree):
    specs, scale, answers = tree
    wrapped = [c("W", None, {}, scale)] + [
        replace(spec, parent=spec.parent or "W") for spec in specs
    ]
    assert validate_table(wrapped, scale_max=scale) is None
    flat = score_table(specs, answers, scale_max=scale)
    deep = score_table(wrapped, answers, scale_max=scale)
    assert deep.score == flat.score
    assert deep.groups["W"].points == flat.positive_points
    assert {code: deep.groups[code] for code in flat.groups} == flat.groups


@PROPERTIES
@given(answered_trees())
def test_wrapping_each_pillar_in_its_own_level_changes_no_score(tree):
    specs, scale, answers = tree
    wrapped = []
    for spec in specs:
        if spec.parent is None:
            wrapped.append(c(f"W{spec.code}", None, {}, spec.maximum))
            spec = replace(spec, parent=f"W{spec.code}")
        wrapped.append(spec)
    assert validate_table(wrapped, scale_max=scale) is None
    assert score_table(wrapped, answers, scale_max=scale).score == (
        score_table(specs, answers, scale_max=scale).score
    )


def test_the_2022_table_wrapped_in_pillars_scores_the_same():
    table = phu_luc_1()
    answers = full_marks()
    wrapped = [c("A", None, {}, D("1.50")), c("B", None, {}, D("1.50"))]
    for spec in table:
        if spec.parent is None and spec.maximum is not None:
            pillar = "A" if spec.code in ("I", "II") else "B"
            spec = replace(spec, parent=pillar)
        wrapped.append(spec)
    assert validate_table(wrapped) is None
    assert score_table(wrapped, answers).score == score_table(table, answers).score == D("3.00")
    assert score_table(wrapped, answers).groups["A"].points == D("1.50")


def test_a_parent_below_its_row_is_named():
    specs = [
        c("1.1", "yes_no", {}, D("100"), "1"),
        c("1", None, {}, D("100")),
    ]
    assert errors_of(specs) == [("1.1", "Dòng 1.1: nhóm cha “1” phải đứng trước dòng này.")]
