"""Scoring rules of a single criterion: parameters → validation, inputs → points."""

import enum
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation, localcontext

from scoring.errors import InvalidInput, InvalidRule
from scoring.grades import round_points, to_decimal
from scoring.numbers import format_number, format_points
from scoring.relative import ALLOWED_KEYS as _RELATIVE_KEYS
from scoring.relative import (
    RELATIVE_AVERAGE,
    RELATIVE_BEST,
    describe_relative,
    is_cross_agency,
    read_value,
    relative_points,
    validate_relative,
)

__all__ = [
    "COUNT",
    "DEDUCTION",
    "RATIO",
    "RELATIVE_AVERAGE",
    "RELATIVE_BEST",
    "TIERS",
    "YES_NO",
    "InvalidInput",
    "InvalidRule",
    "RuleType",
    "describe_rule",
    "percent_of",
    "score_item",
    "validate_rule",
]

YES_NO = "yes_no"
RATIO = "ratio"
TIERS = "tiers"
COUNT = "count"
DEDUCTION = "deduction"

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class RuleType(enum.StrEnum):
    YES_NO = YES_NO
    RATIO = RATIO
    TIERS = TIERS
    COUNT = COUNT
    DEDUCTION = DEDUCTION
    RELATIVE_BEST = RELATIVE_BEST
    RELATIVE_AVERAGE = RELATIVE_AVERAGE

    @property
    def label(self) -> str:
        return _RULE_LABELS[self.value]


_RULE_LABELS = {
    YES_NO: "Có/Không",
    RATIO: "Tỷ lệ",
    TIERS: "Theo mức",
    COUNT: "Đếm số lượng",
    DEDUCTION: "Điểm trừ",
    RELATIVE_BEST: "So với đơn vị cao nhất",
    RELATIVE_AVERAGE: "So với trung bình",
}

# Labels shown on forms may be given for any rule taking a numerator and a denominator.
_RATIO_LABEL_KEYS = {"unit_label", "numerator_label", "denominator_label"}
_ALLOWED_KEYS = {
    YES_NO: {"label_yes", "label_no"},
    RATIO: {"checklist"} | _RATIO_LABEL_KEYS,
    TIERS: {"basis", "tiers", "options"} | _RATIO_LABEL_KEYS,
    COUNT: {"per_item", "cap", "items", "unit_label"},
    DEDUCTION: {"per_violation", "unit_label"},
    RELATIVE_BEST: _RELATIVE_KEYS,
    RELATIVE_AVERAGE: _RELATIVE_KEYS,
}

_YES = {"yes", "có", "true", "1", "đạt"}
_NO = {"no", "không", "false", "0", "không đạt"}


# --- conversions ----------------------------------------------------------------------------


def _param(params: Mapping, key: str, *, required: bool = True) -> Decimal | None:
    value = params.get(key)
    if value is None:
        if required:
            raise InvalidRule(f"Thiếu tham số “{key}”.", field=key)
        return None
    return _rule_decimal(value, key)


def _rule_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"float is not accepted for “{what}”, use str or Decimal: {value!r}")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidRule(f"Tham số “{what}” phải là một số.", field=what)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidRule(f"Tham số “{what}” phải là một số, không phải “{value}”.") from None
    if not number.is_finite():
        raise InvalidRule(f"Tham số “{what}” phải là một số hữu hạn.", field=what)
    return number


def _maximum(maximum: object) -> Decimal:
    if maximum is None:
        raise InvalidRule("Tiêu chí phải có điểm tối đa.", field="maximum")
    return _rule_decimal(maximum, "maximum")


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _input_decimal(value: object, field: str) -> Decimal:
    try:
        number = to_decimal(value)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from None
    except TypeError:
        if isinstance(value, float):
            raise
        raise InvalidInput(f"Giá trị “{value}” không phải là số hợp lệ.", field=field) from None
    if not number.is_finite():
        raise InvalidInput(f"Giá trị “{value}” không phải là số hợp lệ.", field=field)
    return number


