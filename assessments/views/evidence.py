"""Serving evidence files, only to people allowed to see the submission they belong to."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path

from assessments.permissions import get_evidence_for_user
from assessments.uploads import INLINE_TYPES


@login_required
def evidence_file(request, pk):
    """The file of an evidence item: 404 for anyone who may not see the submission.

    PDF and images open in the browser, everything else downloads; the response forbids type
    sniffing and sandboxes the document so a crafted file cannot run script on the portal.
    """
    evidence = get_evidence_for_user(request.user, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    # “?tai-ve=1” always downloads: some browsers refuse to show a sandboxed PDF inline.
    inline = evidence.content_type in INLINE_TYPES and not request.GET.get("tai-ve")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_filename or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("minh-chung/<int:pk>/tep/", evidence_file, name="evidence_file"),
]
