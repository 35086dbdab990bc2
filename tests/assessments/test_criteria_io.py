import copy
import json
from decimal import Decimal

import pytest

from assessments.criteria_io import (
    FIXTURES_DIR,
    CriteriaImportError,
    dump_table,
    load_table,
)
from assessments.models import CriteriaTable
from assessments.services import get_or_create_submission
from tests.factories import make_period


def fixture(name):
    return json.loads((FIXTURES_DIR / "criteria" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "label", "groups"),
    [
        ("2022-phu-luc-1.json", "Phụ lục 1", ["I", "II", "III", "IV", "V", "Đ"]),
        ("2022-phu-luc-2.json", "Phụ lục 2", ["I", "II", "III", "IV", "V", "Đ"]),
        ("2022-phu-luc-3.json", "Phụ lục 3", ["I", "II", "III", "IV", "V", "VI", "Đ"]),
    ],
)
def test_the_2022_tables_load_and_their_positive_maxima_sum_to_three(
    reference, name, label, groups
):
    period = make_period(tables=False)
    table = load_table(fixture(name), period)
    assert table.label == label
    group_rows = list(table.criteria.filter(rule="").order_by("order"))
    assert [row.code for row in group_rows] == groups
    assert sum(row.maximum for row in group_rows if row.maximum and row.maximum > 0) == Decimal(
        "3.00"
    )
    assert table.deduction_floor == Decimal("-1.00")


def test_a_table_with_a_duplicate_code_is_refused_naming_the_row(reference):
    period = make_period(tables=False)
    data = fixture("2022-phu-luc-1.json")
    data["rows"][2]["code"] = "I.1"
    with pytest.raises(CriteriaImportError) as caught:
        load_table(data, period)
    assert any("I.1" in error for error in caught.value.errors)
    assert CriteriaTable.objects.filter(period=period).count() == 0


def test_a_table_whose_maxima_do_not_sum_to_three_is_refused(reference):
    period = make_period(tables=False)
    data = fixture("2022-phu-luc-1.json")
    group_v = next(row for row in data["rows"] if row["code"] == "V")
    group_v["maximum"] = "0.20"
    with pytest.raises(CriteriaImportError) as caught:
        load_table(data, period)
    assert any("3,00" in error for error in caught.value.errors), caught.value.errors


def test_a_bad_rule_parameter_is_refused_naming_the_row(reference):
    period = make_period(tables=False)
    data = fixture("2022-phu-luc-1.json")
    row = next(row for row in data["rows"] if row["code"] == "II.5")
    row["params"] = {"per_item": "-0.10"}
    with pytest.raises(CriteriaImportError) as caught:
        load_table(data, period)
    assert any("II.5" in error for error in caught.value.errors), caught.value.errors


def test_dump_then_load_gives_the_same_table(period):
    original = CriteriaTable.objects.get(period=period, kind__code="ubnd-cap-huyen")
    dumped = dump_table(original)
    other = make_period(code="2023", year=2023, tables=False)
    copy_table = load_table(copy.deepcopy(dumped), other)
    assert dump_table(copy_table) == dumped


def test_a_table_with_submissions_is_never_replaced(period, agency_a):
    get_or_create_submission(agency_a, period)
    with pytest.raises(CriteriaImportError) as caught:
        load_table(fixture("2022-phu-luc-1.json"), period)
    assert "đã có hồ sơ tự đánh giá" in caught.value.errors[0]
