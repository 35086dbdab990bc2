"""The Department's reviewers and lead: the queue per period, the appraisal page, the reviewer's
column (htmx), questions and internal notes, workflow buttons and reviewer assignments.

Starting the appraisal of a submitted dossier is an explicit POST (“Bắt đầu thẩm định”), so that
merely opening a dossier to read it never takes away the agency's right to withdraw it.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from assessments import appraisal, permissions, prefills, references, scores, workflow
from assessments.enums import PeriodStatus, Role, SubmissionStatus
from assessments.forms.agreement import SettleItemForm
from assessments.forms.answers import Mode, appraisal_form
from assessments.forms.review import (
    INVALID,
    AssignForm,
    MessageItemForm,
    QueueReviewerForm,
    ReturnForExplanationForm,
    TypedTextForm,
)
from assessments.history import history_for
from assessments.models import (
    Agency,
    AgencyKind,
    Assignment,
    Criterion,
    Evidence,
    Extension,
    ItemScore,
    Message,
    Period,
    Submission,
    User,
)
from assessments.paging import Chain, paginate
from assessments.permissions import get_submission_for_user
from assessments.workflow import ConflictError, WorkflowError

S = SubmissionStatus
# Statuses where an appraised result exists beside the self-assessed one.
APPRAISED_STATUSES = frozenset({S.IN_REVIEW, S.RETURNED, S.ANSWERED, S.AGREED})


def _require_department(user):
    if not permissions.can_open_review(user):
        raise Http404


def _reviewers():
    return list(
        User.objects.filter(is_active=True, role__in=(Role.REVIEWER, Role.LEAD))
        .select_related("agency")
        .order_by("role", "last_name", "first_name", "username")
    )


@login_required
def review_home(request):
    _require_department(request.user)
    # Grouped by program on the page: several programs may run in the same year.
    periods = (
        Period.objects.exclude(status=PeriodStatus.PREPARING)
        .select_related("program")
        .annotate(submitted_count=Count("submissions", filter=~Q(submissions__status=S.DRAFT)))
        .order_by("program__order", "program__name", "-year", "is_practice", "code")
    )
    return render(request, "assessments/review_home.html", {"periods": periods})


# --- queue ----------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    kind: str = ""
    status: str = ""
    reviewer: str = ""
    late: str = ""
    q: str = ""

    reviewer_user: object = None

    @classmethod
    def from_request(cls, data):
        names = [name for name in cls.__dataclass_fields__ if name != "reviewer_user"]
        filters = cls(**{name: (data.get(name) or "").strip() for name in names})
        # A tampered or unknown reviewer id filters nothing (the select shows “all”).
        form = QueueReviewerForm({"reviewer": filters.reviewer})
        if not form.is_valid():
            filters.reviewer = ""
        elif isinstance(form.cleaned_data["reviewer"], User):
            filters.reviewer_user = form.cleaned_data["reviewer"]
            filters.reviewer = str(filters.reviewer_user.pk)
        return filters

    def apply(self, qs):
        if self.kind:
            qs = qs.filter(agency__kind__code=self.kind)
        if self.status in S.values:
            qs = qs.filter(status=self.status)
        if self.reviewer == "none":
            qs = qs.filter(reviewer__isnull=True)
        elif self.reviewer_user is not None:
            qs = qs.filter(
                Q(reviewer=self.reviewer_user) | Q(assignments__reviewer=self.reviewer_user)
            ).distinct()
        if self.late == "1":
            qs = qs.filter(is_late=True)
        elif self.late == "0":
            qs = qs.filter(is_late=False, submitted_at__isnull=False)
        if self.q:
            qs = qs.filter(
                Q(agency__name__icontains=self.q) | Q(agency__short_name__icontains=self.q)
            )
        return qs


def queue_queryset(period, filters: QueueFilters):
    """The period's submissions as the queue lists them (filters applied), with the extension by
    Subquery, the question count by annotate and group assignments prefetched."""
    extension = Extension.objects.filter(period=OuterRef("period"), agency=OuterRef("agency"))
    qs = filters.apply(Submission.objects.filter(period=period))
    return (
        qs.select_related("agency__kind", "reviewer", "table", "period")
        .annotate(
            extension_until=Subquery(extension.values("new_deadline")[:1]),
            # A subquery, not a join: a join would group every submission of the period
            # before the page is cut.
            question_count=Coalesce(
                Subquery(
                    Message.objects.filter(
                        submission=OuterRef("pk"), kind="question", is_internal=False
                    )
                    .order_by()
                    .values("submission")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer", "group").order_by(
                    "group__order"
                ),
            )
        )
        .order_by("agency__kind__order", "agency__order", "agency__name", "pk")
    )


def with_appraised(period, rows: list[Submission]) -> list[Submission]:
    """Set `appraised` on the rows under appraisal, scored by `scoring` from their items (a score
    is never stored before finalisation, so it cannot be read from a column). Only those rows'
    items are loaded, in one query."""
    under_review = [row for row in rows if row.status in APPRAISED_STATUSES]
    criteria_by_table: dict[int, list] = {}
    criteria_by_id = {}
    if under_review:
        for criterion in Criterion.objects.filter(
            table_id__in={row.table_id for row in under_review}
        ).select_related("parent"):
            criteria_by_table.setdefault(criterion.table_id, []).append(criterion)
            criteria_by_id[criterion.pk] = criterion
    items: dict[int, list] = {}
    if under_review:
        # The criteria loaded above are shared, not joined again for every item.
        for item in ItemScore.objects.filter(submission__in=under_review):
            item.criterion = criteria_by_id[item.criterion_id]
            items.setdefault(item.submission_id, []).append(item)
    for row in rows:
        row.appraised = None
        if row.status in APPRAISED_STATUSES:
            criteria = sorted(criteria_by_table.get(row.table_id, []), key=lambda c: c.order)
            row.appraised = scores.appraised_result(row, criteria, items.get(row.pk, []))
    return rows


@login_required
def review_queue(request, code):
    _require_department(request.user)
    period = get_object_or_404(Period, code=code)
    filters = QueueFilters.from_request(request.GET)
    counts = dict(
        Submission.objects.filter(period=period)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    not_started = Agency.objects.filter(is_active=True, kind__tables__period=period).exclude(
        submissions__period=period
    )
    if filters.kind:
        not_started = not_started.filter(kind__code=filters.kind)
    if filters.q:
        not_started = not_started.filter(name__icontains=filters.q)
    show_not_started = not (filters.status or filters.reviewer or filters.late)
    lists = [queue_queryset(period, filters)]
    if show_not_started:
        lists.append(
            not_started.select_related("kind").order_by("kind__order", "order", "name", "pk")
        )
    # Submissions first, then the agencies that have not started, one page at a time.
    page = paginate(request, Chain(*lists))
    rows = [row for row in page if isinstance(row, Submission)]
    return render(
        request,
        "assessments/review/queue.html",
        {
            "period": period,
            "rows": with_appraised(period, rows),
            "page": page,
            "filters": filters,
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in S.choices],
            "total": sum(counts.values()),
            "kinds": AgencyKind.objects.filter(tables__period=period).order_by("order"),
            "reviewers": _reviewers(),
            "statuses": S.choices,
            "not_started": [row for row in page if isinstance(row, Agency)],
            "can_assign": permissions.is_lead(request.user),
        },
    )


# --- appraisal page -------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the appraisal table: a group heading (at any level, with the group's self and
    appraised points) or a criterion with both columns."""

    criterion: Criterion
    item: ItemScore | None = None
    self_points: object = None
    appraised_points: object = None
    appraised_na: bool = False
    error: str = ""
    evidence: tuple = ()
    messages: tuple = ()
    form: object = None
    # A criterion scored across agencies: its provisional (or, once final, stored) reference.
    reference: str = ""
    prefill: object = None  # the fact prefilled from a provincial system, if any
    prefill_differs: bool = False


