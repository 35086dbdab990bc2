"""A period's results, read in a fixed number of queries, for exports, statistics and the public
site alike.

Scores are the stored ones (Submission.self_score / final_score / final_grade, ItemScore.points /
agreed_points); group subtotals and not-applicable flags come from `assessments.scores`, which
calls the scoring library. Nothing here adds points up a second way.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from assessments import scores
from assessments.enums import PeriodStatus, SubmissionStatus
from assessments.models import Agency, Criterion, Extension, ItemScore, Period
from scoring import Grade, TableResult

GRADES = [grade.value for grade in Grade]
FINAL_PERIOD_STATUSES = frozenset(
    {PeriodStatus.FINALISED, PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED}
)


@dataclass
class CriterionRow:
    criterion: Criterion
    self_points: Decimal | None = None
    final_points: Decimal | None = None
    not_applicable: bool = False
    adjusted: bool = False
    reason: str = ""
    item: ItemScore | None = None

    # The three values of a criterion (self-assessed, appraised, final) and how the final one
    # was reached, read from the item already loaded (no query).
    @property
    def appraised_points(self) -> Decimal | None:
        return self.item.appraised_points if self.item is not None else None

    @property
    def appraised_not_applicable(self) -> bool:
        if self.item is None:
            return False
        if self.item.reviewer_not_applicable is not None:
            return self.item.reviewer_not_applicable
        return self.item.not_applicable

    @property
    def agreement(self) -> str:
        """How the final value was reached (“Chấp nhận giải trình”…); empty before agreement."""
        if self.item is None or not self.item.agreement:
            return ""
        return self.item.get_agreement_display()

    @property
    def agreed_by(self) -> str:
        """Who settled the final value (loaded with the item, no query)."""
        if self.item is None or self.item.agreed_by is None:
            return ""
        return self.item.agreed_by.get_full_name() or self.item.agreed_by.username

    @property
    def decision_reason(self) -> str:
        return self.item.agreement_reason if self.item is not None else ""


@dataclass
class AgencyResult:
    agency: Agency
    submission: object = None
    extension: Extension | None = None
    self_result: TableResult | None = None
    final_result: TableResult | None = None
    rows: list[CriterionRow] = field(default_factory=list)
    rank: int | None = None

    @property
    def is_final(self) -> bool:
        return self.submission is not None and self.submission.status == SubmissionStatus.FINALISED

    @property
    def is_submitted(self) -> bool:
        return self.submission is not None and self.submission.submitted_at is not None

    @property
    def self_score(self):
        return self.submission.self_score if self.submission else None

    @property
    def final_score(self):
        return self.submission.final_score if self.is_final else None

    @property
    def final_grade(self) -> str:
        return self.submission.final_grade if self.is_final else ""

    @property
    def not_applicable_codes(self) -> list[str]:
        return [row.criterion.code for row in self.rows if row.not_applicable]

    @property
    def notes(self) -> str:
        """“Nộp muộn; gia hạn đến 04/11/2022; không áp dụng: III.5” — for the consolidated sheet."""
        parts = []
        if self.submission is None or not self.is_submitted:
            parts.append("Chưa nộp hồ sơ")
        elif self.submission.is_late:
            parts.append("Nộp muộn")
        if self.extension is not None:
            parts.append(f"Gia hạn đến {self.extension.new_deadline:%d/%m/%Y}")
        if self.not_applicable_codes:
            parts.append("Không áp dụng: " + ", ".join(self.not_applicable_codes))
        if self.submission is not None and self.is_submitted and not self.is_final:
            parts.append("Chưa chốt kết quả")
        return "; ".join(parts)

    def group_rows(self) -> list[tuple[Criterion, Decimal | None, Decimal | None]]:
        """(group, self points, final points) per group, from the scoring library's subtotals."""
        rows = []
        for row in self.rows:
            if not row.criterion.is_group:
                continue
            code = row.criterion.code
            own = self.self_result.groups.get(code) if self.self_result else None
            final = self.final_result.groups.get(code) if self.final_result else None
            rows.append(
                (row.criterion, own.points if own else None, final.points if final else None)
            )
        return rows


@dataclass
class KindResults:
    kind: object
    table: object
    criteria: list[Criterion]
    agencies: list[AgencyResult]

    @property
    def leaf_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.is_group]

    def grade_counts(self) -> dict[str, int]:
        counts = Counter(result.final_grade for result in self.agencies if result.is_final)
        return {grade: counts.get(grade, 0) for grade in GRADES}

    def ranked(self) -> list[AgencyResult]:
        """Finalised agencies, best first; ties share a rank (1, 2, 2, 4) and read by name."""
        final = sorted(
            (result for result in self.agencies if result.is_final),
            key=lambda result: (-result.final_score, result.agency.name),
        )
        previous_score, previous_rank = None, 0
        for position, result in enumerate(final, start=1):
            if result.final_score != previous_score:
                previous_rank, previous_score = position, result.final_score
            result.rank = previous_rank
        return final


