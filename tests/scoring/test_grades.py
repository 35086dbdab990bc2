from decimal import Decimal as D

import pytest

from scoring import DEFAULT_THRESHOLDS, Grade, Thresholds, classify, round_points


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("3.00", Grade.A_PLUS),
        ("2.50", Grade.A_PLUS),
        ("2.495", Grade.A_PLUS),
        ("2.494", Grade.A),
        ("2.49", Grade.A),
        ("1.50", Grade.A),
        ("1.49", Grade.B),
        ("0.50", Grade.B),
        ("0.49", Grade.C),
        ("0", Grade.C),
        ("-0.25", Grade.C),
    ],
)
def test_every_grade_boundary_with_default_thresholds(score, grade):
    assert classify(D(score)) == grade


def test_score_is_rounded_half_up_before_classifying():
    assert classify(D("1.495")) == Grade.A
    assert classify(D("0.4949")) == Grade.C


def test_custom_thresholds_move_the_boundaries():
    strict = Thresholds(a_plus=D("2.8"), a=D("2.0"), b=D("1.0"))
    assert classify(D("2.79"), strict) == Grade.A
    assert classify(D("2.80"), strict) == Grade.A_PLUS
    assert classify(D("1.99"), strict) == Grade.B
    assert classify(D("0.99"), strict) == Grade.C


def test_thresholds_can_be_given_as_the_stored_mapping():
    stored = {"A+": "2.80", "A": "2.00", "B": "1.00"}
    assert classify(D("2.79"), stored) == Grade.A
    assert Thresholds.from_dict(stored) == Thresholds(D("2.8"), D("2"), D("1"))


def test_thresholds_round_trip_through_json_strings():
    assert DEFAULT_THRESHOLDS.as_dict() == {"A+": "2.50", "A": "1.50", "B": "0.50"}
    assert Thresholds.from_dict(DEFAULT_THRESHOLDS.as_dict()) == DEFAULT_THRESHOLDS


@pytest.mark.parametrize(
    ("a_plus", "a", "b"), [("1.5", "1.5", "0.5"), ("2.5", "0.5", "1.5"), ("2.5", "1.5", "-0.1")]
)
def test_thresholds_out_of_order_are_refused_in_vietnamese(a_plus, a, b):
    with pytest.raises(ValueError, match="A\\+ > A > B ≥ 0"):
        Thresholds(D(a_plus), D(a), D(b))


def test_thresholds_mapping_missing_a_key_is_refused():
    with pytest.raises(ValueError, match="Thiếu ngưỡng xếp loại: B"):
        Thresholds.from_dict({"A+": "2.5", "A": "1.5"})


def test_grade_label_and_string_form():
    assert Grade.A_PLUS.label == "Mức A+"
    assert str(Grade.A_PLUS) == "A+"
    assert Grade("B") is Grade.B


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(D("0.075"), D("0.08")), (D("0.28476"), D("0.28")), (2, D("2.00")), ("2,345", D("2.35"))],
)
def test_round_points_rounds_half_up_to_two_places(value, rounded):
    assert round_points(value) == rounded
    assert str(round_points(value)) == str(rounded)


def test_round_points_never_returns_negative_zero():
    assert str(round_points(D("-0.001"))) == "0.00"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        classify(2.5)
    with pytest.raises(TypeError):
        round_points(0.1)
    with pytest.raises(TypeError):
        Thresholds(a_plus=2.5)


def test_the_scoring_library_imports_nothing_from_django():
    import ast
    from pathlib import Path

    import scoring

    imported = set()
    for path in Path(scoring.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
    assert not [name for name in imported if name.split(".")[0] == "django"]
    assert "scoring.errors" in imported
