"""Result bands of any evaluation: any number of labelled bands on any scale, or none at all
(ranking only). The 2022 grades A+/A/B/C are one band set among others (``GRADE_BANDS``).

A band is named by its label (“A+”, “Tốt”, “Mức A”) and starts at its lowest score; a score
belongs to the first band (highest first) whose lowest score it reaches after rounding to the
table's precision. A score below the lowest band's start still belongs to the lowest band, so
every score falls in exactly one band: the lowest band of the 2022 letter (“C”) starts at 0 but
also holds the negative totals the deductions can produce.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.errors import ScoringError
from scoring.grades import DEFAULT_THRESHOLDS, Grade, Thresholds, to_decimal
from scoring.numbers import format_number, format_points

DEFAULT_PRECISION = 2
MAX_PRECISION = 4
MAX_LABEL_LENGTH = 40


class InvalidBands(ScoringError):
    """A band set that cannot be used; ``position`` is the band (from 0) the message is about,
    or None for the whole set, and ``field`` is "label" or "lowest"."""

    def __init__(self, message: str, *, position: int | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.position = position


def round_to(value: Decimal | int | str, places: int = DEFAULT_PRECISION) -> Decimal:
    """Round half-up (“5 lên”, as the provincial sheets do) to ``places`` decimal places; zero
    is never negative. ``places`` is the table's precision, 0 to ``MAX_PRECISION``."""
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"places must be an int, got {type(places).__name__}")
    if not 0 <= places <= MAX_PRECISION:
        raise ValueError(f"places must be between 0 and {MAX_PRECISION}, got {places}")
    exponent = Decimal(1).scaleb(-places)
    rounded = to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else abs(rounded)


