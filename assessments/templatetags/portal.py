import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from assessments.display import describe_criterion
from assessments.display import prefill_note as _prefill_note
from scoring import format_number, format_points

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
    css = "Aplus" if value == "A+" else value
    return format_html('<span class="grade grade-{}" title="Mức {}">{}</span>', css, value, value)


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
