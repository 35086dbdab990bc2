"""Administration: periods, criteria tables, agencies, accounts, extensions, reminders.

Only administrators reach these pages (404 for everyone else, so the pages' existence is not
confirmed). Views load, check, call a domain function (periods, accounts, imports, workflow)
and turn its error into a message.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import accounts, history, imports, outbox, periods, prefills, workflow
from assessments.criteria_io import CriteriaImportError
from assessments.enums import PeriodStatus
from assessments.exports.agencies_xlsx import AccountsExport, AgenciesExport
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.exports.prefill_xlsx import PrefillExport
from assessments.forms.administration import (
    AccountForm,
    AgencyForm,
    AgencyKindForm,
    CriteriaUploadForm,
    ExtensionForm,
    NewPeriodForm,
    PeriodForm,
    PeriodStatusForm,
    PortalSetPasswordForm,
    ProgramForm,
    ReasonForm,
    ReminderForm,
    WorkbookForm,
)
from assessments.models import (
    Agency,
    AgencyKind,
    CriteriaTable,
    Extension,
    OutboundEmail,
    Period,
    Program,
    User,
)
from assessments.paging import paginate
from assessments.permissions import can_administer
from assessments.workbooks import UnreadableWorkbook

# The period moves an administrator makes here; publishing belongs to the lead (reports).
PERIOD_ACTIONS = {
    "open_period": "Mở cho các cơ quan tự đánh giá",
    "close_self_assessment": "Kết thúc tự đánh giá, chuyển sang thẩm định",
    "archive_period": "Đưa vào lưu trữ",
}
LIST_LIMIT = 200


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_administer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _download(export) -> HttpResponse:
    response = HttpResponse(export.render(), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _values(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


# Periods -------------------------------------------------------------------------------------


@admin_required
def admin_home(request):
    """Every program with its periods, newest first (several programs may share a year)."""
    rows = (
        Period.objects.select_related("evaluating_agency")
        .annotate(
            table_count=Count("tables", distinct=True),
            submission_count=Count("submissions", distinct=True),
        )
        .order_by("-year", "is_practice", "code")
    )
    by_program: dict[int, list] = {}
    for period in rows:
        by_program.setdefault(period.program_id, []).append(period)
    programs_list = [
        (program, by_program.get(program.pk, []))
        for program in Program.objects.select_related("evaluating_agency")
    ]
    return render(request, "assessments/administration/home.html", {"programs": programs_list})


@admin_required
def program_form(request, code=None):
    """Create a program, or change its wording; every changed field is audited."""
    program = get_object_or_404(Program, code=code) if code else None
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        values = _values(form, periods.PROGRAM_FIELDS)
        if program is None:
            program = periods.create_program(actor=request.user, **values)
            messages.success(request, f"Đã tạo chương trình đánh giá “{program}”.")
        elif periods.update_program(program, actor=request.user, **values):
            messages.success(request, "Đã lưu thay đổi của chương trình đánh giá.")
        else:
            messages.info(request, "Không có thay đổi nào.")
        return redirect("assessments:admin_home")
    return render(
        request,
        "assessments/administration/program_form.html",
        {"form": form, "program": program},
    )


@admin_required
def period_create(request):
    program = Program.objects.filter(code=request.GET.get("chuong-trinh", "")).first()
    latest = Period.objects.filter(is_practice=False)
    if program is not None:
        latest = latest.filter(program=program)
    latest = latest.order_by("-year").first()
    if request.method == "POST":
        form = NewPeriodForm(request.POST)
        if form.is_valid():
            period = periods.create_period(
                actor=request.user,
                copy_from=form.cleaned_data["copy_from"],
                **_values(form, periods.PERIOD_FIELDS),
            )
            messages.success(request, f"Đã tạo kỳ đánh giá “{period}”.")
            return redirect("assessments:admin_period", period.code)
    else:
        initial = _next_year_initial(latest)
        if program is not None:
            initial.setdefault("program", program.pk)
            initial.setdefault("evaluating_agency", program.evaluating_agency_id)
        form = NewPeriodForm(initial=initial)
    return render(request, "assessments/administration/period_form.html", {"form": form})


def _shift(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/2
        return day.replace(year=day.year + years, day=28)


def _next_year_initial(latest) -> dict:
    """Last year's settings one year on: usually only the dates and the year change."""
    if latest is None:
        return {}
    year = latest.year + 1
    program = latest.program
    taken = Period.objects.filter(code=str(year)).exists()
    return {
        "program": program.pk,
        "code": f"{program.code}-{year}" if taken else str(year),
        "year": year,
        "title": f"{program.name} năm {year}",
        "window_start": _shift(latest.window_start, 1),
        "window_end": _shift(latest.window_end, 1),
        "self_assessment_deadline": _shift(latest.self_assessment_deadline, 1),
        "report_deadline": _shift(latest.report_deadline, 1),
        "evaluating_agency": latest.evaluating_agency_id,
        "legal_basis": latest.legal_basis,
        "guidance_document": "",
        "scale_max": latest.scale_max,
        "decimal_places": latest.decimal_places,
        "bands": latest.bands,
        "copy_from": latest.pk,
    }