def _submission_qs():
    return Submission.objects.select_related(
        "period", "agency__kind", "table", "reviewer", "submitted_by", "finalised_by"
    )


def appraisal_context(request, submission, *, forms=None, action_data=None):
    """Everything the appraisal page shows, in a fixed number of queries."""
    user = request.user
    criteria = scores.table_criteria(submission.table)
    items = list(
        submission.items.select_related(
            "criterion__parent", "updated_by", "agreed_by"
        ).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "id"))
        )
    )
    thread = list(
        Message.objects.filter(submission=submission)
        .select_related("author")
        .order_by("created_at", "id")
    )
    self_result = scores.self_result(submission, criteria, items)
    appraised = scores.appraised_result(submission, criteria, items)
    by_code = {item.criterion.code: item for item in items}
    item_messages: dict[int, list] = {}
    for message in thread:
        if message.item_id:
            item_messages.setdefault(message.item_id, []).append(message)
    forms = forms or {}
    facts = prefills.facts_for(submission) if any(c.measurable for c in criteria) else {}
    rows = []
    for criterion in criteria:
        item = by_code.get(criterion.code)
        if criterion.is_group:
            own, appraised_group = (
                self_result.groups.get(criterion.code),
                appraised.groups.get(criterion.code),
            )
            rows.append(
                Row(
                    criterion=criterion,
                    self_points=own.points if own else None,
                    appraised_points=appraised_group.points if appraised_group else None,
                )
            )
            continue
        if item is None:
            rows.append(Row(criterion=criterion))
            continue
        row = _row(criterion, item, self_result, appraised, item_messages, forms)
        row.prefill = facts.get(criterion.pk)
        row.prefill_differs = bool(
            row.prefill and not item.not_applicable and item.inputs != row.prefill.inputs
        )
        rows.append(row)
    provisional = references.provisional_texts(submission, criteria)
    for row in rows:
        if row.item is not None:
            row.reference = provisional.get(row.criterion.pk, "")
    assignments = {a.group_id: a for a in submission.assignments.select_related("reviewer")}
    groups = [
        (criterion, assignments.get(criterion.pk)) for criterion in criteria if criterion.is_group
    ]
    is_lead = permissions.is_lead(user)
    return {
        "submission": submission,
        "rows": rows,
        "self_result": self_result,
        "appraised": appraised,
        "can_appraise": permissions.can_appraise(user, submission),
        "can_review": permissions.can_review(user, submission),
        "actions": workflow.allowed_actions(submission, user),
        "general_messages": [m for m in thread if not m.item_id],
        "history": history_for(user, submission),
        "action_data": action_data or {},
        "groups": groups,
        "reviewers": _reviewers() if is_lead else [],
        "is_lead": is_lead,
        "items": items,
        "open_codes": [item.criterion.code for item in items if item.is_open],
        "can_accept_explanation": permissions.can_accept_explanation(user, submission),
        "can_decide": permissions.can_decide(user, submission),
    }


