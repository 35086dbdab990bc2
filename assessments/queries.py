"""What each user may see, decided in one place, and computed columns."""

from django.db.models import Count, OuterRef, Q, Subquery

from assessments.enums import Role
from assessments.models import Extension, Submission


def visible_submissions_for(user, queryset=None):
    """Officers see their own agency's submissions; Department staff and administrators see all;
    anyone else sees none (public results go through published periods, not this)."""
    qs = queryset if queryset is not None else Submission.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role in (Role.REVIEWER, Role.LEAD, Role.ADMIN):
        return qs
    if user.role == Role.OFFICER and user.agency_id:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def annotate_progress(qs):
    """answered_count / criteria_count / evidence_count per submission, in the same query."""
    return qs.annotate(
        criteria_count=Count("items", filter=Q(items__criterion__rule__gt=""), distinct=True),
        answered_count=Count(
            "items",
            filter=Q(items__criterion__rule__gt="")
            & (Q(items__points__isnull=False) | Q(items__not_applicable=True)),
            distinct=True,
        ),
        evidence_count=Count("evidence", distinct=True),
    )


def annotate_extension(qs, *, period=None, period_field="period", agency_field="agency"):
    """extension_deadline / extension_reason: the agency's extended self-assessment deadline in
    that period (None without one), in the same query.

    On submissions: `annotate_extension(submissions)`. On agencies for one period:
    `annotate_extension(Agency.objects.all(), period=period, agency_field="pk")`. Other
    querysets name their period and agency fields."""
    if period is not None:
        extension = Extension.objects.filter(period=period, agency=OuterRef(agency_field))
    else:
        extension = Extension.objects.filter(
            period=OuterRef(period_field), agency=OuterRef(agency_field)
        )
    return qs.annotate(
        extension_deadline=Subquery(extension.values("new_deadline")[:1]),
        extension_reason=Subquery(extension.values("reason")[:1]),
    )
