from decimal import Decimal as D

import pytest

from scoring import InvalidInput, format_number, format_points, parse_decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5", D("2.5")),
        ("1.234", D("1234")),
        ("1.234.567", D("1234567")),
        ("1.234,5", D("1234.5")),
        ("87,5 %", D("87.5")),
        ("87,5%", D("87.5")),
        ("87,5\u00a0%", D("87.5")),
        (" 1 234 ", D("1234")),
        ("0.5", D("0.5")),
        ("0.500", D("0.5")),
        ("12.75", D("12.75")),
        ("1234.567", D("1234.567")),
        ("-3", D("-3")),
        ("+4", D("4")),
        ("100", D("100")),
    ],
)
def test_parse_decimal_reads_vietnamese_notation(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    "text", ["", "   ", "%", "abc", "1,2,3", "1.23.4", "1e5", "NaN", "Infinity", "2,", ",5", "--1"]
)
def test_parse_decimal_refuses_garbage_with_a_vietnamese_message(text):
    with pytest.raises(InvalidInput) as caught:
        parse_decimal(text)
    assert caught.value.message == f"Giá trị “{text.strip()}” không phải là số hợp lệ."


def test_parse_decimal_refuses_non_strings():
    with pytest.raises(TypeError):
        parse_decimal(2.5)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("2.5"), "2,50"),
        (D("0.075"), "0,08"),
        (D("-0.25"), "-0,25"),
        (D("-0.001"), "0,00"),
        (D("1234.5"), "1.234,50"),
        (3, "3,00"),
    ],
)
def test_format_points_uses_two_places_and_a_comma(value, text):
    assert format_points(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1234.5"), "1.234,5"),
        (D("1234.50"), "1.234,5"),
        (D("1234567"), "1.234.567"),
        (D("90"), "90"),
        (D("0.75"), "0,75"),
        (D("-1000.25"), "-1.000,25"),
        (D("0.00"), "0"),
        (D("1E+3"), "1.000"),
    ],
)
def test_format_number_groups_thousands_and_drops_trailing_zeros(value, text):
    assert format_number(value) == text


def test_formatting_refuses_floats():
    with pytest.raises(TypeError):
        format_points(2.5)
    with pytest.raises(TypeError):
        format_number(2.5)


@pytest.mark.parametrize(
    "text",
    ["1234567890123456", "1.234.567.890.123.456", "0,1234567890123456", "9" * 600_000],
)
def test_more_than_fifteen_digits_or_a_long_paste_is_refused_in_vietnamese(text):
    with pytest.raises(InvalidInput) as refused:
        parse_decimal(text)
    assert refused.value.message == (
        "Số quá dài: chỉ nhập tối đa 15 chữ số (kể cả phần thập phân), không quá 32 ký tự."
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("123456789012345", D("123456789012345")), ("0,000000000000001", D("1E-15"))],
)
def test_fifteen_significant_digits_are_accepted(text, value):
    assert parse_decimal(text) == value


def test_format_number_is_linear_and_never_overflows():
    import time

    started = time.perf_counter()
    text = format_number(D("9" * 1_000_000))
    assert time.perf_counter() - started < 2  # was quadratic, then decimal.Overflow
    assert text[:8] == "9.999.99"
    assert len(text) == 1_333_333
