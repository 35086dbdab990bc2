"""Issue 10 points 3 and 6: the self-assessment as submitted is immutable during the exchange,
editability is checked under the lock, and only the lead issues the official report."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import appraisal, selfassessment, workflow
from assessments.enums import AuditAction
from assessments.exports.official_report import IssueError, issue_official_report
from assessments.models import AuditEntry, Evidence, IssuedDocument
from assessments.results import load_period_results
from assessments.selfassessment import KEPT_AS_SUBMITTED, EditRefused
from assessments.services import get_or_create_submission
from tests.assessments.results_helpers import build_results
from tests.assessments.review_support import item
from tests.factories import fill_submission

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def draft(agency_a, period):
    return fill_submission(get_or_create_submission(agency_a, period))


@pytest.fixture
def exchanging(draft, officer_a, reviewer):
    """A dossier submitted with a file, then returned for explanation on II.2."""
    original = selfassessment.add_evidence(
        draft,
        actor=officer_a,
        items=[item(draft, "II.2")],
        upload=SimpleUploadedFile("Báo cáo.pdf", PDF),
        doc_number="12/BC-STC",
    )
    submission = workflow.submit(draft, actor=officer_a)
    submission = workflow.start_review(submission, actor=reviewer)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Chỉ đạt 80 %.",
    )
    submission.refresh_from_db()
    submission = workflow.return_for_explanation(submission, actor=reviewer, message="Giải trình.")
    return submission, original


def test_the_submitted_evidence_cannot_be_removed_while_answering(exchanging, officer_a):
    submission, original = exchanging
    path = Path(original.file.path)
    with pytest.raises(EditRefused) as caught:
        selfassessment.remove_evidence(original, actor=officer_a)
    assert caught.value.message == KEPT_AS_SUBMITTED
    with pytest.raises(EditRefused):
        selfassessment.unlink_evidence(original, item(submission, "II.2"), actor=officer_a)
    with pytest.raises(EditRefused):
        selfassessment.update_evidence(original, actor=officer_a, doc_number="99/XX")
    assert Evidence.objects.filter(pk=original.pk).exists()
    assert list(original.items.values_list("criterion__code", flat=True)) == ["II.2"]
    assert path.read_bytes() == PDF
    assert not AuditEntry.objects.filter(action=AuditAction.REMOVE_EVIDENCE).exists()


def test_evidence_added_in_this_round_can_be_removed_but_its_file_stays(exchanging, officer_a):
    submission, _original = exchanging
    added = selfassessment.add_evidence(
        submission,
        actor=officer_a,
        items=[item(submission, "II.2")],
        upload=SimpleUploadedFile("Bổ sung.pdf", PDF),
    )
    assert (added.added_during_review, added.added_in_round) == (True, 1)
    path = Path(added.file.path)
    selfassessment.remove_evidence(added, actor=officer_a)
    assert not Evidence.objects.filter(pk=added.pk).exists()
    # No file of an appraised dossier is ever deleted from disk.
    assert path.read_bytes() == PDF


def test_evidence_of_an_earlier_round_is_kept(exchanging, officer_a, reviewer):
    submission, _original = exchanging
    added = selfassessment.add_evidence(
        submission, actor=officer_a, items=[item(submission, "II.2")], doc_number="7/GT"
    )
    appraisal.respond_to_item(item(submission, "II.2"), actor=officer_a, response="agree")
    submission = workflow.answer(submission, actor=officer_a)
    submission = workflow.return_for_explanation(submission, actor=reviewer, message="Vòng hai.")
    with pytest.raises(EditRefused) as caught:
        selfassessment.remove_evidence(added, actor=officer_a)
    assert caught.value.message == KEPT_AS_SUBMITTED


def test_evidence_on_a_dossier_submitted_meanwhile_is_refused(draft, officer_a):
    stale = type(draft).objects.get(pk=draft.pk)  # the page loaded before submitting
    workflow.submit(draft, actor=officer_a)
    with pytest.raises(EditRefused) as caught:
        selfassessment.add_evidence(
            stale,
            actor=officer_a,
            items=[item(draft, "II.2")],
            upload=SimpleUploadedFile("Muộn.pdf", PDF),
        )
    assert caught.value.message == (
        "Hồ sơ đã nộp hoặc kỳ đánh giá đã đóng nên không thể sửa. "
        "Nếu cần sửa hồ sơ đã nộp, hãy rút hồ sơ trước khi Sở TT&TT bắt đầu thẩm định."
    )
    assert Evidence.objects.filter(submission=draft, original_filename="Muộn.pdf").count() == 0


def test_only_the_lead_issues_the_official_report(period, reviewer, lead, settings):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    with pytest.raises(IssueError) as caught:
        issue_official_report(
            load_period_results(period),
            actor=reviewer,
            number="1/STTTT",
            issued_on=dt.date(2022, 11, 15),
            signer_name="A",
            signer_title="GIÁM ĐỐC",
        )
    assert caught.value.message == "Chỉ lãnh đạo Sở được ban hành báo cáo kết quả."
    assert IssuedDocument.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "issued").exists()


def test_the_report_number_and_signer_are_stored_with_an_audit_entry(draft, officer_a, client_for):
    from django.urls import reverse

    response = client_for(officer_a).post(
        reverse("assessments:submit_confirm", args=[draft.pk]),
        {
            "version": draft.version,
            "document_number": "123/BC-STC",
            "signer_name": "Nguyễn Văn An",
            "signer_title": "GIÁM ĐỐC",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.document_number, draft.signer_name) == (
        "submitted",
        "123/BC-STC",
        "Nguyễn Văn An",
    )
    assert list(
        AuditEntry.objects.filter(submission=draft, action=AuditAction.RECORD_SIGNATURE)
        .order_by("id")
        .values_list("field", "old_value", "new_value")
    ) == [
        ("số văn bản tự đánh giá", "", "123/BC-STC"),
        ("người ký", "", "Nguyễn Văn An"),
        ("chức vụ người ký", "", "GIÁM ĐỐC"),
    ]


def test_an_internal_note_is_audited_inside_the_department_only(exchanging, reviewer, officer_a):
    from assessments.history import history_for

    submission, _original = exchanging
    appraisal.add_internal_note(
        submission, actor=reviewer, body="GHI-CHU đơn vị khai cao", item=item(submission, "II.2")
    )
    entry = AuditEntry.objects.get(action=AuditAction.ADD_INTERNAL_NOTE)
    assert (entry.actor, entry.target, entry.new_value, entry.is_internal) == (
        reviewer,
        "II.2",
        "GHI-CHU đơn vị khai cao",
        True,
    )
    assert "GHI-CHU" not in str([vars(e) for e in history_for(officer_a, submission)])
    staff_view = [e for e in history_for(reviewer, submission) if "GHI-CHU" in e.body]
    assert len(staff_view) == 1  # shown once, from the message
