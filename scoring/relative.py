"""Rules whose points can only be computed once every agency's value is known.

An agency enters a raw value (bandwidth per official, documents per official …); its points
depend on a reference value computed from the final values of all agencies of the same scope:

* ``relative_best`` — "so với đơn vị cao nhất": points = maximum × value / best, where best is
  the highest value among the agencies of the scope. The best agency gets the maximum; the
  others proportionally less (a ministry scoring sheet scores bandwidth per official this way).
* ``relative_average`` — "so với trung bình": the maximum at or above the average of the scope,
  maximum × value / average below it (proportional, as a scoring sheet's
  ``=MIN(1; value/average) × maximum``).

Shared rules (the choices a scoring sheet would make, and this module's contract):

* values are numbers ≥ 0; an agency that did not answer, or whose criterion is not applicable,
  takes no part in the reference and is not scored (as any unanswered criterion: 0);
* a reference of 0 means no agency has any of what is measured: every agency gets 0 (nobody
  is rewarded for nothing; there is no ratio to take);
* the reference is rounded half-up to ``REFERENCE_PLACES`` decimal places before use, so the
  points are reproducible from the reference value as printed beside the result;
* points never exceed the maximum (a provisional reference may be below a value) and are rounded
  half-up to the table's precision (two places by default), only at the end.

The scope is a parameter: ``kind`` (agencies of the same kind in the period, "trong khối"), the
default for the best, or ``province`` (every agency of the period evaluated against a criterion
with the same code and rule, "toàn tỉnh"), the default for the average.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext

from scoring.errors import InvalidInput, InvalidRule
from scoring.grades import to_decimal
from scoring.numbers import format_number

RELATIVE_BEST = "relative_best"
RELATIVE_AVERAGE = "relative_average"
CROSS_AGENCY_RULES = frozenset({RELATIVE_BEST, RELATIVE_AVERAGE})

SCOPE_KIND = "kind"
SCOPE_PROVINCE = "province"
SCOPES = {SCOPE_KIND: "trong khối", SCOPE_PROVINCE: "toàn tỉnh"}
DEFAULT_SCOPE = {RELATIVE_BEST: SCOPE_KIND, RELATIVE_AVERAGE: SCOPE_PROVINCE}

# Four places keep an average of whole numbers exact to well below a hundredth of a point while
# staying short enough to print ("8,3333 Mbps/người").
REFERENCE_PLACES = 4
ALLOWED_KEYS = {"value_label", "unit_label", "scope"}
ZERO = Decimal(0)


def is_cross_agency(rule: str | None) -> bool:
    """True for a rule scored against the other agencies' values."""
    return rule in CROSS_AGENCY_RULES


def scope_of(rule: str, params: Mapping | None) -> str:
    """``kind`` or ``province``: the agencies whose values make the reference."""
    return (params or {}).get("scope") or DEFAULT_SCOPE[rule]


def validate_relative(rule: str, params: Mapping) -> None:
    """Parameters of a cross-agency rule: optional "value_label" (what is entered), "unit_label"
    (its unit, e.g. "Mbps/người") and "scope" ("kind" or "province")."""
    for key in ("value_label", "unit_label"):
        if key in params and not isinstance(params[key], str):
            raise InvalidRule(f"Tham số “{key}” phải là chuỗi ký tự.", field=key)
    if "scope" in params and params["scope"] not in SCOPES:
        raise InvalidRule(
            "Tham số “scope” chỉ nhận “kind” (trong khối) hoặc “province” (toàn tỉnh).",
            field="scope",
        )


