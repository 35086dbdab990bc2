"""Grades on the 0–3 scale and the thresholds that separate them."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.numbers import parse_decimal

TWO_PLACES = Decimal("0.01")


class Grade(enum.StrEnum):
    """Grades of the provincial evaluation; A+ = 3, A = 2, B = 1, C = 0 on the scale."""

    A_PLUS = "A+"
    A = "A"
    B = "B"
    C = "C"

    @property
    def label(self) -> str:
        return f"Mức {self.value}"


def to_decimal(value: object) -> Decimal:
    """Convert a Decimal, int or string (Vietnamese notation allowed) to ``Decimal``.

    Floats are refused with ``TypeError``: a binary float cannot hold 0.1 exactly, and points
    must add up to the cent.
    """
    if isinstance(value, bool | float):
        raise TypeError(f"float/bool is not accepted for points, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_decimal(value)
    raise TypeError(f"expected Decimal, int or str, got {type(value).__name__}")


def round_points(value: Decimal | int | str) -> Decimal:
    """Round to two places, half-up (0.075 → 0.08), as the provincial scoring sheets do.

    Half-up rather than Python's default banker's rounding: the guidance rounds "5 lên".
    A zero result is returned as ``Decimal("0.00")`` (never "-0.00").
    """
    points = to_decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return points if points != 0 else Decimal("0.00")


@dataclass(frozen=True)
class Thresholds:
    """Lowest score of each grade; defaults are the midpoints 2.5 / 1.5 / 0.5 of the letter."""

    a_plus: Decimal = Decimal("2.5")
    a: Decimal = Decimal("1.5")
    b: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        for name in ("a_plus", "a", "b"):
            object.__setattr__(self, name, to_decimal(getattr(self, name)))
        if not (self.a_plus > self.a > self.b >= 0):
            raise ValueError("Ngưỡng xếp loại phải thỏa mãn A+ > A > B ≥ 0.")

    def as_dict(self) -> dict[str, str]:
        """Strings with two decimals, for JSON storage: {"A+": "2.50", "A": "1.50", "B": "0.50"}."""
        return {
            Grade.A_PLUS.value: str(round_points(self.a_plus)),
            Grade.A.value: str(round_points(self.a)),
            Grade.B.value: str(round_points(self.b)),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Thresholds":
        """Inverse of ``as_dict``; keys "A+", "A", "B" are all required."""
        missing = [key for key in ("A+", "A", "B") if key not in data]
        if missing:
            raise ValueError(f"Thiếu ngưỡng xếp loại: {', '.join(missing)}.")
        return cls(a_plus=data["A+"], a=data["A"], b=data["B"])


DEFAULT_THRESHOLDS = Thresholds()


def classify(score: Decimal, thresholds: Thresholds | Mapping | None = None) -> Grade:
    """Grade a score on the 0–3 scale.

    The score is rounded half-up to two places first, so 2.495 is A+ while 2.494 is A.
    Then: ≥ a_plus → A+, ≥ a → A, ≥ b → B, otherwise (including negatives) C.
    ``thresholds`` may be a ``Thresholds``, a mapping as stored by ``as_dict`` or None (defaults).
    """
    if thresholds is None:
        thresholds = DEFAULT_THRESHOLDS
    elif not isinstance(thresholds, Thresholds):
        thresholds = Thresholds.from_dict(thresholds)
    rounded = round_points(score)
    if rounded >= thresholds.a_plus:
        return Grade.A_PLUS
    if rounded >= thresholds.a:
        return Grade.A
    if rounded >= thresholds.b:
        return Grade.B
    return Grade.C
