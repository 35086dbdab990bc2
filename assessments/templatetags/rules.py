"""The predicates of `assessments.permissions` for templates: a template shows a button with
the same rule the view enforces ({% load rules %}{% if request.user|can_decide:submission %})."""

from django import template
from django.utils.html import format_html_join

from assessments import permissions
from assessments.models.audit import is_safe_link

register = template.Library()


@register.filter
def can_answer(user, submission) -> bool:
    return permissions.can_answer(user, submission)


@register.filter
def can_review(user, submission) -> bool:
    return permissions.can_review(user, submission)


@register.filter
def can_appraise(user, submission) -> bool:
    return permissions.can_appraise(user, submission)


@register.filter
def can_accept_explanation(user, submission) -> bool:
    return permissions.can_accept_explanation(user, submission)


@register.filter
def can_decide(user, submission) -> bool:
    return permissions.can_decide(user, submission)


@register.filter
def is_lead(user) -> bool:
    return permissions.is_lead(user)


@register.filter
def can_open_review(user) -> bool:
    return permissions.can_open_review(user)


@register.filter
def can_export_reports(user) -> bool:
    return permissions.can_export_reports(user)


@register.filter
def can_administer(user) -> bool:
    return permissions.can_administer(user)


@register.filter
def reviews_own_agency(user, submission) -> bool:
    return permissions.reviews_own_agency(user, submission)


@register.filter
def follows_exchange(submission) -> bool:
    """The agency follows this dossier on its exchange page (the appraisal was sent back)."""
    return permissions.agency_follows_exchange(submission)


@register.filter
def added_this_round(evidence, submission) -> bool:
    return permissions.added_this_round(evidence, submission)


@register.filter
def safe_link(url) -> str:
    """The URL when it is a link we render (see `is_safe_link`), else an empty string."""
    return url if is_safe_link(url) else ""


@register.simple_tag
def reviewer_options(reviewers, submission):
    """The <option>s of one queue row's assignment list: every reviewer but those of the row's
    own agency, its reviewer selected. Built in Python, not by a template loop: the queue
    writes rows × reviewers options (600 for 50 rows and 12 reviewers)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                reviewer.pk,
                " selected" if submission.reviewer_id == reviewer.pk else "",
                reviewer,
            )
            for reviewer in reviewers
            if not permissions.reviews_own_agency(reviewer, submission)
        ),
    )
