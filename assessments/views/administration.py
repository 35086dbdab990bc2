"""Administration: periods, criteria tables, agencies, accounts."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from assessments.models import Period
from assessments.permissions import can_administer


@login_required
def admin_home(request):
    if not can_administer(request.user):
        raise Http404
    return render(request, "assessments/admin_home.html", {"periods": Period.objects.all()})


urlpatterns = [
    path("quan-tri/", admin_home, name="admin_home"),
]
