from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    Grade,
    ItemInput,
    classify,
    format_number,
    parse_decimal,
    score_item,
    score_table,
)
from tests.scoring.sample_tables import phu_luc_1

TABLE = phu_luc_1()
CRITERIA = [spec for spec in TABLE if spec.rule is not None]
POSITIVE = [spec.code for spec in CRITERIA if spec.rule != "deduction"]
DEDUCTIONS = [spec.code for spec in CRITERIA if spec.rule == "deduction"]
BY_CODE = {spec.code: spec for spec in CRITERIA}
GRADE_RANK = {Grade.C: 0, Grade.B: 1, Grade.A: 2, Grade.A_PLUS: 3}
MODEST = settings(max_examples=200, deadline=None)


def top_level(spec, denominator: int) -> int:
    """Highest level of the monotone ladder of inputs for a criterion (see ``to_input``)."""
    if spec.rule == "yes_no":
        return 1
    if spec.rule == "ratio":
        return len(spec.params["checklist"]) if "checklist" in spec.params else denominator
    if spec.rule == "tiers":
        return len(spec.params["options"]) - 1 if "options" in spec.params else 10_000
    return 10  # count, deduction


def to_input(spec, level: int, denominator: int) -> dict:
    """Inputs that get better (or, for deductions, worse) as ``level`` rises."""
    if spec.rule == "yes_no":
        return {"met": level == 1}
    if spec.rule == "ratio":
        if "checklist" in spec.params:
            return {"checked": list(range(level))}
        return {"numerator": level, "denominator": denominator}
    if spec.rule == "tiers":
        if "options" in spec.params:
            ranked = sorted(spec.params["options"], key=lambda option: D(option["points"]))
            return {"option": ranked[level]["key"]}
        return {"percent": str(D(level) / 100)}
    return {"count": level}


@st.composite
def states(draw):
    """For every criterion: a mode (answered, blank, not applicable), a denominator, a level."""
    state = {}
    for spec in CRITERIA:
        modes = ["answer", "answer", "answer", "blank"] + ["na"] * spec.allow_not_applicable
        mode = draw(st.sampled_from(modes))
        denominator = draw(st.integers(1, 2000))
        level = draw(st.integers(0, top_level(spec, denominator)))
        state[spec.code] = (mode, denominator, level)
    return state


def answers(state) -> dict[str, ItemInput]:
    result = {}
    for code, (mode, denominator, level) in state.items():
        if mode == "answer":
            result[code] = ItemInput(to_input(BY_CODE[code], level, denominator))
        elif mode == "na":
            result[code] = ItemInput(not_applicable=True)
    return result


def score(state) -> D:
    return score_table(TABLE, answers(state)).score


@MODEST
@given(states())
def test_score_is_always_between_zero_and_three_with_a_consistent_grade(state):
    result = score_table(TABLE, answers(state))
    assert D("0") <= result.score <= D("3.00")
    assert result.score == result.score.quantize(D("0.01"))
    assert result.grade == classify(result.score)
    assert D("-1.00") <= result.deductions <= D("0")


@MODEST
@given(states(), st.sampled_from(POSITIVE), st.data())
def test_raising_a_positive_input_never_lowers_the_score(state, code, data):
    _mode, denominator, level = state[code]
    state = {**state, code: ("answer", denominator, level)}
    higher = data.draw(st.integers(level, top_level(BY_CODE[code], denominator)))
    improved = {**state, code: ("answer", denominator, higher)}
    assert score(improved) >= score(state)


@MODEST
@given(states(), st.sampled_from(DEDUCTIONS), st.integers(0, 10), st.integers(0, 10))
def test_more_violations_never_raise_the_score(state, code, fewer, extra):
    _mode, denominator, _level = state[code]
    before = {**state, code: ("answer", denominator, fewer)}
    after = {**state, code: ("answer", denominator, fewer + extra)}
    assert score(after) <= score(before)


@MODEST
@given(
    st.decimals(min_value=-1, max_value=4, places=4),
    st.decimals(min_value=-1, max_value=4, places=4),
)
def test_classify_is_monotonic_in_the_score(a, b):
    low, high = sorted((a, b))
    assert GRADE_RANK[classify(low)] <= GRADE_RANK[classify(high)]


@MODEST
@given(st.integers(1, 10_000), st.data(), st.sampled_from(["0.15", "0.20", "0.30", "0.40"]))
def test_ratio_points_stay_between_zero_and_the_maximum(denominator, data, maximum):
    numerator = data.draw(st.integers(0, denominator))
    inputs = {"numerator": numerator, "denominator": denominator}
    points = score_item("ratio", {}, D(maximum), inputs)
    assert D("0") <= points <= D(maximum)
    # Half-up rounding of the exact value: at most half a cent away.
    assert abs(points - D(maximum) * numerator / denominator) <= D("0.005")


@MODEST
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_formatted_numbers_parse_back_to_the_same_value(value):
    assert parse_decimal(format_number(value)) == value