@dataclass(frozen=True)
class Band:
    """One band: its label and the lowest (rounded) score that reaches it."""

    label: str
    lowest: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.label, str):
            raise TypeError("label must be a str")
        object.__setattr__(self, "label", self.label.strip())
        object.__setattr__(self, "lowest", to_decimal(self.lowest))

    @property
    def value(self) -> str:
        """The label, as ``Grade.value`` is for the 2022 grades: pages and exports show either."""
        return self.label

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class BandSet:
    """Bands ordered from the best down, or none (ranking only).

    Rules (``InvalidBands`` otherwise, naming the band): a label is given, at most
    ``MAX_LABEL_LENGTH`` characters and unique (ignoring case); lowest scores strictly decrease;
    with ``scale_max`` no band starts above the scale; ``precision`` is 0 to ``MAX_PRECISION``
    and a lowest score has no more decimals than it (a lowest of 89.5 cannot be reached on a
    scale of whole points).
    """

    bands: tuple[Band, ...] = ()
    precision: int = DEFAULT_PRECISION
    scale_max: Decimal | None = None

    def __post_init__(self) -> None:
        bands = tuple(
            band if isinstance(band, Band) else Band(band[0], band[1]) for band in self.bands
        )
        object.__setattr__(self, "bands", bands)
        if self.scale_max is not None:
            object.__setattr__(self, "scale_max", to_decimal(self.scale_max))
        if isinstance(self.precision, bool) or not isinstance(self.precision, int):
            raise InvalidBands("Số chữ số thập phân phải là số nguyên.")
        if not 0 <= self.precision <= MAX_PRECISION:
            raise InvalidBands(
                f"Số chữ số thập phân phải từ 0 đến {MAX_PRECISION} (hiện là {self.precision})."
            )
        seen: set[str] = set()
        for position, band in enumerate(bands):
            number = position + 1
            if not band.label:
                raise InvalidBands(
                    f"Mức thứ {number}: chưa nhập tên mức.", position=position, field="label"
                )
            if len(band.label) > MAX_LABEL_LENGTH:
                raise InvalidBands(
                    f"Mức thứ {number}: tên mức dài quá {MAX_LABEL_LENGTH} ký tự.",
                    position=position,
                    field="label",
                )
            if band.label.casefold() in seen:
                raise InvalidBands(
                    f"Mức thứ {number}: tên mức “{band.label}” bị trùng.",
                    position=position,
                    field="label",
                )
            seen.add(band.label.casefold())
            if round_to(band.lowest, self.precision) != band.lowest:
                raise InvalidBands(
                    f"Mức “{band.label}”: điểm thấp nhất {format_number(band.lowest)} có nhiều "
                    "chữ số thập phân "
                    f"hơn độ chính xác của thang điểm ({self.precision} chữ số).",
                    position=position,
                    field="lowest",
                )
            if self.scale_max is not None and band.lowest > self.scale_max:
                raise InvalidBands(
                    f"Mức “{band.label}”: điểm thấp nhất {format_number(band.lowest)} vượt điểm "
                    f"tối đa của thang điểm ({format_number(self.scale_max)}).",
                    position=position,
                    field="lowest",
                )
            if position and not band.lowest < bands[position - 1].lowest:
                above = bands[position - 1]
                raise InvalidBands(
                    f"Mức “{band.label}”: điểm thấp nhất phải nhỏ hơn của mức “{above.label}” "
                    f"({format_number(above.lowest)}); các mức xếp từ cao xuống thấp.",
                    position=position,
                    field="lowest",
                )

    def __len__(self) -> int:
        return len(self.bands)

    def __iter__(self):
        return iter(self.bands)

    @property
    def is_ranking_only(self) -> bool:
        return not self.bands

    @property
    def labels(self) -> list[str]:
        return [band.label for band in self.bands]

    def classify(self, score: Decimal | int | str) -> Band | None:
        return classify_band(score, self)

    def as_list(self) -> list[dict[str, str]]:
        """JSON storage: [{"label": "A", "lowest": "90.00"}, …], best band first, each lowest
        score written with the set's precision."""
        return [
            {"label": band.label, "lowest": f"{band.lowest:.{self.precision}f}"}
            for band in self.bands
        ]

    @classmethod
    def from_list(
        cls,
        data: Iterable[Mapping],
        *,
        precision: int = DEFAULT_PRECISION,
        scale_max: Decimal | None = None,
    ) -> "BandSet":
        """Inverse of ``as_list``; every entry needs "label" and "lowest"."""
        bands = []
        for position, entry in enumerate(data or ()):
            if "label" not in entry or "lowest" not in entry:
                raise InvalidBands(
                    f"Mức thứ {position + 1}: thiếu tên mức hoặc điểm thấp nhất.",
                    position=position,
                )
            bands.append(Band(str(entry["label"]), to_decimal(str(entry["lowest"]))))
        return cls(tuple(bands), precision=precision, scale_max=scale_max)

    @classmethod
    def from_thresholds(cls, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> "BandSet":
        """The 2022 letter's four grades A+/A/B/C on the 0–3 scale with these thresholds."""
        # The lowest grade holds everything below B; it starts at 0 unless B itself does.
        lowest_c = Decimal("0") if thresholds.b > 0 else thresholds.b - 1
        return cls(
            (
                Band(Grade.A_PLUS.value, thresholds.a_plus),
                Band(Grade.A.value, thresholds.a),
                Band(Grade.B.value, thresholds.b),
                Band(Grade.C.value, lowest_c),
            ),
            precision=DEFAULT_PRECISION,
        )


GRADE_BANDS = BandSet.from_thresholds()


def classify_band(score: Decimal | int | str, bands: BandSet | Sequence[Band]) -> Band | None:
    """The band a score falls in, or None for a ranking-only set (no bands).

    The score is rounded half-up to the set's precision first (89.995 → 90.00 at two places,
    → 90 at none); then the first band, best first, whose lowest score the rounded score reaches;
    a score below every band's start falls in the lowest band.
    """
    if not isinstance(bands, BandSet):
        bands = BandSet(tuple(bands))
    if not bands.bands:
        return None
    rounded = round_to(score, bands.precision)
    for band in bands.bands:
        if rounded >= band.lowest:
            return band
    return bands.bands[-1]


def band_conditions(bands: BandSet) -> list[tuple[str, str]]:
    """Each band's label and its condition as printed (“Điểm ≥ 2,50”, “1,50 ≤ điểm < 2,50”, …,
    “Điểm < 0,50” for the lowest band, which holds every score below the next one)."""
    rows = []
    for position, band in enumerate(bands.bands):
        above = bands.bands[position - 1].lowest if position else None
        if len(bands.bands) == 1:
            condition = "Mọi điểm"
        elif above is None:
            condition = f"Điểm ≥ {format_points(band.lowest)}"
        elif position == len(bands.bands) - 1:
            condition = f"Điểm < {format_points(above)}"
        else:
            condition = f"{format_points(band.lowest)} ≤ điểm < {format_points(above)}"
        rows.append((band.label, condition))
    return rows


def label_of(grade: Band | Grade | str | None) -> str:
    """What is stored and shown for a grade: the band's label, "" for none (ranking only)."""
    if grade is None:
        return ""
    return getattr(grade, "value", grade)


def grade_of(band: Band | None) -> Grade | None:
    """The 2022 ``Grade`` with the band's label, if there is one (“A+” → Grade.A_PLUS)."""
    if band is None:
        return None
    try:
        return Grade(band.label)
    except ValueError:
        return None
