import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from assessments.display import describe_criterion
from scoring import band_conditions, format_number, format_points

register = template.Library()


@register.filter
def points(value) -> str:
    """2,50 — points always with two decimals and a comma; “—” when there is none."""
    if value is None or value == "":
        return "—"
    return format_points(Decimal(str(value)))


@register.filter
def rule_text(criterion) -> str:
    return describe_criterion(criterion)


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
    css = "Aplus" if value == "A+" else value
    return format_html('<span class="grade grade-{}" title="Mức {}">{}</span>', css, value, value)


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