@admin_required
def period_detail(request, code):
    period = get_object_or_404(
        Period.objects.select_related("evaluating_agency", "program"), code=code
    )
    tables = (
        period.tables.select_related("kind")
        .annotate(
            criteria_count=Count("criteria", filter=~Q(criteria__rule=""), distinct=True),
            measurable_count=Count(
                "criteria",
                filter=Q(criteria__measurable=True) & ~Q(criteria__rule=""),
                distinct=True,
            ),
            submission_count=Count("submissions", distinct=True),
        )
        .order_by("kind__order")
    )
    sources = {
        name: label
        for name, label in PERIOD_ACTIONS.items()
        if period.status in workflow.PERIOD_TRANSITIONS[name][0]
    }
    context = {
        "period": period,
        "tables": tables,
        "actions": sources,
        "upload_form": CriteriaUploadForm(period=period),
        "audit_entries": history.period_log(period),
        "fact_count": period.prefilled_facts.count(),
        "deadline_passed": timezone.now() >= period.deadline_ends_at,
        # Before opening, the administrator reads what a copied table still says of past years.
        "other_year_texts": (
            periods.texts_naming_other_years(period)
            if period.status == PeriodStatus.PREPARING
            else []
        ),
    }
    return render(request, "assessments/administration/period_detail.html", context)


@admin_required
def period_edit(request, code):
    period = get_object_or_404(Period, code=code)
    form = PeriodForm(request.POST or None, instance=Period.objects.get(pk=period.pk))
    if request.method == "POST" and form.is_valid():
        changed = periods.update_period(
            period, actor=request.user, **_values(form, periods.PERIOD_FIELDS)
        )
        if changed:
            messages.success(request, "Đã lưu thay đổi của kỳ đánh giá.")
        else:
            messages.info(request, "Không có thay đổi nào.")
        return redirect("assessments:admin_period", period.code)
    return render(
        request, "assessments/administration/period_form.html", {"form": form, "period": period}
    )


@admin_required
@require_POST
def period_status(request, code):
    period = get_object_or_404(Period, code=code)
    form = PeriodStatusForm(request.POST, actions=PERIOD_ACTIONS)
    if not form.is_valid():
        raise Http404
    name = form.cleaned_data["action"]
    try:
        if name == "open_period":
            period = periods.open_period(
                period,
                actor=request.user,
                confirm_past_deadline=form.cleaned_data["confirm_past_deadline"],
            )
        else:
            period = workflow.change_period_status(
                period, name, actor=request.user, reason=form.cleaned_data["reason"]
            )
    except (workflow.WorkflowError, periods.AdministrationError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Kỳ đánh giá chuyển sang trạng thái “{period.get_status_display()}”."
        )
    return redirect("assessments:admin_period", period.code)


# Criteria tables -----------------------------------------------------------------------------


@admin_required
def criteria_template(request):
    return _download(CriteriaTableExport())


@admin_required
def table_download(request, code, kind):
    table = get_object_or_404(
        CriteriaTable.objects.select_related("period", "kind"), period__code=code, kind__code=kind
    )
    return _download(CriteriaTableExport(table))


@admin_required
def table_upload(request, code):
    period = get_object_or_404(Period, code=code)
    form = CriteriaUploadForm(request.POST or None, request.FILES or None, period=period)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            table = imports.import_criteria_workbook(
                upload.read(), period, kind, actor=request.user, filename=upload.name
            )
        except UnreadableWorkbook as error:
            form.add_error("file", error.errors)
        except CriteriaImportError as error:
            errors = error.errors
        else:
            messages.success(
                request, f"Đã nhập {table.label} ({table.criteria.count()} dòng) cho kỳ “{period}”."
            )
            return redirect("assessments:admin_period", period.code)
    return render(
        request,
        "assessments/administration/table_upload.html",
        {"period": period, "form": form, "errors": errors},
    )


