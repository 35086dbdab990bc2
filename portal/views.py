from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import lineage
from assessments.enums import PeriodStatus, Role
from assessments.models import Extension, Period, Program, Submission
from assessments.permissions import agency_may_start_dossier
from assessments.queries import annotate_progress


def public_programs() -> list[tuple]:
    """Every program with its published official periods, newest first (two queries)."""
    published: dict[int, list] = {}
    for period in Period.objects.filter(status=PeriodStatus.PUBLISHED, is_practice=False).order_by(
        "-year", "code"
    ):
        published.setdefault(period.program_id, []).append(period)
    return [(program, published.get(program.pk, [])) for program in Program.objects.all()]


def home(request):
    """The role-aware landing page; anonymous visitors see what the public can read."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/public_home.html", {"programs": public_programs()})
    if user.role == Role.OFFICER:
        # A period under review stays on the dashboard only for agencies that took part in it
        # (or were granted an extension); the others can no longer start a dossier.
        periods = (
            Period.objects.filter(tables__kind=user.agency.kind_id)
            .filter(
                Q(status=PeriodStatus.SELF_ASSESSMENT)
                | Q(status=PeriodStatus.REVIEW, submissions__agency=user.agency)
                | Q(status=PeriodStatus.REVIEW, extensions__agency=user.agency)
            )
            .distinct()
            .order_by("-year", "code")
        )
        ended = not agency_may_start_dossier(user.agency)
        if ended:
            # Merged away or split: only the dossiers it already has, read as history.
            periods = periods.filter(submissions__agency=user.agency)
        submissions = {
            s.period_id: s
            for s in annotate_progress(
                Submission.objects.filter(agency=user.agency, period__in=periods)
            )
        }
        extensions = {
            e.period_id: e for e in Extension.objects.filter(agency=user.agency, period__in=periods)
        }
        rows = [
            (period, submissions.get(period.pk), extensions.get(period.pk)) for period in periods
        ]
        past = (
            Submission.objects.filter(agency=user.agency)
            .exclude(period__in=periods)
            .select_related("period")
        )
        return render(
            request,
            "portal/home_officer.html",
            {
                "rows": rows,
                "past": past,
                "agency": user.agency,
                "ended_by": lineage.ending_change(user.agency) if ended else None,
                "ended": ended,
                "now": timezone.now(),
            },
        )
    if user.role in (Role.REVIEWER, Role.LEAD):
        periods = Period.objects.exclude(status=PeriodStatus.PREPARING).order_by("-year", "code")
        return render(request, "portal/home_department.html", {"periods": periods})
    return render(request, "portal/home_admin.html", {"periods": Period.objects.all()})


@login_required
def notifications(request):
    items = request.user.notifications.select_related("submission__agency")[:100]
    return render(request, "portal/notifications.html", {"items": items})


@login_required
@require_POST
def mark_notifications_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")
