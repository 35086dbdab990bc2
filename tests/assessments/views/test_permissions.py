"""Every URL × every role → the expected status (pretix test_permissions style)."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from assessments.models import Evidence
from assessments.services import get_or_create_submission
from tests.conftest import login

ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "lead", "administrator"]


def _url(name, objects):
    period, submission, item, evidence = objects
    return {
        "submit_check": reverse("assessments:submit_check", args=[submission.pk]),
        "submit_confirm": reverse("assessments:submit_confirm", args=[submission.pk]),
        "self_assessment_pdf": reverse("assessments:self_assessment_pdf", args=[submission.pk]),
        "evidence_file": reverse("assessments:evidence_file", args=[evidence.pk]),
        "evidence_edit": reverse("assessments:evidence_edit", args=[evidence.pk]),
        "item_save": reverse("assessments:item_save", args=[submission.pk, item.pk]),
        "evidence_add": reverse("assessments:evidence_add", args=[submission.pk, item.pk]),
        "evidence_link": reverse("assessments:evidence_link", args=[submission.pk, item.pk]),
        "evidence_unlink": reverse("assessments:evidence_unlink", args=[evidence.pk, item.pk]),
        "evidence_remove": reverse("assessments:evidence_remove", args=[evidence.pk]),
        "withdraw": reverse("assessments:withdraw", args=[submission.pk]),
        "home": reverse("home"),
        "notifications": reverse("notifications"),
        "agency_period": reverse("assessments:agency_period", args=[period.code]),
        "submission_form": reverse("assessments:submission_form", args=[submission.pk]),
        "review_home": reverse("assessments:review_home"),
        "review_queue": reverse("assessments:review_queue", args=[period.code]),
        "appraisal": reverse("assessments:appraisal", args=[submission.pk]),
        "reports_home": reverse("assessments:reports_home"),
        "admin_home": reverse("assessments:admin_home"),
        "public_periods": reverse("public:periods"),
        "public_criteria": reverse("public:criteria", args=[period.year]),
        "public_results": reverse("public:period_results", args=[period.year]),
    }[name]


# Expected status per role, in ROLES order. The submission belongs to officer_a's agency.
MATRIX = {
    "home": [200, 200, 200, 200, 200, 200],
    "notifications": [302, 200, 200, 200, 200, 200],
    # The officer's dashboard for the period (officer_b sees their own agency's).
    "agency_period": [302, 200, 200, 404, 404, 404],
    "submission_form": [302, 200, 404, 200, 200, 200],
    "review_home": [302, 404, 404, 200, 200, 404],
    "review_queue": [302, 404, 404, 200, 200, 404],
    "appraisal": [302, 404, 404, 200, 200, 404],
    "reports_home": [302, 404, 404, 404, 200, 200],
    "admin_home": [302, 404, 404, 404, 404, 200],
    "public_periods": [200, 200, 200, 200, 200, 200],
    "public_criteria": [200, 200, 200, 200, 200, 200],
    "public_results": [404, 404, 404, 404, 404, 404],  # not published yet
    "submit_check": [302, 200, 404, 404, 404, 404],
    "submit_confirm": [302, 302, 404, 404, 404, 404],  # officer_a: back to the check, incomplete
    "self_assessment_pdf": [302, 200, 404, 200, 200, 200],
    "evidence_file": [302, 200, 404, 200, 200, 200],
    "evidence_edit": [302, 200, 404, 404, 404, 404],
}

# State-changing URLs answer POST only; a POST from anyone but the agency's officer is refused
# before anything is read from it (officer_a's POSTs redirect back to the form).
POST_MATRIX = {
    "submission_form": [302, 302, 404, 403, 403, 403],
    "item_save": [302, 302, 404, 403, 403, 403],
    "evidence_add": [302, 200, 404, 403, 403, 403],  # officer_a: the form again, with errors
    "evidence_link": [302, 404, 404, 403, 403, 403],  # officer_a: no evidence chosen
    "evidence_unlink": [302, 302, 404, 403, 403, 403],
    "evidence_remove": [302, 302, 404, 403, 403, 403],
    "withdraw": [302, 302, 404, 403, 403, 403],
    "submit_confirm": [302, 200, 404, 404, 404, 404],  # officer_a: the summary, with errors
}


@pytest.fixture
def objects(period, agency_a):
    submission = get_or_create_submission(agency_a, period)
    item = submission.items.order_by("criterion__order").first()
    evidence = Evidence(submission=submission, doc_number="45/KH-STC")
    evidence.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    evidence.original_filename, evidence.content_type = "ke-hoach.pdf", "application/pdf"
    evidence.save()
    evidence.items.add(item)
    return period, submission, item, evidence


def _client(role_index, request):
    role = ROLES[role_index]
    if role == "anonymous":
        return Client()
    request.getfixturevalue("officer_a")
    return login(request.getfixturevalue(role))


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_url_answers_each_role_as_expected(name, role_index, objects, request):
    client = _client(role_index, request)
    response = client.get(_url(name, objects))
    if hasattr(response, "streaming_content"):
        response.close()
    assert response.status_code == MATRIX[name][role_index]


@pytest.mark.parametrize("name", list(POST_MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_answers_each_role_as_expected(name, role_index, objects, request):
    client = _client(role_index, request)
    response = client.post(_url(name, objects), {})
    assert response.status_code == POST_MATRIX[name][role_index]