def _row(criterion, item, self_result, appraised, item_messages, forms) -> Row:
    result = appraised.items.get(criterion.code)
    form = forms.get(item.pk) or appraisal_form(item)
    return Row(
        criterion=criterion,
        item=item,
        self_points=self_result.items[criterion.code].points,
        appraised_points=result.points if result else None,
        appraised_na=bool(result and result.not_applicable),
        error=getattr(form, "error", ""),
        evidence=tuple(item.evidence.all()),
        messages=tuple(item_messages.get(item.pk, ())),
        form=form,
    )


@login_required
def appraisal_page(request, pk):
    _require_department(request.user)
    submission = get_submission_for_user(request.user, pk, _submission_qs())
    return render(
        request, "assessments/review/appraisal.html", appraisal_context(request, submission)
    )


def _item_for(request, pk, item_pk):
    _require_department(request.user)
    submission = get_submission_for_user(request.user, pk, _submission_qs())
    item = get_object_or_404(
        ItemScore.objects.select_related("criterion"), pk=item_pk, submission=submission
    )
    return submission, item


@require_POST
@login_required
def appraise_item(request, pk, item_pk):
    """Save the reviewer's column of one criterion. With htmx, answers the row and the totals;
    without, redirects back to the row. On error the row comes back with what was typed."""
    submission, item = _item_for(request, pk, item_pk)
    form = appraisal_form(item, request.POST)
    if not form.is_valid():
        form.error = "Chưa lưu: hãy sửa các ô có thông báo màu đỏ."
        return _answer_item(request, submission, item, {item.pk: form}, form.error)
    data = form.cleaned_data
    mode, version = data["mode"], data.get("version")
    common = {"actor": request.user, "expected_version": version}
    try:
        if mode == Mode.INPUTS:
            appraisal.correct_inputs(item, inputs=data["inputs"], reason=data["reason"], **common)
        elif mode == Mode.OVERRIDE:
            appraisal.override_points(item, points=data["points"], reason=data["reason"], **common)
        elif mode == Mode.NOT_APPLICABLE:
            appraisal.mark_not_applicable(item, reason=data["reason"], **common)
        else:
            appraisal.keep_agency_result(item, **common)
    except ConflictError as error:
        item.refresh_from_db()
        # The current version goes back with the page: saving again, now that the person has
        # seen the other change, is a deliberate overwrite.
        form = appraisal_form(item, _with_version(request.POST, form, item.version))
        form.is_valid()
        form.error = error.message
        return _answer_item(request, submission, item, {item.pk: form}, error.message)
    except WorkflowError as error:
        form.error = error.message
        return _answer_item(request, submission, item, {item.pk: form}, error.message)
    submission.refresh_from_db()
    return _answer_item(request, submission, item, {}, "")


