"""Agency officers: the period dashboard, the self-assessment form with autosave, evidence,
the submission check and confirmation, withdrawal and the self-assessment report."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from assessments import scores, selfassessment, workflow
from assessments.display import describe_inputs
from assessments.enums import PERIOD_OPEN_FOR_SUBMISSION, Role, SubmissionStatus
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.exports.signed_copy import signed_copy_of
from assessments.forms.agency import EvidenceForm, SubmitForm
from assessments.models import Evidence, ItemScore, Period, Submission
from assessments.permissions import (
    can_edit_self_assessment,
    get_evidence_for_user,
    get_submission_for_user,
    is_own_agency,
)
from assessments.selfassessment import EditRefused, ItemConflict
from assessments.services import SetupError, get_or_create_submission
from assessments.uploads import ALLOWED_LABEL, EXTENSIONS, UploadRefused
from scoring import describe_rule

# Statuses in which the agency reads its dossier beside the exchange with the Department.
EXCHANGE_STATUSES = frozenset(
    {
        SubmissionStatus.RETURNED,
        SubmissionStatus.ANSWERED,
        SubmissionStatus.AGREED,
        SubmissionStatus.FINALISED,
    }
)


def _submission_qs():
    return Submission.objects.select_related("period__evaluating_agency", "agency__kind", "table")


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _login_required_or_401(view):
    """An autosave from a page whose session expired must fail loudly (401, the page says so),
    not follow a redirect to the login page and look saved."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and _is_htmx(request):
            return HttpResponse("Phiên đăng nhập đã hết hạn.", status=401)
        return protected(request, *args, **kwargs)

    return wrapper


def _prefix(item) -> str:
    return f"c{item.pk}-"


def _prefixed(post, item) -> MultiValueDict:
    """The fields of one criterion from a page that posts all of them (names “c<id>-…”)."""
    prefix = _prefix(item)
    return MultiValueDict(
        {key[len(prefix) :]: post.getlist(key) for key in post if key.startswith(prefix)}
    )


def _stored_values(item) -> dict:
    inputs = item.inputs or {}
    met = inputs.get("met")
    return {
        "met": "" if met is None else ("yes" if met else "no"),
        "numerator": inputs.get("numerator", ""),
        "denominator": inputs.get("denominator", ""),
        "percent": inputs.get("percent", ""),
        "count": inputs.get("count", ""),
        "option": inputs.get("option", ""),
        "checked": [str(index) for index in inputs.get("checked", [])],
        "checked_none": inputs.get("checked") == [],
        "explanation": item.explanation,
        "not_applicable": item.not_applicable,
        "not_applicable_reason": item.not_applicable_reason,
    }


def _typed_values(data) -> dict:
    values = {key: data.get(key, "") for key in _stored_values(ItemScore())}
    values["checked"] = data.getlist("checked")
    values["checked_none"] = bool(data.get("checked_none")) and not values["checked"]
    values["not_applicable"] = data.get("not_applicable") in ("on", "1", "true")
    return values


class FormState:
    """What one criterion block shows besides the stored item: values typed but not stored,
    errors next to fields, a conflict, or the time it was saved."""

    def __init__(self, values=None, errors=None, conflict=None, typed=None, saved_at=None):
        self.values = values
        self.errors = errors or {}
        self.conflict = conflict
        self.typed = typed
        self.saved_at = saved_at


def _load(submission):
    """Criteria, items (criterion + evidence prefetched) and the live result: a fixed number of
    queries whatever the size of the table or the number of evidence items."""
    criteria = scores.table_criteria(submission.table)
    by_pk = {criterion.pk: criterion for criterion in criteria}
    items = list(submission.items.prefetch_related("evidence"))
    for item in items:
        # Reuse the criteria already loaded (with their parents) instead of a join per item.
        item.criterion = by_pk[item.criterion_id]
    items.sort(key=lambda item: item.criterion.order)
    result = scores.self_result(submission, criteria, items)
    return criteria, items, result


def _input_fields(criterion) -> list[str]:
    """The input fields a criterion's form shows (their error boxes are updated in place)."""
    params = criterion.params or {}
    if criterion.rule == "yes_no":
        fields = ["met"]
    elif "checklist" in params:
        fields = ["checked"]
    elif "options" in params:
        fields = ["option"]
    elif criterion.rule in ("count", "deduction"):
        fields = ["count"]
    else:
        fields = ["numerator", "denominator", "percent"]
    return [*fields, "inputs", "not_applicable"]


