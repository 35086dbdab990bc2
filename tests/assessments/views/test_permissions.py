"""Every URL × every role → the expected status (pretix test_permissions style)."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.services import get_or_create_submission
from tests.conftest import login

ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "lead", "administrator"]


def _url(name, objects):
    period, submission = objects
    return {
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
        "period_reports": reverse("assessments:period_reports", args=[period.code]),
        "consolidated_xlsx": reverse("assessments:consolidated_xlsx", args=[period.code]),
        "official_report": reverse("assessments:official_report", args=[period.code]),
        "issue_report": reverse("assessments:issue_report", args=[period.code]),
        "publish_period": reverse("assessments:publish_period", args=[period.code]),
        "unpublish_period": reverse("assessments:unpublish_period", args=[period.code]),
        "statistics": reverse("assessments:statistics", args=[period.code]),
        "result_sheet": reverse("assessments:result_sheet", args=[period.code, "so-tai-chinh"]),
        "dossier": reverse("assessments:dossier", args=[period.code, "so-tai-chinh"]),
        "public_scorecard": reverse("public:scorecard", args=[period.year, "so-tai-chinh"]),
        "public_csv": reverse("public:open_data_csv", args=[period.year]),
        "public_json": reverse("public:open_data_json", args=[period.year]),
        "public_open_data": reverse("public:open_data"),
    }[name]


# Expected status per role, in ROLES order. The submission belongs to officer_a's agency.
MATRIX = {
    "home": [200, 200, 200, 200, 200, 200],
    "notifications": [302, 200, 200, 200, 200, 200],
    "agency_period": [302, 302, 302, 404, 404, 404],
    "submission_form": [302, 200, 404, 200, 200, 200],
    "review_home": [302, 404, 404, 200, 200, 404],
    "review_queue": [302, 404, 404, 200, 200, 404],
    "appraisal": [302, 404, 404, 200, 200, 404],
    "reports_home": [302, 404, 404, 404, 200, 200],
    "admin_home": [302, 404, 404, 404, 404, 200],
    "public_periods": [200, 200, 200, 200, 200, 200],
    "public_criteria": [200, 200, 200, 200, 200, 200],
    "public_results": [404, 404, 404, 404, 404, 404],  # not published yet
    "period_reports": [302, 404, 404, 404, 200, 200],
    "consolidated_xlsx": [302, 404, 404, 404, 200, 200],
    "official_report": [302, 404, 404, 404, 200, 200],  # a draft until issued
    "issue_report": [302, 404, 404, 404, 405, 405],  # POST only
    "publish_period": [302, 404, 404, 404, 405, 405],
    "unpublish_period": [302, 404, 404, 404, 405, 405],
    "statistics": [302, 404, 404, 404, 200, 200],
    "result_sheet": [302, 404, 404, 404, 200, 200],
    "dossier": [302, 404, 404, 404, 200, 200],
    "public_scorecard": [404, 404, 404, 404, 404, 404],
    "public_csv": [404, 404, 404, 404, 404, 404],
    "public_json": [404, 404, 404, 404, 404, 404],
    "public_open_data": [200, 200, 200, 200, 200, 200],
}


@pytest.fixture
def objects(period, agency_a):
    return period, get_or_create_submission(agency_a, period)


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_url_answers_each_role_as_expected(name, role_index, objects, request):
    role = ROLES[role_index]
    if role == "anonymous":
        client = Client()
    else:
        request.getfixturevalue("officer_a")
        client = login(request.getfixturevalue(role))
    response = client.get(_url(name, objects))
    assert response.status_code == MATRIX[name][role_index]