def _input_count(value: object, field: str = "count") -> Decimal:
    number = _input_decimal(value, field)
    if number < 0:
        raise InvalidInput("Số lượng không được âm.", field=field)
    if number != number.to_integral_value():
        raise InvalidInput("Số lượng phải là số nguyên.", field=field)
    return number


# --- validation -----------------------------------------------------------------------------


def validate_rule(rule: str, params: Mapping, maximum: Decimal) -> None:
    """Check that a criterion's rule, parameters and maximum fit together.

    Raises ``InvalidRule`` naming the problem in Vietnamese. Rules:

    * every rule except ``deduction`` needs a maximum > 0; ``deduction`` needs a maximum < 0,
      which is the floor of that criterion (e.g. -0.50);
    * unknown parameter keys are refused, so a typo in an imported table is caught;
    * ``yes_no``: optional "label_yes"/"label_no";
    * ``ratio``: optional "unit_label", or "checklist" (non-empty list of distinct labels);
    * ``tiers``: exactly one of "tiers" (percent thresholds 0–100, distinct, with points between
      0 and the maximum that never rise as the threshold falls) or "options" (distinct keys with
      points between 0 and the maximum, at least one worth the maximum);
    * ``count``: "per_item" > 0, optional "cap" (0 < cap ≤ maximum, default the maximum),
      optional "items" (labels of what is counted);
    * ``deduction``: "per_violation" > 0;
    * ``relative_best`` / ``relative_average`` (scored across agencies, see
      ``scoring.relative``): optional "value_label", "unit_label", "scope" ("kind"/"province").

    Parameter numbers may be str, int or Decimal; a float raises ``TypeError``.
    """
    if rule not in _RULE_LABELS:
        raise InvalidRule(f"Loại quy tắc “{rule}” không được hỗ trợ.", field="rule")
    if not isinstance(params, Mapping):
        raise InvalidRule("Tham số của quy tắc phải là một từ điển (JSON object).")
    label = _RULE_LABELS[rule]
    unknown = sorted(set(params) - _ALLOWED_KEYS[rule])
    if unknown:
        names = ", ".join(f"“{key}”" for key in unknown)
        raise InvalidRule(f"Quy tắc “{label}” không có tham số {names}.", field=unknown[0])
    top = _maximum(maximum)
    if rule == DEDUCTION:
        if top >= 0:
            raise InvalidRule(
                "Tiêu chí điểm trừ phải có điểm tối đa âm (mức trừ tối đa).", field="maximum"
            )
    elif top <= 0:
        raise InvalidRule(f"Quy tắc “{label}” cần điểm tối đa lớn hơn 0.", field="maximum")
    for key in ("label_yes", "label_no", *_RATIO_LABEL_KEYS):
        if key in params and not isinstance(params[key], str):
            raise InvalidRule(f"Tham số “{key}” phải là chuỗi ký tự.", field=key)
    {
        YES_NO: lambda: None,
        RATIO: lambda: _validate_ratio(params),
        TIERS: lambda: _validate_tiers(params, top),
        COUNT: lambda: _validate_count(params, top),
        DEDUCTION: lambda: _validate_deduction(params),
        RELATIVE_BEST: lambda: validate_relative(rule, params),
        RELATIVE_AVERAGE: lambda: validate_relative(rule, params),
    }[rule]()


def _validate_labels(values: object, key: str, *, allow_empty_list: bool = False) -> None:
    if not isinstance(values, list | tuple) or (not values and not allow_empty_list):
        raise InvalidRule(f"Tham số “{key}” phải là một danh sách không rỗng.", field=key)
    if not all(isinstance(value, str) and value.strip() for value in values):
        raise InvalidRule(f"Mỗi mục trong “{key}” phải là một nhãn không rỗng.", field=key)
    if len(set(values)) != len(values):
        raise InvalidRule(f"Các mục trong “{key}” bị trùng.", field=key)


