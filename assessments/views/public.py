"""What anyone can read without logging in: published results, scorecards, open data, and the
criteria tables (public from the moment a period opens). Everything about a period's results
answers 404 until the lead publishes it."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from assessments import charts
from assessments.enums import PERIOD_CRITERIA_PUBLIC, PeriodStatus, SubmissionStatus
from assessments.exports.open_data import COLUMNS, OpenDataCsv, OpenDataJson
from assessments.models import Period, Submission
from assessments.results import load_period_results
from scoring import InvalidRule, describe_rule


def _published(year) -> Period:
    return get_object_or_404(
        Period.objects.select_related("evaluating_agency"),
        year=year,
        is_practice=False,
        status=PeriodStatus.PUBLISHED,
    )


@require_GET
def periods(request):
    rows = Period.objects.filter(is_practice=False, status__in=PERIOD_CRITERIA_PUBLIC).order_by(
        "-year"
    )
    return render(request, "assessments/public/periods.html", {"periods": rows})


@require_GET
def period_results(request, year):
    period = _published(year)
    results = load_period_results(period, only_final=True)
    kinds = [
        {
            "kind": kind,
            "ranked": kind.ranked(),
            "counts": kind.grade_counts(),
            "chart": charts.bar_chart(
                kind.grade_counts(), title=f"Số cơ quan, đơn vị theo mức — {kind.table.label}"
            ),
        }
        for kind in results.kinds
    ]
    return render(
        request,
        "assessments/public/period_results.html",
        {
            "period": period,
            "kinds": kinds,
            "counts": results.grade_counts(),
            "chart": charts.bar_chart(
                results.grade_counts(), title=f"Số cơ quan, đơn vị theo mức năm {period.year}"
            ),
            "total": results.final_count,
        },
    )


@require_GET
def scorecard(request, year, agency):
    period = _published(year)
    results = load_period_results(period, only_final=True)
    result = results.for_agency(agency)
    if result is None:
        raise Http404
    kind = next(k for k in results.kinds if any(r is result for r in k.agencies))
    kind.ranked()
    groups = {c.code: final for c, _own, final in result.group_rows()}
    rows = [
        {
            "row": row,
            "group_points": groups.get(row.criterion.code),
        }
        for row in result.rows
    ]
    history = list(
        Submission.objects.filter(
            agency=result.agency,
            status=SubmissionStatus.FINALISED,
            period__is_practice=False,
            period__status=PeriodStatus.PUBLISHED,
        )
        .select_related("period")
        .order_by("period__year")
    )
    trend = charts.line_chart(
        [(str(s.period.year), s.final_score) for s in history],
        title=f"Điểm chính thức của {result.agency.name} qua các năm",
    )
    return render(
        request,
        "assessments/public/scorecard.html",
        {
            "period": period,
            "result": result,
            "kind": kind,
            "rows": rows,
            "history": history,
            "trend": trend,
        },
    )


def _attachment(export, *, inline=False) -> HttpResponse:
    response = HttpResponse(export.render(), content_type=export.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_csv(request, year):
    return _attachment(OpenDataCsv(load_period_results(_published(year), only_final=True)))


@require_GET
def open_data_json(request, year):
    export = OpenDataJson(load_period_results(_published(year), only_final=True))
    return _attachment(export, inline=True)


@require_GET
def open_data_doc(request):
    published = Period.objects.filter(is_practice=False, status=PeriodStatus.PUBLISHED).order_by(
        "-year"
    )
    return render(
        request,
        "assessments/public/open_data.html",
        {"columns": COLUMNS, "published": published},
    )


@require_GET
def criteria(request, year):
    period = get_object_or_404(
        Period, year=year, is_practice=False, status__in=PERIOD_CRITERIA_PUBLIC
    )
    tables = []
    for table in period.tables.select_related("kind").prefetch_related("criteria"):
        rows = []
        for criterion in table.criteria.all():
            description = ""
            if not criterion.is_group:
                try:
                    description = describe_rule(criterion.rule, criterion.params, criterion.maximum)
                except InvalidRule:
                    description = ""
            rows.append((criterion, description))
        tables.append((table, rows))
    return render(request, "assessments/public/criteria.html", {"period": period, "tables": tables})


urlpatterns = [
    path("", periods, name="periods"),
    path("du-lieu-mo/", open_data_doc, name="open_data"),
    path("<int:year>/", period_results, name="period_results"),
    path("<int:year>/tieu-chi/", criteria, name="criteria"),
    path("<int:year>/ket-qua.csv", open_data_csv, name="open_data_csv"),
    path("<int:year>/ket-qua.json", open_data_json, name="open_data_json"),
    path("<int:year>/<slug:agency>/", scorecard, name="scorecard"),
]
