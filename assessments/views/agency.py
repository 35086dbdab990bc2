"""Agency officers: the period dashboard, the self-assessment form with autosave, evidence,
the submission check and confirmation, withdrawal and the self-assessment report."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from assessments import permissions, prefills, scores, selfassessment, workflow
from assessments.display import describe_criterion, describe_inputs
from assessments.enums import PERIOD_OPEN_FOR_SUBMISSION, PrefillState, Role
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.exports.signed_copy import signed_copy_of
from assessments.forms.agency import EvidenceEditForm, EvidenceForm, EvidenceLinkForm, SubmitForm
from assessments.forms.answers import AcceptPrefillForm, self_assessment_form
from assessments.forms.review import TypedTextForm
from assessments.models import Evidence, Extension, ItemScore, Period, Submission
from assessments.permissions import (
    can_edit_self_assessment,
    get_evidence_for_user,
    get_submission_for_user,
    is_own_agency,
)
from assessments.queries import visible_submissions_for
from assessments.selfassessment import EditRefused, ItemConflict
from assessments.services import SetupError, get_or_create_submission
from assessments.uploads import ALLOWED_LABEL, EXTENSIONS, UploadRefused


def _submission_qs():
    return Submission.objects.select_related(
        "period__evaluating_agency", "period__program", "agency__kind", "table"
    )


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


class Notice:
    """A sentence shown next to one criterion (saved, refused, evidence added …)."""

    def __init__(self, text: str, level: str = "success"):
        self.text = text
        self.level = level


def _load(submission):
    """Criteria, items (criterion + evidence prefetched) and the live result: a fixed number of
    queries whatever the size of the table or the number of evidence items."""
    criteria = scores.table_criteria(submission.table)
    items = list(submission.items.prefetch_related("evidence"))
    _attach_criteria(items, criteria)
    result = scores.self_result(submission, criteria, items)
    return criteria, items, result


def _attach_criteria(items, criteria):
    by_pk = {criterion.pk: criterion for criterion in criteria}
    for item in items:
        # Reuse the criteria already loaded (with their parents) instead of a join per item.
        item.criterion = by_pk[item.criterion_id]
    items.sort(key=lambda item: item.criterion.order)


def _prefill_row(item, fact) -> dict:
    """What the criterion shows of its prefilled fact (nothing without one)."""
    if fact is None:
        return {"prefill": None}
    return {
        "prefill": fact,
        "prefill_text": describe_inputs(item.criterion, fact.inputs),
        "prefill_differs": bool(item.inputs) and item.inputs != fact.inputs,
        "prefill_accepted": item.prefill == PrefillState.ACCEPTED and item.inputs == fact.inputs,
    }


def _facts(submission, criteria) -> dict:
    """The dossier's prefilled facts by criterion id; no query when no criterion is measurable."""
    if not any(criterion.measurable for criterion in criteria):
        return {}
    return prefills.facts_for(submission)


def _row(
    item,
    result,
    *,
    form=None,
    evidence_form=None,
    all_evidence=(),
    editable,
    notice=None,
    fact=None,
):
    criterion = item.criterion
    item_result = result.items.get(criterion.code)
    evidence = list(item.evidence.all())
    linked = {e.pk for e in evidence}
    form = form or self_assessment_form(item, prefill=fact)
    return {
        **_prefill_row(item, fact),
        "item": item,
        "criterion": criterion,
        "form": form,
        "conflict": getattr(form, "conflict", None),
        "points": item_result.points if item_result else None,
        "rule_text": describe_criterion(criterion, lists=False),
        "evidence": evidence,
        "linkable": [e for e in all_evidence if e.pk not in linked],
        "evidence_form": evidence_form or EvidenceForm(prefix=f"ev{item.pk}"),
        "editable": editable,
        "anchor": f"tieu-chi-{item.pk}",
        "notice": notice,
        "described": describe_inputs(
            criterion, item.inputs or None, not_applicable=item.not_applicable
        ),
    }