# Facts prefilled from the province's systems ------------------------------------------------


@admin_required
def prefill_import(request, code):
    period = get_object_or_404(Period.objects.select_related("evaluating_agency"), code=code)
    form = WorkbookForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = prefills.import_prefill_workbook(
                upload.read(), period, actor=request.user, filename=upload.name
            )
        except UnreadableWorkbook as error:
            form.add_error("file", error.errors)
        except CriteriaImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                f"Đã nhập số liệu điền sẵn: {outcome.created} mới, {outcome.replaced} thay, "
                f"{outcome.unchanged} giữ nguyên; điền vào {outcome.placed} tiêu chí của phiếu "
                "đang soạn.",
            )
            return redirect("assessments:admin_period", period.code)
    return render(
        request,
        "assessments/administration/prefill_import.html",
        {
            "period": period,
            "form": form,
            "errors": errors,
            "fact_count": period.prefilled_facts.count(),
            "open": period.status in prefills.PREFILL_PERIOD_STATUSES,
        },
    )


@admin_required
def prefill_download(request, code):
    period = get_object_or_404(Period.objects.select_related("evaluating_agency"), code=code)
    return _download(PrefillExport(period))


# Extensions ----------------------------------------------------------------------------------


@admin_required
def extensions(request, code):
    period = get_object_or_404(Period, code=code)
    agencies = periods.expected_agencies(period).order_by("kind__order", "order", "name")
    form = ExtensionForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            extension = periods.grant_extension(
                period,
                form.cleaned_data["agency"],
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except periods.AdministrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Đã gia hạn cho {extension.agency} đến hết ngày "
                f"{extension.new_deadline:%d/%m/%Y}.",
            )
            return redirect("assessments:admin_extensions", period.code)
    rows = period.extensions.select_related("agency", "granted_by").order_by("agency__name")
    return render(
        request,
        "assessments/administration/extensions.html",
        {"period": period, "form": form, "extensions": rows, "reason_form": ReasonForm()},
    )


@admin_required
@require_POST
def extension_remove(request, code, pk):
    extension = get_object_or_404(
        Extension.objects.select_related("period", "agency"), pk=pk, period__code=code
    )
    form = ReasonForm(request.POST)
    if form.is_valid():
        periods.remove_extension(extension, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Đã hủy gia hạn của {extension.agency}.")
    else:
        messages.error(request, "Vui lòng nêu lý do hủy gia hạn.")
    return redirect("assessments:admin_extensions", code)


# Reminders -----------------------------------------------------------------------------------


@admin_required
def reminders(request, code):
    period = get_object_or_404(Period, code=code)
    if request.method == "POST":
        form = ReminderForm(request.POST, period=period)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["agency"]))
        else:
            chosen = [agency.pk for agency in form.cleaned_data["agency"]]
            try:
                sent, skipped = periods.send_reminders(period, chosen, actor=request.user)
            except periods.AdministrationError as error:
                messages.error(request, error.message)
                return redirect("assessments:admin_reminders", period.code)
            if sent:
                messages.success(request, f"Đã gửi nhắc việc tới {len(sent)} cơ quan, đơn vị.")
            if skipped:
                names = ", ".join(str(agency) for agency in skipped)
                messages.warning(
                    request,
                    "Không gửi cho (đã nhắc hôm nay, đã nộp, hoặc đã quá hạn mà không được "
                    f"gia hạn): {names}.",
                )
        return redirect("assessments:admin_reminders", period.code)
    rows = periods.agency_progress(period)
    counts = {
        state: sum(1 for row in rows if row["state"] == state) for state in periods.PROGRESS_LABELS
    }
    return render(
        request,
        "assessments/administration/reminders.html",
        {
            "period": period,
            "rows": rows,
            "counts": counts,
            "labels": periods.PROGRESS_LABELS,
            "is_open": period.status == PeriodStatus.SELF_ASSESSMENT,
        },
    )


# Agency kinds and agencies -------------------------------------------------------------------


