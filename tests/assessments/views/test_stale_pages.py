"""A page left open while the dossier changed is refused, not written: the evidence edit page
and the lead's assignment form carry the dossier's version, checked under the lock."""

from django.urls import reverse

from assessments import appraisal, selfassessment
from assessments.models import AuditEntry, Evidence, Submission
from assessments.services import get_or_create_submission
from assessments.workflow import CONFLICT_MESSAGE
from tests.assessments.review_support import in_review
from tests.factories import fill_submission


def _edit(client, evidence, version, summary):
    return client.post(
        reverse("assessments:evidence_edit", args=[evidence.pk]),
        {"doc_number": "45/KH-STC", "summary": summary, "version": version},
        follow=True,
    )


def test_a_stale_evidence_edit_page_is_refused_and_stores_nothing(
    client_for, agency_a, period, officer_a
):
    submission = fill_submission(get_or_create_submission(agency_a, period))
    evidence = submission.evidence.get()
    client = client_for(officer_a)
    page = client.get(reverse("assessments:evidence_edit", args=[evidence.pk])).content.decode()
    loaded = submission.version
    assert f'<input type="hidden" name="version" value="{loaded}"' in page
    # Meanwhile, in another tab, the same document is corrected.
    selfassessment.update_evidence(evidence, actor=officer_a, summary="Kế hoạch đã sửa")
    audits = AuditEntry.objects.count()

    response = _edit(client, evidence, loaded, "Nội dung của trang cũ")

    assert CONFLICT_MESSAGE in response.content.decode()
    assert Evidence.objects.get(pk=evidence.pk).summary == "Kế hoạch đã sửa"
    assert AuditEntry.objects.count() == audits


def test_a_current_evidence_edit_page_is_saved(client_for, agency_a, period, officer_a):
    submission = fill_submission(get_or_create_submission(agency_a, period))
    evidence = submission.evidence.get()

    _edit(client_for(officer_a), evidence, submission.version, "Trích yếu mới")

    assert Evidence.objects.get(pk=evidence.pk).summary == "Trích yếu mới"
    assert Submission.objects.get(pk=submission.pk).version == submission.version + 1


def _assign(client, submission, reviewer, version):
    return client.post(
        reverse("assessments:appraisal_assign", args=[submission.pk]),
        {"reviewer": reviewer.pk, "version": version},
        follow=True,
    )


def test_a_stale_assignment_form_is_refused_and_stores_nothing(
    client_for, agency_a, period, officer_a, reviewer, second_reviewer, lead
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    client = client_for(lead)
    page = client.get(reverse("assessments:appraisal", args=[submission.pk])).content.decode()
    loaded = submission.version
    assert f'<input type="hidden" name="version" value="{loaded}">' in page
    # Meanwhile another lead assigns the dossier to the second reviewer.
    appraisal.assign_reviewer(submission, actor=lead, reviewer=second_reviewer)
    audits = AuditEntry.objects.count()

    response = _assign(client, submission, lead, loaded)

    assert CONFLICT_MESSAGE in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).reviewer == second_reviewer
    assert AuditEntry.objects.count() == audits


def test_a_current_assignment_form_is_saved_and_bumps_the_version(
    client_for, agency_a, period, officer_a, reviewer, second_reviewer, lead
):
    submission = in_review(agency_a, period, officer_a, reviewer)

    response = _assign(client_for(lead), submission, second_reviewer, submission.version)

    stored = Submission.objects.get(pk=submission.pk)
    assert f"Đã phân công thẩm định hồ sơ: {second_reviewer}." in response.content.decode()
    assert (stored.reviewer, stored.version) == (second_reviewer, submission.version + 1)


def test_the_queue_form_carries_the_dossier_version(
    client_for, agency_a, period, officer_a, reviewer, lead
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    page = client_for(lead).get(reverse("assessments:review_queue", args=[period.code]))
    assert (
        f'<input type="hidden" name="version" value="{submission.version}">'
        in page.content.decode()
    )