def _all_evidence(items):
    found = {}
    for item in items:
        for evidence in item.evidence.all():
            found.setdefault(evidence.pk, evidence)
    return sorted(found.values(), key=lambda e: (e.created_at, e.pk))


def _groups(criteria, items, result, *, forms, evidence_forms, notices, editable, facts):
    by_criterion = {item.criterion_id: item for item in items}
    all_evidence = _all_evidence(items)
    groups = []
    for criterion in criteria:
        if criterion.is_group:
            group_result = result.groups.get(criterion.code)
            groups.append({"criterion": criterion, "result": group_result, "rows": []})
            continue
        item = by_criterion.get(criterion.pk)
        if item is None:
            continue
        row = _row(
            item,
            result,
            form=forms.get(item.pk),
            evidence_form=evidence_forms.get(item.pk),
            all_evidence=all_evidence,
            editable=editable,
            notice=notices.get(item.pk),
            fact=facts.get(criterion.pk),
        )
        if groups:
            groups[-1]["rows"].append(row)
        else:
            groups.append({"criterion": None, "result": None, "rows": [row]})
    return groups


def _summary(submission, result, evidence_count, *, deadline=None):
    """The line above the form. `deadline` is (closing instant, extension or None) when the
    caller has read it already."""
    deadline, extension = deadline or workflow.deadline_for(submission)
    return {
        "deadline": deadline,
        "deadline_day": timezone.localtime(deadline - timezone.timedelta(seconds=1)).date(),
        "deadline_passed": timezone.now() >= deadline,
        "extension": extension,
        "evidence_count": evidence_count,
        "result": result,
        "scale_max": submission.period.scale_max,
    }


def _evidence_count(items) -> int:
    return len({e.pk for item in items for e in item.evidence.all()})


def _form_context(request, submission, *, forms=None, evidence_forms=None, notices=None):
    criteria, items, result = _load(submission)
    editable = can_edit_self_assessment(request.user, submission)
    groups = _groups(
        criteria,
        items,
        result,
        forms=forms or {},
        evidence_forms=evidence_forms or {},
        notices=notices or {},
        editable=editable,
        facts=_facts(submission, criteria),
    )
    return {
        "submission": submission,
        "groups": groups,
        "editable": editable,
        "is_officer": is_own_agency(request.user, submission) and request.user.role == Role.OFFICER,
        "show_exchange": permissions.agency_follows_exchange(submission),
        "can_withdraw": "withdraw" in workflow.allowed_actions(submission, request.user),
        "accept": ",".join(EXTENSIONS),
        "allowed_label": ALLOWED_LABEL,
        "max_mb": settings.EVIDENCE_MAX_UPLOAD_MB,
        **_summary(submission, result, _evidence_count(items)),
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
            "show_exchange": permissions.agency_follows_exchange(submission),
            **_summary(submission, result, _evidence_count(items)),
        },
    )


@login_required
def submission_form(request, pk):
    """The self-assessment form (read-only once submitted). Each criterion is its own form:
    Enter or its button saves that criterion only; with JavaScript it saves as one types."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = _form_context(request, submission)
    # The signed copy of the submitted report, or its upload form for the agency's officers.
    context["signed_copy"] = signed_copy_of(submission) if submission.submitted_at else None
    context["signed_upload_url"] = (
        reverse("assessments:signed_self_assessment_upload", args=[submission.pk])
        if submission.submitted_at and context["is_officer"]
        else ""
    )
    return render(request, "assessments/agency/form.html", context)


def _require_own_officer(user, submission):
    """Only the agency's own officers change its dossier; Department staff may look, not touch."""
    if not (user.role == Role.OFFICER and is_own_agency(user, submission)):
        raise PermissionDenied


