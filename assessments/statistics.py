"""The Department's statistics for a period, from SQL aggregates over the stored results: grade
counts and means per kind, lost points per criterion, late and missing submissions, and the
comparison with the previous period. Lost points are the gap between a criterion's maximum and
the stored agreed points; totals are the stored final scores. Lists are paginated or cut: the
page costs the same at 50 and at 10,000 agencies."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from assessments import charts, lineage
from assessments.enums import SubmissionStatus
from assessments.models import (
    Agency,
    Criterion,
    ItemScore,
    Period,
    Submission,
    SubmissionResult,
)
from assessments.models.criteria import RuleChoice
from assessments.queries import annotate_extension
from assessments.results import (
    SUM_FIELD,
    average,
    final_submissions,
    period_summary,
    previous_period,
)

# How many late and missing agencies the page names (the queue lists them all).
LIST_LIMIT = 50


@dataclass
class LostPoints:
    kind_label: str
    criterion: object
    agencies: int
    below_maximum: int
    average_lost: Decimal


def lost_points(period: Period, *, limit: int = 10) -> list[LostPoints]:
    """Criteria (not deductions) where finalised agencies lose the most points on average;
    agencies for which the criterion was not applicable (in the agreed result) are left out."""
    rows = (
        ItemScore.objects.filter(
            submission__in=final_submissions(period),
            criterion__maximum__isnull=False,
            agreed_points__isnull=False,
        )
        .exclude(criterion__rule__in=["", RuleChoice.DEDUCTION])
        .alias(final_na=Coalesce("reviewer_not_applicable", "not_applicable"))
        .filter(final_na=False)
        .values("criterion_id")
        .annotate(
            agencies=Count("pk"),
            below=Count("pk", filter=Q(agreed_points__lt=F("criterion__maximum"))),
            lost=Sum(F("criterion__maximum") - F("agreed_points"), output_field=SUM_FIELD),
        )
        .order_by()
    )
    rows = list(rows)
    criteria = Criterion.objects.select_related("table").in_bulk([r["criterion_id"] for r in rows])
    lost = [
        LostPoints(
            kind_label=criteria[row["criterion_id"]].table.label,
            criterion=criteria[row["criterion_id"]],
            agencies=row["agencies"],
            below_maximum=row["below"],
            average_lost=average(row["lost"], row["agencies"]),
        )
        for row in rows
    ]
    lost.sort(key=lambda row: (-row.average_lost, row.kind_label, row.criterion.order))
    return lost[:limit]


def listed_agencies(period: Period):
    """The agencies a period's results list: active ones and those with a dossier in it, of a
    kind the period has a table for, in the reports' order."""
    has_submission = Submission.objects.filter(period=period, agency=OuterRef("pk"))
    return (
        Agency.objects.filter(kind__tables__period=period)
        .filter(Q(is_active=True) | Exists(has_submission))
        .select_related("kind")
        .order_by("kind__order", "order", "name", "pk")
    )


def final_count(period: Period) -> int:
    """How many listed agencies have a finalised result."""
    return Submission.objects.filter(
        period=period, status=SubmissionStatus.FINALISED, agency__kind__tables__period=period
    ).count()


def late_submissions(period: Period):
    return annotate_extension(
        Submission.objects.filter(
            period=period,
            submitted_at__isnull=False,
            is_late=True,
            agency__kind__tables__period=period,
        )
        .select_related("agency")
        .order_by("agency__kind__order", "agency__order", "agency__name", "pk")
    )


def missing_agencies(period: Period):
    submitted = Submission.objects.filter(
        period=period, agency=OuterRef("pk"), submitted_at__isnull=False
    )
    return listed_agencies(period).exclude(Exists(submitted))


@dataclass
class Comparison:
    agency: object
    previous: Decimal | None
    current: Decimal | None
    previous_grade: str
    current_grade: str
    # Without a result of its own in the previous period: those of the agencies it continues.
    earlier: list = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @classmethod
    def of(cls, agency) -> "Comparison":
        return cls(
            agency=agency,
            previous=agency.previous,
            current=agency.current,
            previous_grade=agency.previous_grade or "",
            current_grade=agency.current_grade or "",
        )


