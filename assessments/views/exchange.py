"""The agency's side of the appraisal: per criterion the adjustment, the reason and the
questions; the officer answers each (đồng ý / giải trình), adds evidence, sends the answer or
confirms the result, and sees the final score once the lead has finalised it.

Evidence added here is an official document citation or a link; uploading files belongs to the
self-assessment form, whose upload validation is shared once both areas are merged.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from assessments import appraisal, permissions, references, scores, selfassessment, workflow
from assessments.enums import Agreement, MessageKind, Role, SubmissionStatus
from assessments.forms.agency import ExchangeEvidenceForm
from assessments.forms.review import TypedTextForm
from assessments.history import history_for
from assessments.models import Evidence, ItemScore, Message, Submission
from assessments.selfassessment import EditRefused
from assessments.uploads import ALLOWED_LABEL, EXTENSIONS, UploadRefused
from assessments.workflow import ConflictError, WorkflowError
from scoring import is_cross_agency

S = SubmissionStatus


def _submission_for_officer(user, pk) -> Submission:
    if user.role != Role.OFFICER:
        raise Http404
    return permissions.get_submission_for_user(
        user, pk, Submission.objects.select_related("period__program", "agency__kind", "table")
    )


@dataclass
class ExchangeRow:
    criterion: object
    item: ItemScore | None = None
    self_points: object = None
    appraised_points: object = None
    appraised_na: bool = False
    questions: tuple = ()
    answers: tuple = ()
    evidence: tuple = ()
    needs_answer: bool = False
    form: dict | None = None
    # Beside a criterion scored across agencies: “Giá trị cao nhất trong khối: 12,5 Mbps/người”.
    reference: str = ""


def _needs_answer(submission, item, current_questions) -> bool:
    """Only what the Department sent asks for an answer: while the dossier is back with the
    agency. A correction drafted in review is not shown, let alone marked, before it is sent."""
    if submission.status != S.RETURNED:
        return False
    decided = item.agreement in (Agreement.EXPLANATION_ACCEPTED, Agreement.LEAD_DECIDED)
    return (item.is_adjusted and not decided) or bool(current_questions)


def exchange_context(request, submission, *, forms=None, posted=None):
    """Everything the exchange page shows, in a fixed number of queries. Only messages the
    agency may read: never internal notes, never questions of a round not yet sent."""
    criteria = scores.table_criteria(submission.table)
    # The appraisal as last sent: a correction drafted since is not the agency's to see.
    items = [
        item.as_sent()
        for item in submission.items.select_related(
            "criterion__parent", "agreed_by"
        ).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "id"))
        )
    ]
    visible = list(
        Message.objects.filter(
            submission=submission, is_internal=False, round__lte=submission.round
        )
        .select_related("author")
        .order_by("created_at", "id")
    )
    self_result = scores.self_result(submission, criteria, items)
    appraised = scores.appraised_result(submission, criteria, items)
    # Read only where the table has criteria scored across agencies (no query otherwise).
    refs = (
        references.references_for(submission.period)
        if any(is_cross_agency(criterion.rule) for criterion in criteria)
        else {}
    )
    by_code = {item.criterion.code: item for item in items}
    forms = forms or {}
    rows = []
    for criterion in criteria:
        item = by_code.get(criterion.code)
        if criterion.is_group or item is None:
            rows.append(ExchangeRow(criterion=criterion))
            continue
        thread = [m for m in visible if m.item_id == item.pk]
        questions = tuple(m for m in thread if m.kind == MessageKind.QUESTION)
        current_questions = [m for m in questions if m.round == submission.round]
        result = appraised.items[criterion.code]
        rows.append(
            ExchangeRow(
                criterion=criterion,
                item=item,
                self_points=self_result.items[criterion.code].points,
                appraised_points=result.points,
                appraised_na=result.not_applicable,
                questions=questions,
                answers=tuple(m for m in thread if m.kind == MessageKind.ANSWER),
                evidence=tuple(item.evidence.all()),
                needs_answer=_needs_answer(submission, item, current_questions),
                reference=references.reference_text(criterion, refs),
                form=forms.get(item.pk)
                or {
                    "response": item.agency_response,
                    "text": item.agency_response_text,
                    "version": item.version,
                },
            )
        )
    can_answer = permissions.can_answer(request.user, submission)
    actions = workflow.allowed_actions(submission, request.user)
    return {
        "submission": submission,
        "rows": rows,
        "self_result": self_result,
        "appraised": appraised,
        "general_messages": [m for m in visible if not m.item_id],
        "can_answer": can_answer,
        "actions": actions,
        "answerable_items": [row.item for row in rows if row.item],
        "pending": [
            row.criterion.code
            for row in rows
            if row.needs_answer and row.item and not row.item.agency_response
        ],
        "history": history_for(request.user, submission),
        "posted": posted or {},
        # The reviewer's corrections are work in progress until the Department sends them back
        # (return for explanation) or agrees; the agency sees them from then on.
        "show_appraisal": permissions.agency_follows_exchange(submission),
        "upload_accept": ",".join(EXTENSIONS),
        "upload_help": f"{ALLOWED_LABEL}, tối đa {settings.EVIDENCE_MAX_UPLOAD_MB} MB.",
    }


@login_required
def exchange(request, pk):
    submission = _submission_for_officer(request.user, pk)
    return render(request, "assessments/exchange/page.html", exchange_context(request, submission))


@require_POST
@login_required
def respond(request, pk, item_pk):
    """Save the agency's answer on one criterion; with htmx answers the criterion card."""
    submission = _submission_for_officer(request.user, pk)
    item = get_object_or_404(
        ItemScore.objects.select_related("criterion"), pk=item_pk, submission=submission
    )
    data = request.POST
    form = {"response": data.get("response", ""), "text": data.get("text", "")}
    error = ""
    typed = TypedTextForm(data)
    try:
        if not typed.is_valid():
            raise WorkflowError(typed.first_error())
        appraisal.respond_to_item(
            item,
            actor=request.user,
            response=form["response"],
            text=form["text"],
            expected_version=data.get("version"),
        )
    except ConflictError as conflict:
        item.refresh_from_db()
        error = conflict.message
        form["version"] = item.version
    except WorkflowError as refused:
        error = refused.message
        form["version"] = data.get("version")
    htmx = request.headers.get("HX-Request") == "true"
    if not error and not htmx:
        messages.success(request, f"Đã lưu ý kiến về tiêu chí {item.criterion.code}.")
        return redirect(reverse("assessments:exchange", args=[submission.pk]) + f"#tc-{item.pk}")
    if error:
        form["error"] = error
        if not htmx:
            messages.error(request, error)
    context = exchange_context(request, submission, forms={item.pk: form} if error else None)
    if not htmx:
        return render(request, "assessments/exchange/page.html", context)
    context["row"] = next(row for row in context["rows"] if row.item and row.item.pk == item.pk)
    context["saved"] = not error
    return render(request, "assessments/exchange/_item.html", context)