def _with_version(post, form, version):
    data = post.copy()
    data[form.add_prefix("version")] = str(version)
    return data


def _answer_item(request, submission, item, forms, error):
    if request.headers.get("HX-Request") != "true":
        if error:
            messages.error(request, error)
            context = appraisal_context(request, submission, forms=forms)
            return render(request, "assessments/review/appraisal.html", context)
        messages.success(request, f"Đã lưu kết quả thẩm định tiêu chí {item.criterion.code}.")
        return redirect(reverse("assessments:appraisal", args=[submission.pk]) + f"#tc-{item.pk}")
    context = appraisal_context(request, submission, forms=forms)
    context["row"] = next(row for row in context["rows"] if row.item and row.item.pk == item.pk)
    context["saved"] = not error
    return render(request, "assessments/review/_item_response.html", context)


@require_POST
@login_required
def settle_item(request, pk, item_pk):
    """Settle one adjusted criterion: the reviewer accepts the agency's explanation, or the lead
    decides it (keeping the appraised or the agency's value) with a reason."""
    submission, item = _item_for(request, pk, item_pk)
    form = SettleItemForm(request.POST)
    anchor = reverse("assessments:appraisal", args=[submission.pk]) + f"#tc-{item.pk}"
    code = item.criterion.code
    if not form.is_valid():
        problem = (
            form.errors["reason"][0] if "reason" in form.errors else "vui lòng chọn lại thao tác."
        )
        messages.error(request, f"Tiêu chí {code}: {problem}")
        return redirect(anchor)
    data = form.cleaned_data
    try:
        if data["action"] == SettleItemForm.ACCEPT_EXPLANATION:
            appraisal.accept_explanation(item, actor=request.user, expected_version=data["version"])
            messages.success(request, f"Đã chấp nhận giải trình của đơn vị về tiêu chí {code}.")
        else:
            appraisal.decide_item(
                item,
                actor=request.user,
                keep=data["keep"],
                reason=data["reason"],
                expected_version=data["version"],
            )
            messages.success(request, f"Đã ghi nhận quyết định của lãnh đạo về tiêu chí {code}.")
    except WorkflowError as error:
        messages.error(request, error.message)
        context = appraisal_context(
            request, submission, action_data={"settle_item": item.pk, "settle": request.POST}
        )
        status = 409 if isinstance(error, ConflictError) else 200
        return render(request, "assessments/review/appraisal.html", context, status=status)
    return redirect(anchor)


@require_POST
@login_required
def post_message(request, pk):
    """A question to the agency (per criterion or general), or an internal note."""
    _require_department(request.user)
    submission = get_submission_for_user(request.user, pk, _submission_qs())
    chosen = MessageItemForm(request.POST, submission=submission)
    if not chosen.is_valid():
        messages.error(request, " ".join(chosen.errors["item"]))
        return redirect("assessments:appraisal", submission.pk)
    item = chosen.cleaned_data["item"]
    item_pk = str(item.pk) if item else ""
    body = request.POST.get("body", "")
    anchor = f"#tc-{item.pk}" if item else "#trao-doi"
    typed = TypedTextForm(request.POST)
    try:
        if not typed.is_valid():
            raise WorkflowError(typed.first_error())
        if request.POST.get("internal"):
            appraisal.add_internal_note(submission, actor=request.user, body=body, item=item)
            messages.success(request, "Đã lưu ghi chú nội bộ (đơn vị không xem được).")
        else:
            appraisal.ask_question(submission, actor=request.user, body=body, item=item)
            messages.success(
                request,
                "Đã lưu câu hỏi; đơn vị sẽ nhận được khi hồ sơ được gửi yêu cầu giải trình.",
            )
    except WorkflowError as error:
        messages.error(request, error.message)
        context = appraisal_context(
            request, submission, action_data={"message_body": body, "message_item": item_pk}
        )
        return render(request, "assessments/review/appraisal.html", context)
    return redirect(reverse("assessments:appraisal", args=[submission.pk]) + anchor)


