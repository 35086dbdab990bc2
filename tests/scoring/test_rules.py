from decimal import Decimal as D

import pytest

from scoring import (
    InvalidInput,
    InvalidRule,
    RuleType,
    describe_params,
    describe_rule,
    percent_of,
    score_item,
    validate_rule,
)
from tests.scoring.sample_tables import PERCENT_TIERS, PLAN_OPTIONS, WEBSITE_CHECKLIST

COUNT_PARAMS = {"per_item": "0.05", "cap": "0.10", "items": ["QLVB", "Thư điện tử", "ATTT"]}
DEDUCTION_PARAMS = {"per_violation": "0.25"}


def invalid(rule, params, maximum, inputs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        score_item(rule, params, maximum, inputs)
    return caught.value


# --- yes/no ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "points"),
    [(True, D("0.10")), (False, D("0")), ("có", D("0.10")), ("Không", D("0")), ("yes", D("0.10"))],
)
def test_yes_no_gives_full_points_or_nothing(met, points):
    assert score_item("yes_no", {}, D("0.10"), {"met": met}) == points


def test_yes_no_without_an_answer_is_unanswered():
    assert score_item("yes_no", {}, D("0.10"), {}) is None
    assert score_item("yes_no", {}, D("0.10"), None) is None
    assert score_item("yes_no", {}, D("0.10"), {"met": None}) is None


def test_yes_no_refuses_a_word_it_does_not_know():
    error = invalid("yes_no", {}, D("0.10"), {"met": "có lẽ"})
    assert (error.message, error.field) == ("Hãy chọn “Có” hoặc “Không”.", "met")


# --- ratio ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "points"),
    [
        ({"numerator": 0, "denominator": 40}, D("0.00")),
        ({"numerator": 40, "denominator": 40}, D("0.30")),
        ({"numerator": "1.234", "denominator": "1.300"}, D("0.28")),  # 0.28476… → 0.28
        ({"numerator": 1234, "denominator": D("1300")}, D("0.28")),
        ({"percent": "0"}, D("0.00")),
        ({"percent": "100 %"}, D("0.30")),
        ({"percent": "87,5"}, D("0.26")),  # 0.2625 → 0.26
    ],
)
def test_ratio_gives_maximum_times_the_ratio(inputs, points):
    assert score_item("ratio", {}, D("0.30"), inputs) == points


def test_ratio_rounds_an_exact_half_up():
    assert score_item("ratio", {}, D("0.15"), {"numerator": 1, "denominator": 2}) == D("0.08")
    assert score_item("ratio", {}, D("0.15"), {"percent": "50"}) == D("0.08")


def test_ratio_refuses_a_numerator_above_the_denominator():
    error = invalid("ratio", {}, D("0.30"), {"numerator": 41, "denominator": 40})
    assert (error.message, error.field) == ("Tử số không được lớn hơn mẫu số.", "numerator")


def test_ratio_refuses_division_by_zero_and_suggests_not_applicable():
    error = invalid("ratio", {}, D("0.30"), {"numerator": 0, "denominator": 0})
    assert error.field == "denominator"
    assert error.message == (
        "Mẫu số phải lớn hơn 0; nếu tiêu chí không phát sinh, hãy chọn “Không áp dụng”."
    )


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"numerator": -1, "denominator": 40}, "numerator"),
        ({"numerator": 1, "denominator": -40}, "denominator"),
        ({"percent": "100,01"}, "percent"),
        ({"percent": -1}, "percent"),
        ({"numerator": "mười", "denominator": 40}, "numerator"),
    ],
)
def test_ratio_refuses_negative_or_out_of_range_values(inputs, field):
    assert invalid("ratio", {}, D("0.30"), inputs).field == field


@pytest.mark.parametrize(
    "inputs", [{"numerator": 3}, {"denominator": 4}, {"numerator": 3, "denominator": ""}]
)
def test_ratio_with_only_one_side_is_not_finished(inputs):
    assert score_item("ratio", {}, D("0.30"), inputs) is None


def test_ratio_refuses_float_inputs():
    with pytest.raises(TypeError):
        score_item("ratio", {}, D("0.30"), {"numerator": 0.5, "denominator": 1})


def test_ratio_of_a_checklist_counts_distinct_checked_items():
    checked = {"checked": [0, "Tin tức", 1, 4]}
    assert score_item("ratio", WEBSITE_CHECKLIST, D("0.20"), checked) == D("0.12")
    assert score_item("ratio", WEBSITE_CHECKLIST, D("0.20"), {"checked": []}) == D("0.00")
    assert score_item("ratio", WEBSITE_CHECKLIST, D("0.20"), {"other": 1}) is None


def test_ratio_of_a_checklist_refuses_an_unknown_item():
    error = invalid("ratio", WEBSITE_CHECKLIST, D("0.20"), {"checked": [5]})
    assert (error.message, error.field) == ("Mục “5” không có trong danh sách.", "checked")


