"""Uploading the digitally signed copy of a document the portal rendered: the lead's signed
official report, an agency's signed self-assessment report. POST only; everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.enums import Role
from assessments.exports.official_report import issued_report
from assessments.exports.signed_copy import (
    TRUST_NOTE,
    SignatureError,
    attach_to_issued_report,
    attach_to_self_assessment,
)
from assessments.forms.signed import SignedCopyForm
from assessments.models import Period, Submission
from assessments.permissions import can_issue, get_submission_for_user, is_own_agency


def accepted_message(copy) -> str:
    when = (
        f", ký lúc {timezone.localtime(copy.signed_at):%H:%M ngày %d/%m/%Y}"
        if copy.signed_at
        else ""
    )
    return f"Đã lưu bản ký số (người ký: {copy.signer_name}{when}). {TRUST_NOTE}"


def _attach(request, attach, target) -> None:
    form = SignedCopyForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    try:
        copy = attach(target, form.cleaned_data["file"].read(), actor=request.user)
    except SignatureError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, accepted_message(copy))


@login_required
@require_POST
def signed_report_upload(request, code):
    """The lead attaches the signed PDF of the issued official report."""
    if not can_issue(request.user):
        raise Http404
    period = get_object_or_404(Period, code=code)
    issued = issued_report(period)
    if issued is None:
        raise Http404
    _attach(request, attach_to_issued_report, issued)
    return redirect("assessments:period_reports", period.code)


@login_required
@require_POST
def signed_self_assessment_upload(request, pk):
    """The agency's own officer attaches the signed PDF of its self-assessment report."""
    submission = get_submission_for_user(
        request.user,
        pk,
        queryset=Submission.objects.select_related(
            "period__evaluating_agency", "period__program", "agency", "table"
        ),
    )
    if not (request.user.role == Role.OFFICER and is_own_agency(request.user, submission)):
        raise Http404
    _attach(request, attach_to_self_assessment, submission)
    return redirect("assessments:submission_form", submission.pk)


urlpatterns = [
    path("bao-cao/<slug:code>/ban-ky-so/", signed_report_upload, name="signed_report_upload"),
    path(
        "ho-so/<int:pk>/ban-ky-so/",
        signed_self_assessment_upload,
        name="signed_self_assessment_upload",
    ),
]