def _scoped_item(request, pk, item_pk, queryset):
    """`queryset`'s item `item_pk` and its submission `pk` in one query: 404 unless the user may
    see the submission (the same scope as `get_submission_for_user`) and the item is one of its
    own, 403 unless the user is one of the agency's officers."""
    visible = visible_submissions_for(request.user).filter(pk=pk)
    item = get_object_or_404(queryset, pk=item_pk, submission__in=visible)
    _require_own_officer(request.user, item.submission)
    return item.submission, item


def _item_for(request, pk, item_pk):
    """The item and its submission with what the whole form page shows (`_scoped_item`)."""
    return _scoped_item(
        request,
        pk,
        item_pk,
        ItemScore.objects.select_related(
            "criterion",
            "submission__period__evaluating_agency",
            "submission__agency__kind",
            "submission__table",
        ),
    )


# The item to autosave with its criterion, its submission and the submission's criteria table:
# the period comes with the save's locked read, and the agency, its kind and the evaluating
# agency are not shown in the answer (joining them all made this the autosave's most expensive
# statement). What the answer shows besides the items rides along: the dossier's evidence count
# and the agency's extended deadline, if any. Built once: resolving the two subqueries again on
# every autosave cost a fifth of the statement's time in Python (each request filters a clone).
_ITEMS_TO_SAVE = ItemScore.objects.select_related("criterion", "submission__table").annotate(
    dossier_evidence=Subquery(
        Evidence.objects.filter(submission=OuterRef("submission"))
        .order_by()
        .values("submission")
        .annotate(total=Count("pk"))
        .values("total")
    ),
    extension_deadline=Subquery(
        Extension.objects.filter(
            period=OuterRef("submission__period"), agency=OuterRef("submission__agency")
        ).values("new_deadline")[:1]
    ),
)


def _item_to_save(request, pk, item_pk):
    """The item to autosave (`_scoped_item`, `_ITEMS_TO_SAVE`)."""
    return _scoped_item(request, pk, item_pk, _ITEMS_TO_SAVE)


def _back_to(submission, item=None):
    url = reverse("assessments:submission_form", args=[submission.pk])
    return redirect(f"{url}#tieu-chi-{item.pk}" if item else url)


def _refused(request, submission, item, message):
    if not _is_htmx(request):
        messages.error(request, message)
        return _back_to(submission, item)
    return HttpResponse(
        format_html('<div class="alert alert-danger" role="alert">{}</div>', message), status=403
    )


@_login_required_or_401
@require_POST
def item_save(request, pk, item_pk):
    """Save one criterion (its own form: autosave with htmx, Enter or its button without).
    With htmx the answer is small: that criterion's status, errors and version, and out of band
    the total, grade, progress and group points; the inputs are not re-rendered, so anything
    typed meanwhile stays. Without htmx: back to the criterion, or the page with the errors."""
    submission, item = _item_to_save(request, pk, item_pk)
    evidence_count, extension = _read_along(item)
    fact = prefills.fact_for_item(item)
    form = self_assessment_form(item, request.POST, prefill=fact)
    form.is_valid()
    saved_at = None
    changed, items = False, None
    try:
        outcome = selfassessment.save_item(
            item,
            actor=request.user,
            answer=form.answer,
            expected_version=form.cleaned_data.get("version"),
        )
    except ItemConflict as conflict:
        current = conflict.current
        current.criterion = item.criterion
        typed = form
        form = self_assessment_form(current, prefill=fact)
        form.conflict = conflict.message
        form.typed = [
            str(value)
            for name in form.answer_fields
            if name != "source" and (value := typed.data.get(typed.add_prefix(name)))
        ]
        item, items = current, conflict.items
    except EditRefused as refused:
        return _refused(request, submission, item, refused.message)
    else:
        item, changed, items = outcome.item, bool(outcome.changed), outcome.items
        saved_at = timezone.localtime()
    if not _is_htmx(request):
        if form.errors or getattr(form, "conflict", None):
            messages.error(
                request,
                getattr(form, "conflict", None)
                or f"Tiêu chí {item.criterion.code}: "
                "chưa lưu số liệu không hợp lệ (xem thông báo màu đỏ).",
            )
            page = _submission_qs().get(pk=submission.pk)
            context = _form_context(request, page, forms={item.pk: form})
            return render(request, "assessments/agency/form.html", context)
        messages.success(request, f"Đã lưu tiêu chí {item.criterion.code} lúc {saved_at:%H:%M}.")
        return _back_to(submission, item)
    # The dossier as the save read it under its lock (status, version, period); its criteria
    # table does not change with a save.
    stored = item.submission
    stored.table = submission.table
    return render(
        request,
        "assessments/agency/_autosave.html",
        _autosave_context(
            stored,
            item,
            form,
            saved_at,
            changed=changed,
            items=items,
            evidence_count=evidence_count,
            extension=extension,
            fact=fact,
        ),
    )


