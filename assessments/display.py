"""How stored inputs read to a person, for pages and documents alike (no arithmetic here)."""

from decimal import Decimal, InvalidOperation

from scoring import format_number, format_points, parse_decimal, percent_of


def _num(value) -> str:
    if value is None or value == "":
        return "…"
    try:
        return format_number(parse_decimal(str(value)))
    except (ValueError, InvalidOperation):
        return str(value)


def describe_inputs(criterion, inputs: dict | None, *, not_applicable: bool = False) -> str:
    """“1.234/1.300 (94,92 %)”, “Có”, an option's label, “3 quy chế”, “Không áp dụng”…"""
    if not_applicable:
        return "Không áp dụng"
    if not inputs:
        return "Chưa trả lời"
    params = criterion.params or {}
    rule = criterion.rule
    if rule == "yes_no":
        met = inputs.get("met")
        return "Đạt" if met in (True, "yes", "có", "true", 1) else "Không đạt"
    if rule == "tiers" and "options" in params:
        key = inputs.get("option")
        for option in params["options"]:
            if option["key"] == key:
                return option.get("label") or key
        return str(key)
    if rule in ("count", "deduction"):
        unit = params.get("unit_label", "")
        return f"{_num(inputs.get('count'))} {unit}".strip()
    if "checklist" in params:
        checked = inputs.get("checked") or []
        return f"{len(checked)}/{len(params['checklist'])} mục đạt"
    percent = percent_of(inputs, params)
    percent_text = f"{format_points(percent)} %" if percent is not None else ""
    if inputs.get("numerator") not in (None, "") or inputs.get("denominator") not in (None, ""):
        text = f"{_num(inputs.get('numerator'))}/{_num(inputs.get('denominator'))}"
        return f"{text} ({percent_text})" if percent_text else text
    return percent_text or "Chưa trả lời"


def signed_points(value: Decimal | None) -> str:
    return "—" if value is None else format_points(value)
