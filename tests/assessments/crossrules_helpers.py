"""A period whose Phụ lục 1 scores II.3 across agencies, and agencies finalised through the
workflow with a given value (shared by the reference tests of workflow, pages and exports)."""

from decimal import Decimal

from assessments.models import Criterion
from tests.assessments.results_helpers import finalise_agency
from tests.factories import make_agency

BANDWIDTH = {"value_label": "Băng thông Internet bình quân", "unit_label": "Mbps/người"}


def make_relative(period, *, code="II.3", rule="relative_best", params=None, kind="so-ban-nganh"):
    """Turn one criterion (0.15 points) of the kind's table into a rule across agencies."""
    criterion = Criterion.objects.get(table__period=period, table__kind__code=kind, code=code)
    criterion.rule = rule
    criterion.params = BANDWIDTH if params is None else params
    criterion.save(update_fields=["rule", "params"])
    return criterion


def finalise_with_value(period, agency, value: str, *, reviewer, lead, code="II.3", **kwargs):
    return finalise_agency(
        period, agency, reviewer=reviewer, lead=lead, inputs={code: {"value": value}}, **kwargs
    )


def board(number: int):
    return make_agency(f"ban-{number}", f"Ban thử nghiệm {number}")


ZERO = Decimal("0.00")