@login_required
@require_POST
def item_accept_prefill(request, pk, item_pk):
    """The agency takes the prefilled value of one criterion as its answer (one click)."""
    submission, item = _item_for(request, pk, item_pk)
    form = AcceptPrefillForm(request.POST)
    form.is_valid()
    try:
        selfassessment.accept_prefill(
            item, actor=request.user, expected_version=form.cleaned_data.get("version")
        )
    except EditRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"Tiêu chí {item.criterion.code}: đã dùng số liệu điền sẵn làm số liệu của đơn vị.",
        )
    return _back_to(submission, item)


def _autosave_context(
    submission, item, form, saved_at, *, changed, items, evidence_count, extension, fact=None
):
    """What the autosave answer shows, in one query after the save (the table's criteria).
    `submission` and `items` are what the save read under its lock (it moved the version on
    only if something `changed`); the evidence count and the extension come from
    `_item_to_save`."""
    if changed:
        submission.version += 1
    criteria = scores.table_criteria(submission.table)
    _attach_criteria(items, criteria)
    result = scores.self_result(submission, criteria, items)
    stored = next(it for it in items if it.pk == item.pk)
    item_result = result.items.get(item.criterion.code)
    by_pk = {c.pk: c for c in criteria}
    group = by_pk.get(item.criterion.parent_id)
    # Every group above the criterion shows its points: a change moves each of them.
    outer_groups = []
    above = by_pk.get(group.parent_id) if group else None
    while above is not None and above not in outer_groups:
        outer_groups.append(above)
        above = by_pk.get(above.parent_id)
    saved = saved_at if not form.errors and not getattr(form, "conflict", None) else None
    closes = extension.ends_at if extension else submission.period.deadline_ends_at
    return {
        "submission": submission,
        "row": {
            **_prefill_row(stored, fact),
            "item": stored,
            "criterion": stored.criterion,
            "form": form,
            "conflict": getattr(form, "conflict", None),
            "points": item_result.points if item_result else None,
            "described": describe_inputs(
                stored.criterion, stored.inputs or None, not_applicable=stored.not_applicable
            ),
            "editable": True,
            "anchor": f"tieu-chi-{item.pk}",
            "saved_at": saved,
        },
        "group": group,
        "group_result": result.groups.get(group.code) if group else None,
        "outer_groups": [(outer, result.groups.get(outer.code)) for outer in outer_groups],
        **_summary(submission, result, evidence_count, deadline=(closes, extension)),
    }


def _read_along(item) -> tuple[int, Extension | None]:
    """(evidence count, extension or None) from what `_item_to_save` read with the item: the
    extension as far as the answer shows it (its deadline)."""
    extension = None
    if item.extension_deadline is not None:
        extension = Extension(
            period_id=item.submission.period_id,
            agency_id=item.submission.agency_id,
            new_deadline=item.extension_deadline,
        )
    return item.dossier_evidence or 0, extension


# --- evidence -------------------------------------------------------------------------------