def _validate_ratio(params: Mapping) -> None:
    if "checklist" in params:
        _validate_labels(params["checklist"], "checklist")


def _validate_tiers(params: Mapping, top: Decimal) -> None:
    if ("tiers" in params) == ("options" in params):
        raise InvalidRule(
            "Quy tắc “Theo mức” cần đúng một trong hai tham số “tiers” hoặc “options”.",
            field="tiers",
        )
    if "options" in params:
        if "basis" in params:
            raise InvalidRule("Tham số “basis” chỉ dùng với “tiers”.", field="basis")
        _validate_options(params["options"], top)
        return
    if params.get("basis", "percent") != "percent":
        raise InvalidRule("Tham số “basis” chỉ nhận giá trị “percent”.", field="basis")
    tiers = _percent_tiers(params)
    previous: Decimal | None = None
    for minimum, points in tiers:
        if not ZERO <= minimum <= HUNDRED:
            raise InvalidRule("Ngưỡng của mỗi mức phải nằm trong khoảng 0–100 %.", field="tiers")
        if not ZERO <= points <= top:
            raise InvalidRule(
                f"Điểm của mỗi mức phải từ 0 đến {format_points(top)}.", field="tiers"
            )
        if previous is not None and points > previous:
            raise InvalidRule("Mức có ngưỡng thấp hơn không được nhiều điểm hơn.", field="tiers")
        previous = points
    minima = [minimum for minimum, _points in tiers]
    if len(set(minima)) != len(minima):
        raise InvalidRule("Ngưỡng các mức bị trùng.", field="tiers")


def _percent_tiers(params: Mapping) -> list[tuple[Decimal, Decimal]]:
    """(min, points) pairs sorted by min, highest first."""
    tiers = params["tiers"]
    if not isinstance(tiers, list | tuple) or not tiers:
        raise InvalidRule("Tham số “tiers” phải là một danh sách không rỗng.", field="tiers")
    pairs = []
    for tier in tiers:
        if not isinstance(tier, Mapping) or set(tier) != {"min", "points"}:
            raise InvalidRule("Mỗi mức phải có đúng “min” và “points”.", field="tiers")
        pairs.append((_rule_decimal(tier["min"], "min"), _rule_decimal(tier["points"], "points")))
    return sorted(pairs, key=lambda pair: pair[0], reverse=True)


def _validate_options(options: object, top: Decimal) -> None:
    if not isinstance(options, list | tuple) or not options:
        raise InvalidRule("Tham số “options” phải là một danh sách không rỗng.", field="options")
    keys = []
    for option in options:
        if not isinstance(option, Mapping) or not {"key", "points"} <= set(option):
            raise InvalidRule("Mỗi lựa chọn phải có “key” và “points”.", field="options")
        if set(option) - {"key", "label", "points"}:
            raise InvalidRule("Lựa chọn chỉ có “key”, “label” và “points”.", field="options")
        key = option["key"]
        if not isinstance(key, str) or not key.strip():
            raise InvalidRule("Mã của lựa chọn không được để trống.", field="options")
        if "label" in option and not isinstance(option["label"], str):
            raise InvalidRule("Nhãn của lựa chọn phải là chuỗi ký tự.", field="options")
        points = _rule_decimal(option["points"], "points")
        if not ZERO <= points <= top:
            raise InvalidRule(
                f"Điểm của lựa chọn “{key}” phải từ 0 đến {format_points(top)}.", field="options"
            )
        keys.append((key, points))
    if len({key for key, _points in keys}) != len(keys):
        raise InvalidRule("Mã các lựa chọn bị trùng.", field="options")
    if all(points != top for _key, points in keys):
        raise InvalidRule(
            f"Phải có ít nhất một lựa chọn đạt điểm tối đa {format_points(top)}.", field="options"
        )


