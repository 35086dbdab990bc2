"""How stored inputs read to a person, for pages and documents alike (no arithmetic here)."""

from decimal import Decimal, InvalidOperation

from assessments.enums import PrefillState
from scoring import (
    InvalidRule,
    describe_params,
    describe_rule,
    format_number,
    format_points,
    is_cross_agency,
    parse_decimal,
    percent_of,
)


def _num(value) -> str:
    if value is None or value == "":
        return "…"
    try:
        return format_number(parse_decimal(str(value)))
    except (ValueError, InvalidOperation):
        return str(value)


def describe_inputs(
    criterion, inputs: dict | None, *, not_applicable: bool = False, empty: str = "Chưa trả lời"
) -> str:
    """The inputs as a person reads them: “1.234/1.300 (94,92 %)”, “Có”, an option's label,
    “Đạt 3/10 mục”, “2 quy chế”, “Không áp dụng”. One wording for the form, the appraisal and
    exchange pages, the audit trail and the documents."""
    if not_applicable:
        return "Không áp dụng"
    if not inputs:
        return empty
    params = criterion.params or {}
    rule = criterion.rule
    if rule == "yes_no":
        met = inputs.get("met")
        labels = (params.get("label_yes") or "Có", params.get("label_no") or "Không")
        return labels[0] if met in (True, "yes", "có", "true", "1", 1) else labels[1]
    if rule == "tiers" and "options" in params:
        key = inputs.get("option")
        for option in params["options"]:
            if option["key"] == key:
                return option.get("label") or key
        return str(key)
    if is_cross_agency(rule):
        unit = f" {params['unit_label']}" if params.get("unit_label") else ""
        return f"{_num(inputs.get('value'))}{unit}"
    if rule in ("count", "deduction"):
        unit = params.get("unit_label") or ("vi phạm" if rule == "deduction" else "mục")
        return f"{_num(inputs.get('count'))} {unit}"
    if "checklist" in params:
        checked = inputs.get("checked") or []
        return f"Đạt {len(checked)}/{len(params['checklist'])} mục"
    percent = percent_of(inputs, params)
    percent_text = f"{format_number(percent)} %" if percent is not None else ""
    if inputs.get("numerator") not in (None, "") or inputs.get("denominator") not in (None, ""):
        text = f"{_num(inputs.get('numerator'))}/{_num(inputs.get('denominator'))}"
        return f"{text} ({percent_text})" if percent_text else text
    return percent_text or empty


def describe_criterion(criterion, *, lists: bool = True) -> str:
    """How a criterion is scored and what its parameters mean, in sentences from `scoring`:
    “Mỗi vi phạm trừ 0,25 điểm, tối đa trừ 0,50. Đếm theo đơn vị: sự cố.” A group, or a rule
    that does not validate, reads as nothing rather than as data. The form page, which shows
    the listed items as choices, passes lists=False."""
    if criterion.is_group or not criterion.rule:
        return ""
    params = criterion.params or {}
    try:
        head = describe_rule(criterion.rule, params, criterion.maximum)
    except InvalidRule:
        head = ""
    return " ".join(
        part for part in (head, describe_params(criterion.rule, params, lists=lists)) if part
    )


def signed_points(value: Decimal | None) -> str:
    return "—" if value is None else format_points(value)


PREFILL_NOTES = {
    PrefillState.OFFERED: "Theo số liệu điền sẵn",
    PrefillState.ACCEPTED: "Theo số liệu điền sẵn",
    PrefillState.CHANGED: "Đơn vị sửa số liệu điền sẵn",
}


def prefill_note(item) -> str:
    """How documents mark an answer against the fact prefilled from a provincial system:
    taken from it, or changed by the agency (empty without a fact, or not applicable)."""
    if item is None or item.not_applicable:
        return ""
    return PREFILL_NOTES.get(item.prefill, "")
