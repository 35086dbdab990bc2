"""Every URL × every role → the expected status (pretix test_permissions style)."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from assessments.models import Agency, Evidence, Extension, User
from assessments.services import get_or_create_submission
from tests.conftest import login

ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "lead", "administrator"]


def _evidence(submission):
    evidence = Evidence.objects.create(
        submission=submission,
        file=ContentFile(b"%PDF-1.4", name="ke-hoach.pdf"),
        original_filename="ke-hoach.pdf",
        content_type="application/pdf",
    )
    evidence.items.set(submission.items.all()[:1])
    return evidence


def _url(name, objects):
    period, submission = objects
    extension, agency, officer = objects_admin(period)
    return {
        "home": reverse("home"),
        "notifications": reverse("notifications"),
        "agency_period": reverse("assessments:agency_period", args=[period.code]),
        "submission_form": reverse("assessments:submission_form", args=[submission.pk]),
        "review_home": reverse("assessments:review_home"),
        "review_queue": reverse("assessments:review_queue", args=[period.code]),
        "appraisal": reverse("assessments:appraisal", args=[submission.pk]),
        "exchange": reverse("assessments:exchange", args=[submission.pk]),
        "evidence_file": reverse("assessments:evidence_file", args=[_evidence(submission).pk]),
        "reports_home": reverse("assessments:reports_home"),
        "admin_home": reverse("assessments:admin_home"),
        "admin_period_create": reverse("assessments:admin_period_create"),
        "admin_period": reverse("assessments:admin_period", args=[period.code]),
        "admin_period_edit": reverse("assessments:admin_period_edit", args=[period.code]),
        "admin_period_status": reverse("assessments:admin_period_status", args=[period.code]),
        "admin_table_upload": reverse("assessments:admin_table_upload", args=[period.code]),
        "admin_table_download": reverse(
            "assessments:admin_table_download", args=[period.code, "so-ban-nganh"]
        ),
        "admin_criteria_template": reverse("assessments:admin_criteria_template"),
        "admin_extensions": reverse("assessments:admin_extensions", args=[period.code]),
        "admin_extension_remove": reverse(
            "assessments:admin_extension_remove", args=[period.code, extension.pk]
        ),
        "admin_reminders": reverse("assessments:admin_reminders", args=[period.code]),
        "admin_kinds": reverse("assessments:admin_kinds"),
        "admin_kind": reverse("assessments:admin_kind", args=[agency.kind_id]),
        "admin_agencies": reverse("assessments:admin_agencies"),
        "admin_agency_create": reverse("assessments:admin_agency_create"),
        "admin_agency": reverse("assessments:admin_agency", args=[agency.pk]),
        "admin_agencies_import": reverse("assessments:admin_agencies_import"),
        "admin_agencies_export": reverse("assessments:admin_agencies_export"),
        "admin_accounts": reverse("assessments:admin_accounts"),
        "admin_account_create": reverse("assessments:admin_account_create"),
        "admin_account": reverse("assessments:admin_account", args=[officer.pk]),
        "admin_account_send_link": reverse(
            "assessments:admin_account_send_link", args=[officer.pk]
        ),
        "admin_accounts_import": reverse("assessments:admin_accounts_import"),
        "admin_accounts_export": reverse("assessments:admin_accounts_export"),
        "set_password": reverse("assessments:set_password", args=["MQ", "invalid-token"]),
        "public_periods": reverse("public:periods"),
        "public_criteria": reverse("public:criteria", args=[period.year]),
        "public_results": reverse("public:period_results", args=[period.year]),
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
    "exchange": [302, 200, 404, 404, 404, 404],
    "evidence_file": [302, 200, 404, 200, 200, 200],
    "reports_home": [302, 404, 404, 404, 200, 200],
    "admin_home": [302, 404, 404, 404, 404, 200],
    "admin_period_create": [302, 404, 404, 404, 404, 200],
    "admin_period": [302, 404, 404, 404, 404, 200],
    "admin_period_edit": [302, 404, 404, 404, 404, 200],
    "admin_period_status": [302, 404, 404, 404, 404, 405],  # POST only
    "admin_table_upload": [302, 404, 404, 404, 404, 200],
    "admin_table_download": [302, 404, 404, 404, 404, 200],
    "admin_criteria_template": [302, 404, 404, 404, 404, 200],
    "admin_extensions": [302, 404, 404, 404, 404, 200],
    "admin_extension_remove": [302, 404, 404, 404, 404, 405],  # POST only
    "admin_reminders": [302, 404, 404, 404, 404, 200],
    "admin_kinds": [302, 404, 404, 404, 404, 200],
    "admin_kind": [302, 404, 404, 404, 404, 200],
    "admin_agencies": [302, 404, 404, 404, 404, 200],
    "admin_agency_create": [302, 404, 404, 404, 404, 200],
    "admin_agency": [302, 404, 404, 404, 404, 200],
    "admin_agencies_import": [302, 404, 404, 404, 404, 200],
    "admin_agencies_export": [302, 404, 404, 404, 404, 200],
    "admin_accounts": [302, 404, 404, 404, 404, 200],
    "admin_account_create": [302, 404, 404, 404, 404, 200],
    "admin_account": [302, 404, 404, 404, 404, 200],
    "admin_account_send_link": [302, 404, 404, 404, 404, 405],  # POST only
    "admin_accounts_import": [302, 404, 404, 404, 404, 200],
    "admin_accounts_export": [302, 404, 404, 404, 404, 200],
    # The one-time link is for people without a password yet; a bad token shows a message.
    "set_password": [200, 200, 200, 200, 200, 200],
    "public_periods": [200, 200, 200, 200, 200, 200],
    "public_criteria": [200, 200, 200, 200, 200, 200],
    "public_results": [404, 404, 404, 404, 404, 404],  # not published yet
}


def objects_admin(period):
    """An extension, an agency and an officer account for the administration URLs."""
    agency = Agency.objects.get(code="so-tai-chinh")
    extension, _ = Extension.objects.get_or_create(
        period=period,
        agency=agency,
        defaults={"new_deadline": period.report_deadline, "reason": "Sự cố mạng"},
    )
    return extension, agency, User.objects.get(username="canbo_a")


@pytest.fixture
def objects(period, agency_a, officer_a):
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
    if response.streaming:
        # Reading a served file to the end closes it (the test client wraps the iterator).
        b"".join(response.streaming_content)
    assert response.status_code == MATRIX[name][role_index]


def _post_url(name, submission):
    first_item = submission.items.order_by("criterion__order").filter(criterion__rule__gt="")[0]
    return {
        "appraise_item": reverse("assessments:appraise_item", args=[submission.pk, first_item.pk]),
        "appraisal_message": reverse("assessments:appraisal_message", args=[submission.pk]),
        "appraisal_action": reverse(
            "assessments:appraisal_action", args=[submission.pk, "start_review"]
        ),
        "appraisal_assign": reverse("assessments:appraisal_assign", args=[submission.pk]),
        "exchange_respond": reverse(
            "assessments:exchange_respond", args=[submission.pk, first_item.pk]
        ),
        "exchange_evidence": reverse("assessments:exchange_evidence", args=[submission.pk]),
        "exchange_action": reverse("assessments:exchange_action", args=[submission.pk, "answer"]),
    }[name]


# POST with empty data on a draft: 302 to the login page for the anonymous, 404 outside the
# user's scope, else the page again with a Vietnamese refusal (200) or a redirect (302).
POST_MATRIX = {
    "appraise_item": [302, 404, 404, 200, 200, 404],
    "appraisal_message": [302, 404, 404, 200, 200, 404],
    "appraisal_action": [302, 404, 404, 200, 200, 404],
    "appraisal_assign": [302, 404, 404, 302, 302, 404],
    "exchange_respond": [302, 200, 404, 404, 404, 404],
    "exchange_evidence": [302, 200, 404, 404, 404, 404],
    "exchange_action": [302, 200, 404, 404, 404, 404],
}


@pytest.mark.parametrize("name", list(POST_MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_url_answers_each_role_as_expected(name, role_index, objects, request):
    role = ROLES[role_index]
    if role == "anonymous":
        client = Client()
    else:
        request.getfixturevalue("officer_a")
        client = login(request.getfixturevalue(role))
    _period, submission = objects
    response = client.post(_post_url(name, submission), {})
    assert response.status_code == POST_MATRIX[name][role_index]
    assert submission.audit_entries.count() == 0
