"""Reports for the lead and administrators: downloads, the official report, publication and the
statistics dashboard. Everyone else gets 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from assessments import jobs, permissions, statistics, workflow
from assessments.enums import EXPORT_IN_PROGRESS, ExportKind, PeriodStatus
from assessments.exports.base import XLSX_CONTENT_TYPE, ZIP_CONTENT_TYPE
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.dossier import AgencyDossierZip
from assessments.exports.official_report import (
    IssueError,
    OfficialReportPdf,
    issue_official_report,
    issued_report,
)
from assessments.exports.result_sheet import ResultSheetPdf
from assessments.exports.signed_copy import signed_copy_of
from assessments.forms.public import RankingFilters as ReportFilters
from assessments.forms.reports import IssueReportForm, UnpublishForm
from assessments.models import Agency, Period, PeriodExport
from assessments.paging import paginate
from assessments.permissions import can_export_reports
from assessments.results import (
    FINAL_PERIOD_STATUSES,
    NOT_APPLICABLE_ITEMS,
    load_period_results,
    stream_period_results,
)

LEAD_ONLY = "Chỉ lãnh đạo {agency} được công bố hoặc hủy công bố kết quả."


def reports_only(view):
    """404 for anyone who may not export reports, before any other check (even the method)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_export_reports(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _period_for(user, code) -> Period:
    if not can_export_reports(user):
        raise Http404
    return get_object_or_404(Period.objects.select_related("program"), code=code)


def download(export) -> HttpResponse:
    response = HttpResponse(export.render(), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
def reports_home(request):
    if not can_export_reports(request.user):
        raise Http404
    periods = (
        Period.objects.exclude(status=PeriodStatus.PREPARING)
        .select_related("program")
        .order_by("program__order", "program__name", "-year", "code")
    )
    return render(request, "assessments/reports/home.html", {"periods": periods})


@login_required
def period_reports(request, code):
    period = _period_for(request.user, code)
    filters = ReportFilters(
        request.GET, kinds=period.tables.select_related("kind"), grades=period.grade_labels
    )
    agencies = statistics.listed_agencies(period)
    total = agencies.count()
    if filters.kind is not None:
        agencies = agencies.filter(kind=filters.kind)
    query = filters.value("q").strip()
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    page = paginate(request, agencies)
    issued = issued_report(period)
    return render(
        request,
        "assessments/reports/period.html",
        {
            "period": period,
            # Only this page's agencies, unscored, with only the items their notes name.
            "results": load_period_results(
                period, agencies=page, scored=False, items=NOT_APPLICABLE_ITEMS
            ),
            "page": page,
            "filters": filters,
            "total": total,
            "final_count": statistics.final_count(period),
            "issued": issued,
            "issued_signed": signed_copy_of(issued),
            "signed_upload_url": reverse("assessments:signed_report_upload", args=[period.code])
            if issued is not None and permissions.can_issue(request.user)
            else "",
            "issue_form": IssueReportForm.for_program(period.program),
            "unpublish_form": UnpublishForm(),
            "is_final": period.status in FINAL_PERIOD_STATUSES,
            "can_publish": permissions.is_lead(request.user),
            "export_panels": _export_panels(period),
        },
    )


# Files built in the background: URL slug → kind.
EXPORT_SLUGS = {"ho-so-zip": ExportKind.DOSSIER_ZIP, "tong-hop-xlsx": ExportKind.CONSOLIDATED_XLSX}


def _export_panels(period) -> list[dict]:
    found = {export.kind: export for export in PeriodExport.objects.filter(period=period)}
    return [
        {
            "slug": slug,
            "kind": kind,
            "label": ExportKind(kind).label,
            "export": found.get(kind),
            "in_progress": kind in found and found[kind].status in EXPORT_IN_PROGRESS,
        }
        for slug, kind in EXPORT_SLUGS.items()
    ]


def _export_kind(slug) -> str:
    if slug not in EXPORT_SLUGS:
        raise Http404
    return EXPORT_SLUGS[slug]


@login_required
@reports_only
@require_POST
def export_request(request, code, kind):
    """Ask a worker to build the period's ZIP or workbook; the page then shows its progress."""
    period = _period_for(request.user, code)
    try:
        export = jobs.request_export(period, _export_kind(kind), actor=request.user)
    except jobs.ExportRequestError as error:
        messages.error(request, error.message)
    else:
        messages.info(
            request,
            f"Đã yêu cầu tạo tệp “{export.get_kind_display()}”; trang này hiện tiến độ và "
            "đường tải về khi xong. Tệp cũ vẫn tải được cho đến khi tệp mới thay thế.",
        )
    return redirect("assessments:period_reports", period.code)


@login_required
@reports_only
def export_status(request, code, kind):
    """The progress panel alone, polled by htmx while the job runs."""
    period = _period_for(request.user, code)
    kind = _export_kind(kind)
    panel = next(panel for panel in _export_panels(period) if panel["kind"] == kind)
    return render(request, "assessments/reports/_export.html", {"period": period, "panel": panel})


@login_required
@reports_only
def export_file(request, code, kind):
    """The last file built, from whichever storage holds it (filesystem or object storage)."""
    period = _period_for(request.user, code)
    export = PeriodExport.objects.filter(period=period, kind=_export_kind(kind)).first()
    if export is None or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=jobs.export_filename(export),
        content_type=ZIP_CONTENT_TYPE
        if export.kind == ExportKind.DOSSIER_ZIP
        else XLSX_CONTENT_TYPE,
    )


@login_required
def consolidated_xlsx(request, code):
    period = _period_for(request.user, code)
    return download(ConsolidatedXlsx(stream_period_results(period)))


@login_required
def official_report(request, code):
    """The issued report exactly as stored; before issue, a draft without number or date."""
    period = _period_for(request.user, code)
    issued = issued_report(period)
    if (signed := signed_copy_of(issued)) is not None:
        # Once uploaded, the digitally signed copy is the official one.
        return FileResponse(
            signed.file.open("rb"),
            as_attachment=True,
            filename=f"bao-cao-ket-qua-{period.code}-ky-so.pdf",
            content_type="application/pdf",
        )
    if issued is not None:
        return FileResponse(
            issued.file.open("rb"),
            as_attachment=True,
            filename=f"bao-cao-ket-qua-{period.code}-da-ban-hanh.pdf",
            content_type="application/pdf",
        )
    export = OfficialReportPdf(stream_period_results(period))
    export.filename = f"du-thao-bao-cao-ket-qua-{period.code}.pdf"
    return download(export)


@login_required
@reports_only
@require_POST
def issue_report(request, code):
    period = _period_for(request.user, code)
    if not permissions.can_issue(request.user):
        raise Http404
    form = IssueReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("assessments:period_reports", period.code)
    try:
        document = issue_official_report(
            stream_period_results(period), actor=request.user, **form.cleaned_data
        )
    except IssueError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Đã ban hành báo cáo số {document.number} ngày {document.issued_on:%d/%m/%Y}."
        )
    return redirect("assessments:period_reports", period.code)