def _validate_count(params: Mapping, top: Decimal) -> None:
    per_item = _param(params, "per_item")
    if per_item <= 0:
        raise InvalidRule("Điểm mỗi mục (“per_item”) phải lớn hơn 0.", field="per_item")
    cap = _param(params, "cap", required=False)
    if cap is not None and not ZERO < cap <= top:
        raise InvalidRule(
            f"Mức trần (“cap”) phải lớn hơn 0 và không vượt {format_points(top)}.", field="cap"
        )
    if "items" in params:
        _validate_labels(params["items"], "items", allow_empty_list=True)


def _validate_deduction(params: Mapping) -> None:
    per_violation = _param(params, "per_violation")
    if per_violation <= 0:
        raise InvalidRule(
            "Điểm trừ mỗi vi phạm (“per_violation”) phải lớn hơn 0.", field="per_violation"
        )


# --- scoring --------------------------------------------------------------------------------


def _ratio_percent(inputs: Mapping) -> Decimal | None:
    """Percent achieved from {"numerator", "denominator"} or {"percent"}; None if unfinished.

    Numerator/denominator take precedence; a half-filled pair is unfinished, not an error.
    """
    numerator, denominator = inputs.get("numerator"), inputs.get("denominator")
    if _present(numerator) or _present(denominator):
        if not (_present(numerator) and _present(denominator)):
            return None
        num = _input_decimal(numerator, "numerator")
        den = _input_decimal(denominator, "denominator")
        if num < 0:
            raise InvalidInput("Tử số không được âm.", field="numerator")
        if den < 0:
            raise InvalidInput("Mẫu số không được âm.", field="denominator")
        if den == 0:
            raise InvalidInput(
                "Mẫu số phải lớn hơn 0; nếu tiêu chí không phát sinh, hãy chọn “Không áp dụng”.",
                field="denominator",
            )
        if num > den:
            raise InvalidInput("Tử số không được lớn hơn mẫu số.", field="numerator")
        # Multiply before dividing so that exact cases (90/100, 1/8) stay exact.
        return num * HUNDRED / den
    percent = inputs.get("percent")
    if not _present(percent):
        return None
    value = _input_decimal(percent, "percent")
    if not ZERO <= value <= HUNDRED:
        raise InvalidInput("Tỷ lệ phần trăm phải nằm trong khoảng 0–100.", field="percent")
    return value


def _checked_count(params: Mapping, checked: object) -> int:
    checklist = list(params["checklist"])
    if not isinstance(checked, list | tuple):
        raise InvalidInput("Danh sách mục đạt không hợp lệ.", field="checked")
    found = set()
    for entry in checked:
        if isinstance(entry, int) and not isinstance(entry, bool) and 0 <= entry < len(checklist):
            found.add(entry)
        elif isinstance(entry, str) and entry in checklist:
            found.add(checklist.index(entry))
        else:
            raise InvalidInput(f"Mục “{entry}” không có trong danh sách.", field="checked")
    return len(found)


def _yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = unicodedata.normalize("NFC", value).strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise InvalidInput("Hãy chọn “Có” hoặc “Không”.", field="met")