def _row(item, result, states, evidence_forms, all_evidence, editable):
    criterion = item.criterion
    state = states.get(item.pk) or FormState()
    values = state.values or _stored_values(item)
    item_result = result.items.get(criterion.code)
    linked = {evidence.pk for evidence in item.evidence.all()}
    return {
        "item": item,
        "criterion": criterion,
        "prefix": _prefix(item),
        "values": values,
        "checked": set(values.get("checked") or []),
        "state": state,
        "points": item_result.points if item_result else None,
        "rule_text": describe_rule(criterion.rule, criterion.params or {}, criterion.maximum),
        "params": criterion.params or {},
        "evidence": list(item.evidence.all()),
        "linkable": [e for e in all_evidence if e.pk not in linked],
        "evidence_form": evidence_forms.get(item.pk) or EvidenceForm(prefix=f"ev{item.pk}"),
        "editable": editable,
        "anchor": f"tieu-chi-{item.pk}",
        "error_fields": [(name, state.errors.get(name, "")) for name in _input_fields(criterion)],
        "described": describe_inputs(
            criterion, item.inputs or None, not_applicable=item.not_applicable
        ),
    }


def _groups(criteria, items, result, states, evidence_forms, editable):
    by_criterion = {item.criterion_id: item for item in items}
    all_evidence = {}
    for item in items:
        for evidence in item.evidence.all():
            all_evidence.setdefault(evidence.pk, evidence)
    all_evidence = sorted(all_evidence.values(), key=lambda e: (e.created_at, e.pk))
    groups = []
    for criterion in criteria:
        if criterion.is_group:
            group_result = result.groups.get(criterion.code)
            groups.append({"criterion": criterion, "result": group_result, "rows": []})
            continue
        item = by_criterion.get(criterion.pk)
        if item is None:
            continue
        row = _row(item, result, states, evidence_forms, all_evidence, editable)
        if groups:
            groups[-1]["rows"].append(row)
        else:
            groups.append({"criterion": None, "result": None, "rows": [row]})
    return groups, all_evidence


def _summary(submission, items, result):
    deadline, extension = workflow.deadline_for(submission)
    evidence_count = len({e.pk for item in items for e in item.evidence.all()})
    return {
        "deadline": deadline,
        "deadline_day": timezone.localtime(deadline - timezone.timedelta(seconds=1)).date(),
        "extension": extension,
        "evidence_count": evidence_count,
        "result": result,
    }


def _form_context(request, submission, *, states=None, evidence_forms=None):
    criteria, items, result = _load(submission)
    editable = can_edit_self_assessment(request.user, submission)
    groups, _all_evidence = _groups(
        criteria, items, result, states or {}, evidence_forms or {}, editable
    )
    return {
        "submission": submission,
        "groups": groups,
        "editable": editable,
        "is_officer": is_own_agency(request.user, submission) and request.user.role == Role.OFFICER,
        "show_exchange": submission.status in EXCHANGE_STATUSES,
        "can_withdraw": "withdraw" in workflow.allowed_actions(submission, request.user),
        "accept": ",".join(EXTENSIONS),
        "allowed_label": ALLOWED_LABEL,
        "max_mb": settings.EVIDENCE_MAX_UPLOAD_MB,
        **_summary(submission, items, result),
    }


# --- dashboard and form ---------------------------------------------------------------------


@login_required
def agency_period(request, code):
    """The officer's dashboard for one period. Before the agency has a dossier, a start page
    whose button (POST) creates it: opening a page never writes anything."""
    if request.user.role != Role.OFFICER or not request.user.agency_id:
        raise Http404
    period = get_object_or_404(Period, code=code, status__in=PERIOD_OPEN_FOR_SUBMISSION)
    agency = request.user.agency
    if request.method == "POST":
        try:
            get_or_create_submission(agency, period)
        except SetupError as error:
            messages.error(request, error.message)
            return redirect("home")
        return redirect("assessments:agency_period", period.code)
    submission = Submission.objects.filter(agency=agency, period=period).first()
    if submission is None:
        deadline, extension = workflow.agency_deadline(period, agency)
        table = period.tables.filter(kind=agency.kind_id).first()
        return render(
            request,
            "assessments/agency/start.html",
            {
                "period": period,
                "agency": agency,
                "table": table,
                "criteria_count": table.criteria.exclude(rule="").count() if table else 0,
                "extension": extension,
                "deadline": deadline,
                "deadline_day": extension.new_deadline
                if extension
                else period.self_assessment_deadline,
            },
        )
    submission = _submission_qs().get(pk=submission.pk)
    criteria, items, result = _load(submission)
    missing = scores.missing_for_submission(criteria, items)
    return render(
        request,
        "assessments/agency/dashboard.html",
        {
            "submission": submission,
            "missing_count": len(missing),
            "editable": can_edit_self_assessment(request.user, submission),
            "can_withdraw": "withdraw" in workflow.allowed_actions(submission, request.user),
            "show_exchange": submission.status in EXCHANGE_STATUSES,
            **_summary(submission, items, result),
        },
    )