@login_required
@reports_only
@require_POST
def publish(request, code):
    """Publish the results; a period still in review is finalised first (the workflow refuses
    while any submitted dossier is not finalised)."""
    period = _period_for(request.user, code)
    if not permissions.is_lead(request.user):
        messages.error(request, LEAD_ONLY.format(agency=period.program.agency_short_name))
        return redirect("assessments:period_reports", period.code)
    try:
        if period.status == PeriodStatus.REVIEW:
            period = workflow.change_period_status(period, "finalise_period", actor=request.user)
        workflow.change_period_status(period, "publish_period", actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã công bố kết quả năm {period.year} trên trang công khai.")
    return redirect("assessments:period_reports", period.code)


@login_required
@reports_only
@require_POST
def unpublish(request, code):
    period = _period_for(request.user, code)
    if not permissions.is_lead(request.user):
        messages.error(request, LEAD_ONLY.format(agency=period.program.agency_short_name))
        return redirect("assessments:period_reports", period.code)
    form = UnpublishForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        workflow.change_period_status(period, "unpublish_period", actor=request.user, reason=reason)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã hủy công bố kết quả năm {period.year}.")
    return redirect("assessments:period_reports", period.code)


def _agency_results(user, code, agency):
    """One agency's results in the period (only its own items loaded); 404 when it has no
    submission."""
    period = _period_for(user, code)
    results = load_period_results(
        period, agencies=Agency.objects.filter(code=agency).select_related("kind")
    )
    result = results.for_agency(agency)
    if result is None or result.submission is None:
        raise Http404
    return period, results, result


@login_required
def result_sheet(request, code, agency):
    period, _results, result = _agency_results(request.user, code, agency)
    return download(ResultSheetPdf(period, result))


@login_required
def dossier(request, code, agency):
    _period, results, _result = _agency_results(request.user, code, agency)
    return download(AgencyDossierZip(results, agency))


@login_required
def dashboard(request, code):
    period = _period_for(request.user, code)
    context = statistics.dashboard(period)
    context["pillars"] = statistics.pillar_averages(period)
    if context["previous"] is not None:
        page = paginate(request, statistics.comparisons(period, context["previous"]))
        context["comparison_page"] = page
        context["comparisons"] = statistics.comparison_rows(page, context["previous"])
    return render(request, "assessments/reports/dashboard.html", context)


urlpatterns = [
    path("bao-cao/", reports_home, name="reports_home"),
    path("bao-cao/<slug:code>/", period_reports, name="period_reports"),
    path("bao-cao/<slug:code>/tong-hop.xlsx", consolidated_xlsx, name="consolidated_xlsx"),
    path("bao-cao/<slug:code>/bao-cao.pdf", official_report, name="official_report"),
    path("bao-cao/<slug:code>/ban-hanh/", issue_report, name="issue_report"),
    path("bao-cao/<slug:code>/cong-bo/", publish, name="publish_period"),
    path("bao-cao/<slug:code>/huy-cong-bo/", unpublish, name="unpublish_period"),
    path("bao-cao/<slug:code>/thong-ke/", dashboard, name="statistics"),
    path("bao-cao/<slug:code>/phieu/<slug:agency>.pdf", result_sheet, name="result_sheet"),
    path("bao-cao/<slug:code>/ho-so/<slug:agency>.zip", dossier, name="dossier"),
    path("bao-cao/<slug:code>/tep/<slug:kind>/", export_status, name="export_status"),
    path("bao-cao/<slug:code>/tep/<slug:kind>/tao/", export_request, name="export_request"),
    path("bao-cao/<slug:code>/tep/<slug:kind>/tai-ve/", export_file, name="export_file"),
]
