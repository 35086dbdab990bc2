"""The Department's reviewers and lead: queue and appraisal."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from assessments import scores
from assessments.enums import PeriodStatus
from assessments.models import Period, Submission
from assessments.permissions import get_submission_for_user


def _require_department(user):
    if not user.is_department_staff:
        raise Http404


@login_required
def review_home(request):
    _require_department(request.user)
    periods = Period.objects.exclude(status=PeriodStatus.PREPARING)
    return render(request, "assessments/review_home.html", {"periods": periods})


@login_required
def review_queue(request, code):
    _require_department(request.user)
    period = get_object_or_404(Period, code=code)
    submissions = (
        Submission.objects.filter(period=period)
        .select_related("agency__kind", "reviewer")
        .order_by("agency__kind__order", "agency__order")
    )
    return render(
        request, "assessments/review_queue.html", {"period": period, "submissions": submissions}
    )


@login_required
def appraisal(request, pk):
    _require_department(request.user)
    submission = get_submission_for_user(
        request.user, pk, Submission.objects.select_related("period", "agency", "table")
    )
    criteria = scores.table_criteria(submission.table)
    items = list(submission.items.select_related("criterion__parent").prefetch_related("evidence"))
    return render(
        request,
        "assessments/appraisal.html",
        {
            "submission": submission,
            "items": items,
            "self_result": scores.self_result(submission, criteria, items),
            "appraised": scores.appraised_result(submission, criteria, items),
        },
    )


urlpatterns = [
    path("tham-dinh/", review_home, name="review_home"),
    path("tham-dinh/ky/<slug:code>/", review_queue, name="review_queue"),
    path("tham-dinh/ho-so/<int:pk>/", appraisal, name="appraisal"),
]
