"""Pure-Python scoring of the province's evaluations: rules → points → score on the table's
scale → band (the 2022 letter: 0–3 scale, grades A+/A/B/C; any other scale and band set too),
for tables of any depth (pillar → main index → component → criterion).

Imports nothing from Django so that forms, exports and the public page share one arithmetic.
"""

from scoring.bands import (
    GRADE_BANDS,
    Band,
    BandSet,
    InvalidBands,
    band_conditions,
    classify_band,
    grade_of,
    label_of,
    round_to,
)
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
    "GRADE_BANDS",
    "RATIO",
    "TIERS",
    "YES_NO",
    "Band",
    "BandSet",
    "Grade",
    "GroupResult",
    "InvalidBands",
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
    "band_conditions",
    "classify",
    "classify_band",
    "depths",
    "describe_params",
    "describe_rule",
    "format_number",
    "format_points",
    "grade_of",
    "label_of",
    "parse_decimal",
    "percent_of",
    "round_points",
    "round_to",
    "score_item",
    "score_table",
    "validate_rule",
    "validate_table",
]