# --- tiers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "points"),
    [
        ("100", D("0.40")),
        ("90", D("0.40")),
        ("89,99", D("0.25")),
        ("70", D("0.25")),
        ("69.9", D("0.10")),
        ("50", D("0.10")),
        ("49,99", D("0.00")),
        ("0", D("0.00")),
    ],
)
def test_percent_tiers_give_the_points_of_the_highest_tier_reached(percent, points):
    assert score_item("tiers", PERCENT_TIERS, D("0.40"), {"percent": percent}) == points


def test_percent_tiers_accept_numerator_and_denominator():
    inputs = {"numerator": 9, "denominator": 10}
    assert score_item("tiers", PERCENT_TIERS, D("0.40"), inputs) == D("0.40")
    inputs = {"numerator": 899, "denominator": 1000}
    assert score_item("tiers", PERCENT_TIERS, D("0.40"), inputs) == D("0.25")


def test_percent_tiers_may_be_listed_in_any_order():
    shuffled = {"basis": "percent", "tiers": list(reversed(PERCENT_TIERS["tiers"]))}
    assert score_item("tiers", shuffled, D("0.40"), {"percent": 75}) == D("0.25")


def test_percent_tiers_share_the_ratio_checks():
    error = invalid("tiers", PERCENT_TIERS, D("0.40"), {"numerator": 5, "denominator": 0})
    assert error.field == "denominator"


@pytest.mark.parametrize(
    ("option", "points"), [("before_deadline", D("0.10")), ("late", D("0.05")), ("none", D("0"))]
)
def test_tier_options_give_the_points_of_the_chosen_option(option, points):
    assert score_item("tiers", PLAN_OPTIONS, D("0.10"), {"option": option}) == points


def test_tier_options_refuse_an_unknown_option():
    error = invalid("tiers", PLAN_OPTIONS, D("0.10"), {"option": "someday"})
    assert (error.message, error.field) == ("Lựa chọn không hợp lệ.", "option")


def test_tier_options_without_a_choice_are_unanswered():
    assert score_item("tiers", PLAN_OPTIONS, D("0.10"), {"option": ""}) is None


# --- count ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "points"), [(0, D("0.00")), (1, D("0.05")), ("2", D("0.10")), (3, D("0.10"))]
)
def test_count_gives_points_per_item_up_to_the_cap(count, points):
    assert score_item("count", COUNT_PARAMS, D("0.10"), {"count": count}) == points


def test_count_cap_defaults_to_the_maximum():
    assert score_item("count", {"per_item": "0.10"}, D("0.20"), {"count": 5}) == D("0.20")


@pytest.mark.parametrize("count", [-1, "1,5", D("0.5"), "hai"])
def test_count_refuses_negative_or_fractional_counts(count):
    assert invalid("count", COUNT_PARAMS, D("0.10"), {"count": count}).field == "count"


def test_count_refuses_a_float():
    with pytest.raises(TypeError):
        score_item("count", COUNT_PARAMS, D("0.10"), {"count": 2.0})


# --- deduction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "points"), [(0, D("0")), (1, D("-0.25")), (2, D("-0.50")), (7, D("-0.50"))]
)
def test_deduction_subtracts_per_violation_down_to_the_floor(count, points):
    assert score_item("deduction", DEDUCTION_PARAMS, D("-0.50"), {"count": count}) == points


def test_deduction_of_nothing_is_a_plain_zero():
    assert str(score_item("deduction", DEDUCTION_PARAMS, D("-0.50"), {"count": 0})) == "0.00"


def test_deduction_refuses_a_negative_count():
    error = invalid("deduction", DEDUCTION_PARAMS, D("-0.50"), {"count": -1})
    assert (error.message, error.field) == ("Số lượng không được âm.", "count")


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "params", "maximum"),
    [
        ("yes_no", {}, D("0.10")),
        ("yes_no", {"label_yes": "Đã thành lập", "label_no": "Chưa"}, D("0.10")),
        ("ratio", {"unit_label": "văn bản"}, D("0.30")),
        ("ratio", WEBSITE_CHECKLIST, D("0.20")),
        ("tiers", PERCENT_TIERS, D("0.40")),
        ("tiers", PLAN_OPTIONS, D("0.10")),
        ("count", COUNT_PARAMS, D("0.10")),
        ("count", {"per_item": 1}, 2),
        ("deduction", DEDUCTION_PARAMS, D("-0.50")),
    ],
)
def test_valid_rules_pass_validation(rule, params, maximum):
    assert validate_rule(rule, params, maximum) is None


