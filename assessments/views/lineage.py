"""Administration of agencies' history: renames, merges and splits, through a form or a
workbook (one row per change). The rules and the writing are assessments.lineage's."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from assessments import imports, lineage
from assessments.exports.agencies_xlsx import AgencyChangesExport
from assessments.forms.lineage import AgencyChangeForm
from assessments.models import AgencyChange
from assessments.views.administration import _download, _import_view, admin_required


@admin_required
def agency_changes(request):
    """The recorded changes, newest first, and the form to record one (POST)."""
    form = AgencyChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = lineage.record_change(
                actor=request.user,
                kind=data["kind"],
                effective_date=data["effective_date"],
                predecessors=list(data["predecessors"]),
                successors=list(data["successors"]),
                new_name=data["new_name"],
                decision=data["decision"],
            )
        except lineage.ChangeError as error:
            # Another administrator recorded a change in between: the rules are checked again
            # under the lock, and the form shows why.
            for field, message in error.errors:
                form.add_error(field or None, message)
        else:
            messages.success(
                request,
                f"Đã ghi nhận {change.get_kind_display().lower()} hiệu lực từ ngày "
                f"{change.effective_date:%d/%m/%Y}.",
            )
            return redirect("assessments:admin_agency_changes")
    changes = (
        AgencyChange.objects.prefetch_related("predecessors", "successors")
        .select_related("recorded_by")
        .order_by("-effective_date", "-id")
    )
    return render(
        request,
        "assessments/administration/agency_changes.html",
        {"form": form, "changes": changes},
    )


@admin_required
def agency_changes_import(request):
    return _import_view(
        request,
        title="Nhập đổi tên, hợp nhất, chia tách từ Excel",
        importer=imports.import_agency_changes_workbook,
        export="assessments:admin_agency_changes_export",
        back="assessments:admin_agency_changes",
    )


@admin_required
def agency_changes_export(request):
    return _download(AgencyChangesExport(template=bool(request.GET.get("mau"))))


urlpatterns = [
    path("quan-tri/thay-doi-co-quan/", agency_changes, name="admin_agency_changes"),
    path(
        "quan-tri/thay-doi-co-quan/nhap-excel/",
        agency_changes_import,
        name="admin_agency_changes_import",
    ),
    path(
        "quan-tri/thay-doi-co-quan/thay-doi.xlsx",
        agency_changes_export,
        name="admin_agency_changes_export",
    ),
]
