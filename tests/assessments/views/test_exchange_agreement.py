"""Issue 10 points 2 and 4 on the agency's exchange page: only what was sent marks a criterion,
and an agreed criterion shows its final value and how it was reached."""

from django.urls import reverse

from assessments import appraisal, workflow
from tests.assessments.review_support import in_review, item, returned


def _card(html, code):
    start = html.index(f'data-code="{code}"')
    return html[html.rindex("<section", 0, start) : html.index("</section>", start)]


def test_an_unsent_correction_does_not_mark_the_agency_page(
    client_for, officer_a, reviewer, agency_a, period
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="BAN-NHAP chưa gửi.",
    )
    response = client_for(officer_a).get(reverse("assessments:exchange", args=[submission.pk]))
    html = response.content.decode()
    card = _card(html, "II.2")
    assert response.status_code == 200
    assert "border-warning" not in card
    assert "BAN-NHAP" not in html
    assert "Đã điều chỉnh" not in html


def test_a_sent_correction_marks_the_card_until_answered(
    client_for, officer_a, reviewer, agency_a, period
):
    submission = returned(agency_a, period, officer_a, reviewer)
    html = client_for(officer_a).get(reverse("assessments:exchange", args=[submission.pk]))
    card = _card(html.content.decode(), "II.2")
    assert 'class="card mb-2 border-warning"' in card
    assert "border-warning" not in _card(html.content.decode(), "II.1")


def test_the_agreed_criterion_shows_the_final_value_and_how(
    client_for, officer_a, reviewer, lead, agency_a, period
):
    submission = returned(agency_a, period, officer_a, reviewer)
    appraisal.respond_to_item(
        item(submission, "II.2"), actor=officer_a, response="explain", text="Còn hồ sơ giấy."
    )
    workflow.answer(submission, actor=officer_a)
    appraisal.accept_explanation(item(submission, "II.2"), actor=reviewer)
    workflow.accept(submission, actor=reviewer)
    html = client_for(officer_a).get(reverse("assessments:exchange", args=[submission.pk]))
    card = _card(html.content.decode(), "II.2")
    assert (
        '<span class="text-muted">Điểm thống nhất:</span> <strong data-points="final">0,30'
        "</strong> · Chấp nhận giải trình (thamdinh"
    ) in card


def test_a_correction_drafted_after_the_answer_stays_inside_the_department(
    client_for, officer_a, reviewer, agency_a, period
):
    submission = returned(agency_a, period, officer_a, reviewer)
    appraisal.respond_to_item(
        item(submission, "II.2"), actor=officer_a, response="explain", text="Còn hồ sơ giấy."
    )
    workflow.answer(submission, actor=officer_a)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "90", "denominator": "100"},
        reason="MOI-SUA chưa gửi.",
    )
    html = client_for(officer_a).get(reverse("assessments:exchange", args=[submission.pk]))
    page = html.content.decode()
    card = _card(page, "II.2")
    assert "MOI-SUA" not in page
    assert '<strong data-points="appraised">0,24</strong>' in card
    assert "Số liệu trên phần mềm QLVB&amp;ĐHCV chỉ đạt 80 %." in card


def test_the_agency_takes_back_only_evidence_of_this_round(
    client_for, officer_a, reviewer, agency_a, period
):
    from assessments import selfassessment
    from assessments.models import Evidence

    submission = returned(agency_a, period, officer_a, reviewer)
    original = Evidence.objects.get(submission=submission)
    added = selfassessment.add_evidence(
        submission, actor=officer_a, items=[item(submission, "II.2")], doc_number="7/GT-STC"
    )
    client = client_for(officer_a)
    page = client.get(reverse("assessments:exchange", args=[submission.pk])).content.decode()
    remove = "assessments:exchange_evidence_remove"
    assert reverse(remove, args=[submission.pk, added.pk]) in page
    assert reverse(remove, args=[submission.pk, original.pk]) not in page
    refused = client.post(reverse(remove, args=[submission.pk, original.pk]), follow=True)
    assert "Tài liệu kiểm chứng của hồ sơ đã nộp được giữ nguyên." in refused.content.decode()
    assert Evidence.objects.filter(pk=original.pk).exists()
    done = client.post(reverse(remove, args=[submission.pk, added.pk]))
    assert done.status_code == 302
    assert not Evidence.objects.filter(pk=added.pk).exists()
