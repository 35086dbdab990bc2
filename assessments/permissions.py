"""Who may see and do what. Loaders answer 404 for objects outside a user's scope; can_* checks
also look at the status. Templates use the same checks to show buttons; views enforce them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessments.enums import (
    ANSWERABLE_BY_AGENCY,
    EDITABLE_BY_REVIEWER,
    PERIOD_OPEN_FOR_SUBMISSION,
    Role,
    SubmissionStatus,
)
from assessments.models import Evidence, Submission
from assessments.queries import visible_submissions_for

DECIDABLE_BY_LEAD = frozenset(
    {SubmissionStatus.IN_REVIEW, SubmissionStatus.RETURNED, SubmissionStatus.ANSWERED}
)


def get_submission_for_user(user, pk, queryset=None) -> Submission:
    """The submission if the user may see it, else 404 (never 403: that would confirm it exists)."""
    qs = visible_submissions_for(user, queryset)
    return get_object_or_404(qs, pk=pk)


def get_evidence_for_user(user, pk) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("submission"), pk=pk)
    if not visible_submissions_for(user).filter(pk=evidence.submission_id).exists():
        raise Http404
    return evidence


def is_own_agency(user, submission) -> bool:
    return bool(user.agency_id) and user.agency_id == submission.agency_id


OWN_AGENCY_REFUSED = (
    "Bạn không được thẩm định hồ sơ của chính cơ quan mình; "
    "hồ sơ cần người thẩm định khác hoặc lãnh đạo."
)


def reviews_own_agency(user, submission) -> bool:
    """A reviewer never appraises their own agency (the evaluating department's own dossier goes to the lead or
    to a reviewer of another agency)."""
    return user.role == Role.REVIEWER and is_own_agency(user, submission)


# Once the Department has sent its appraisal back, the agency follows the review on its
# exchange page; before that (draft, submitted, in review) on its self-assessment form.
APPRAISAL_SENT = frozenset(
    {
        SubmissionStatus.RETURNED,
        SubmissionStatus.ANSWERED,
        SubmissionStatus.AGREED,
        SubmissionStatus.FINALISED,
    }
)


def agency_follows_exchange(submission) -> bool:
    return submission.status in APPRAISAL_SENT


def added_this_round(evidence, submission) -> bool:
    """Evidence the agency added while answering the current request for explanation: the only
    evidence it may change or remove once the dossier is submitted."""
    return evidence.added_during_review and evidence.added_in_round == submission.round


def can_edit_self_assessment(user, submission) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and is_own_agency(user, submission)
        and submission.status == SubmissionStatus.DRAFT
        and submission.period.status in PERIOD_OPEN_FOR_SUBMISSION
    )


def agency_may_start_dossier(agency, *, on=None) -> bool:
    """An agency that merged away or was split (its change in effect) starts no new dossier:
    the period's dossier belongs to its successor. Its officers keep reading their history."""
    on = on or timezone.localdate()
    return agency.ended_on is None or agency.ended_on > on


def can_answer(user, submission) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and is_own_agency(user, submission)
        and submission.status in ANSWERABLE_BY_AGENCY
    )


def can_review(user, submission) -> bool:
    """Reviewers and the lead appraise; a reviewer never appraises their own agency."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role not in (Role.REVIEWER, Role.LEAD):
        return False
    return not reviews_own_agency(user, submission)


def can_appraise(user, submission) -> bool:
    return can_review(user, submission) and submission.status in EDITABLE_BY_REVIEWER


def can_finalise(user, submission) -> bool:
    return is_lead(user)


def is_lead(user) -> bool:
    """Only the lead decides, finalises and issues."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.LEAD)


def can_issue(user) -> bool:
    """Only the lead issues the official report."""
    return is_lead(user)


def can_accept_explanation(user, submission) -> bool:
    """The reviewer (or the lead) accepts the agency's explanation, criterion by criterion,
    once the agency has sent its answers."""
    return can_review(user, submission) and submission.status == SubmissionStatus.ANSWERED


def can_decide(user, submission) -> bool:
    """The lead decides a criterion the agency does not agree with, while under review."""
    return is_lead(user) and submission.status in DECIDABLE_BY_LEAD


def can_open_review(user) -> bool:
    """The Department's appraisal pages (“Thẩm định”) are for its reviewers and its lead."""
    return bool(user.is_authenticated and user.is_department_staff)


def can_see_internal_notes(user) -> bool:
    return user.is_authenticated and (
        user.role in (Role.REVIEWER, Role.LEAD, Role.ADMIN) or user.is_superuser
    )


def can_export_reports(user) -> bool:
    return user.is_authenticated and (user.role in (Role.LEAD, Role.ADMIN) or user.is_superuser)


def can_administer(user) -> bool:
    return user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser)
