"""Issue 10 point 1 on the appraisal page: while a criterion is open the reviewer is told which
and how to settle it; a button per criterion accepts the explanation; the lead decides with a
reason; agreeing is refused through a tampered POST too."""

from django.urls import reverse

from assessments import appraisal, workflow
from assessments.enums import Agreement, SubmissionStatus
from tests.assessments.review_support import item, returned


def _explained(agency_a, period, officer_a, reviewer):
    submission = returned(agency_a, period, officer_a, reviewer)
    appraisal.respond_to_item(
        item(submission, "II.2"), actor=officer_a, response="explain", text="Còn hồ sơ giấy."
    )
    return workflow.answer(submission, actor=officer_a)


def _settle(client, submission, code, **data):
    url = reverse("assessments:appraisal_settle", args=[submission.pk, item(submission, code).pk])
    return client.post(url, data)


def test_the_reviewer_sees_the_open_criteria_and_no_agree_button(
    client_for, agency_a, period, officer_a, reviewer
):
    submission = _explained(agency_a, period, officer_a, reviewer)
    page = client_for(reviewer).get(reverse("assessments:appraisal", args=[submission.pk]))
    html = page.content.decode()
    assert 'data-testid="chua-thong-nhat"' in html
    assert f'<a href="#tc-{item(submission, "II.2").pk}">II.2</a>.' in html
    assert "Chấp nhận, thống nhất kết quả</button>" not in html
    assert "Chấp nhận giải trình II.2</button>" in html
    assert "Ghi nhận quyết định II.2" not in html  # the lead's path, not the reviewer's


def test_accepting_the_explanation_by_button_then_agreeing(
    client_for, agency_a, period, officer_a, reviewer
):
    submission = _explained(agency_a, period, officer_a, reviewer)
    client = client_for(reviewer)
    version = item(submission, "II.2").version
    response = _settle(client, submission, "II.2", action="accept_explanation", version=version)
    assert response.status_code == 302
    assert item(submission, "II.2").agreement == Agreement.EXPLANATION_ACCEPTED
    html = client.get(reverse("assessments:appraisal", args=[submission.pk])).content.decode()
    assert "Chấp nhận, thống nhất kết quả</button>" in html
    assert 'data-agreement="explanation_accepted"' in html
    agreed = client.post(
        reverse("assessments:appraisal_action", args=[submission.pk, "accept"]), {}
    )
    assert agreed.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AGREED


def test_a_tampered_agree_post_is_refused_while_a_criterion_is_open(
    client_for, agency_a, period, officer_a, reviewer
):
    submission = _explained(agency_a, period, officer_a, reviewer)
    response = client_for(reviewer).post(
        reverse("assessments:appraisal_action", args=[submission.pk, "accept"]), {}
    )
    assert response.status_code == 200
    assert "Chưa thể thống nhất kết quả: các tiêu chí II.2" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ANSWERED


def test_the_lead_decides_a_criterion_with_a_reason(
    client_for, agency_a, period, officer_a, reviewer, lead
):
    submission = _explained(agency_a, period, officer_a, reviewer)
    client = client_for(lead)
    html = client.get(reverse("assessments:appraisal", args=[submission.pk])).content.decode()
    assert "Ghi nhận quyết định II.2</button>" in html
    refused = _settle(client, submission, "II.2", action="decide", keep="appraised", reason="")
    assert refused.status_code == 200
    assert "Vui lòng nêu lý do quyết định của lãnh đạo." in refused.content.decode()
    assert item(submission, "II.2").agreement == ""
    _settle(client, submission, "II.2", action="decide", keep="self", reason="Hồ sơ giấy đủ.")
    decided = item(submission, "II.2")
    assert (decided.agreement, decided.agreement_reason, str(decided.agreed_points)) == (
        Agreement.LEAD_DECIDED,
        "Hồ sơ giấy đủ.",
        "0.30",
    )
    # The reason keeps its line breaks without a style attribute (the strict CSP refuses those).
    html = client.get(reverse("assessments:appraisal", args=[submission.pk])).content.decode()
    assert "<span data-pre-line>Hồ sơ giấy đủ.</span>" in html
    assert " style=" not in html


def test_a_reviewer_cannot_decide_for_the_lead(client_for, agency_a, period, officer_a, reviewer):
    submission = _explained(agency_a, period, officer_a, reviewer)
    response = _settle(
        client_for(reviewer), submission, "II.2", action="decide", keep="self", reason="Tự ý."
    )
    assert "Chỉ lãnh đạo Sở quyết định tiêu chí" in response.content.decode()
    assert item(submission, "II.2").agreement == ""