@login_required
def submission_form(request, pk):
    """The self-assessment form (read-only once submitted). A POST saves every criterion at
    once: the same page without JavaScript."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    if request.method == "POST":
        _require_own_officer(request.user, submission)
        return _save_all(request, submission)
    context = _form_context(request, submission)
    # The signed copy of the submitted report, or its upload form for the agency's officers.
    context["signed_copy"] = signed_copy_of(submission) if submission.submitted_at else None
    context["signed_upload_url"] = (
        reverse("assessments:signed_self_assessment_upload", args=[submission.pk])
        if submission.submitted_at and context["is_officer"]
        else ""
    )
    return render(request, "assessments/agency/form.html", context)


def _save_posted(request, submission) -> tuple[dict, int]:
    """Save every criterion present in the POST (the whole form is posted without JS, and with
    any button of the form): valid answers are stored, invalid ones come back as states."""
    items = list(submission.items.select_related("criterion"))
    states, problems = {}, 0
    for item in items:
        data = _prefixed(request.POST, item)
        if not data:
            continue
        try:
            outcome = selfassessment.save_item(
                item, actor=request.user, data=data, expected_version=data.get("version")
            )
        except ItemConflict as conflict:
            states[item.pk] = FormState(conflict=conflict.message, typed=_typed_values(data))
            problems += 1
            continue
        except EditRefused:
            return states, problems
        if outcome.errors:
            states[item.pk] = FormState(values=_typed_values(data), errors=outcome.errors)
            problems += 1
    return states, problems


def _save_all(request, submission):
    if not can_edit_self_assessment(request.user, submission):
        messages.error(request, selfassessment.NOT_EDITABLE_MESSAGE)
        return redirect("assessments:submission_form", submission.pk)
    states, problems = _save_posted(request, submission)
    if problems:
        messages.warning(
            request,
            f"Đã lưu các nội dung hợp lệ; còn {problems} tiêu chí cần sửa (xem thông báo màu đỏ).",
        )
        submission.refresh_from_db()
        context = _form_context(request, submission, states=states)
        return render(request, "assessments/agency/form.html", context)
    messages.success(request, f"Đã lưu lúc {timezone.localtime():%H:%M}.")
    return redirect("assessments:submission_form", submission.pk)


def _require_own_officer(user, submission):
    """Only the agency's own officers change its dossier; Department staff may look, not touch."""
    if not (user.role == Role.OFFICER and is_own_agency(user, submission)):
        raise PermissionDenied


def _item_for(request, pk, item_pk):
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    _require_own_officer(request.user, submission)
    item = get_object_or_404(ItemScore, pk=item_pk, submission=submission)
    return submission, item


def _back_to(submission, item=None):
    url = reverse("assessments:submission_form", args=[submission.pk])
    return redirect(f"{url}#tieu-chi-{item.pk}" if item else url)


