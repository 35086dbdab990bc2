"""Issue 10: one permission layer. Each rule is a predicate in assessments/permissions.py that
workflow, views and templates use; nowhere else is it written out again."""

import re
from pathlib import Path

import pytest

from assessments import permissions
from assessments.enums import SubmissionStatus
from assessments.models import Submission
from assessments.services import get_or_create_submission

ROOT = Path(__file__).resolve().parents[2]

# Spellings of the rules that must only live in permissions.py.
DUPLICATES = {
    "a reviewer never appraises their own agency": re.compile(
        r"agency_id\s*(==|!=)\s*[\w.]*agency_id|Bạn không được thẩm định hồ sơ của chính"
    ),
    "the agency follows the exchange page": re.compile(
        r"EXCHANGE_STATUSES|exchange_statuses|APPRAISAL_SENT\s*=|"
        r"status != \"draft\" and [\w.]+ != \"submitted\"|\(S\.DRAFT, S\.SUBMITTED\)"
    ),
    "only the lead": re.compile(r"role\s*(==|!=)\s*(Role\.LEAD|\"lead\")"),
}
ALLOWED = {
    Path("assessments/permissions.py"),
    Path("assessments/models/people.py"),  # the User.is_lead property itself
}


def _sources():
    for folder, pattern in (("assessments", "*.py"), ("portal", "*.py"), ("templates", "*.html")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            yield relative, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", list(DUPLICATES))
def test_each_rule_is_written_once(rule):
    found = [
        f"{relative}:{text.count(chr(10), 0, match.start()) + 1}"
        for relative, text in _sources()
        for match in DUPLICATES[rule].finditer(text)
    ]
    assert found == []


def test_the_own_agency_rule(department, department_officer, reviewer, lead, period):
    own = get_or_create_submission(department, period)
    assert permissions.reviews_own_agency(reviewer, own) is True
    assert permissions.reviews_own_agency(lead, own) is False
    assert permissions.can_review(reviewer, own) is False
    assert permissions.can_review(lead, own) is True


@pytest.mark.parametrize(
    ("status", "follows"),
    [
        (SubmissionStatus.DRAFT, False),
        (SubmissionStatus.SUBMITTED, False),
        (SubmissionStatus.IN_REVIEW, False),
        (SubmissionStatus.RETURNED, True),
        (SubmissionStatus.ANSWERED, True),
        (SubmissionStatus.AGREED, True),
        (SubmissionStatus.FINALISED, True),
    ],
)
def test_the_agency_follows_the_exchange_page_once_the_appraisal_is_sent(status, follows):
    assert permissions.agency_follows_exchange(Submission(status=status)) is follows
