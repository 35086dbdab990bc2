import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import appraisal, workflow
from assessments.enums import SubmissionStatus
from assessments.models import Evidence
from scoring import classify
from tests.assessments.review_support import in_review, item, returned

S = SubmissionStatus


@pytest.fixture
def sent_back(agency_a, period, officer_a, reviewer):
    submission = returned(agency_a, period, officer_a, reviewer)
    return submission


def _url(submission):
    return reverse("assessments:exchange", args=[submission.pk])


def _respond_url(submission, code):
    return reverse("assessments:exchange_respond", args=[submission.pk, item(submission, code).pk])


def _action_url(submission, action):
    return reverse("assessments:exchange_action", args=[submission.pk, action])


def _card(html, code):
    return html[html.index(f'data-code="{code}"') :].split("</section>")[0]


def test_the_agency_sees_the_adjustment_the_reason_and_the_question(
    client_for, officer_a, reviewer, agency_a, period
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Phần mềm chỉ ghi nhận 80 %.",
    )
    appraisal.ask_question(
        submission,
        actor=reviewer,
        body="Đề nghị gửi ảnh chụp màn hình?",
        item=item(submission, "II.3"),
    )
    appraisal.add_internal_note(
        submission,
        actor=reviewer,
        body="GHI-CHU-NOI-BO đơn vị khai cao",
        item=item(submission, "II.2"),
    )
    submission.refresh_from_db()
    client = client_for(officer_a)
    html = client.get(_url(submission)).content.decode()
    assert "Đề nghị gửi ảnh chụp màn hình?" not in html  # not sent yet
    workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị giải trình.")
    html = client.get(_url(submission)).content.decode()
    card = _card(html, "II.2")
    assert '<strong data-points="self">0,30</strong>' in card
    assert '<strong data-points="appraised">0,24</strong>' in card
    assert "Phần mềm chỉ ghi nhận 80 %." in card
    assert "Lưu ý kiến II.2" in card
    assert "Đề nghị gửi ảnh chụp màn hình?" in _card(html, "II.3")
    assert "Lưu ý kiến II.3" in _card(html, "II.3")
    assert "Lưu ý kiến II.1" not in html  # neither adjusted nor questioned
    assert "Đề nghị giải trình." in html
    assert "GHI-CHU-NOI-BO" not in html
    assert "Nội bộ" not in html
    assert re.search(r'data-total="appraised">2,94', html)


def test_internal_notes_never_reach_the_agency_pages(client_for, officer_a, reviewer, sent_back):
    appraisal.add_internal_note(sent_back, actor=reviewer, body="GHI-CHU-NOI-BO xem lại")
    officer_html = client_for(officer_a).get(_url(sent_back)).content.decode()
    assert "GHI-CHU-NOI-BO" not in officer_html
    reviewer_html = (
        client_for(reviewer)
        .get(reverse("assessments:appraisal", args=[sent_back.pk]))
        .content.decode()
    )
    assert "GHI-CHU-NOI-BO xem lại" in reviewer_html