@pytest.mark.parametrize(
    ("rule", "params", "maximum", "message"),
    [
        ("bonus", {}, D("0.10"), "Loại quy tắc “bonus” không được hỗ trợ."),
        ("yes_no", {"points": "1"}, D("0.10"), "Quy tắc “Có/Không” không có tham số “points”."),
        ("yes_no", {}, D("0"), "Quy tắc “Có/Không” cần điểm tối đa lớn hơn 0."),
        ("ratio", {}, D("-0.10"), "Quy tắc “Tỷ lệ” cần điểm tối đa lớn hơn 0."),
        (
            "ratio",
            {"checklist": []},
            D("0.20"),
            "Tham số “checklist” phải là một danh sách không rỗng.",
        ),
        ("ratio", {"checklist": ["A", "A"]}, D("0.20"), "Các mục trong “checklist” bị trùng."),
        (
            "tiers",
            {**PERCENT_TIERS, **PLAN_OPTIONS},
            D("0.40"),
            "Quy tắc “Theo mức” cần đúng một trong hai tham số “tiers” hoặc “options”.",
        ),
        (
            "tiers",
            {},
            D("0.40"),
            "Quy tắc “Theo mức” cần đúng một trong hai tham số “tiers” hoặc “options”.",
        ),
        (
            "tiers",
            {"tiers": [{"min": "120", "points": "0.40"}]},
            D("0.40"),
            "Ngưỡng của mỗi mức phải nằm trong khoảng 0–100 %.",
        ),
        (
            "tiers",
            {"tiers": [{"min": "90", "points": "0.50"}]},
            D("0.40"),
            "Điểm của mỗi mức phải từ 0 đến 0,40.",
        ),
        (
            "tiers",
            {"tiers": [{"min": "90", "points": "0.10"}, {"min": "50", "points": "0.20"}]},
            D("0.40"),
            "Mức có ngưỡng thấp hơn không được nhiều điểm hơn.",
        ),
        (
            "tiers",
            {"tiers": [{"min": "90", "points": "0.10"}, {"min": "90", "points": "0.10"}]},
            D("0.40"),
            "Ngưỡng các mức bị trùng.",
        ),
        (
            "tiers",
            {"basis": "count", "tiers": []},
            D("0.40"),
            "Tham số “basis” chỉ nhận giá trị “percent”.",
        ),
        (
            "tiers",
            {"options": [{"key": "a", "points": "0.05"}]},
            D("0.10"),
            "Phải có ít nhất một lựa chọn đạt điểm tối đa 0,10.",
        ),
        (
            "tiers",
            {"options": [{"key": "a", "points": "0.10"}, {"key": "a", "points": "0"}]},
            D("0.10"),
            "Mã các lựa chọn bị trùng.",
        ),
        (
            "tiers",
            {"options": [{"key": "", "points": "0.10"}]},
            D("0.10"),
            "Mã của lựa chọn không được để trống.",
        ),
        (
            "tiers",
            {"options": [{"key": "a", "points": "0.20"}]},
            D("0.10"),
            "Điểm của lựa chọn “a” phải từ 0 đến 0,10.",
        ),
        ("count", {}, D("0.10"), "Thiếu tham số “per_item”."),
        ("count", {"per_item": "0"}, D("0.10"), "Điểm mỗi mục (“per_item”) phải lớn hơn 0."),
        (
            "count",
            {"per_item": "0.05", "cap": "0.20"},
            D("0.10"),
            "Mức trần (“cap”) phải lớn hơn 0 và không vượt 0,10.",
        ),
        (
            "count",
            {"per_item": "abc"},
            D("0.10"),
            "Tham số “per_item” phải là một số, không phải “abc”.",
        ),
        (
            "deduction",
            DEDUCTION_PARAMS,
            D("0.50"),
            "Tiêu chí điểm trừ phải có điểm tối đa âm (mức trừ tối đa).",
        ),
        (
            "deduction",
            {"per_violation": "-0.25"},
            D("-0.50"),
            "Điểm trừ mỗi vi phạm (“per_violation”) phải lớn hơn 0.",
        ),
        ("deduction", DEDUCTION_PARAMS, None, "Tiêu chí phải có điểm tối đa."),
    ],
)
def test_invalid_rules_are_refused_with_a_vietnamese_message(rule, params, maximum, message):
    with pytest.raises(InvalidRule) as caught:
        validate_rule(rule, params, maximum)
    assert caught.value.message == message


def test_float_parameters_are_refused():
    with pytest.raises(TypeError):
        validate_rule("count", {"per_item": 0.05}, D("0.10"))
    with pytest.raises(TypeError):
        validate_rule("yes_no", {}, 0.10)


def test_scoring_with_a_broken_rule_raises_invalid_rule():
    with pytest.raises(InvalidRule):
        score_item("count", {}, D("0.10"), {"count": 1})