def _evidence_answer(request, submission, item, *, notice, evidence_form=None, status=200):
    """After an evidence action. With htmx: the evidence lists of every criterion (a document
    may support several) and the summary, out of band, the message next to `item`. Without:
    back to the criterion with the message, or the page again when the form has errors."""
    if not _is_htmx(request):
        if evidence_form is None:
            getattr(messages, "error" if notice.level == "danger" else "success")(
                request, notice.text
            )
            return _back_to(submission, item)
        messages.error(request, notice.text)
        context = _form_context(
            request,
            submission,
            evidence_forms={item.pk: evidence_form},
            notices={item.pk: notice},
        )
        return render(request, "assessments/agency/form.html", context)
    submission.refresh_from_db()
    context = _form_context(
        request,
        submission,
        evidence_forms={item.pk: evidence_form} if evidence_form else {},
        notices={item.pk: notice},
    )
    return render(request, "assessments/agency/_evidence_answer.html", context, status=status)


@login_required
@require_POST
def evidence_add(request, pk, item_pk):
    """Attach a citation, link or file to a criterion (its own small form). A document already
    in the dossier (same number and date) is linked, not stored twice."""
    submission, item = _item_for(request, pk, item_pk)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"ev{item.pk}")
    code = item.criterion.code
    if not form.is_valid():
        notice = Notice(f"Chưa thêm được tài liệu kiểm chứng cho tiêu chí {code}.", "danger")
        return _evidence_answer(request, submission, item, notice=notice, evidence_form=form)
    data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
    try:
        evidence = selfassessment.add_evidence(
            submission,
            actor=request.user,
            items=[item],
            upload=form.cleaned_data.get("upload"),
            **data,
        )
    except (EditRefused, UploadRefused) as refused:
        notice = Notice(refused.message, "danger")
        return _evidence_answer(request, submission, item, notice=notice, evidence_form=form)
    if evidence.reused:
        text = (
            f"Văn bản {evidence.doc_number} đã có trong hồ sơ; "
            f"đã dùng lại cho tiêu chí {code} (không tạo bản trùng)."
        )
    else:
        text = f"Đã thêm tài liệu kiểm chứng cho tiêu chí {code}."
    return _evidence_answer(request, submission, item, notice=Notice(text))


@login_required
@require_POST
def evidence_link(request, pk, item_pk):
    """Let a document already in the dossier support this criterion too (no second upload)."""
    submission, item = _item_for(request, pk, item_pk)
    form = EvidenceLinkForm(request.POST, submission=submission, prefix=f"lk{item.pk}")
    if not form.is_valid():
        notice = Notice(" ".join(form.errors.get("evidence", [])), "danger")
        return _evidence_answer(request, submission, item, notice=notice)
    try:
        selfassessment.link_evidence(form.cleaned_data["evidence"], item, actor=request.user)
    except EditRefused as refused:
        return _evidence_answer(request, submission, item, notice=Notice(refused.message, "danger"))
    notice = Notice(f"Đã dùng tài liệu cho tiêu chí {item.criterion.code}.")
    return _evidence_answer(request, submission, item, notice=notice)


def _evidence_and_item(request, evidence_pk, item_pk):
    evidence = get_evidence_for_user(request.user, evidence_pk)
    _require_own_officer(request.user, evidence.submission)
    submission = _submission_qs().get(pk=evidence.submission_id)
    item = get_object_or_404(
        ItemScore.objects.select_related("criterion"), pk=item_pk, submission=submission
    )
    return submission, evidence, item


@login_required
@require_POST
def evidence_unlink(request, evidence_pk, item_pk):
    submission, evidence, item = _evidence_and_item(request, evidence_pk, item_pk)
    try:
        selfassessment.unlink_evidence(evidence, item, actor=request.user)
    except EditRefused as refused:
        return _evidence_answer(request, submission, item, notice=Notice(refused.message, "danger"))
    notice = Notice(f"Đã bỏ tài liệu khỏi tiêu chí {item.criterion.code}.")
    return _evidence_answer(request, submission, item, notice=notice)


