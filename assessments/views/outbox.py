"""The administrator's list of e-mails the mail server never accepted, with the error and a
button to send each again (a password link goes out as a new link). 404 for everyone else."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from assessments import outbox
from assessments.enums import EmailStatus
from assessments.models import OutboundEmail
from assessments.views.administration import admin_required

LIST_LIMIT = 200


@admin_required
def outbox_list(request):
    failing = outbox.needs_attention().select_related("recipient").order_by("-created_at")
    queued = OutboundEmail.objects.filter(status=EmailStatus.QUEUED).count()
    return render(
        request,
        "assessments/administration/outbox.html",
        {
            "section": "outbox",
            "emails": failing[:LIST_LIMIT],
            "limit": LIST_LIMIT,
            "queued": queued,
        },
    )


@admin_required
@require_POST
def outbox_resend(request, pk):
    email = get_object_or_404(OutboundEmail, pk=pk)
    try:
        email = outbox.resend(email, actor=request.user)
    except outbox.OutboxError as error:
        messages.error(request, error.message)
    else:
        level, text = outbox.delivery_message(email, what="thư")
        getattr(messages, level)(request, text)
    return redirect("assessments:admin_outbox")


urlpatterns = [
    path("quan-tri/thu-di/", outbox_list, name="admin_outbox"),
    path("quan-tri/thu-di/<int:pk>/gui-lai/", outbox_resend, name="admin_outbox_resend"),
]