def test_answering_an_item_with_htmx(client_for, officer_a, sent_back):
    target = item(sent_back, "II.2")
    response = client_for(officer_a).post(
        _respond_url(sent_back, "II.2"),
        {
            "response": "explain",
            "text": "Có 20 hồ sơ ký số ngoài phần mềm.",
            "version": target.version,
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Đã lưu ý kiến của đơn vị." in html
    assert "Có 20 hồ sơ ký số ngoài phần mềm.</textarea>" in html
    target.refresh_from_db()
    assert (target.agency_response, target.agency_response_text) == (
        "explain",
        "Có 20 hồ sơ ký số ngoài phần mềm.",
    )


def test_an_explanation_without_text_keeps_the_choice(client_for, officer_a, sent_back):
    response = client_for(officer_a).post(
        _respond_url(sent_back, "II.2"),
        {"response": "explain", "text": "", "version": item(sent_back, "II.2").version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Vui lòng nhập nội dung giải trình cho tiêu chí II.2." in html
    assert re.search(r'value="explain" id="r-explain-\d+" checked', html)


def test_a_stale_answer_is_told_and_keeps_the_text(client_for, officer_a, sent_back):
    target = item(sent_back, "II.2")
    appraisal.respond_to_item(target, actor=officer_a, response="agree")
    response = client_for(officer_a).post(
        _respond_url(sent_back, "II.2"),
        {"response": "explain", "text": "Nội dung đang gõ", "version": target.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Người khác vừa cập nhật hồ sơ này." in html
    assert "Nội dung đang gõ</textarea>" in html


def test_sending_before_every_adjusted_item_is_answered_is_refused(
    client_for, officer_a, sent_back
):
    response = client_for(officer_a).post(
        _action_url(sent_back, "answer"),
        {"message": "Ý kiến chung", "expected_version": sent_back.version},
    )
    html = response.content.decode()
    assert "Chưa trả lời các tiêu chí đã được điều chỉnh: II.2." in html
    assert "Ý kiến chung</textarea>" in html
    sent_back.refresh_from_db()
    assert sent_back.status == S.RETURNED


def test_sending_the_answer(client_for, officer_a, sent_back):
    client = client_for(officer_a)
    client.post(
        _respond_url(sent_back, "II.2"),
        {"response": "agree", "version": item(sent_back, "II.2").version},
    )
    response = client.post(
        _action_url(sent_back, "answer"), {"expected_version": sent_back.version}
    )
    assert response.status_code == 302
    sent_back.refresh_from_db()
    assert sent_back.status == S.ANSWERED


def test_confirming_the_result_stores_agreed_points(client_for, officer_a, sent_back):
    response = client_for(officer_a).post(
        _action_url(sent_back, "confirm_result"), {"expected_version": sent_back.version}
    )
    assert response.status_code == 302
    sent_back.refresh_from_db()
    assert sent_back.status == S.AGREED
    assert item(sent_back, "II.2").agreed_points == Decimal("0.24")


def test_a_stale_confirmation_is_a_conflict(client_for, officer_a, sent_back):
    response = client_for(officer_a).post(
        _action_url(sent_back, "confirm_result"), {"expected_version": sent_back.version - 1}
    )
    assert response.status_code == 409
    assert "Người khác vừa cập nhật hồ sơ này." in response.content.decode()


def test_adding_evidence_while_answering(client_for, officer_a, sent_back):
    target = item(sent_back, "II.2")
    response = client_for(officer_a).post(
        reverse("assessments:exchange_evidence", args=[sent_back.pk]),
        {
            "doc_number": "88/BC-STC",
            "doc_date": "2022-10-20",
            "issuer": "Sở Tài chính",
            "summary": "Báo cáo số liệu",
            "items": [target.pk],
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(added_during_review=True)
    assert evidence.citation == "Số 88/BC-STC ngày 20/10/2022 của Sở Tài chính — Báo cáo số liệu"
    html = client_for(officer_a).get(_url(sent_back)).content.decode()
    assert "Bổ sung khi giải trình" in _card(html, "II.2")


def test_refused_evidence_keeps_what_was_typed(client_for, officer_a, sent_back):
    response = client_for(officer_a).post(
        reverse("assessments:exchange_evidence", args=[sent_back.pk]),
        {"summary": "Báo cáo tháng 10", "url": "ftp://x", "items": [item(sent_back, "II.2").pk]},
    )
    html = response.content.decode()
    assert "Đường dẫn không hợp lệ" in html
    assert 'value="Báo cáo tháng 10"' in html
    assert Evidence.objects.filter(added_during_review=True).count() == 0


def test_the_agency_sees_its_final_score_and_grade(
    client_for, officer_a, reviewer, lead, sent_back
):
    workflow.confirm_result(sent_back, actor=officer_a)
    final = workflow.finalise(sent_back, actor=lead)
    html = client_for(officer_a).get(_url(final)).content.decode()
    block = html[html.index('id="ket-qua-chinh-thuc"') :].split("</div>")[0]
    assert '<strong data-total="final">2,94</strong>' in block
    assert f'title="Mức {classify(final.final_score).value}"' in block
    assert "Lưu ý kiến" not in html


def test_the_exchange_page_runs_a_fixed_number_of_queries(
    client_for, officer_a, reviewer, sent_back, django_assert_num_queries
):
    for code in ("I.1", "II.3", "III.1"):
        appraisal.add_internal_note(
            sent_back, actor=reviewer, body=code, item=item(sent_back, code)
        )
    # session, user, submission, criteria, items, evidence, messages, history x2,
    # the user's agency and unread notifications (base layout)
    client = client_for(officer_a)
    with django_assert_num_queries(11):
        assert client.get(_url(sent_back)).status_code == 200


def test_department_staff_and_other_agencies_get_404(client_for, officer_b, reviewer, sent_back):
    assert client_for(officer_b).get(_url(sent_back)).status_code == 404
    assert client_for(reviewer).get(_url(sent_back)).status_code == 404
    response = client_for(officer_b).post(_respond_url(sent_back, "II.2"), {"response": "agree"})
    assert response.status_code == 404


def test_a_file_can_be_attached_while_answering_and_is_checked_by_content(
    client_for, officer_a, sent_back
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    target = item(sent_back, "II.2")
    url = reverse("assessments:exchange_evidence", args=[sent_back.pk])
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client_for(officer_a).post(url, {"upload": fake, "items": [target.pk]})
    assert (
        "không phải là tệp PDF, DOC, DOCX, XLS, XLSX, JPG, PNG hợp lệ" in response.content.decode()
    )
    assert Evidence.objects.filter(added_during_review=True).count() == 0
    real = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    response = client_for(officer_a).post(url, {"upload": real, "items": [target.pk]})
    assert response.status_code == 302
    evidence = Evidence.objects.get(added_during_review=True)
    assert (evidence.original_filename, evidence.content_type) == ("bao-cao.pdf", "application/pdf")


def test_a_correction_still_being_drafted_stays_inside_the_department(
    client_for, officer_a, reviewer, agency_a, period
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    appraisal.correct_inputs(
        item(submission, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="LY-DO-NHAP chưa gửi",
    )
    html = client_for(officer_a).get(_url(submission)).content.decode()
    assert "LY-DO-NHAP" not in html
    assert "Sở TT&amp;TT đang thẩm định hồ sơ" in html
    submission.refresh_from_db()
    workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị giải trình II.2.")
    html = client_for(officer_a).get(_url(submission)).content.decode()
    assert "LY-DO-NHAP" in html


def test_history_hides_appraisal_edits_of_a_reopened_dossier_until_sent_again(
    officer_a, reviewer, lead, sent_back
):
    from assessments.history import history_for

    appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_a, response="agree")
    submission = workflow.answer(sent_back, actor=officer_a)
    submission = workflow.accept(submission, actor=reviewer)
    submission = workflow.finalise(submission, actor=lead)
    submission = workflow.reopen(submission, actor=lead, reason="Rà soát lại II.3")
    appraisal.correct_inputs(
        item(submission, "II.3"),
        actor=reviewer,
        inputs={"numerator": "50", "denominator": "100"},
        reason="SUA-SAU-KHI-MO-LAI",
    )
    submission.refresh_from_db()
    agency_view = [entry.reason for entry in history_for(officer_a, submission)]
    staff_view = [entry.reason for entry in history_for(reviewer, submission)]
    assert "SUA-SAU-KHI-MO-LAI" not in agency_view
    assert "SUA-SAU-KHI-MO-LAI" in staff_view
    assert "Số liệu trên phần mềm QLVB&ĐHCV chỉ đạt 80 %." in agency_view
    assert "Rà soát lại II.3" in agency_view
