from dataclasses import replace
from decimal import Decimal as D

import pytest

from scoring import Grade, InvalidTable, ItemInput, ItemSpec, score_table, validate_table


def answer(**inputs) -> ItemInput:
    return ItemInput(inputs)


def test_the_reconstructed_phu_luc_1_is_a_valid_table(table):
    assert validate_table(table) is None


def test_full_marks_give_exactly_three(table, full):
    result = score_table(table, full)
    assert (result.score, result.grade) == (D("3.00"), Grade.A_PLUS)
    assert result.positive_points == D("3.00")
    assert result.applicable_maximum == D("3.00")
    assert result.deductions == D("0.00")
    assert (result.answered, result.total) == (20, 20)


def test_nothing_answered_scores_zero_and_grade_c(table):
    result = score_table(table, {})
    assert (result.score, result.grade) == (D("0.00"), Grade.C)
    assert (result.answered, result.total) == (0, 20)
    assert result.items["II.2"].points is None


def test_group_total_is_capped_at_the_group_maximum():
    specs = (
        ItemSpec("I", None, {}, D("1.00")),
        ItemSpec("I.1", "count", {"per_item": "0.50"}, D("1.00"), "I"),
        ItemSpec("I.2", "yes_no", {}, D("0.50"), "I"),
        ItemSpec("II", None, {}, D("2.00")),
        ItemSpec("II.1", "yes_no", {}, D("2.00"), "II"),
    )
    result = score_table(specs, {"I.1": answer(count=2), "I.2": answer(met=True)})
    assert result.groups["I"].points == D("1.00")
    assert result.groups["I"].applicable_maximum == D("1.00")
    assert result.score == D("1.00")


def test_deductions_are_summed_and_floored_at_minus_one(table, full):
    answers = {
        **full,
        "Đ.1": answer(count=9),  # floor of the criterion: -0.50
        "Đ.2": answer(count=3),  # -0.30
        "Đ.3": answer(count=2),  # -0.20 → total -1.00
    }
    assert score_table(table, answers).deductions == D("-1.00")
    assert score_table(table, answers).score == D("2.00")
    two_deductions = {**full, "Đ.1": answer(count=1), "Đ.2": answer(count=1)}
    result = score_table(table, two_deductions)
    assert result.deductions == D("-0.35")
    assert result.groups["Đ"].points == D("-0.35")
    assert result.score == D("2.65")


def test_a_table_deduction_floor_below_the_criteria_floors_is_respected():
    specs = (
        ItemSpec("I", "yes_no", {}, D("3.00")),
        ItemSpec("Đ.1", "deduction", {"per_violation": "1"}, D("-2.00")),
    )
    answers = {"I": answer(met=True), "Đ.1": answer(count=2)}
    assert score_table(specs, answers).deductions == D("-1.00")
    assert score_table(specs, answers, deduction_floor=D("-2.00")).score == D("1.00")


def test_score_is_clamped_at_zero(table):
    answers = {"II.3": answer(percent="10"), "Đ.1": answer(count=2)}
    result = score_table(table, answers)
    assert result.positive_points == D("0.02")
    assert result.deductions == D("-0.50")
    assert result.score == D("0.00")


def test_score_is_clamped_at_the_scale_maximum():
    # A table that does not add up to 3.00 (validate_table would refuse it) still cannot exceed 3.
    specs = (ItemSpec("I", "yes_no", {}, D("5.00")),)
    assert score_table(specs, {"I": answer(met=True)}).score == D("3.00")


def test_not_applicable_criterion_leaves_the_applicable_maximum_and_full_marks_stay_three(
    table, full
):
    answers = {**full, "III.1": ItemInput(not_applicable=True)}
    result = score_table(table, answers)
    assert result.applicable_maximum == D("2.80")
    assert result.items["III.1"].not_applicable is True
    assert result.score == D("3.00")
    assert (result.answered, result.total) == (20, 20)


def test_not_applicable_rescales_the_score(table, full):
    # Applicable maximum 2.80 (III.1 not applicable); points 2.00 → 3 × 2.00 / 2.80 = 2.1428…
    answers = {
        **full,
        "III.1": ItemInput(not_applicable=True),
        "II.1": answer(percent="10"),  # loses 0.40
        "II.2": answer(percent="0"),  # loses 0.30
        "IV.2": answer(met=False),  # loses 0.10
    }
    result = score_table(table, answers)
    assert (result.positive_points, result.applicable_maximum) == (D("2.00"), D("2.80"))
    assert (result.score, result.grade) == (D("2.14"), Grade.A)


def test_not_applicable_is_ignored_where_the_criterion_does_not_allow_it(table, full):
    answers = {**full, "II.2": ItemInput(not_applicable=True)}
    result = score_table(table, answers)
    assert result.items["II.2"].not_applicable is False
    assert result.applicable_maximum == D("3.00")
    assert result.score == D("2.70")
    assert result.answered == 19


