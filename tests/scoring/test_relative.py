"""Rules computed across agencies: relative to the best of the kind, to the provincial average."""

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring import (
    RELATIVE_AVERAGE,
    RELATIVE_BEST,
    InvalidInput,
    InvalidRule,
    describe_params,
    describe_reference,
    describe_rule,
    read_value,
    reference_value,
    relative_points,
    score_item,
    validate_rule,
)

BANDWIDTH = {"value_label": "Băng thông bình quân trên mỗi cán bộ", "unit_label": "Mbps/người"}
MODEST = settings(max_examples=300, deadline=None)

values = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
maxima = st.decimals(min_value=D("0.01"), max_value=1000, places=2, allow_nan=False)
rules = st.sampled_from([RELATIVE_BEST, RELATIVE_AVERAGE])


# --- exact values ---------------------------------------------------------------------------


def test_the_best_agency_gets_the_maximum_and_the_others_in_proportion():
    reference = reference_value(RELATIVE_BEST, [D("12.5"), D("5"), D("0")])
    assert reference == D("12.5000")
    assert relative_points(RELATIVE_BEST, D("0.40"), D("12.5"), reference) == D("0.40")
    assert relative_points(RELATIVE_BEST, D("0.40"), D("5"), reference) == D("0.16")
    assert relative_points(RELATIVE_BEST, D("0.40"), D("0"), reference) == D("0.00")


def test_relative_to_the_average_gives_the_maximum_at_or_above_it():
    reference = reference_value(RELATIVE_AVERAGE, [D("10"), D("5"), D("15")])
    assert reference == D("10.0000")
    assert relative_points(RELATIVE_AVERAGE, D("0.50"), D("15"), reference) == D("0.50")
    assert relative_points(RELATIVE_AVERAGE, D("0.50"), D("10"), reference) == D("0.50")
    assert relative_points(RELATIVE_AVERAGE, D("0.50"), D("5"), reference) == D("0.25")


def test_the_average_is_rounded_half_up_to_four_places_before_use():
    reference = reference_value(RELATIVE_AVERAGE, [D("1"), D("1"), D("0")])
    assert reference == D("0.6667")
    # 0.30 × 0.5 / 0.6667 = 0.22499… → 0.22: the printed reference gives the printed points.
    assert relative_points(RELATIVE_AVERAGE, D("0.30"), D("0.5"), reference) == D("0.22")


def test_points_are_rounded_half_up_to_the_tables_precision():
    # 0.25 × 3 / 10 = 0.075
    assert relative_points(RELATIVE_BEST, D("0.25"), D("3"), D("10")) == D("0.08")
    assert relative_points(RELATIVE_BEST, D("0.25"), D("3"), D("10"), places=3) == D("0.075")
    assert relative_points(RELATIVE_BEST, D("25"), D("1"), D("3"), places=0) == D("8")


def test_a_reference_of_zero_gives_every_agency_zero():
    assert reference_value(RELATIVE_BEST, [D("0"), D("0")]) == D("0.0000")
    assert relative_points(RELATIVE_BEST, D("0.40"), D("0"), D("0")) == D("0.00")
    assert relative_points(RELATIVE_AVERAGE, D("0.40"), D("0"), D("0")) == D("0.00")


def test_no_reference_without_any_answer():
    assert reference_value(RELATIVE_BEST, []) is None
    assert reference_value(RELATIVE_AVERAGE, []) is None


def test_a_value_above_a_provisional_reference_is_capped_at_the_maximum():
    assert relative_points(RELATIVE_BEST, D("0.40"), D("20"), D("12.5")) == D("0.40")


def test_score_item_waits_for_the_reference_but_checks_the_value():
    assert score_item(RELATIVE_BEST, BANDWIDTH, D("0.40"), {"value": "12,5"}) is None
    assert score_item(RELATIVE_BEST, BANDWIDTH, D("0.40"), {}) is None
    points = score_item(RELATIVE_BEST, BANDWIDTH, D("0.40"), {"value": "5"}, reference=D("12.5"))
    assert points == D("0.16")
    with pytest.raises(InvalidInput) as error:
        score_item(RELATIVE_BEST, BANDWIDTH, D("0.40"), {"value": "-1"})
    assert (error.value.message, error.value.field) == ("Giá trị không được âm.", "value")
    with pytest.raises(InvalidInput) as error:
        score_item(RELATIVE_AVERAGE, {}, D("0.40"), {"value": "abc"})
    assert error.value.field == "value"


def test_read_value_reads_vietnamese_numbers():
    assert read_value({"value": "1.234,5"}) == D("1234.5")
    assert read_value({"value": D("3")}) == D("3")
    assert read_value({"value": ""}) is None
    assert read_value(None) is None