ACTIONS = {
    "start_review": "Đã bắt đầu thẩm định hồ sơ.",
    "return_for_explanation": "Đã gửi yêu cầu giải trình cho đơn vị.",
    "accept": "Đã thống nhất kết quả thẩm định.",
    "record_decision": "Đã ghi nhận quyết định của lãnh đạo.",
    "finalise": "Đã chốt kết quả đánh giá.",
    "reopen": "Đã mở lại hồ sơ để thẩm định.",
}


@require_POST
@login_required
def appraisal_action(request, pk, action):
    """One workflow button of the appraisal page. Errors re-render the page with what was typed."""
    _require_department(request.user)
    if action not in ACTIONS:
        raise Http404
    submission = get_submission_for_user(request.user, pk, _submission_qs())
    data = request.POST
    common = {"actor": request.user, "expected_version": data.get("expected_version")}
    typed = TypedTextForm(data)
    try:
        if not typed.is_valid():
            raise WorkflowError(typed.first_error())
        if action == "return_for_explanation":
            form = ReturnForExplanationForm(data)
            if not form.is_valid():
                # The date's error is shown under the date field, what was typed kept.
                context = appraisal_context(
                    request,
                    submission,
                    action_data={
                        action: {**data.dict(), "reply_by_error": form.errors["reply_by"][0]}
                    },
                )
                return render(request, "assessments/review/appraisal.html", context)
            workflow.return_for_explanation(
                submission,
                message=form.cleaned_data["message"],
                reply_by=form.cleaned_data["reply_by"],
                **common,
            )
        elif action == "accept":
            workflow.accept(submission, message=data.get("message", "").strip(), **common)
        elif action in ("record_decision", "reopen"):
            getattr(workflow, action)(submission, reason=data.get("reason", ""), **common)
        else:
            getattr(workflow, action)(submission, **common)
    except WorkflowError as error:
        messages.error(request, error.message)
        submission.refresh_from_db()
        context = appraisal_context(request, submission, action_data={action: data.dict()})
        status = 409 if isinstance(error, ConflictError) else 200
        return render(request, "assessments/review/appraisal.html", context, status=status)
    messages.success(request, ACTIONS[action])
    return redirect("assessments:appraisal", submission.pk)


@require_POST
@login_required
def assign(request, pk):
    """The lead assigns the reviewer of the whole submission or of one criteria group."""
    _require_department(request.user)
    submission = get_submission_for_user(request.user, pk, _submission_qs())
    form = AssignForm(request.POST, submission=submission)
    if not form.is_valid():
        messages.error(request, INVALID)
        return redirect("assessments:appraisal", submission.pk)
    reviewer, group = form.cleaned_data["reviewer"], form.cleaned_data["group"]
    try:
        appraisal.assign_reviewer(
            submission,
            actor=request.user,
            reviewer=reviewer,
            group=group,
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        where = f"nhóm {group.code}" if group else "hồ sơ"
        who = str(reviewer) if reviewer else "chưa phân công"
        messages.success(request, f"Đã phân công thẩm định {where}: {who}.")
    back = request.POST.get("next") or ""
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("assessments:appraisal", submission.pk)


urlpatterns = [
    path("tham-dinh/", review_home, name="review_home"),
    path("tham-dinh/ky/<slug:code>/", review_queue, name="review_queue"),
    path("tham-dinh/ho-so/<int:pk>/", appraisal_page, name="appraisal"),
    path("tham-dinh/ho-so/<int:pk>/tieu-chi/<int:item_pk>/", appraise_item, name="appraise_item"),
    path(
        "tham-dinh/ho-so/<int:pk>/tieu-chi/<int:item_pk>/thong-nhat/",
        settle_item,
        name="appraisal_settle",
    ),
    path("tham-dinh/ho-so/<int:pk>/trao-doi/", post_message, name="appraisal_message"),
    path("tham-dinh/ho-so/<int:pk>/phan-cong/", assign, name="appraisal_assign"),
    path(
        "tham-dinh/ho-so/<int:pk>/thao-tac/<slug:action>/",
        appraisal_action,
        name="appraisal_action",
    ),
]