def score_item(
    rule: str,
    params: Mapping,
    maximum: Decimal,
    inputs: Mapping | None,
    *,
    reference: Decimal | None = None,
) -> Decimal | None:
    """Points of one criterion, rounded half-up to two places, or None when unanswered.

    ``inputs`` is the JSON stored for the answer; numbers may be Decimal, int or text in
    Vietnamese notation ("87,5"). Floats raise ``TypeError``; a bad rule raises
    ``InvalidRule``; an input a person must correct raises ``InvalidInput`` with ``field``.

    * ``yes_no`` — {"met": true/false, "có"/"không", "yes"/"no"}: maximum or 0.
    * ``ratio`` — {"numerator", "denominator"} or {"percent"}: maximum × ratio; a numerator
      above the denominator, a negative value, a zero denominator or a percent outside 0–100 is
      refused; with a checklist, {"checked": [indices or labels]}: maximum × checked / total.
    * ``tiers`` — percent basis: the same inputs as ``ratio``, points of the highest tier whose
      threshold the percent reaches (0 below all tiers); options: {"option": key}.
    * ``count`` — {"count": n}, n a whole number ≥ 0: min(cap, per_item × n).
    * ``deduction`` — {"count": n} violations: max(maximum, −per_violation × n), never positive.
    * ``relative_best`` / ``relative_average`` — {"value": v}, v ≥ 0: scored against
      ``reference`` (the best or the average of the agencies, ``scoring.relative``); None while
      the reference is not known, although the value is validated (a negative one is refused).

    Only the final result is rounded; intermediate values keep 28 significant digits.
    """
    validate_rule(rule, params, maximum)
    if not inputs:
        return None
    top = _maximum(maximum)
    if is_cross_agency(rule):
        value = read_value(inputs)
        if value is None or reference is None:
            return None
        return relative_points(rule, top, value, reference)
    with localcontext() as context:
        # The host application could change the global context; pin the precision we rely on.
        context.prec = 28
        points = _points(rule, params, top, inputs)
    return None if points is None else round_points(points)


def _points(rule: str, params: Mapping, top: Decimal, inputs: Mapping) -> Decimal | None:
    if rule == YES_NO:
        met = inputs.get("met")
        if not _present(met):
            return None
        return top if _yes_no(met) else ZERO
    if rule == RATIO:
        if "checklist" in params:
            if "checked" not in inputs or inputs["checked"] is None:
                return None
            checked = _checked_count(params, inputs["checked"])
            return top * checked / len(params["checklist"])
        percent = _ratio_percent(inputs)
        if percent is None:
            return None
        return top * min(HUNDRED, percent) / HUNDRED
    if rule == TIERS:
        if "options" in params:
            key = inputs.get("option")
            if not _present(key):
                return None
            for option in params["options"]:
                if option["key"] == key:
                    return _rule_decimal(option["points"], "points")
            raise InvalidInput("Lựa chọn không hợp lệ.", field="option")
        percent = _ratio_percent(inputs)
        if percent is None:
            return None
        for minimum, points in _percent_tiers(params):
            if percent >= minimum:
                return points
        return ZERO
    count_value = inputs.get("count")
    if not _present(count_value):
        return None
    count = _input_count(count_value)
    if rule == COUNT:
        cap = _param(params, "cap", required=False) or top
        return min(cap, _param(params, "per_item") * count)
    # DEDUCTION: the criterion's (negative) maximum is its floor.
    return max(top, -_param(params, "per_violation") * count)


# --- descriptions ---------------------------------------------------------------------------


def describe_rule(rule: str, params: Mapping, maximum: Decimal) -> str:
    """A short Vietnamese sentence telling a person how the points are computed.

    E.g. "Tỷ lệ: điểm = 0,40 × tỷ lệ đạt được." or "Mỗi vi phạm trừ 0,25 điểm, tối đa trừ 0,50."
    The rule is validated first (``InvalidRule`` if it is inconsistent).
    """
    validate_rule(rule, params, maximum)
    top = _maximum(maximum)
    shown = format_points(top)
    if rule == YES_NO:
        return f"Có/Không: đạt được {shown} điểm, không đạt được 0 điểm."
    if rule == RATIO:
        if "checklist" in params:
            total = len(params["checklist"])
            return f"Tỷ lệ: điểm = {shown} × số mục đạt / {total} mục."
        return f"Tỷ lệ: điểm = {shown} × tỷ lệ đạt được."
    if rule == TIERS:
        if "options" in params:
            parts = [
                f"{option.get('label') or option['key']}: "
                f"{format_points(_rule_decimal(option['points'], 'points'))}"
                for option in params["options"]
            ]
            return "Theo lựa chọn: " + "; ".join(parts) + "."
        parts = [
            f"từ {format_number(minimum)} % được {format_points(points)}"
            for minimum, points in _percent_tiers(params)
        ]
        return "Theo mức: " + "; ".join(parts) + "; thấp hơn được 0."
    if is_cross_agency(rule):
        return describe_relative(rule, params, shown)
    if rule == COUNT:
        cap = _param(params, "cap", required=False) or top
        per_item = _unit_points(_param(params, "per_item"))
        return f"Mỗi mục được {per_item} điểm, tối đa {format_points(cap)}."
    per_violation = _unit_points(_param(params, "per_violation"))
    return f"Mỗi vi phạm trừ {per_violation} điểm, tối đa trừ {format_points(-top)}."