@dataclass
class PeriodResults:
    period: Period
    kinds: list[KindResults]

    def grade_counts(self) -> dict[str, int]:
        total = Counter()
        for kind in self.kinds:
            total.update(kind.grade_counts())
        return {grade: total.get(grade, 0) for grade in GRADES}

    @property
    def agencies(self) -> list[AgencyResult]:
        return [result for kind in self.kinds for result in kind.agencies]

    def for_agency(self, code: str) -> AgencyResult | None:
        return next((r for r in self.agencies if r.agency.code == code), None)

    @property
    def final_count(self) -> int:
        return sum(1 for result in self.agencies if result.is_final)


def _rows(criteria, items_by_code, final_result) -> list[CriterionRow]:
    rows = []
    for criterion in criteria:
        item = items_by_code.get(criterion.code)
        if criterion.is_group or item is None:
            rows.append(CriterionRow(criterion=criterion))
            continue
        final_item = final_result.items.get(criterion.code) if final_result else None
        not_applicable = final_item.not_applicable if final_item else item.not_applicable
        rows.append(
            CriterionRow(
                criterion=criterion,
                self_points=item.points,
                final_points=item.agreed_points if final_result else None,
                not_applicable=not_applicable,
                adjusted=item.is_adjusted or item.reviewer_not_applicable is not None,
                reason=item.reviewer_reason,
                item=item,
            )
        )
    return rows


def load_period_results(period: Period, *, only_final: bool = False) -> PeriodResults:
    """Everything about a period's results in six queries, whatever the number of agencies.

    Every active agency appears (with no submission if it has none), plus inactive agencies that
    have a submission in the period. With `only_final`, only finalised submissions are listed
    (the public site).
    """
    tables = list(period.tables.select_related("kind").order_by("kind__order"))
    criteria = list(
        Criterion.objects.filter(table__period=period)
        .select_related("parent")
        .order_by("table_id", "order")
    )
    criteria_by_id = {criterion.pk: criterion for criterion in criteria}
    submissions = list(
        period.submissions.select_related("agency__kind", "table", "period").order_by(
            "agency__order", "agency__name"
        )
    )
    items_by_submission: dict[int, list[ItemScore]] = {}
    items = ItemScore.objects.filter(submission__period=period).select_related("agreed_by")
    for item in items.order_by("id"):
        # Share the criterion objects already loaded instead of joining them again.
        item.criterion = criteria_by_id[item.criterion_id]
        items_by_submission.setdefault(item.submission_id, []).append(item)
    extensions = {ext.agency_id: ext for ext in Extension.objects.filter(period=period)}
    if only_final:
        agencies = [s.agency for s in submissions if s.status == SubmissionStatus.FINALISED]
    else:
        agencies = list(
            Agency.objects.filter(Q(is_active=True) | Q(submissions__period=period))
            .select_related("kind")
            .distinct()
            .order_by("kind__order", "order", "name")
        )
    by_agency = {submission.agency_id: submission for submission in submissions}
    kinds = []
    for table in tables:
        table_criteria = [c for c in criteria if c.table_id == table.pk]
        results = []
        for agency in agencies:
            if agency.kind_id != table.kind_id:
                continue
            submission = by_agency.get(agency.pk)
            result = AgencyResult(agency=agency, submission=submission)
            result.extension = extensions.get(agency.pk)
            if submission is not None:
                submission.period = period
                items = items_by_submission.get(submission.pk, [])
                items_by_code = {item.criterion.code: item for item in items}
                if submission.submitted_at is not None:
                    result.self_result = scores.self_result(submission, table_criteria, items)
                if submission.status == SubmissionStatus.FINALISED:
                    result.final_result = scores.agreed_result(submission, table_criteria, items)
                result.rows = _rows(table_criteria, items_by_code, result.final_result)
            else:
                result.rows = [CriterionRow(criterion=c) for c in table_criteria]
            results.append(result)
        kinds.append(
            KindResults(kind=table.kind, table=table, criteria=table_criteria, agencies=results)
        )
    return PeriodResults(period=period, kinds=kinds)


def previous_period(period: Period) -> Period | None:
    """The latest official period before this one whose results are final."""
    return (
        Period.objects.filter(
            is_practice=False, year__lt=period.year, status__in=FINAL_PERIOD_STATUSES
        )
        .order_by("-year")
        .first()
    )