def comparison_rows(agencies, previous: Period) -> list[Comparison]:
    """The rows of one page of `comparisons`; an agency formed by a merge or split since the
    previous period shows its predecessors' results there instead of nothing."""
    rows = [Comparison.of(agency) for agency in agencies]
    without = [row.agency.pk for row in rows if row.previous is None]
    earlier = lineage.earlier_results(previous, without) if without else {}
    for row in rows:
        row.earlier = earlier.get(row.agency.pk, [])
    return rows


def comparisons(period: Period, previous: Period):
    """Every listed agency with its final score and grade now and in the previous period."""

    def final(of_period, field):
        return Subquery(
            Submission.objects.filter(
                period=of_period,
                agency=OuterRef("pk"),
                status=SubmissionStatus.FINALISED,
                agency__kind_id=F("table__kind_id"),
            ).values(field)[:1]
        )

    return listed_agencies(period).annotate(
        current=final(period, "final_score"),
        current_grade=final(period, "final_grade"),
        previous=final(previous, "final_score"),
        previous_grade=final(previous, "final_grade"),
    )


def dashboard(period: Period) -> dict:
    """Everything the statistics page shows except the paginated comparison: distribution per
    kind with charts, lost points, late and missing submissions (counted, the first ones named),
    the previous period and both means."""
    summary = period_summary(period)
    kinds = [
        {
            "kind": kind,
            "counts": kind.counts,
            "chart": charts.bar_chart(
                kind.counts, title=f"Phân bố mức xếp loại — {kind.table.label}"
            ),
            "average": kind.average,
        }
        for kind in summary.kinds
    ]
    lost = lost_points(period)
    late = late_submissions(period)
    missing = missing_agencies(period)
    previous = previous_period(period)
    counts = summary.grade_counts()
    return {
        "period": period,
        "kinds": kinds,
        "counts": counts,
        "chart": charts.bar_chart(counts, title="Phân bố mức xếp loại toàn tỉnh"),
        "lost": lost,
        "lost_chart": charts.horizontal_bars(
            [(f"{row.kind_label} {row.criterion.code}", row.average_lost) for row in lost],
            title="Điểm bị mất bình quân theo tiêu chí",
        ),
        "late": list(late[:LIST_LIMIT]),
        "late_count": late.count(),
        "missing": list(missing[:LIST_LIMIT]),
        "missing_count": missing.count(),
        "previous": previous,
        "average": summary.average,
        "previous_average": period_summary(previous).average if previous else None,
    }


@dataclass
class PillarAverage:
    kind_label: str
    group: object
    agencies: int
    average: Decimal | None


def pillar_averages(period: Period) -> list[PillarAverage]:
    """Mean official points of each top-level positive group (a pillar of a deep table, group
    I, II, … of a two-level one) per kind, over the finalised agencies, from the group points
    stored at finalisation. Two queries. The stored points are read row by row: a group code
    such as “1” cannot be a JSON key lookup (Django reads it as an array index)."""
    groups = list(
        Criterion.objects.filter(table__period=period, parent__isnull=True, rule="", maximum__gt=0)
        .select_related("table")
        .order_by("table__kind__order", "order")
    )
    totals: dict[tuple[int, str], Decimal] = {}
    counts: dict[int, int] = {}
    stored = SubmissionResult.objects.filter(submission__in=final_submissions(period)).values_list(
        "submission__table_id", "group_points"
    )
    for table_id, points in stored.iterator(chunk_size=2000):
        counts[table_id] = counts.get(table_id, 0) + 1
        for code, value in (points or {}).items():
            key = (table_id, code)
            totals[key] = totals.get(key, Decimal(0)) + Decimal(value)
    return [
        PillarAverage(
            kind_label=group.table.label,
            group=group,
            agencies=counts.get(group.table_id, 0),
            average=average(
                totals.get((group.table_id, group.code), 0), counts.get(group.table_id, 0)
            ),
        )
        for group in groups
    ]