@login_required
def evidence_edit(request, evidence_pk):
    evidence = get_evidence_for_user(request.user, evidence_pk)
    submission = _submission_qs().get(pk=evidence.submission_id)
    if not can_edit_self_assessment(request.user, submission):
        raise Http404
    form = EvidenceEditForm(
        request.POST or None, instance=evidence, initial={"version": submission.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        evidence.refresh_from_db()
        try:
            selfassessment.update_evidence(
                evidence,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **data,
            )
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
def evidence_remove(request, evidence_pk, item_pk=None):
    """Delete a document from the dossier (from every criterion it supports)."""
    evidence = get_evidence_for_user(request.user, evidence_pk)
    _require_own_officer(request.user, evidence.submission)
    submission = _submission_qs().get(pk=evidence.submission_id)
    item = None
    if item_pk is not None:
        item = get_object_or_404(
            ItemScore.objects.select_related("criterion"), pk=item_pk, submission=submission
        )
    try:
        selfassessment.remove_evidence(evidence, actor=request.user)
    except EditRefused as refused:
        notice = Notice(refused.message, "danger")
    else:
        notice = Notice("Đã xóa tài liệu kiểm chứng khỏi hồ sơ.")
    if item is None:
        getattr(messages, "error" if notice.level == "danger" else "success")(request, notice.text)
        return _back_to(submission)
    return _evidence_answer(request, submission, item, notice=notice)


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
            **_summary(submission, result, _evidence_count(items)),
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
            workflow.submit(
                submission,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                signature={name: form.cleaned_data[name] for name in workflow.SIGNATURE_FIELDS},
            )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Đã nộp hồ sơ tự đánh giá. {submission.period.program.agency_short_name} đã nhận "
                "được thông báo; "
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
            **_summary(submission, result, _evidence_count(items)),
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    """Take back a submission no reviewer has opened yet, to correct it and submit again."""
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    _require_own_officer(request.user, submission)
    typed = TypedTextForm(request.POST)
    try:
        if not typed.is_valid():
            raise workflow.WorkflowError(typed.first_error())
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
            request,
            "Đã rút hồ sơ. Sau khi sửa, vui lòng nộp lại trước hạn để "
            f"{submission.period.program.agency_short_name} thẩm định.",
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
    path(
        "ho-so/<int:pk>/tieu-chi/<int:item_pk>/dung-so-lieu-dien-san/",
        item_accept_prefill,
        name="item_accept_prefill",
    ),
    path("ho-so/<int:pk>/tieu-chi/<int:item_pk>/minh-chung/", evidence_add, name="evidence_add"),
    path("ho-so/<int:pk>/tieu-chi/<int:item_pk>/lien-ket/", evidence_link, name="evidence_link"),
    path(
        "minh-chung/<int:evidence_pk>/bo-lien-ket/<int:item_pk>/",
        evidence_unlink,
        name="evidence_unlink",
    ),
    path("minh-chung/<int:evidence_pk>/sua/", evidence_edit, name="evidence_edit"),
    path("minh-chung/<int:evidence_pk>/xoa/", evidence_remove, name="evidence_remove"),
    path(
        "minh-chung/<int:evidence_pk>/xoa/<int:item_pk>/",
        evidence_remove,
        name="evidence_remove_from",
    ),
    path("ho-so/<int:pk>/kiem-tra/", submit_check, name="submit_check"),
    path("ho-so/<int:pk>/nop/", submit_confirm, name="submit_confirm"),
    path("ho-so/<int:pk>/rut/", withdraw, name="withdraw"),
    path("ho-so/<int:pk>/bao-cao-tu-danh-gia.pdf", report_pdf, name="self_assessment_pdf"),
]
