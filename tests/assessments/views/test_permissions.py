"""Every URL × every role → the expected status (pretix test_permissions style).

The submission, its evidence and the extension belong to officer_a's agency (Sở Tài chính);
officer_b is from another agency. Anonymous visitors are sent to the login page (302).
"""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse

from assessments.models import Evidence, Extension
from assessments.services import get_or_create_submission
from tests.conftest import login, make_named_user
from tests.factories import make_period

ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "lead", "administrator"]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("permissions-media")


@pytest.fixture(autouse=True)
def _media_root(settings, media_dir):
    """The module's evidence file is read by every case: one media folder for the module."""
    settings.MEDIA_ROOT = media_dir
    # Who may download a PDF is under test here, not its pages (tests/assessments/test_exports.py
    # and test_self_assessment_pdf.py lay them out): the templates render, WeasyPrint does not.
    settings.PDF_LAYOUT = False


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_dir):
    """The period, the dossier of officer_a's agency with its evidence and extension, and the
    named people: built once for the 400-odd cases of the module and rolled back at its end.
    Each case runs in its own savepoint on top, so a POST changes nothing for the next one."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_dir),
        transaction.atomic(),
    ):
        users = {role: make_named_user(role) for role in ROLES[1:]}
        period = make_period()
        agency = users["officer_a"].agency
        submission = get_or_create_submission(agency, period)
        item = submission.items.order_by("criterion__order").first()
        evidence = Evidence(submission=submission, doc_number="45/KH-STC")
        evidence.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        evidence.original_filename, evidence.content_type = "ke-hoach.pdf", "application/pdf"
        evidence.save()
        evidence.items.add(item)
        extension = Extension.objects.create(
            period=period, agency=agency, new_deadline=period.report_deadline, reason="Sự cố mạng"
        )
        yield SimpleNamespace(
            users=users,
            objects=SimpleNamespace(
                period=period,
                submission=submission,
                item=item,
                evidence=evidence,
                extension=extension,
                agency=agency,
                officer=users["officer_a"],
            ),
        )
        transaction.set_rollback(True)


@pytest.fixture
def objects(world, db):
    return world.objects


URLS = {
    # portal
    "home": lambda o: reverse("home"),
    "login": lambda o: reverse("login"),
    "logout": lambda o: reverse("logout"),
    "notifications": lambda o: reverse("notifications"),
    "healthz": lambda o: reverse("healthz"),
    "notifications_read": lambda o: reverse("notifications_read"),
    # agency
    "agency_period": lambda o: reverse("assessments:agency_period", args=[o.period.code]),
    "submission_form": lambda o: reverse("assessments:submission_form", args=[o.submission.pk]),
    "submit_check": lambda o: reverse("assessments:submit_check", args=[o.submission.pk]),
    "submit_confirm": lambda o: reverse("assessments:submit_confirm", args=[o.submission.pk]),
    "self_assessment_pdf": lambda o: reverse(
        "assessments:self_assessment_pdf", args=[o.submission.pk]
    ),
    "evidence_file": lambda o: reverse("assessments:evidence_file", args=[o.evidence.pk]),
    "evidence_edit": lambda o: reverse("assessments:evidence_edit", args=[o.evidence.pk]),
    "item_save": lambda o: reverse("assessments:item_save", args=[o.submission.pk, o.item.pk]),
    "item_accept_prefill": lambda o: reverse(
        "assessments:item_accept_prefill", args=[o.submission.pk, o.item.pk]
    ),
    "evidence_add": lambda o: reverse(
        "assessments:evidence_add", args=[o.submission.pk, o.item.pk]
    ),
    "evidence_link": lambda o: reverse(
        "assessments:evidence_link", args=[o.submission.pk, o.item.pk]
    ),
    "evidence_unlink": lambda o: reverse(
        "assessments:evidence_unlink", args=[o.evidence.pk, o.item.pk]
    ),
    "evidence_remove": lambda o: reverse("assessments:evidence_remove", args=[o.evidence.pk]),
    "evidence_remove_from": lambda o: reverse(
        "assessments:evidence_remove_from", args=[o.evidence.pk, o.item.pk]
    ),
    "withdraw": lambda o: reverse("assessments:withdraw", args=[o.submission.pk]),
    # review and exchange
    "review_home": lambda o: reverse("assessments:review_home"),
    "review_queue": lambda o: reverse("assessments:review_queue", args=[o.period.code]),
    "appraisal": lambda o: reverse("assessments:appraisal", args=[o.submission.pk]),
    "appraise_item": lambda o: reverse(
        "assessments:appraise_item", args=[o.submission.pk, o.item.pk]
    ),
    "appraisal_settle": lambda o: reverse(
        "assessments:appraisal_settle", args=[o.submission.pk, o.item.pk]
    ),
    "appraisal_message": lambda o: reverse("assessments:appraisal_message", args=[o.submission.pk]),
    "appraisal_action": lambda o: reverse(
        "assessments:appraisal_action", args=[o.submission.pk, "start_review"]
    ),
    "appraisal_assign": lambda o: reverse("assessments:appraisal_assign", args=[o.submission.pk]),
    "exchange": lambda o: reverse("assessments:exchange", args=[o.submission.pk]),
    "exchange_respond": lambda o: reverse(
        "assessments:exchange_respond", args=[o.submission.pk, o.item.pk]
    ),
    "exchange_evidence": lambda o: reverse("assessments:exchange_evidence", args=[o.submission.pk]),
    "exchange_evidence_remove": lambda o: reverse(
        "assessments:exchange_evidence_remove", args=[o.submission.pk, o.evidence.pk]
    ),
    "exchange_action": lambda o: reverse(
        "assessments:exchange_action", args=[o.submission.pk, "answer"]
    ),
    # reports
    "reports_home": lambda o: reverse("assessments:reports_home"),
    "period_reports": lambda o: reverse("assessments:period_reports", args=[o.period.code]),
    "consolidated_xlsx": lambda o: reverse("assessments:consolidated_xlsx", args=[o.period.code]),
    "official_report": lambda o: reverse("assessments:official_report", args=[o.period.code]),
    "issue_report": lambda o: reverse("assessments:issue_report", args=[o.period.code]),
    "signed_report_upload": lambda o: reverse(
        "assessments:signed_report_upload", args=[o.period.code]
    ),
    "signed_self_assessment_upload": lambda o: reverse(
        "assessments:signed_self_assessment_upload", args=[o.submission.pk]
    ),
    "publish_period": lambda o: reverse("assessments:publish_period", args=[o.period.code]),
    "unpublish_period": lambda o: reverse("assessments:unpublish_period", args=[o.period.code]),
    "statistics": lambda o: reverse("assessments:statistics", args=[o.period.code]),
    "result_sheet": lambda o: reverse(
        "assessments:result_sheet", args=[o.period.code, "so-tai-chinh"]
    ),
    "dossier": lambda o: reverse("assessments:dossier", args=[o.period.code, "so-tai-chinh"]),
    "export_status": lambda o: reverse(
        "assessments:export_status", args=[o.period.code, "ho-so-zip"]
    ),
    "export_request": lambda o: reverse(
        "assessments:export_request", args=[o.period.code, "ho-so-zip"]
    ),
    "export_file": lambda o: reverse("assessments:export_file", args=[o.period.code, "ho-so-zip"]),
    # administration
    "admin_home": lambda o: reverse("assessments:admin_home"),
    "admin_program_create": lambda o: reverse("assessments:admin_program_create"),
    "admin_program": lambda o: reverse("assessments:admin_program", args=[o.period.program.code]),
    "admin_period_create": lambda o: reverse("assessments:admin_period_create"),
    "admin_period": lambda o: reverse("assessments:admin_period", args=[o.period.code]),
    "admin_period_edit": lambda o: reverse("assessments:admin_period_edit", args=[o.period.code]),
    "admin_period_status": lambda o: reverse(
        "assessments:admin_period_status", args=[o.period.code]
    ),
    "admin_table_upload": lambda o: reverse("assessments:admin_table_upload", args=[o.period.code]),
    "admin_table_download": lambda o: reverse(
        "assessments:admin_table_download", args=[o.period.code, "so-ban-nganh"]
    ),
    "admin_criteria_template": lambda o: reverse("assessments:admin_criteria_template"),
    "admin_prefill_import": lambda o: reverse(
        "assessments:admin_prefill_import", args=[o.period.code]
    ),
    "admin_prefill_download": lambda o: reverse(
        "assessments:admin_prefill_download", args=[o.period.code]
    ),
    "admin_extensions": lambda o: reverse("assessments:admin_extensions", args=[o.period.code]),
    "admin_extension_remove": lambda o: reverse(
        "assessments:admin_extension_remove", args=[o.period.code, o.extension.pk]
    ),
    "admin_reminders": lambda o: reverse("assessments:admin_reminders", args=[o.period.code]),
    "admin_kinds": lambda o: reverse("assessments:admin_kinds"),
    "admin_kind": lambda o: reverse("assessments:admin_kind", args=[o.agency.kind_id]),
    "admin_agencies": lambda o: reverse("assessments:admin_agencies"),
    "admin_agency_create": lambda o: reverse("assessments:admin_agency_create"),
    "admin_agency": lambda o: reverse("assessments:admin_agency", args=[o.agency.pk]),
    "admin_agencies_import": lambda o: reverse("assessments:admin_agencies_import"),
    "admin_agencies_export": lambda o: reverse("assessments:admin_agencies_export"),
    "admin_agency_changes": lambda o: reverse("assessments:admin_agency_changes"),
    "admin_agency_changes_import": lambda o: reverse("assessments:admin_agency_changes_import"),
    "admin_agency_changes_export": lambda o: reverse("assessments:admin_agency_changes_export"),
    "admin_accounts": lambda o: reverse("assessments:admin_accounts"),
    "admin_account_create": lambda o: reverse("assessments:admin_account_create"),
    "admin_account": lambda o: reverse("assessments:admin_account", args=[o.officer.pk]),
    "admin_account_send_link": lambda o: reverse(
        "assessments:admin_account_send_link", args=[o.officer.pk]
    ),
    "admin_accounts_import": lambda o: reverse("assessments:admin_accounts_import"),
    "admin_accounts_export": lambda o: reverse("assessments:admin_accounts_export"),
    "set_password": lambda o: reverse("assessments:set_password", args=["MQ", "invalid-token"]),
    "admin_outbox": lambda o: reverse("assessments:admin_outbox"),
    "admin_outbox_resend": lambda o: reverse("assessments:admin_outbox_resend", args=[1]),
    # public
    "public_periods": lambda o: reverse("public:periods"),
    "public_criteria": lambda o: reverse("public:criteria", args=[o.period.year]),
    "public_results": lambda o: reverse("public:period_results", args=[o.period.year]),
    "public_scorecard": lambda o: reverse("public:scorecard", args=[o.period.year, "so-tai-chinh"]),
    "public_csv": lambda o: reverse("public:open_data_csv", args=[o.period.year]),
    "public_json": lambda o: reverse("public:open_data_json", args=[o.period.year]),
    "public_open_data": lambda o: reverse("public:open_data"),
}

# GET: expected status per role, in ROLES order.
MATRIX = {
    "home": [200, 200, 200, 200, 200, 200],
    # Signed-in people are sent on to their landing page.
    "login": [200, 302, 302, 302, 302, 302],
    "logout": [405, 405, 405, 405, 405, 405],  # POST only
    "notifications": [302, 200, 200, 200, 200, 200],
    "healthz": [200, 200, 200, 200, 200, 200],  # no secrets: monitors call it without a login
    "notifications_read": [302, 405, 405, 405, 405, 405],  # POST only
    # The officer's dashboard for the period (officer_b sees their own agency's).
    "agency_period": [302, 200, 200, 404, 404, 404],
    "submission_form": [302, 200, 404, 200, 200, 200],
    "submit_check": [302, 200, 404, 404, 404, 404],
    "submit_confirm": [302, 302, 404, 404, 404, 404],  # officer_a: back to the check, incomplete
    "self_assessment_pdf": [302, 200, 404, 200, 200, 200],
    "evidence_file": [302, 200, 404, 200, 200, 200],
    "evidence_edit": [302, 200, 404, 404, 404, 404],
    "review_home": [302, 404, 404, 200, 200, 404],
    "review_queue": [302, 404, 404, 200, 200, 404],
    "appraisal": [302, 404, 404, 200, 200, 404],
    "exchange": [302, 200, 404, 404, 404, 404],
    "reports_home": [302, 404, 404, 404, 200, 200],
    "period_reports": [302, 404, 404, 404, 200, 200],
    "consolidated_xlsx": [302, 404, 404, 404, 200, 200],
    "official_report": [302, 404, 404, 404, 200, 200],  # a draft until issued
    "statistics": [302, 404, 404, 404, 200, 200],
    "result_sheet": [302, 404, 404, 404, 200, 200],
    "dossier": [302, 404, 404, 404, 200, 200],
    "export_status": [302, 404, 404, 404, 200, 200],
    "export_file": [302, 404, 404, 404, 404, 404],  # nothing built yet
    "admin_home": [302, 404, 404, 404, 404, 200],
    "admin_program_create": [302, 404, 404, 404, 404, 200],
    "admin_program": [302, 404, 404, 404, 404, 200],
    "admin_period_create": [302, 404, 404, 404, 404, 200],
    "admin_period": [302, 404, 404, 404, 404, 200],
    "admin_period_edit": [302, 404, 404, 404, 404, 200],
    "admin_period_status": [302, 404, 404, 404, 404, 405],  # POST only
    "admin_table_upload": [302, 404, 404, 404, 404, 200],
    "admin_table_download": [302, 404, 404, 404, 404, 200],
    "admin_criteria_template": [302, 404, 404, 404, 404, 200],
    "admin_prefill_import": [302, 404, 404, 404, 404, 200],
    "admin_prefill_download": [302, 404, 404, 404, 404, 200],
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
    "admin_agency_changes": [302, 404, 404, 404, 404, 200],
    "admin_agency_changes_import": [302, 404, 404, 404, 404, 200],
    "admin_agency_changes_export": [302, 404, 404, 404, 404, 200],
    "admin_accounts": [302, 404, 404, 404, 404, 200],
    "admin_account_create": [302, 404, 404, 404, 404, 200],
    "admin_account": [302, 404, 404, 404, 404, 200],
    "admin_account_send_link": [302, 404, 404, 404, 404, 405],  # POST only
    "admin_accounts_import": [302, 404, 404, 404, 404, 200],
    "admin_accounts_export": [302, 404, 404, 404, 404, 200],
    "admin_outbox": [302, 404, 404, 404, 404, 200],
    "admin_outbox_resend": [302, 404, 404, 404, 404, 405],  # POST only
    # The one-time link is for people without a password yet; a bad token shows a message.
    "set_password": [200, 200, 200, 200, 200, 200],
    "public_periods": [200, 200, 200, 200, 200, 200],
    "public_criteria": [200, 200, 200, 200, 200, 200],
    "public_results": [404, 404, 404, 404, 404, 404],  # not published yet
    "public_scorecard": [404, 404, 404, 404, 404, 404],
    "public_csv": [404, 404, 404, 404, 404, 404],
    "public_json": [404, 404, 404, 404, 404, 404],
    "public_open_data": [200, 200, 200, 200, 200, 200],
}

# POST with empty data on a draft submission. 404 outside the user's scope; 403 for Department
# staff on the agency's own actions (they can see the dossier but not act for the agency);
# otherwise the page again with a Vietnamese refusal (200) or a redirect (302).
POST_MATRIX = {
    "login": [200, 302, 302, 302, 302, 302],  # anonymous: the form again, with its errors
    "logout": [302, 302, 302, 302, 302, 302],
    "notifications_read": [302, 302, 302, 302, 302, 302],
    "agency_period": [302, 302, 302, 404, 404, 404],  # officers: their dossier, then the dashboard
    "submission_form": [302, 405, 404, 405, 405, 405],  # GET only: each criterion is its own form
    "item_save": [302, 200, 404, 403, 403, 403],  # officer_a: no version, the conflict shown
    # officer_a: no version (and no prefilled fact here): back to the criterion with a message.
    "item_accept_prefill": [302, 302, 404, 403, 403, 403],
    "admin_prefill_import": [302, 404, 404, 404, 404, 200],  # the form again, with its error
    "evidence_add": [302, 200, 404, 403, 403, 403],  # officer_a: the form again, with errors
    "evidence_link": [302, 302, 404, 403, 403, 403],  # officer_a: back, told to choose one
    "evidence_unlink": [302, 302, 404, 403, 403, 403],
    "evidence_remove": [302, 302, 404, 403, 403, 403],
    "evidence_remove_from": [302, 302, 404, 403, 403, 403],
    "withdraw": [302, 302, 404, 403, 403, 403],
    "submit_confirm": [302, 200, 404, 404, 404, 404],  # officer_a: the summary, with errors
    "appraise_item": [302, 404, 404, 200, 200, 404],
    "appraisal_message": [302, 404, 404, 200, 200, 404],
    "appraisal_settle": [302, 404, 404, 302, 302, 404],  # no action chosen: back with a message
    "appraisal_action": [302, 404, 404, 200, 200, 404],
    "appraisal_assign": [302, 404, 404, 302, 302, 404],
    "exchange_respond": [302, 200, 404, 404, 404, 404],
    "exchange_evidence": [302, 200, 404, 404, 404, 404],
    "exchange_evidence_remove": [302, 302, 404, 404, 404, 404],  # a draft: told, nothing removed
    "exchange_action": [302, 200, 404, 404, 404, 404],
    # Only the lead issues and publishes; on an open period the lead is sent back with a message.
    "issue_report": [302, 404, 404, 404, 302, 404],
    # Only the lead, and only once a report is issued (none is in this world): 404 for all.
    "signed_report_upload": [302, 404, 404, 404, 404, 404],
    # The agency's own officers; the draft has no submitted report yet: back with a message.
    "signed_self_assessment_upload": [302, 302, 404, 404, 404, 404],
    "publish_period": [302, 404, 404, 404, 302, 302],  # administrator: told it is the lead's
    "unpublish_period": [302, 404, 404, 404, 302, 302],
    # Lead and administrator: back to the reports page, told the period is not finalised.
    "export_request": [302, 404, 404, 404, 302, 302],
}


def _client(role_index, world):
    role = ROLES[role_index]
    if role == "anonymous":
        return Client()
    return login(world.users[role])


def _url_names(patterns, namespace=""):
    """Every named URL of the URLconf (an unnamed one by its pattern, so it cannot hide)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin: tests/assessments/test_admin*.py walk its models
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)


def test_every_url_of_the_portal_is_in_a_matrix(objects):
    walked = {resolve(URLS[name](objects).split("?")[0]).view_name for name in URLS}

    assert set(MATRIX) | set(POST_MATRIX) == set(URLS)
    assert set(_url_names(get_resolver().url_patterns)) - walked == set()


def test_the_completeness_check_sees_a_url_left_out(objects):
    walked = {
        resolve(URLS[name](objects)).view_name for name in URLS if name != "notifications_read"
    }

    assert set(_url_names(get_resolver().url_patterns)) - walked == {"notifications_read"}


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_url_answers_each_role_as_expected(name, role_index, objects, world):
    client = _client(role_index, world)
    response = client.get(URLS[name](objects))
    if response.streaming:
        # Reading a served file to the end closes it (the test client wraps the iterator).
        b"".join(response.streaming_content)
    assert response.status_code == MATRIX[name][role_index]


@pytest.mark.parametrize("name", list(POST_MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_answers_each_role_as_expected(name, role_index, objects, world):
    client = _client(role_index, world)
    response = client.post(URLS[name](objects), {})
    assert response.status_code == POST_MATRIX[name][role_index]
    if response.status_code in (403, 404):
        assert objects.submission.audit_entries.count() == 0