# --- descriptions and helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "params", "maximum", "text"),
    [
        ("yes_no", {}, D("0.10"), "Có/Không: đạt được 0,10 điểm, không đạt được 0 điểm."),
        ("ratio", {}, D("0.40"), "Tỷ lệ: điểm = 0,40 × tỷ lệ đạt được."),
        ("ratio", WEBSITE_CHECKLIST, D("0.20"), "Tỷ lệ: điểm = 0,20 × số mục đạt / 5 mục."),
        (
            "tiers",
            PERCENT_TIERS,
            D("0.40"),
            "Theo mức: từ 90 % được 0,40; từ 70 % được 0,25; từ 50 % được 0,10; thấp hơn được 0.",
        ),
        (
            "tiers",
            PLAN_OPTIONS,
            D("0.10"),
            "Theo lựa chọn: Ban hành trước 31/3: 0,10; Ban hành sau 31/3: 0,05; "
            "Chưa ban hành: 0,00.",
        ),
        ("count", COUNT_PARAMS, D("0.10"), "Mỗi mục được 0,05 điểm, tối đa 0,10."),
        ("deduction", DEDUCTION_PARAMS, D("-0.50"), "Mỗi vi phạm trừ 0,25 điểm, tối đa trừ 0,50."),
        # Per-item points finer than a hundredth are shown exactly: “0,08” would mislead
        # (two items would seem to reach 0,16, over the cap).
        (
            "count",
            {"per_item": "0.075", "cap": "0.15"},
            D("0.15"),
            "Mỗi mục được 0,075 điểm, tối đa 0,15.",
        ),
        (
            "deduction",
            {"per_violation": "0.125"},
            D("-0.50"),
            "Mỗi vi phạm trừ 0,125 điểm, tối đa trừ 0,50.",
        ),
    ],
)
def test_describe_rule_explains_the_computation_in_vietnamese(rule, params, maximum, text):
    assert describe_rule(rule, params, maximum) == text


@pytest.mark.parametrize(
    ("inputs", "percent"),
    [
        ({"numerator": 1234, "denominator": 1300}, D("94.92")),
        ({"percent": "87,5 %"}, D("87.50")),
        ({"numerator": 1, "denominator": 0}, None),
        ({"numerator": 1}, None),
        (None, None),
    ],
)
def test_percent_of_is_rounded_for_display(inputs, percent):
    assert percent_of(inputs) == percent


def test_percent_of_a_checklist():
    assert percent_of({"checked": [0, 1]}, WEBSITE_CHECKLIST) == D("40.00")


def test_rule_types_are_strings_with_vietnamese_labels():
    assert RuleType("ratio") == "ratio"
    assert RuleType.DEDUCTION.label == "Điểm trừ"
    assert str(RuleType.TIERS) == "tiers"


@pytest.mark.parametrize(
    ("rule", "params", "lists", "expected"),
    [
        (
            "deduction",
            {"per_violation": "0.25", "unit_label": "sự cố"},
            True,
            "Đếm theo đơn vị: sự cố.",
        ),
        (
            "count",
            {"per_item": "0.1", "unit_label": "hệ thống", "items": ["A", "B"]},
            True,
            "Đếm theo đơn vị: hệ thống. Các mục được tính: “A”; “B”.",
        ),
        (
            "count",
            {"per_item": "0.1", "unit_label": "hệ thống", "items": ["A", "B"]},
            False,
            "Đếm theo đơn vị: hệ thống.",
        ),
        (
            "ratio",
            {"numerator_label": "Số đạt", "denominator_label": "Tổng số"},
            True,
            "Tỷ lệ = Số đạt / Tổng số.",
        ),
        (
            "tiers",
            {
                "basis": "percent",
                "tiers": [{"min": "30", "points": "0.1"}],
                "numerator_label": "Số GD trực tuyến",
                "denominator_label": "Tổng số GD",
            },
            True,
            "Tỷ lệ = Số GD trực tuyến / Tổng số GD.",
        ),
        (
            "ratio",
            {"checklist": ["Tin tức", "Liên hệ"]},
            True,
            "Danh sách 2 mục: “Tin tức”; “Liên hệ”.",
        ),
        ("ratio", {"checklist": ["Tin tức", "Liên hệ"]}, False, "Danh sách 2 mục."),
        ("tiers", {"options": [{"key": "a", "label": "A", "points": "0.1"}]}, True, ""),
        (
            "yes_no",
            {"label_yes": "Đã ban hành", "label_no": "Chưa"},
            True,
            "Trả lời “Đã ban hành” hoặc “Chưa”.",
        ),
        ("yes_no", {}, True, ""),
        ("deduction", {"per_violation": "0.1", "secret": {"x": 1}}, True, ""),
    ],
)
def test_describe_params_reads_parameters_as_vietnamese_sentences(rule, params, lists, expected):
    assert describe_params(rule, params, lists=lists) == expected
