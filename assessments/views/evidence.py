"""Serving an evidence file to the people allowed to see its submission (minimal version; the
self-assessment area owns uploads)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path

from assessments.permissions import get_evidence_for_user


@login_required
def evidence_file(request, pk):
    """The file inline in the browser, only for users who may see the submission (404 else).
    nosniff stops a browser from running an upload as a different type than the stored one."""
    evidence = get_evidence_for_user(request.user, pk)
    if not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=False,
        filename=evidence.original_filename or None,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("tai-lieu/<int:pk>/", evidence_file, name="evidence_file"),
]