@require_POST
@login_required
def add_evidence(request, pk):
    """Evidence added while answering: a citation, a link or a file, for chosen criteria.
    The same domain function as during self-assessment marks it “added during review”."""
    submission = _submission_for_officer(request.user, pk)
    data = request.POST
    # The criteria are chosen among this submission's own: a tampered or overflowing id is a
    # form error, never a 500.
    form = ExchangeEvidenceForm(data, request.FILES, submission=submission)
    problem = None
    if form.is_valid():
        try:
            selfassessment.add_evidence(
                submission,
                actor=request.user,
                items=list(form.cleaned_data["items"]),
                upload=form.cleaned_data.get("upload"),
                **{name: form.cleaned_data.get(name) for name in form.Meta.fields},
            )
        except (EditRefused, UploadRefused) as refused:
            problem = refused.message
    else:
        problem = " ".join(message for errors in form.errors.values() for message in errors)
    if problem:
        messages.error(request, problem)
        context = exchange_context(
            request, submission, posted={"evidence": data, "evidence_items": data.getlist("items")}
        )
        return render(request, "assessments/exchange/page.html", context)
    messages.success(request, "Đã bổ sung tài liệu kiểm chứng.")
    return redirect(reverse("assessments:exchange", args=[submission.pk]) + "#bo-sung")


@require_POST
@login_required
def remove_evidence(request, pk, evidence_pk):
    """Take back evidence added in this round of explanation (the only evidence the agency may
    remove once its dossier is submitted; the file stays on record)."""
    submission = _submission_for_officer(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, submission=submission)
    if not permissions.can_answer(request.user, submission):
        messages.error(request, "Chỉ gỡ được tài liệu khi đang trả lời yêu cầu giải trình.")
        return redirect("assessments:exchange", submission.pk)
    try:
        selfassessment.remove_evidence(evidence, actor=request.user)
    except EditRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Đã gỡ tài liệu bổ sung khỏi hồ sơ giải trình.")
    return redirect(reverse("assessments:exchange", args=[submission.pk]) + "#bo-sung")


EXCHANGE_ACTIONS = {
    "answer": "Đã gửi giải trình đến {agency}.",
    "confirm_result": "Đã xác nhận thống nhất kết quả thẩm định.",
}


@require_POST
@login_required
def exchange_action(request, pk, action):
    """Send the answers back (answer) or agree with the appraised result (confirm_result)."""
    if action not in EXCHANGE_ACTIONS:
        raise Http404
    submission = _submission_for_officer(request.user, pk)
    data = request.POST
    typed = TypedTextForm(data)
    try:
        if not typed.is_valid():
            raise WorkflowError(typed.first_error())
        if action == "answer":
            workflow.answer(
                submission,
                actor=request.user,
                message=data.get("message", ""),
                expected_version=data.get("expected_version"),
            )
        else:
            workflow.confirm_result(
                submission, actor=request.user, expected_version=data.get("expected_version")
            )
    except WorkflowError as error:
        messages.error(request, error.message)
        submission.refresh_from_db()
        context = exchange_context(request, submission, posted={action: data})
        status = 409 if isinstance(error, ConflictError) else 200
        return render(request, "assessments/exchange/page.html", context, status=status)
    messages.success(
        request, EXCHANGE_ACTIONS[action].format(agency=submission.period.program.agency_short_name)
    )
    return redirect("assessments:exchange", submission.pk)


urlpatterns = [
    path("ho-so/<int:pk>/giai-trinh/", exchange, name="exchange"),
    path("ho-so/<int:pk>/giai-trinh/tieu-chi/<int:item_pk>/", respond, name="exchange_respond"),
    path("ho-so/<int:pk>/giai-trinh/tai-lieu/", add_evidence, name="exchange_evidence"),
    path(
        "ho-so/<int:pk>/giai-trinh/tai-lieu/<int:evidence_pk>/go/",
        remove_evidence,
        name="exchange_evidence_remove",
    ),
    path(
        "ho-so/<int:pk>/giai-trinh/thao-tac/<slug:action>/",
        exchange_action,
        name="exchange_action",
    ),
]
