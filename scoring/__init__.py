"""Pure-Python scoring of the provincial IT-use evaluation (0–3 scale, grades A+/A/B/C).

Imports nothing from Django so that forms, exports and the public page share one arithmetic.
"""

from scoring.errors import InvalidInput, InvalidRule, InvalidTable, TableProblem
from scoring.grades import DEFAULT_THRESHOLDS, Grade, Thresholds, classify, round_points
from scoring.numbers import format_number, format_points, parse_decimal
from scoring.relative import (
    CROSS_AGENCY_RULES,
    RELATIVE_AVERAGE,
    RELATIVE_BEST,
    describe_reference,
    is_cross_agency,
    read_value,
    reference_label,
    reference_value,
    relative_points,
    scope_of,
)
from scoring.rules import (
    COUNT,
    DEDUCTION,
    RATIO,
    TIERS,
    YES_NO,
    RuleType,
    describe_params,
    describe_rule,
    percent_of,
    score_item,
    validate_rule,
)
from scoring.table import (
    GroupResult,
    ItemInput,
    ItemResult,
    ItemSpec,
    TableResult,
    score_table,
    validate_table,
)

__all__ = [
    "COUNT",
    "CROSS_AGENCY_RULES",
    "DEDUCTION",
    "DEFAULT_THRESHOLDS",
    "RATIO",
    "RELATIVE_AVERAGE",
    "RELATIVE_BEST",
    "TIERS",
    "YES_NO",
    "Grade",
    "GroupResult",
    "InvalidInput",
    "InvalidRule",
    "InvalidTable",
    "ItemInput",
    "ItemResult",
    "ItemSpec",
    "RuleType",
    "TableProblem",
    "TableResult",
    "Thresholds",
    "classify",
    "describe_params",
    "describe_reference",
    "describe_rule",
    "format_number",
    "format_points",
    "is_cross_agency",
    "parse_decimal",
    "percent_of",
    "read_value",
    "reference_label",
    "reference_value",
    "relative_points",
    "round_points",
    "scope_of",
    "score_item",
    "score_table",
    "validate_rule",
    "validate_table",
]