@admin_required
def kinds(request):
    form = AgencyKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = AgencyKind()
        accounts.save_agency_kind(kind, actor=request.user, **_values(form, accounts.KIND_FIELDS))
        messages.success(request, f"Đã thêm loại “{kind.name}”.")
        return redirect("assessments:admin_kinds")
    rows = AgencyKind.objects.annotate(agency_count=Count("agencies")).order_by("order", "name")
    return render(request, "assessments/administration/kinds.html", {"kinds": rows, "form": form})


@admin_required
def kind_edit(request, pk):
    kind = get_object_or_404(AgencyKind, pk=pk)
    form = AgencyKindForm(request.POST or None, instance=AgencyKind.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        accounts.save_agency_kind(kind, actor=request.user, **_values(form, accounts.KIND_FIELDS))
        messages.success(request, f"Đã lưu loại “{kind.name}”.")
        return redirect("assessments:admin_kinds")
    return render(
        request,
        "assessments/administration/simple_form.html",
        {
            "form": form,
            "title": f"Sửa loại cơ quan, đơn vị: {kind.name}",
            "back": "assessments:admin_kinds",
        },
    )


@admin_required
def agencies(request):
    query = request.GET.get("q", "").strip()
    rows = Agency.objects.select_related("kind")
    if query:
        rows = rows.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query)
        )
    return render(
        request,
        "assessments/administration/agencies.html",
        {"agencies": paginate(request, rows), "query": query},
    )


@admin_required
def agency_form(request, pk=None):
    agency = get_object_or_404(Agency, pk=pk) if pk else Agency()
    form = AgencyForm(request.POST or None, instance=Agency.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():
        accounts.save_agency(agency, actor=request.user, **_values(form, accounts.AGENCY_FIELDS))
        messages.success(request, f"Đã lưu “{agency.name}”.")
        return redirect("assessments:admin_agencies")
    title = f"Sửa cơ quan, đơn vị: {agency.name}" if pk else "Thêm cơ quan, đơn vị"
    return render(
        request,
        "assessments/administration/simple_form.html",
        {
            "form": form,
            "title": title,
            "back": "assessments:admin_agencies",
            "note": "Cơ quan đã có hồ sơ không bị xóa; bỏ chọn “đang hoạt động” để ngừng đánh giá.",
        },
    )


def _import_view(request, *, title, importer, export, back):
    form = WorkbookForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created, updated = importer(upload.read(), actor=request.user)
        except UnreadableWorkbook as error:
            form.add_error("file", error.errors)
        except CriteriaImportError as error:
            errors = error.errors
        else:
            messages.success(request, f"Đã thêm {created}, cập nhật {updated} dòng.")
            return redirect(back)
    return render(
        request,
        "assessments/administration/workbook_import.html",
        {"form": form, "errors": errors, "title": title, "export": export, "back": back},
    )


@admin_required
def agencies_import(request):
    return _import_view(
        request,
        title="Nhập cơ quan, đơn vị từ Excel",
        importer=imports.import_agencies_workbook,
        export="assessments:admin_agencies_export",
        back="assessments:admin_agencies",
    )


@admin_required
def agencies_export(request):
    return _download(AgenciesExport(template=bool(request.GET.get("mau"))))


# Accounts ------------------------------------------------------------------------------------


@admin_required
def accounts_list(request):
    query = request.GET.get("q", "").strip()
    rows = User.objects.select_related("agency").order_by("role", "agency__name", "username")
    if query:
        rows = rows.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(agency__name__icontains=query)
        )
    return render(
        request,
        "assessments/administration/accounts.html",
        {"accounts": paginate(request, rows), "query": query},
    )