@_login_required_or_401
@require_POST
def item_save(request, pk, item_pk):
    """Autosave of one criterion (htmx): answers with the re-rendered block and, out of band,
    the live total, grade and progress. Without htmx, saves and goes back to the form."""
    submission, item = _item_for(request, pk, item_pk)
    data = _prefixed(request.POST, item)
    state = FormState()
    try:
        outcome = selfassessment.save_item(
            item, actor=request.user, data=data, expected_version=data.get("version")
        )
        if outcome.errors:
            state = FormState(values=_typed_values(data), errors=outcome.errors)
        else:
            state = FormState(saved_at=timezone.localtime())
    except ItemConflict as conflict:
        state = FormState(conflict=conflict.message, typed=_typed_values(data))
    except EditRefused as refused:
        if not _is_htmx(request):
            messages.error(request, refused.message)
            return _back_to(submission, item)
        return HttpResponse(
            format_html('<div class="alert alert-danger" role="alert">{}</div>', refused.message),
            status=403,
        )
    if not _is_htmx(request):
        if state.errors or state.conflict:
            messages.error(request, state.conflict or " ".join(state.errors.values()))
        else:
            messages.success(request, f"Đã lưu lúc {state.saved_at:%H:%M}.")
        return _back_to(submission, item)
    submission.refresh_from_db(fields=["version", "status"])
    context = _form_context(request, submission, states={item.pk: state})
    row = next(r for g in context["groups"] for r in g["rows"] if r["item"].pk == item.pk)
    return render(
        request, "assessments/agency/_autosave.html", {**context, "row": row, "state": state}
    )


# --- evidence -------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request, pk, item_pk):
    """Attach a citation, link or file to a criterion (multipart POST, works without JS)."""
    submission, item = _item_for(request, pk, item_pk)
    states, _problems = _save_posted(request, submission)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"ev{item.pk}")
    if form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            selfassessment.add_evidence(
                submission,
                actor=request.user,
                items=[item],
                upload=form.cleaned_data.get("upload"),
                **data,
            )
        except (EditRefused, UploadRefused) as refused:
            messages.error(request, refused.message)
            return _back_to(submission, item)
        messages.success(
            request, f"Đã thêm tài liệu kiểm chứng cho tiêu chí {item.criterion.code}."
        )
        return _back_to(submission, item)
    messages.error(
        request, f"Chưa thêm được tài liệu kiểm chứng cho tiêu chí {item.criterion.code}."
    )
    submission.refresh_from_db()
    context = _form_context(request, submission, states=states, evidence_forms={item.pk: form})
    return render(request, "assessments/agency/form.html", context, status=200)


@login_required
@require_POST
def evidence_link(request, pk, item_pk):
    """Let a document already in the dossier support this criterion too (no second upload)."""
    submission, item = _item_for(request, pk, item_pk)
    _save_posted(request, submission)
    chosen = request.POST.get(f"{_prefix(item)}link") or request.POST.get("evidence") or ""
    if not (chosen.isascii() and chosen.isdigit()):
        raise Http404
    evidence = get_object_or_404(Evidence, pk=chosen, submission=submission)
    try:
        selfassessment.link_evidence(evidence, item, actor=request.user)
    except EditRefused as refused:
        messages.error(request, refused.message)
    return _back_to(submission, item)


@login_required
@require_POST
def evidence_unlink(request, evidence_pk, item_pk):
    evidence = get_evidence_for_user(request.user, evidence_pk)
    _require_own_officer(request.user, evidence.submission)
    item = get_object_or_404(ItemScore, pk=item_pk, submission_id=evidence.submission_id)
    _save_posted(request, evidence.submission)
    try:
        selfassessment.unlink_evidence(evidence, item, actor=request.user)
    except EditRefused as refused:
        messages.error(request, refused.message)
    return _back_to(evidence.submission, item)


@login_required
def evidence_edit(request, evidence_pk):
    evidence = get_evidence_for_user(request.user, evidence_pk)
    submission = _submission_qs().get(pk=evidence.submission_id)
    if not can_edit_self_assessment(request.user, submission):
        raise Http404
    form = EvidenceForm(request.POST or None, instance=evidence, with_file=False)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        evidence.refresh_from_db()
        try:
            selfassessment.update_evidence(evidence, actor=request.user, **data)
        except EditRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Đã cập nhật tài liệu kiểm chứng.")
            return redirect("assessments:submission_form", submission.pk)
    return render(
        request,
        "assessments/agency/evidence_edit.html",
        {"form": form, "evidence": evidence, "submission": submission},
    )


@login_required
@require_POST
def evidence_remove(request, evidence_pk):
    evidence = get_evidence_for_user(request.user, evidence_pk)
    submission = evidence.submission
    _require_own_officer(request.user, submission)
    _save_posted(request, submission)
    try:
        selfassessment.remove_evidence(evidence, actor=request.user)
    except EditRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Đã xóa tài liệu kiểm chứng.")
    return redirect("assessments:submission_form", submission.pk)


# --- submit, withdraw, report ---------------------------------------------------------------


