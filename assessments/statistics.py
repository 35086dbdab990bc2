"""The Department's statistics for a period, from loaded results (no query of its own beyond the
previous period's results). Lost points are the gap between a criterion's maximum and the stored
agreed points; totals are the stored final scores."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assessments import charts
from assessments.results import PeriodResults, load_period_results, previous_period

TWO_PLACES = Decimal("0.01")


@dataclass
class LostPoints:
    kind_label: str
    criterion: object
    agencies: int
    below_maximum: int
    average_lost: Decimal


@dataclass
class Comparison:
    agency: object
    previous: Decimal | None
    current: Decimal | None
    previous_grade: str
    current_grade: str

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


def _average(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def lost_points(results: PeriodResults, *, limit: int = 10) -> list[LostPoints]:
    """Criteria (not deductions) where finalised agencies lose the most points on average;
    agencies for which the criterion was not applicable are left out."""
    rows = []
    for kind in results.kinds:
        for criterion in kind.leaf_criteria:
            if criterion.is_deduction or criterion.maximum is None:
                continue
            gaps = []
            for result in kind.agencies:
                if not result.is_final:
                    continue
                row = next((r for r in result.rows if r.criterion.pk == criterion.pk), None)
                if row is None or row.not_applicable or row.final_points is None:
                    continue
                gaps.append(criterion.maximum - row.final_points)
            if not gaps:
                continue
            rows.append(
                LostPoints(
                    kind_label=kind.table.label,
                    criterion=criterion,
                    agencies=len(gaps),
                    below_maximum=sum(1 for gap in gaps if gap > 0),
                    average_lost=_average(gaps),
                )
            )
    rows.sort(key=lambda row: (-row.average_lost, row.kind_label, row.criterion.order))
    return rows[:limit]


def dashboard(results: PeriodResults) -> dict:
    """Everything the statistics page shows: distribution per kind with charts, lost points,
    late and missing submissions, and the comparison with the previous period."""
    period = results.period
    kinds = [
        {
            "kind": kind,
            "counts": kind.grade_counts(),
            "chart": charts.bar_chart(
                kind.grade_counts(), title=f"Phân bố mức xếp loại — {kind.table.label}"
            ),
            "average": _average(r.final_score for r in kind.agencies if r.is_final),
        }
        for kind in results.kinds
    ]
    lost = lost_points(results)
    late = [r for r in results.agencies if r.is_submitted and r.submission.is_late]
    missing = [r for r in results.agencies if not r.is_submitted]
    previous = previous_period(period)
    comparisons, previous_average = [], None
    if previous is not None:
        before = load_period_results(previous, only_final=True)
        before_by_code = {r.agency.code: r for r in before.agencies}
        for result in results.agencies:
            old = before_by_code.get(result.agency.code)
            comparisons.append(
                Comparison(
                    agency=result.agency,
                    previous=old.final_score if old else None,
                    current=result.final_score,
                    previous_grade=old.final_grade if old else "",
                    current_grade=result.final_grade,
                )
            )
        previous_average = _average(r.final_score for r in before.agencies if r.is_final)
    return {
        "period": period,
        "kinds": kinds,
        "counts": results.grade_counts(),
        "chart": charts.bar_chart(results.grade_counts(), title="Phân bố mức xếp loại toàn tỉnh"),
        "lost": lost,
        "lost_chart": charts.horizontal_bars(
            [(f"{row.kind_label} {row.criterion.code}", row.average_lost) for row in lost],
            title="Điểm bị mất bình quân theo tiêu chí",
        ),
        "late": late,
        "missing": missing,
        "previous": previous,
        "comparisons": comparisons,
        "average": _average(r.final_score for r in results.agencies if r.is_final),
        "previous_average": previous_average,
    }
