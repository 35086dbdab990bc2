"""Agency officers: their period dashboard and the self-assessment form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from assessments import scores
from assessments.enums import PERIOD_OPEN_FOR_SUBMISSION, Role
from assessments.models import Period
from assessments.permissions import get_submission_for_user
from assessments.services import SetupError, get_or_create_submission


@login_required
def agency_period(request, code):
    """Open (creating on first visit) the officer's submission for a period."""
    if request.user.role != Role.OFFICER:
        raise Http404
    period = get_object_or_404(Period, code=code, status__in=PERIOD_OPEN_FOR_SUBMISSION)
    try:
        submission = get_or_create_submission(request.user.agency, period)
    except SetupError as error:
        messages.error(request, error.message)
        return redirect("home")
    return redirect("assessments:submission_form", submission.pk)


@login_required
def submission_form(request, pk):
    submission = get_submission_for_user(request.user, pk, queryset=_submission_qs())
    criteria = scores.table_criteria(submission.table)
    items = list(submission.items.select_related("criterion__parent").prefetch_related("evidence"))
    result = scores.self_result(submission, criteria, items)
    return render(
        request,
        "assessments/submission_form.html",
        {"submission": submission, "criteria": criteria, "items": items, "result": result},
    )


def _submission_qs():
    from assessments.models import Submission

    return Submission.objects.select_related("period", "agency__kind", "table")


urlpatterns = [
    path("don-vi/ky/<slug:code>/", agency_period, name="agency_period"),
    path("ho-so/<int:pk>/", submission_form, name="submission_form"),
]
