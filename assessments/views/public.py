"""What anyone can read without logging in: published results, scorecards, open data, and the
criteria tables (public from the moment a period opens). Everything about a period's results
answers 404 until the lead publishes it."""

from decimal import Decimal

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from assessments import charts, lineage, results
from assessments.display import describe_criterion
from assessments.enums import PERIOD_CRITERIA_PUBLIC, PeriodStatus
from assessments.exports.open_data import COLUMNS, OpenDataCsv, OpenDataJson
from assessments.forms.public import RankingFilters
from assessments.models import Period
from assessments.paging import PER_PAGE, paginate


def _published(code) -> Period:
    """A published official period by its code (unique: several programs may share a year; the
    2022 period's code is “2022”, so its addresses are the ones always published)."""
    return get_object_or_404(
        Period.objects.select_related("evaluating_agency", "program"),
        code=code,
        is_practice=False,
        status=PeriodStatus.PUBLISHED,
    )


@require_GET
def periods(request):
    rows = (
        Period.objects.filter(is_practice=False, status__in=PERIOD_CRITERIA_PUBLIC)
        .select_related("program", "evaluating_agency")
        .order_by("-year", "program__order", "code")
    )
    return render(request, "assessments/public/periods.html", {"periods": rows})


@require_GET
def period_results(request, code):
    """Grade counts per kind and each kind's ranking, a page at a time: without `loai`, every
    kind's first page; with `loai`, that kind only, paginated; `q` (name) and `muc` (grade) filter
    the ranking without changing anyone's rank."""
    period = _published(code)
    summary = results.period_summary(period)
    filters = RankingFilters(
        request.GET, kinds=[kind.kind for kind in summary.kinds], grades=period.grade_labels
    )
    selected, query, grade = filters.kind, filters.value("q").strip(), filters.value("muc")
    heads = {}
    if selected is None:
        # One query for every kind's first page; one row more tells whether a next page exists.
        heads = results.ranking_heads(period, size=PER_PAGE + 1, query=query, grade=grade)
    kinds = []
    for kind in summary.kinds:
        if selected is not None and kind.kind != selected:
            continue
        if selected is not None:
            page = paginate(request, results.ranking(period, kind.table, query=query, grade=grade))
            ranked, more = page, False
        else:
            page, head = None, heads.get(kind.table.pk, [])
            ranked, more = head[:PER_PAGE], len(head) > PER_PAGE
        kinds.append(
            {
                "kind": kind,
                "ranked": ranked,
                "page": page,
                "more": more,
                "counts": kind.counts,
                "chart": charts.bar_chart(
                    kind.counts, title=f"Số cơ quan, đơn vị theo mức — {kind.table.label}"
                ),
            }
        )
    return render(
        request,
        "assessments/public/period_results.html",
        {
            "period": period,
            "kinds": kinds,
            "summary": summary,
            "filters": filters,
            "selected": selected,
            "counts": summary.grade_counts(),
            "chart": charts.bar_chart(
                summary.grade_counts(), title=f"Số cơ quan, đơn vị theo mức năm {period.year}"
            ),
            "total": summary.final_count,
        },
    )


@require_GET
def scorecard(request, code, agency):
    period = _published(code)
    found = results.agency_results(period, agency, only_final=True)
    if found is None:
        raise Http404
    kind, result = found
    stored = result.submission.result.group_points if hasattr(result.submission, "result") else {}
    computed = {c.code: final for c, _own, final in result.group_rows()}
    rows = [
        {
            "row": row,
            "group_points": Decimal(stored[row.criterion.code])
            if row.criterion.code in stored
            else computed.get(row.criterion.code),
        }
        for row in result.rows
    ]
    pillars = [
        entry
        for entry in rows
        if entry["row"].criterion.is_top_level_group
        and entry["row"].criterion.maximum
        and entry["row"].criterion.maximum > 0
    ]
    # The agency's own results in this program and those of the agencies it continues (merges,
    # splits), labelled.
    history = lineage.trend(result.agency, program=period.program)
    trend = charts.trend_chart(
        lineage.trend_series(history),
        title=f"Điểm chính thức của {result.agency.name} qua các năm",
        maximum=period.scale_max,
    )
    return render(
        request,
        "assessments/public/scorecard.html",
        {
            "period": period,
            "result": result,
            "kind": kind,
            "kind_total": results.final_submissions(period).filter(table=kind.table).count(),
            "rows": rows,
            "pillars": pillars,
            "history": history,
            "trend": trend,
        },
    )


def _streamed(export, *, inline=False) -> StreamingHttpResponse:
    """Open data row by row: memory stays the same whatever the number of agencies."""
    response = StreamingHttpResponse(export.stream(), content_type=export.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_csv(request, code):
    return _streamed(OpenDataCsv(_published(code)))


@require_GET
def open_data_json(request, code):
    return _streamed(OpenDataJson(_published(code)), inline=True)


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
def criteria(request, code):
    period = get_object_or_404(
        Period.objects.select_related("program"),
        code=code,
        is_practice=False,
        status__in=PERIOD_CRITERIA_PUBLIC,
    )
    tables = []
    for table in period.tables.select_related("kind").prefetch_related("criteria"):
        rows = []
        for criterion in table.criteria.all():
            description = describe_criterion(criterion)
            rows.append((criterion, description))
        tables.append((table, rows))
    return render(request, "assessments/public/criteria.html", {"period": period, "tables": tables})


urlpatterns = [
    path("", periods, name="periods"),
    path("du-lieu-mo/", open_data_doc, name="open_data"),
    path("<slug:code>/", period_results, name="period_results"),
    path("<slug:code>/tieu-chi/", criteria, name="criteria"),
    path("<slug:code>/ket-qua.csv", open_data_csv, name="open_data_csv"),
    path("<slug:code>/ket-qua.json", open_data_json, name="open_data_json"),
    path("<slug:code>/<slug:agency>/", scorecard, name="scorecard"),
]
