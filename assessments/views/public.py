"""What anyone can read without logging in: published results and public criteria tables."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from assessments.enums import PERIOD_CRITERIA_PUBLIC, PeriodStatus
from assessments.models import Period


def periods(request):
    rows = Period.objects.filter(is_practice=False, status__in=PERIOD_CRITERIA_PUBLIC)
    return render(request, "assessments/public/periods.html", {"periods": rows})


def period_results(request, year):
    period = get_object_or_404(Period, year=year, is_practice=False, status=PeriodStatus.PUBLISHED)
    submissions = (
        period.submissions.filter(final_score__isnull=False)
        .select_related("agency__kind")
        .order_by("agency__kind__order", "-final_score", "agency__name")
    )
    return render(
        request,
        "assessments/public/period_results.html",
        {"period": period, "submissions": submissions},
    )


def criteria(request, year):
    period = get_object_or_404(
        Period, year=year, is_practice=False, status__in=PERIOD_CRITERIA_PUBLIC
    )
    tables = period.tables.select_related("kind").prefetch_related("criteria")
    return render(request, "assessments/public/criteria.html", {"period": period, "tables": tables})


urlpatterns = [
    path("", periods, name="periods"),
    path("<int:year>/", period_results, name="period_results"),
    path("<int:year>/tieu-chi/", criteria, name="criteria"),
]