def read_value(inputs: Mapping | None) -> Decimal | None:
    """The raw value of {"value": …} (Decimal, int or Vietnamese text "12,5"); None when
    unanswered. A negative or non-numeric value raises ``InvalidInput`` on field "value"."""
    if not inputs:
        return None
    raw = inputs.get("value")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = to_decimal(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="value") from None
    except TypeError:
        if isinstance(raw, float):
            raise
        raise InvalidInput(f"Giá trị “{raw}” không phải là số hợp lệ.", field="value") from None
    if not value.is_finite():
        raise InvalidInput(f"Giá trị “{raw}” không phải là số hợp lệ.", field="value")
    if value < 0:
        raise InvalidInput("Giá trị không được âm.", field="value")
    return value


def reference_value(rule: str, values: Iterable[Decimal]) -> Decimal | None:
    """The reference of ``values`` (the final values of the agencies that answered): their
    highest for ``relative_best``, their mean for ``relative_average``, rounded half-up to
    ``REFERENCE_PLACES`` places; None when no agency answered."""
    numbers = [to_decimal(value) for value in values]
    if not numbers:
        return None
    with localcontext() as context:
        context.prec = 28
        if rule == RELATIVE_BEST:
            reference = max(numbers)
        elif rule == RELATIVE_AVERAGE:
            reference = sum(numbers, ZERO) / len(numbers)
        else:
            raise InvalidRule(f"Loại quy tắc “{rule}” không so sánh giữa các đơn vị.")
        return _quantize(reference, REFERENCE_PLACES)


def relative_points(
    rule: str, maximum: Decimal, value: Decimal, reference: Decimal, *, places: int = 2
) -> Decimal:
    """Points of one agency's ``value`` against ``reference`` (see the module's rules),
    within [0, maximum], rounded half-up to ``places`` decimal places."""
    top, number, ref = to_decimal(maximum), to_decimal(value), to_decimal(reference)
    if number < 0:
        raise InvalidInput("Giá trị không được âm.", field="value")
    if ref < 0:
        raise InvalidRule("Giá trị tham chiếu không được âm.")
    if rule not in CROSS_AGENCY_RULES:
        raise InvalidRule(f"Loại quy tắc “{rule}” không so sánh giữa các đơn vị.")
    with localcontext() as context:
        context.prec = 28
        if ref == 0:
            points = ZERO
        elif number >= ref:
            points = top
        else:
            # Multiply before dividing: 0.40 × 5 / 10 stays exactly 0.20.
            points = top * number / ref
        return _quantize(min(top, max(ZERO, points)), places)


def _quantize(value: Decimal, places: int) -> Decimal:
    quantized = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return quantized if quantized != 0 else abs(quantized)


def reference_label(rule: str, params: Mapping | None) -> str:
    """“Giá trị cao nhất trong khối” / “Trung bình toàn tỉnh”: how the reference is named
    beside a result."""
    where = SCOPES[scope_of(rule, params)]
    head = "Giá trị cao nhất" if rule == RELATIVE_BEST else "Trung bình"
    return f"{head} {where}"


def describe_reference(rule: str, params: Mapping | None, reference: Decimal | None) -> str:
    """“Giá trị cao nhất trong khối: 12,5 Mbps/người” (“…: chưa có” before it is known)."""
    unit = (params or {}).get("unit_label") or ""
    if reference is None:
        shown = "chưa có"
    else:
        shown = format_number(to_decimal(reference)) + (f" {unit}" if unit else "")
    return f"{reference_label(rule, params)}: {shown}"


def describe_relative(rule: str, params: Mapping | None, shown_maximum: str) -> str:
    """The scoring sentence of a cross-agency rule (see ``rules.describe_rule``)."""
    where = SCOPES[scope_of(rule, params)]
    if rule == RELATIVE_BEST:
        return (
            f"So với đơn vị cao nhất {where}: điểm = {shown_maximum} × giá trị / giá trị cao "
            f"nhất {where}; tính khi chốt kết quả kỳ đánh giá."
        )
    return (
        f"So với trung bình {where}: từ mức trung bình trở lên được {shown_maximum}, thấp hơn "
        f"được {shown_maximum} × giá trị / giá trị trung bình; tính khi chốt kết quả kỳ đánh giá."
    )
