"""Parsing and formatting numbers the Vietnamese way: comma decimal, dot thousands."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from scoring.errors import InvalidInput

# A dot followed by exactly three digits (and no comma anywhere) is a thousands separator in
# Vietnamese writing ("1.234"), but "0.5" typed on an English keyboard is a decimal point. A
# group never starts with 0, so "0.500" stays a decimal.
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_WITH_COMMA = re.compile(r"(?P<int>\d+|[1-9]\d{0,2}(?:\.\d{3})+),(?P<frac>\d+)")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


# No figure in an evaluation needs more: a count of documents or citizens, a percentage. Beyond
# 15 significant digits a value would also be silently rounded by spreadsheets and by the
# 28-digit arithmetic of `scoring`; the length bound refuses 600,000 pasted digits before any
# parsing work is done.
MAX_DIGITS = 15
MAX_LENGTH = 32
TOO_LONG_MESSAGE = (
    f"Số quá dài: chỉ nhập tối đa {MAX_DIGITS} chữ số (kể cả phần thập phân), "
    f"không quá {MAX_LENGTH} ký tự."
)


def _invalid(text: object) -> InvalidInput:
    return InvalidInput(f"Giá trị “{text}” không phải là số hợp lệ.")


def parse_decimal(text: str) -> Decimal:
    """Read a number typed by a person in Vietnamese conventions.

    Rules: a comma is the decimal mark ("2,5" → 2.5); dots are thousands separators when
    every group after them has exactly three digits and there is no leading zero ("1.234.567",
    "1.234,5"); otherwise a single dot is a decimal point ("0.5", "12.75"). Spaces, non-breaking
    spaces and a trailing "%" are ignored ("87,5 %" → 87.5). A leading "-" or "+" is allowed.
    At most ``MAX_LENGTH`` characters and ``MAX_DIGITS`` significant digits (``TOO_LONG_MESSAGE``
    otherwise, checked before any parsing so a huge paste costs nothing).
    Raises ``InvalidInput`` for anything else, including an empty string; ``TypeError`` for
    non-strings.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_decimal() expects str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH and len(text.strip()) > MAX_LENGTH:
        raise InvalidInput(TOO_LONG_MESSAGE)
    cleaned = _SPACES.sub("", text)
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    sign = ""
    if cleaned[:1] in ("-", "+", "\u2212"):
        sign = "-" if cleaned[0] != "+" else ""
        cleaned = cleaned[1:]
    if match := _WITH_COMMA.fullmatch(cleaned):
        number = f"{match['int'].replace('.', '')}.{match['frac']}"
    elif _GROUPED.fullmatch(cleaned):
        number = cleaned.replace(".", "")
    elif _PLAIN.fullmatch(cleaned):
        number = cleaned
    else:
        raise _invalid(text.strip())
    if len(number.replace(".", "").lstrip("0")) > MAX_DIGITS:
        raise InvalidInput(TOO_LONG_MESSAGE)
    try:
        return Decimal(sign + number)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only digits
        raise _invalid(text.strip()) from exc


def _check_decimal(value: object) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected Decimal or int, got {type(value).__name__}")
    return Decimal(value)


def _format(value: Decimal, fraction: str) -> str:
    # format(…, ",f") groups in one pass and needs no decimal context, so a value of any size is
    # formatted in linear time and never raises decimal.Overflow.
    integer = format(value.copy_abs(), ",f").partition(".")[0].replace(",", ".")
    text = integer + ("," + fraction if fraction else "")
    return ("-" if value < 0 else "") + text


def format_points(value: Decimal) -> str:
    """Points as printed on the forms: two decimals, comma decimal mark ("2,50", "-0,25").

    The value is rounded half-up to two places first; zero never shows a minus sign.
    """
    points = _check_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if points == 0:
        return "0,00"
    return _format(points, format(abs(points), "f").split(".")[1])


def format_number(value: Decimal) -> str:
    """A number with Vietnamese grouping and no trailing zeros ("1.234,5", "90", "0,75")."""
    number = _check_decimal(value)
    if number == 0:
        return "0"
    fraction = format(number.copy_abs(), "f").partition(".")[2].rstrip("0")
    return _format(number, fraction)