def _missing_rows(criteria, items):
    anchors = {item.criterion.code: f"tieu-chi-{item.pk}" for item in items}
    titles = {criterion.code: criterion.title for criterion in criteria}
    return [
        {"code": code, "title": titles.get(code, ""), "message": text, "anchor": anchors.get(code)}
        for code, text in scores.missing_for_submission(criteria, items)
    ]


@login_required
def submit_check(request, pk):
    """Everything that still stops the submission, with a link to each criterion."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    if not can_edit_self_assessment(request.user, submission):
        raise Http404
    criteria, items, result = _load(submission)
    return render(
        request,
        "assessments/agency/submit_check.html",
        {
            "submission": submission,
            "missing": _missing_rows(criteria, items),
            **_summary(submission, items, result),
        },
    )


@login_required
def submit_confirm(request, pk):
    """The summary (points per group, total, grade) and the report's details; POST submits."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    if not can_edit_self_assessment(request.user, submission):
        raise Http404
    criteria, items, result = _load(submission)
    missing = _missing_rows(criteria, items)
    if request.method == "GET" and missing:
        return redirect("assessments:submit_check", submission.pk)
    form = SubmitForm(
        request.POST or None, instance=submission, initial={"version": submission.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Submission.objects.filter(pk=submission.pk).update(
                    document_number=form.cleaned_data["document_number"],
                    signer_name=form.cleaned_data["signer_name"],
                    signer_title=form.cleaned_data["signer_title"],
                )
                workflow.submit(
                    submission,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "Đã nộp hồ sơ tự đánh giá. Sở TT&TT đã nhận được thông báo; "
                "đơn vị có thể tải báo cáo PDF để trình ký.",
            )
            return redirect("assessments:submission_form", submission.pk)
    groups = [{"criterion": c, "result": result.groups.get(c.code)} for c in criteria if c.is_group]
    return render(
        request,
        "assessments/agency/submit_confirm.html",
        {
            "submission": submission,
            "form": form,
            "groups": groups,
            "missing": missing,
            **_summary(submission, items, result),
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    """Take back a submission no reviewer has opened yet, to correct it and submit again."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    _require_own_officer(request.user, submission)
    try:
        workflow.withdraw(
            submission,
            actor=request.user,
            expected_version=request.POST.get("version"),
            reason=request.POST.get("reason", "").strip(),
        )
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Đã rút hồ sơ. Sau khi sửa, vui lòng nộp lại trước hạn để Sở TT&TT thẩm định."
        )
    return redirect("assessments:submission_form", submission.pk)


@login_required
def report_pdf(request, pk):
    """The self-assessment report (Nghị định 30 format) for the agency and the Department."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    if (signed := signed_copy_of(submission)) is not None:
        # Once uploaded, the agency's digitally signed copy is the official one.
        return FileResponse(
            signed.file.open("rb"),
            as_attachment=True,
            filename=f"tu-danh-gia-{submission.period.code}-{submission.agency.code}-ky-so.pdf",
            content_type="application/pdf",
        )
    export = SelfAssessmentPdf(submission)
    response = HttpResponse(export.render(), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


urlpatterns = [
    path("don-vi/ky/<slug:code>/", agency_period, name="agency_period"),
    path("ho-so/<int:pk>/", submission_form, name="submission_form"),
    path("ho-so/<int:pk>/tieu-chi/<int:item_pk>/", item_save, name="item_save"),
    path("ho-so/<int:pk>/tieu-chi/<int:item_pk>/minh-chung/", evidence_add, name="evidence_add"),
    path("ho-so/<int:pk>/tieu-chi/<int:item_pk>/lien-ket/", evidence_link, name="evidence_link"),
    path(
        "minh-chung/<int:evidence_pk>/bo-lien-ket/<int:item_pk>/",
        evidence_unlink,
        name="evidence_unlink",
    ),
    path("minh-chung/<int:evidence_pk>/sua/", evidence_edit, name="evidence_edit"),
    path("minh-chung/<int:evidence_pk>/xoa/", evidence_remove, name="evidence_remove"),
    path("ho-so/<int:pk>/kiem-tra/", submit_check, name="submit_check"),
    path("ho-so/<int:pk>/nop/", submit_confirm, name="submit_confirm"),
    path("ho-so/<int:pk>/rut/", withdraw, name="withdraw"),
    path("ho-so/<int:pk>/bao-cao-tu-danh-gia.pdf", report_pdf, name="self_assessment_pdf"),
]
