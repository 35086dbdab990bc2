"""What the administration commands share: finding a period and an agency kind by what an
operator types, with Vietnamese errors."""

from django.core.management.base import CommandError

from assessments.models import AgencyKind, Period


def find_period(value: str) -> Period:
    """A period by its code (“2022”), else the official period of that year."""
    period = Period.objects.filter(code=value).first()
    # A year of four ASCII digits: "²".isdigit() is true but int("²") fails, and a 30-digit
    # "year" overflows SQLite's integers.
    if period is None and len(value) == 4 and value.isascii() and value.isdigit():
        period = Period.objects.filter(year=int(value), is_practice=False).first()
    if period is None:
        raise CommandError(f"Không có kỳ đánh giá “{value}”.")
    return period


def find_kind(value: str) -> AgencyKind:
    kind = AgencyKind.objects.filter(code=value).first()
    if kind is None:
        codes = ", ".join(AgencyKind.objects.values_list("code", flat=True))
        raise CommandError(f"Không có loại cơ quan, đơn vị “{value}”. Các mã hiện có: {codes}.")
    return kind