def test_validate_rule_accepts_the_parameters_and_refuses_others():
    validate_rule(RELATIVE_BEST, {**BANDWIDTH, "scope": "kind"}, D("0.40"))
    validate_rule(RELATIVE_AVERAGE, {"scope": "province"}, D("1"))
    with pytest.raises(InvalidRule) as error:
        validate_rule(RELATIVE_BEST, {"scope": "world"}, D("0.40"))
    assert error.value.message == (
        "Tham số “scope” chỉ nhận “kind” (trong khối) hoặc “province” (toàn tỉnh)."
    )
    with pytest.raises(InvalidRule) as error:
        validate_rule(RELATIVE_BEST, {"per_item": "1"}, D("0.40"))
    assert error.value.message == "Quy tắc “So với đơn vị cao nhất” không có tham số “per_item”."
    with pytest.raises(InvalidRule) as error:
        validate_rule(RELATIVE_AVERAGE, {}, D("0"))
    assert error.value.message == "Quy tắc “So với trung bình” cần điểm tối đa lớn hơn 0."


def test_descriptions_name_the_reference():
    assert describe_rule(RELATIVE_BEST, BANDWIDTH, D("0.40")) == (
        "So với đơn vị cao nhất trong khối: điểm = 0,40 × giá trị / giá trị cao nhất trong "
        "khối; tính khi chốt kết quả kỳ đánh giá."
    )
    assert describe_rule(RELATIVE_AVERAGE, {}, D("0.50")) == (
        "So với trung bình toàn tỉnh: từ mức trung bình trở lên được 0,50, thấp hơn được "
        "0,50 × giá trị / giá trị trung bình; tính khi chốt kết quả kỳ đánh giá."
    )
    assert describe_params(RELATIVE_BEST, BANDWIDTH) == (
        "Giá trị nhập: Băng thông bình quân trên mỗi cán bộ (Mbps/người)."
    )
    assert describe_reference(RELATIVE_BEST, BANDWIDTH, D("12.5000")) == (
        "Giá trị cao nhất trong khối: 12,5 Mbps/người"
    )
    assert describe_reference(RELATIVE_AVERAGE, {}, D("8.3333")) == "Trung bình toàn tỉnh: 8,3333"
    assert describe_reference(RELATIVE_AVERAGE, {"scope": "kind"}, None) == (
        "Trung bình trong khối: chưa có"
    )


# --- properties -----------------------------------------------------------------------------


@MODEST
@given(rules, maxima, st.lists(values, min_size=1, max_size=30))
def test_points_lie_between_zero_and_the_maximum(rule, maximum, answers):
    reference = reference_value(rule, answers)
    for value in answers:
        points = relative_points(rule, maximum, value, reference)
        assert D(0) <= points <= maximum
        assert points == points.quantize(D("0.01"))


@MODEST
@given(maxima, st.lists(values, min_size=1, max_size=30))
def test_the_best_agency_always_gets_the_maximum(maximum, answers):
    reference = reference_value(RELATIVE_BEST, answers)
    assume(reference > 0)
    assert relative_points(RELATIVE_BEST, maximum, max(answers), reference) == maximum


@MODEST
@given(maxima, st.lists(values, min_size=1, max_size=30))
def test_every_agency_at_or_above_the_average_gets_the_maximum(maximum, answers):
    reference = reference_value(RELATIVE_AVERAGE, answers)
    assume(reference > 0)
    for value in answers:
        if value >= reference:
            assert relative_points(RELATIVE_AVERAGE, maximum, value, reference) == maximum


@MODEST
@given(rules, maxima, values, values, values.filter(lambda value: value > 0))
def test_points_never_fall_as_the_value_rises(rule, maximum, first, second, reference):
    low, high = sorted((first, second))
    assert relative_points(rule, maximum, low, reference) <= relative_points(
        rule, maximum, high, reference
    )


@MODEST
@given(rules, maxima, values, values.filter(lambda value: value > 0), st.integers(0, 4))
def test_points_are_the_exact_ratio_rounded_half_up(rule, maximum, value, reference, places):
    exact = min(maximum, maximum * value / reference)
    expected = exact.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert relative_points(rule, maximum, value, reference, places=places) == expected


@MODEST
@given(rules, st.lists(values, min_size=1, max_size=30))
def test_the_reference_lies_within_the_values(rule, answers):
    reference = reference_value(rule, answers)
    assert min(answers) <= reference <= max(answers) or rule == RELATIVE_AVERAGE
    assert min(answers) - D("0.0001") <= reference <= max(answers) + D("0.0001")