def test_invalid_input_scores_zero_and_carries_the_error_without_raising(table, full):
    answers = {**full, "II.2": answer(numerator=5, denominator=4)}
    result = score_table(table, answers)
    item = result.items["II.2"]
    assert item.points is None
    assert (item.error.message, item.error.field) == (
        "Tử số không được lớn hơn mẫu số.",
        "numerator",
    )
    assert result.score == D("2.70")
    assert result.answered == 19


def test_reviewer_override_replaces_the_computed_points(table, full):
    answers = {**full, "II.2": ItemInput({"percent": "100"}, points_override=D("0.10"))}
    result = score_table(table, answers)
    assert result.items["II.2"].points == D("0.10")
    assert result.score == D("2.80")


def test_reviewer_override_outside_the_range_is_an_item_error(table, full):
    answers = {**full, "II.2": ItemInput(points_override=D("0.31"))}
    error = score_table(table, answers).items["II.2"].error
    assert (error.message, error.field) == (
        "Điểm điều chỉnh phải nằm trong khoảng 0,00 đến 0,30.",
        "points_override",
    )


def test_custom_thresholds_reach_the_grade(table, full):
    answers = {**full, "II.1": answer(percent="75")}  # 2.85
    assert score_table(table, answers).grade == Grade.A_PLUS
    strict = {"A+": "2.90", "A": "2.00", "B": "1.00"}
    assert score_table(table, answers, thresholds=strict).grade == Grade.A


# --- validate_table -------------------------------------------------------------------------


def errors_of(specs) -> list[tuple[str, str]]:
    with pytest.raises(InvalidTable) as caught:
        validate_table(specs)
    return caught.value.errors


def test_duplicate_codes_are_reported(table):
    duplicated = (*table, replace(table[6]))
    assert errors_of(duplicated) == [("II.2", "Dòng II.2: mã bị trùng.")]


def test_a_missing_parent_is_reported(table):
    specs = [replace(spec, parent="IX") if spec.code == "II.3" else spec for spec in table]
    assert errors_of(specs) == [
        ("II.3", "Dòng II.3: nhóm cha “IX” không tồn tại."),
    ]


def test_group_maxima_must_sum_to_the_scale_maximum(table):
    specs = [replace(spec, maximum=D("0.20")) if spec.code == "V" else spec for spec in table]
    specs = [replace(spec, maximum=D("0.10")) if spec.code == "V.1" else spec for spec in specs]
    specs = [
        replace(
            spec,
            params={
                **spec.params,
                "options": [{"key": "full", "points": "0.10"}, {"key": "none", "points": "0"}],
            },
        )
        if spec.code == "V.1"
        else spec
        for spec in specs
    ]
    specs = [replace(spec, maximum=D("0.10")) if spec.code == "V.2" else spec for spec in specs]
    assert errors_of(specs) == [("", "Tổng điểm tối đa các nhóm là 2,90, phải bằng 3,00.")]


def test_bad_rule_parameters_are_prefixed_by_the_code(table):
    specs = [
        replace(spec, params={"per_item": "0"}) if spec.code == "I.2" else spec for spec in table
    ]
    assert errors_of(specs) == [
        ("I.2", "Dòng I.2: Điểm mỗi mục (“per_item”) phải lớn hơn 0."),
    ]


def test_structural_errors_are_all_collected():
    specs = (
        ItemSpec("", "yes_no", {}, D("1.00")),
        ItemSpec("I", None, {}, D("2.00")),
        ItemSpec("I.1", "yes_no", {}, D("2.50"), "I"),
        ItemSpec("I.2", "yes_no", {}, D("0.50"), "I.1"),
        ItemSpec("I.3", "deduction", {"per_violation": "0.1"}, D("-0.20"), "I"),
        ItemSpec("II", None, {}, D("1.00")),
        ItemSpec("Đ", None, {}, None),
        ItemSpec("Đ.1", "yes_no", {}, D("0.10"), "Đ"),
        ItemSpec("Đ.2", "deduction", {"per_violation": "0.1"}, D("0.20"), "Đ"),
    )
    assert errors_of(specs) == [
        ("", "Dòng thứ 1: mã không được để trống."),
        ("I.1", "Dòng I.1: điểm tối đa 2,50 vượt điểm tối đa của nhóm I (2,00)."),
        ("I.2", "Dòng I.2: “I.1” không phải là nhóm."),
        ("I.3", "Dòng I.3: tiêu chí điểm trừ không được nằm trong nhóm cộng điểm “I”."),
        ("II", "Dòng II: nhóm chưa có tiêu chí nào."),
        ("Đ.1", "Dòng Đ.1: tiêu chí cộng điểm không được nằm trong nhóm điểm trừ “Đ”."),
        ("Đ.2", "Dòng Đ.2: Tiêu chí điểm trừ phải có điểm tối đa âm (mức trừ tối đa)."),
    ]


def test_invalid_table_message_joins_every_error(table):
    with pytest.raises(InvalidTable) as caught:
        validate_table((*table, replace(table[1])))
    assert str(caught.value) == "Dòng I.1: mã bị trùng."
