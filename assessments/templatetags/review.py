"""Template helpers of the appraisal and exchange pages."""

from django import template

from assessments.display import describe_inputs

register = template.Library()


@register.filter
def inputs_text(inputs, criterion) -> str:
    """The stored inputs of a criterion as a person reads them (“80/100 (80 %)”, “Có”…)."""
    return describe_inputs(criterion, inputs, empty="—")


@register.filter
def get_value(mapping, key):
    return (mapping or {}).get(key, "")
