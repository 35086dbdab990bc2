"""Issue 10 point 5: the Django admin is not a back door. Every registered model admin is
walked: workflow records (and criteria of a table with results) refuse add, change and delete
through the admin's own HTTP views, even for a superuser."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import appraisal, lineage, workflow
from assessments.enums import AgencyChangeKind, DocumentKind, MessageKind, Role
from assessments.models import (
    Agency,
    AuditEntry,
    Criterion,
    Evidence,
    IssuedDocument,
    Message,
    Notification,
    Submission,
)
from assessments.notifications import notify
from tests.assessments.review_support import item, returned
from tests.factories import make_user

READ_ONLY = {
    "assessments.agencychange",
    "assessments.submission",
    "assessments.itemscore",
    "assessments.evidence",
    "assessments.message",
    "assessments.notification",
    "assessments.auditentry",
    "assessments.issueddocument",
    "assessments.signedcopy",
    "assessments.prefilledfact",
    "assessments.program",
    "assessments.referencevalue",
    "django_tasks_database.dbtaskresult",
    "axes.accesslog",
    "axes.accessfailurelog",
}
# Reference data the administrator maintains through the admin (not workflow records).
EDITABLE = {
    "assessments.agencykind",
    "assessments.agency",
    "assessments.user",
    "assessments.criteriatable",
    "assessments.criterion",
    "assessments.period",
    "auth.group",
    # Deleting a lockout is how the administrator unlocks an account (django-axes).
    "axes.accessattempt",
}


@pytest.fixture
def records(agency_a, period, officer_a, reviewer, lead):
    submission = returned(agency_a, period, officer_a, reviewer)
    appraisal.respond_to_item(item(submission, "II.2"), actor=officer_a, response="agree")
    submission = workflow.answer(submission, actor=officer_a, message="Đồng ý.")
    document = IssuedDocument(
        period=period,
        kind=DocumentKind.CONSOLIDATED_REPORT,
        number="1/BC-STTTT",
        issued_on=dt.date(2022, 11, 18),
        signer_name="Nguyễn Văn Bảy",
        signer_title="GIÁM ĐỐC",
        sha256="0" * 64,
        issued_by=lead,
    )
    document.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    change = lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.RENAME,
        effective_date=dt.date(2025, 3, 1),
        predecessors=[Agency.objects.get(code="so-ngoai-vu")],
        new_name="Sở Ngoại vụ (tên mới)",
        decision="Quyết định thử.",
    )
    return {
        "assessments.agencychange": change,
        "assessments.submission": submission,
        "assessments.itemscore": item(submission, "II.2"),
        "assessments.evidence": Evidence.objects.filter(submission=submission).first(),
        "assessments.message": Message.objects.filter(kind=MessageKind.ANSWER).first(),
        "assessments.notification": Notification.objects.first(),
        "assessments.auditentry": AuditEntry.objects.first(),
        "assessments.issueddocument": document,
        "assessments.criterion": item(submission, "II.2").criterion,
    }


@pytest.fixture
def superuser(db):
    return make_user("sieuquantri", role=Role.ADMIN, is_superuser=True, is_staff=True)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_admin_is_classified():
    assert {_label(model) for model in admin.site._registry} == READ_ONLY | EDITABLE


def test_workflow_records_refuse_add_change_and_delete_in_the_admin(records, superuser, client_for):
    client = client_for(superuser)
    walked = []
    for model in admin.site._registry:
        label = _label(model)
        if label not in READ_ONLY:
            continue
        before = model.objects.count()
        assert client.get(_url(model, "changelist")).status_code == 200, label
        assert client.get(_url(model, "add")).status_code == 403, label
        assert client.post(_url(model, "add"), {}).status_code == 403, label
        assert model.objects.count() == before, label
        walked.append(label)
        obj = records.get(label)
        if obj is None:
            # The job queue's results: written by the worker only, none exist in this test.
            continue
        change = client.get(_url(model, "change", obj.pk))
        assert change.status_code == 200, label
        assert 'name="_save"' not in change.content.decode(), label
        assert client.post(_url(model, "change", obj.pk), {}).status_code == 403, label
        assert client.get(_url(model, "delete", obj.pk)).status_code == 403, label
        assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        bulk = client.post(
            _url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302, 403), label
        assert model.objects.count() == before, label
    assert sorted(walked) == sorted(READ_ONLY)


def test_criteria_of_a_table_with_results_are_read_only(records, superuser, client_for):
    client = client_for(superuser)
    criterion = records["assessments.criterion"]
    title = criterion.title
    assert client.post(_url(Criterion, "change", criterion.pk), {}).status_code == 403
    assert client.get(_url(Criterion, "delete", criterion.pk)).status_code == 403
    table = criterion.table
    assert client.post(_url(type(table), "change", table.pk), {}).status_code == 403
    criterion.refresh_from_db()
    assert criterion.title == title


def test_criteria_of_a_table_without_results_stay_editable(period, superuser, client_for):
    criterion = Criterion.objects.filter(table__period=period).first()
    assert Submission.objects.filter(table=criterion.table).count() == 0
    page = client_for(superuser).get(_url(Criterion, "change", criterion.pk))
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " javascript:alert(1)", "//evil.example/", "https://evil.example/x"],
)
def test_a_script_or_foreign_notification_link_is_never_stored(url, officer_a):
    with pytest.raises(ValidationError):
        notify([officer_a], title="Thử", url=url)
    with pytest.raises(ValidationError):
        Notification.objects.create(user=officer_a, title="Thử", url=url)
    assert Notification.objects.count() == 0


def test_the_database_refuses_a_script_link_written_in_bulk(officer_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.bulk_create(
            [Notification(user=officer_a, title="Thử", url="javascript:alert(1)")]
        )


def test_a_stored_script_link_is_not_rendered_as_a_link(officer_a, client_for):
    # A row from before this rule (the constraint is bypassed here on purpose via update()).
    notification = Notification.objects.create(user=officer_a, title="Xem ngay", url="/")
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    page = client_for(officer_a).get(reverse("notifications")).content.decode()
    assert "Xem ngay" in page
    assert "evil.example" not in page


def test_links_on_our_site_are_kept(officer_a, settings):
    settings.SITE_URL = "https://danhgia.dongnai.gov.vn"
    notify([officer_a], title="Hồ sơ", url="/ho-so/1/")
    notify([officer_a], title="Trang", url="https://danhgia.dongnai.gov.vn/ho-so/1/")
    assert sorted(Notification.objects.values_list("url", flat=True)) == [
        "/ho-so/1/",
        "https://danhgia.dongnai.gov.vn/ho-so/1/",
    ]
