"""Reports for the lead and administrators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from assessments.models import Period
from assessments.permissions import can_export_reports


@login_required
def reports_home(request):
    if not can_export_reports(request.user):
        raise Http404
    return render(request, "assessments/reports_home.html", {"periods": Period.objects.all()})


urlpatterns = [
    path("bao-cao/", reports_home, name="reports_home"),
]
