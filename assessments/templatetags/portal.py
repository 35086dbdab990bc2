import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from assessments.display import describe_criterion
from assessments.display import prefill_note as _prefill_note
from scoring import band_conditions, format_number, format_points, is_cross_agency

# As assessments.references.NOT_COMPUTED (not imported: a template tag stays off the models).
NOT_COMPUTED = "Chưa tính"

register = template.Library()


@register.filter
def points(value) -> str:
    """2,50 — points always with two decimals and a comma; “—” when there is none."""
    if value is None or value == "":
        return "—"
    return format_points(Decimal(str(value)))


@register.filter
def points_of(value, criterion) -> str:
    """Points of one criterion: “Chưa tính” for a criterion scored across agencies whose points
    wait for the period's finalisation (references.py), else as `points`."""
    if (value is None or value == "") and is_cross_agency(getattr(criterion, "rule", None)):
        return NOT_COMPUTED
    return points(value)


@register.filter
def rule_text(criterion) -> str:
    return describe_criterion(criterion)


@register.filter
def prefill_note(item) -> str:
    return _prefill_note(item)


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    return format_number(Decimal(str(value)))


@register.simple_tag
def grade_badge(grade) -> str:
    value = getattr(grade, "value", grade) or ""
    if not value:
        return format_html('<span class="text-muted">{}</span>', "—")
    # A class per letter (A+, A … E have colours); a label such as “Trung bình” gets none.
    css = "Aplus" if value == "A+" else value if value.isascii() and value.isalnum() else "other"
    return format_html('<span class="grade grade-{}" title="Mức {}">{}</span>', css, value, value)


def _lowest(band) -> str:
    return format_points(band.lowest)


@register.simple_tag
def bands_sentence(period) -> str:
    """The public page's sentence: “thang điểm 3: mức A+ từ 2,50 điểm, mức A từ 1,50, mức B từ
    0,50, dưới 0,50 là mức C.” — or, without bands, that agencies are ranked only."""
    scale = format_number(period.scale_max)
    bands = period.band_set.bands
    if not bands:
        return f"thang điểm {scale}, xếp hạng theo điểm (không xếp loại)."
    if len(bands) == 1:
        return f"thang điểm {scale}: mọi cơ quan, đơn vị xếp mức {bands[0].label}."
    parts = [f"mức {bands[0].label} từ {_lowest(bands[0])} điểm"]
    parts += [f"mức {band.label} từ {_lowest(band)}" for band in bands[1:-1]]
    return (
        f"thang điểm {scale}: {', '.join(parts)}, dưới {_lowest(bands[-2])} là mức "
        f"{bands[-1].label}."
    )


@register.simple_tag
def bands_method(period) -> str:
    """The report's method: “Điểm đánh giá tính theo thang điểm 3 và xếp loại: mức A+ (từ 2,50
    điểm), mức A (từ 1,50 đến dưới 2,50 điểm), …, mức C (dưới 0,50 điểm).”"""
    scale = format_number(period.scale_max)
    bands = period.band_set.bands
    if not bands:
        return f"Điểm đánh giá tính theo thang điểm {scale}; kết quả được xếp hạng theo điểm."
    parts = []
    for position, band in enumerate(bands):
        if len(bands) == 1:
            parts.append(f"mức {band.label} (mọi mức điểm)")
        elif position == 0:
            parts.append(f"mức {band.label} (từ {_lowest(band)} điểm)")
        elif position == len(bands) - 1:
            parts.append(f"mức {band.label} (dưới {_lowest(bands[position - 1])} điểm)")
        else:
            above = _lowest(bands[position - 1])
            parts.append(f"mức {band.label} (từ {_lowest(band)} đến dưới {above} điểm)")
    return f"Điểm đánh giá tính theo thang điểm {scale} và xếp loại: {', '.join(parts)}."


@register.simple_tag
def grade_counts_text(counts, capital=False) -> str:
    """“mức A+: 3; mức A: 5; mức B: 0; mức C: 1” (counts keyed by the period's labels)."""
    text = "; ".join(f"mức {label}: {count}" for label, count in (counts or {}).items())
    return text[:1].upper() + text[1:] if capital else text


@register.filter
def lower_first(text) -> str:
    """“Đánh giá … năm 2022” → “đánh giá … năm 2022”, to follow “Kết quả”; acronyms stay."""
    text = str(text or "")
    return text[:1].lower() + text[1:]


@register.simple_tag
def band_list(period) -> str:
    """“A+ ≥ 2,50; A ≥ 1,50; B ≥ 0,50; C dưới 0,50”, or that the period only ranks."""
    conditions = band_conditions(period.band_set)
    if not conditions:
        return "Không xếp loại (chỉ xếp hạng theo điểm)"
    return "; ".join(f"{label}: {condition.lower()}" for label, condition in conditions)


@register.filter
def countdown(deadline) -> str:
    """“còn 5 ngày”, “còn 3 giờ”, “hết hạn hôm nay”, “đã quá hạn 2 ngày” for an aware datetime
    (the first instant after the deadline)."""
    if deadline is None:
        return ""
    now = timezone.now()
    remaining = deadline - now
    if remaining <= dt.timedelta(0):
        late_days = (now - deadline).days
        return "đã hết hạn" if late_days == 0 else f"đã quá hạn {late_days} ngày"
    if remaining < dt.timedelta(days=1):
        hours = int(remaining.total_seconds() // 3600)
        return f"còn {hours} giờ" if hours else "còn dưới 1 giờ"
    return f"còn {remaining.days} ngày"


@register.filter
def get_count(mapping, key) -> int:
    """A count from a dict keyed by grade (“A+”), which template lookups cannot reach."""
    return (mapping or {}).get(key, 0)