@admin_required
def account_form(request, pk=None):
    user = get_object_or_404(User, pk=pk) if pk else None
    form = AccountForm(
        request.POST or None,
        instance=User.objects.get(pk=pk) if pk else None,
        editor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        values = _values(form, accounts.USER_FIELDS)
        if user is None:
            user = accounts.create_account(actor=request.user, **values)
            messages.success(request, f"Đã tạo tài khoản “{user.username}”.")
            _tell_delivery(request, OutboundEmail.objects.filter(recipient=user).first())
        else:
            accounts.update_account(user, actor=request.user, **values)
            messages.success(request, f"Đã lưu tài khoản “{user.username}”.")
        return redirect("assessments:admin_accounts")
    return render(
        request,
        "assessments/administration/account_form.html",
        {"form": form, "account": user},
    )


@admin_required
@require_POST
def account_send_link(request, pk):
    user = get_object_or_404(User, pk=pk)
    _tell_delivery(request, accounts.send_password_link(user, actor=request.user))
    return redirect("assessments:admin_account", user.pk)


def _tell_delivery(request, email) -> None:
    """Say what became of the password link: nothing reads "sent" before the mail server took it."""
    level, text = outbox.delivery_message(email, what="đường dẫn đặt mật khẩu")
    getattr(messages, level)(request, text)


@admin_required
def accounts_import(request):
    return _import_view(
        request,
        title="Nhập tài khoản cán bộ đầu mối từ Excel",
        importer=imports.import_accounts_workbook,
        export="assessments:admin_accounts_export",
        back="assessments:admin_accounts",
    )


@admin_required
def accounts_export(request):
    return _download(AccountsExport(template=bool(request.GET.get("mau"))))


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link a new account receives (Django's reset token: it stops working once
    the password is set)."""

    form_class = PortalSetPasswordForm
    template_name = "assessments/administration/set_password.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        # A deactivated account's link must not set a password someone could use the day the
        # account is reactivated.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Đã đặt mật khẩu. Vui lòng đăng nhập.")
        return response


urlpatterns = [
    path("quan-tri/", admin_home, name="admin_home"),
    path("quan-tri/chuong-trinh/tao-moi/", program_form, name="admin_program_create"),
    path("quan-tri/chuong-trinh/<slug:code>/", program_form, name="admin_program"),
    path("quan-tri/ky-danh-gia/tao-moi/", period_create, name="admin_period_create"),
    path("quan-tri/ky-danh-gia/<slug:code>/", period_detail, name="admin_period"),
    path("quan-tri/ky-danh-gia/<slug:code>/sua/", period_edit, name="admin_period_edit"),
    path("quan-tri/ky-danh-gia/<slug:code>/trang-thai/", period_status, name="admin_period_status"),
    path("quan-tri/ky-danh-gia/<slug:code>/tai-len-bang/", table_upload, name="admin_table_upload"),
    path(
        "quan-tri/ky-danh-gia/<slug:code>/bang/<slug:kind>.xlsx",
        table_download,
        name="admin_table_download",
    ),
    path(
        "quan-tri/ky-danh-gia/<slug:code>/so-lieu-dien-san/",
        prefill_import,
        name="admin_prefill_import",
    ),
    path(
        "quan-tri/ky-danh-gia/<slug:code>/so-lieu-dien-san.xlsx",
        prefill_download,
        name="admin_prefill_download",
    ),
    path("quan-tri/ky-danh-gia/<slug:code>/gia-han/", extensions, name="admin_extensions"),
    path(
        "quan-tri/ky-danh-gia/<slug:code>/gia-han/<int:pk>/huy/",
        extension_remove,
        name="admin_extension_remove",
    ),
    path("quan-tri/ky-danh-gia/<slug:code>/nhac-viec/", reminders, name="admin_reminders"),
    path("quan-tri/mau-bang-tieu-chi.xlsx", criteria_template, name="admin_criteria_template"),
    path("quan-tri/loai-co-quan/", kinds, name="admin_kinds"),
    path("quan-tri/loai-co-quan/<int:pk>/", kind_edit, name="admin_kind"),
    path("quan-tri/co-quan/", agencies, name="admin_agencies"),
    path("quan-tri/co-quan/them/", agency_form, name="admin_agency_create"),
    path("quan-tri/co-quan/<int:pk>/", agency_form, name="admin_agency"),
    path("quan-tri/co-quan/nhap-excel/", agencies_import, name="admin_agencies_import"),
    path("quan-tri/co-quan/co-quan.xlsx", agencies_export, name="admin_agencies_export"),
    path("quan-tri/tai-khoan/", accounts_list, name="admin_accounts"),
    path("quan-tri/tai-khoan/them/", account_form, name="admin_account_create"),
    path("quan-tri/tai-khoan/<int:pk>/", account_form, name="admin_account"),
    path(
        "quan-tri/tai-khoan/<int:pk>/gui-duong-dan/",
        account_send_link,
        name="admin_account_send_link",
    ),
    path("quan-tri/tai-khoan/nhap-excel/", accounts_import, name="admin_accounts_import"),
    path("quan-tri/tai-khoan/tai-khoan.xlsx", accounts_export, name="admin_accounts_export"),
    path(
        "dat-mat-khau/<uidb64>/<token>/",
        SetPasswordView.as_view(),
        name="set_password",
    ),
]