def _quoted_list(values) -> str:
    return "; ".join(f"“{value}”" for value in values)


def describe_params(rule: str, params: Mapping, *, lists: bool = True) -> str:
    """The criterion's other parameters (what is counted, what the ratio divides, the listed
    items, the answers' wording) in Vietnamese sentences, for every page and document that
    shows a rule: never the raw mapping. The points themselves are ``describe_rule``'s.

    E.g. "Đếm theo đơn vị: sự cố." or "Tỷ lệ = Số máy trạm cài phần mềm / Tổng số máy trạm."
    Keys this function does not know are left out rather than shown as data. ``lists=False``
    leaves out the listed items where the page already shows them as choices (the form).
    """
    params = params or {}
    sentences = []
    if rule in (COUNT, DEDUCTION) and params.get("unit_label"):
        sentences.append(f"Đếm theo đơn vị: {params['unit_label']}.")
    if lists and rule == COUNT and params.get("items"):
        sentences.append(f"Các mục được tính: {_quoted_list(params['items'])}.")
    if rule in (RATIO, TIERS) and "options" not in params and "checklist" not in params:
        numerator = params.get("numerator_label")
        denominator = params.get("denominator_label")
        if numerator and denominator:
            sentences.append(f"Tỷ lệ = {numerator} / {denominator}.")
    if rule == RATIO and params.get("checklist"):
        items = params["checklist"]
        listed = f": {_quoted_list(items)}" if lists else ""
        sentences.append(f"Danh sách {len(items)} mục{listed}.")
    if is_cross_agency(rule):
        if params.get("value_label"):
            unit = f" ({params['unit_label']})" if params.get("unit_label") else ""
            sentences.append(f"Giá trị nhập: {params['value_label']}{unit}.")
        elif params.get("unit_label"):
            sentences.append(f"Đơn vị tính: {params['unit_label']}.")
    if rule == YES_NO and (params.get("label_yes") or params.get("label_no")):
        yes = params.get("label_yes") or "Có"
        no = params.get("label_no") or "Không"
        sentences.append(f"Trả lời “{yes}” hoặc “{no}”.")
    return " ".join(sentences)


def _unit_points(value: Decimal) -> str:
    """Points per item or per violation: two decimals as usual, but never rounded (a table's
    0,075 per item shown as 0,08 would let two items seem to exceed the cap)."""
    if value == value.quantize(Decimal("0.01")):
        return format_points(value)
    return format_number(value)


def percent_of(inputs: Mapping | None, params: Mapping | None = None) -> Decimal | None:
    """Percent achieved, rounded half-up to two places, for display next to a ratio or tier.

    Reads {"numerator", "denominator"} or {"percent"}; with a ratio checklist in ``params``,
    {"checked": [...]}. Returns None when unanswered or when the inputs are invalid (the
    error itself is reported by ``score_item``).
    """
    if not inputs:
        return None
    try:
        with localcontext() as context:
            context.prec = 28
            if params and "checklist" in params:
                if inputs.get("checked") is None:
                    return None
                percent = HUNDRED * _checked_count(params, inputs["checked"])
                percent /= len(params["checklist"])
            else:
                percent = _ratio_percent(inputs)
    except InvalidInput:
        return None
    return None if percent is None else round_points(percent)
