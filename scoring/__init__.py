"""Pure-Python scoring of the provincial IT-use evaluation (0–3 scale, grades A+/A/B/C), and of
tables of any depth and scale (pillar → main index → component → criterion).

Imports nothing from Django so that forms, exports and the public page share one arithmetic.
"""

from scoring.errors import InvalidInput, InvalidRule, InvalidTable, TableProblem
from scoring.grades import DEFAULT_THRESHOLDS, Grade, Thresholds, classify, round_points
from scoring.numbers import format_number, format_points, parse_decimal
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
    depths,
    score_table,
    validate_table,
)

__all__ = [
    "COUNT",
    "DEDUCTION",
    "DEFAULT_THRESHOLDS",
    "RATIO",
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
    "depths",
    "describe_params",
    "describe_rule",
    "format_number",
    "format_points",
    "parse_decimal",
    "percent_of",
    "round_points",
    "score_item",
    "score_table",
    "validate_rule",
    "validate_table",
]
