import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import appraisal, workflow
from assessments.enums import SubmissionStatus
from assessments.models import Agency, AuditEntry, Extension, Message
from tests.assessments.review_support import in_review, item, returned
from tests.factories import make_user, submitted_submission

S = SubmissionStatus


@pytest.fixture
def reviewing(agency_a, period, officer_a, reviewer):
    return in_review(agency_a, period, officer_a, reviewer)


def _queue(client, period, **params):
    return client.get(reverse("assessments:review_queue", args=[period.code]), params)


def _agencies(response):
    return re.findall(r'data-agency="([^"]+)"', response.content.decode())


def _appraisal_url(submission):
    return reverse("assessments:appraisal", args=[submission.pk])


def _review_data(submission, code, data) -> dict:
    """The reviewer's form of one criterion as the browser posts it (prefix “r<item id>”)."""
    prefix = f"r{item(submission, code).pk}-"
    return {prefix + key.removeprefix("in_"): value for key, value in data.items()}


def _item_url(submission, code):
    return reverse("assessments:appraise_item", args=[submission.pk, item(submission, code).pk])


def _action_url(submission, action):
    return reverse("assessments:appraisal_action", args=[submission.pk, action])


# --- queue ----------------------------------------------------------------------------------


def _three_submissions(period, agency_a, agency_b, officer_a, officer_b, reviewer):
    third_agency = Agency.objects.get(code="dai-phat-thanh-truyen-hinh")
    third_officer = make_user("canbo_c", agency=third_agency)
    first = in_review(agency_a, period, officer_a, reviewer)
    appraisal.correct_inputs(
        item(first, "II.2"), actor=reviewer, inputs={"percent": "80"}, reason="Theo phần mềm"
    )
    submitted_submission(agency_b, period, officer_b)
    submitted_submission(third_agency, period, third_officer)
    return first


def test_the_queue_shows_each_column(
    client_for, period, agency_a, agency_b, officer_a, officer_b, reviewer
):
    _three_submissions(period, agency_a, agency_b, officer_a, officer_b, reviewer)
    Extension.objects.create(
        period=period, agency=agency_b, new_deadline=period.self_assessment_deadline, reason="Ốm"
    )
    response = _queue(client_for(reviewer), period)
    html = response.content.decode()
    assert _agencies(response) == ["so-tai-chinh", "dai-phat-thanh-truyen-hinh", "huyen-trang-bom"]
    row = html[html.index('data-agency="so-tai-chinh"') :].split("</tr>")[0]
    assert "Phụ lục 1" in row
    assert "Đang thẩm định" in row
    assert "Đúng hạn" in row
    assert "3,00" in row  # self-assessed
    assert "2,94" in row  # appraised
    assert "thamdinh" in row
    trang_bom = html[html.index('data-agency="huyen-trang-bom"') :].split("</tr>")[0]
    assert f"Gia hạn đến {period.self_assessment_deadline:%d/%m/%Y}" in trang_bom
    assert "Chưa phân công" in trang_bom
    counts = dict(
        re.findall(r'data-status="(\w+)">[^<]*<span class="badge text-bg-light">(\d+)', html)
    )
    assert counts["in_review"] == "1"
    assert counts["submitted"] == "2"
    assert counts["draft"] == "0"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, ["dai-phat-thanh-truyen-hinh", "huyen-trang-bom"]),
        ({"kind": "ubnd-cap-huyen"}, ["huyen-trang-bom"]),
        ({"q": "tài chính"}, ["so-tai-chinh"]),
        ({"reviewer": "none"}, ["dai-phat-thanh-truyen-hinh", "huyen-trang-bom"]),
        ({"late": "1"}, []),
        ({"late": "0"}, ["so-tai-chinh", "dai-phat-thanh-truyen-hinh", "huyen-trang-bom"]),
    ],
)
def test_the_queue_filters(
    client_for, period, agency_a, agency_b, officer_a, officer_b, reviewer, params, expected
):
    _three_submissions(period, agency_a, agency_b, officer_a, officer_b, reviewer)
    assert _agencies(_queue(client_for(reviewer), period, **params)) == expected


def test_the_queue_filters_by_reviewer(
    client_for, period, agency_a, agency_b, officer_a, officer_b, reviewer
):
    _three_submissions(period, agency_a, agency_b, officer_a, officer_b, reviewer)
    assert _agencies(_queue(client_for(reviewer), period, reviewer=reviewer.pk)) == ["so-tai-chinh"]


def test_the_queue_lists_agencies_that_have_not_started(client_for, period, reviewer, reviewing):
    html = _queue(client_for(reviewer), period).content.decode()
    assert (
        html.count("Chưa bắt đầu tự đánh giá") == Agency.objects.filter(is_active=True).count() - 1
    )


def _queue_queries(django_assert_num_queries, client, period):
    # session, user, period, counts, the page's length (submissions, not started), the page's
    # submissions, their assignments, items and criteria of those under appraisal, the page's
    # not-started agencies, reviewers, the user's agency and unread notifications (base layout),
    # kinds
    with django_assert_num_queries(15):
        assert _queue(client, period).status_code == 200


def test_the_queue_runs_a_fixed_number_of_queries_with_one_row(
    client_for, period, reviewer, reviewing, django_assert_num_queries
):
    _queue_queries(django_assert_num_queries, client_for(reviewer), period)


def test_the_queue_runs_a_fixed_number_of_queries_with_three_rows(
    client_for,
    period,
    agency_a,
    agency_b,
    officer_a,
    officer_b,
    reviewer,
    django_assert_num_queries,
):
    _three_submissions(period, agency_a, agency_b, officer_a, officer_b, reviewer)
    _queue_queries(django_assert_num_queries, client_for(reviewer), period)


def test_the_lead_assigns_a_reviewer_from_the_queue(
    client_for, period, lead, second_reviewer, reviewing
):
    client = client_for(lead)
    next_url = reverse("assessments:review_queue", args=[period.code]) + "?status=in_review"
    response = client.post(
        reverse("assessments:appraisal_assign", args=[reviewing.pk]),
        {"reviewer": second_reviewer.pk, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url
    reviewing.refresh_from_db()
    assert reviewing.reviewer == second_reviewer


def test_a_reviewer_cannot_assign(client_for, reviewer, second_reviewer, reviewing):
    response = client_for(reviewer).post(
        reverse("assessments:appraisal_assign", args=[reviewing.pk]),
        {"reviewer": second_reviewer.pk},
        follow=True,
    )
    assert "Chỉ lãnh đạo được phân công người thẩm định." in response.content.decode()
    reviewing.refresh_from_db()
    assert reviewing.reviewer.username == "thamdinh"


# --- appraisal page -------------------------------------------------------------------------


def test_the_appraisal_page_shows_both_columns_and_totals(client_for, reviewer, reviewing):
    appraisal.correct_inputs(
        item(reviewing, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Chỉ 80 hồ sơ trên phần mềm",
    )
    html = client_for(reviewer).get(_appraisal_url(reviewing)).content.decode()
    assert re.search(r'data-total="self">3,00 <span class="grade grade-Aplus"', html)
    assert re.search(r'data-total="appraised">2,94 <span class="grade grade-Aplus"', html)
    card = html[html.index('data-code="II.2"') :].split("</section>")[0]
    assert "Số liệu: <strong>100/100 (100 %)</strong>" in card
    assert '<strong data-points="self">0,30</strong>' in card
    assert '<strong data-points="appraised">0,24</strong>' in card
    assert "Chỉ 80 hồ sơ trên phần mềm" in card
    assert "Số 45/KH-STC ngày 15/03/2022 của Sở Tài chính" in card
    assert "Yêu cầu giải trình" in html
    assert "Chốt kết quả" not in html  # reviewer: not a lead action


def _appraisal_queries(django_assert_num_queries, client, submission):
    # session, user, submission, criteria, items, evidence, messages, assignments, history x2,
    # the user's agency and unread notifications (base layout)
    with django_assert_num_queries(12):
        assert client.get(_appraisal_url(submission)).status_code == 200


def test_the_appraisal_page_runs_a_fixed_number_of_queries(
    client_for, reviewer, reviewing, django_assert_num_queries
):
    _appraisal_queries(django_assert_num_queries, client_for(reviewer), reviewing)


def test_the_appraisal_page_query_count_does_not_grow_with_evidence_and_messages(
    client_for, reviewer, reviewing, django_assert_num_queries, agency_a
):
    for code in ("I.1", "II.2", "III.1"):
        appraisal.ask_question(
            reviewing, actor=reviewer, body=f"Hỏi {code}", item=item(reviewing, code)
        )
        appraisal.add_internal_note(reviewing, actor=reviewer, body=f"Ghi chú {code}")
    _appraisal_queries(django_assert_num_queries, client_for(reviewer), reviewing)


def test_saving_an_item_with_htmx_answers_the_card_and_the_totals(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        _item_url(reviewing, "II.2"),
        _review_data(
            reviewing,
            "II.2",
            {
                "mode": "inputs",
                "in_numerator": "60",
                "in_denominator": "100",
                "reason": "Thấp hơn",
                "version": "1",
            },
        ),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<section id="tc-') or html.lstrip().startswith("<section")
    assert '<strong data-points="appraised">0,18</strong>' in html
    assert 'id="tong-diem" class="card mb-3" data-hx-swap-oob="true"' in html
    assert 'data-total="appraised">2,88' in html
    assert (
        f'id="submission-version" value="{reviewing.version + 1}" data-hx-swap-oob="true"' in html
    )
    assert item(reviewing, "II.2").reviewer_points == Decimal("0.18")


def test_a_refused_save_keeps_what_was_typed(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        _item_url(reviewing, "II.2"),
        _review_data(
            reviewing,
            "II.2",
            {
                "mode": "inputs",
                "in_numerator": "60",
                "in_denominator": "100",
                "reason": "",
                "version": "1",
            },
        ),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Điểm thẩm định khác điểm tự đánh giá của đơn vị; vui lòng nêu lý do điều chỉnh." in html
    it = item(reviewing, "II.2")
    assert f'name="r{it.pk}-numerator"' in html
    assert 'value="60"' in html
    assert item(reviewing, "II.2").reviewer_points is None


def test_a_conflicting_save_is_told_and_keeps_what_was_typed(
    client_for, reviewer, second_reviewer, reviewing
):
    appraisal.override_points(
        item(reviewing, "II.5"), actor=second_reviewer, points="0,10", reason="Một hệ thống"
    )
    response = client_for(reviewer).post(
        _item_url(reviewing, "II.5"),
        _review_data(
            reviewing,
            "II.5",
            {"mode": "override", "points": "0,05", "reason": "Lý do của tôi", "version": "1"},
        ),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Người khác vừa cập nhật hồ sơ này." in html
    assert 'value="0,05"' in html
    assert "Lý do của tôi</textarea>" in html
    assert (
        'name="r{}-version" value="2"'.format(item(reviewing, "II.5").pk) in html
    )  # saving again overwrites deliberately
    assert item(reviewing, "II.5").reviewer_points == Decimal("0.10")


def test_saving_without_htmx_redirects_to_the_criterion(client_for, reviewer, reviewing):
    target = item(reviewing, "III.5")
    response = client_for(reviewer).post(
        _item_url(reviewing, "III.5"),
        _review_data(
            reviewing,
            "III.5",
            {"mode": "not_applicable", "reason": "Không thu phí", "version": "1"},
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_appraisal_url(reviewing)}#tc-{target.pk}"
    assert item(reviewing, "III.5").reviewer_not_applicable is True


def test_saving_is_refused_before_the_review_starts(
    client_for, reviewer, agency_a, period, officer_a
):
    submission = submitted_submission(agency_a, period, officer_a)
    client = client_for(reviewer)
    html = client.get(_appraisal_url(submission)).content.decode()
    assert "Bắt đầu thẩm định</button>" in html
    assert "Lưu thẩm định" not in html
    response = client.post(
        _item_url(submission, "II.2"),
        _review_data(submission, "II.2", {"mode": "override", "points": "0", "reason": "x"}),
    )
    assert "Hồ sơ chưa được mở thẩm định" in response.content.decode()
    response = client.post(
        _action_url(submission, "start_review"), {"expected_version": submission.version}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.reviewer) == (S.IN_REVIEW, reviewer)


def test_returning_needs_a_message_and_keeps_what_was_typed(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        _action_url(reviewing, "return_for_explanation"),
        {"message": "  ", "reply_by": "2099-11-05", "expected_version": reviewing.version},
    )
    html = response.content.decode()
    assert "Vui lòng nhập nội dung yêu cầu giải trình gửi cơ quan, đơn vị." in html
    assert 'value="2099-11-05"' in html
    reviewing.refresh_from_db()
    assert reviewing.status == S.IN_REVIEW


def test_returning_with_a_stale_version_is_a_conflict(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        _action_url(reviewing, "return_for_explanation"),
        {"message": "Đề nghị giải trình", "expected_version": reviewing.version - 1},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Người khác vừa cập nhật hồ sơ này." in html
    assert "Đề nghị giải trình</textarea>" in html


def test_returning_sends_the_request_with_its_date(client_for, reviewer, reviewing):
    reply_by = timezone.localdate() + dt.timedelta(days=7)
    response = client_for(reviewer).post(
        _action_url(reviewing, "return_for_explanation"),
        {
            "message": "Đề nghị giải trình II.2",
            "reply_by": reply_by.isoformat(),
            "expected_version": reviewing.version,
        },
    )
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert (reviewing.status, reviewing.round, reviewing.reply_by) == (S.RETURNED, 1, reply_by)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (
            "2026-02-30",
            "Hạn trả lời không phải một ngày có thật; vui lòng chọn lại (ngày/tháng/năm).",
        ),
        (
            "30/02/2026",
            "Hạn trả lời không phải một ngày có thật; vui lòng chọn lại (ngày/tháng/năm).",
        ),
        (
            "ngày mai",
            "Hạn trả lời không phải một ngày có thật; vui lòng chọn lại (ngày/tháng/năm).",
        ),
        (
            "past",
            "Hạn trả lời phải từ hôm nay ({today}) trở đi; ngày đã qua thì đơn vị không thể trả lời đúng hạn.",
        ),
    ],
)
def test_an_impossible_or_past_reply_by_date_is_explained_under_the_field(
    client_for, reviewer, reviewing, typed, error
):
    today = timezone.localdate()
    if typed == "past":
        typed = (today - dt.timedelta(days=1)).isoformat()

    response = client_for(reviewer).post(
        _action_url(reviewing, "return_for_explanation"),
        {
            "message": "Đề nghị giải trình II.2",
            "reply_by": typed,
            "expected_version": reviewing.version,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    expected = error.format(today=f"{today:%d/%m/%Y}")
    assert f'<div class="invalid-feedback" id="yc-reply-by-error">{expected}</div>' in html
    assert f'value="{typed}"' in html
    assert "Đề nghị giải trình II.2</textarea>" in html
    reviewing.refresh_from_db()
    assert (reviewing.status, reviewing.round, reviewing.reply_by) == (S.IN_REVIEW, 0, None)


def test_posting_a_question_and_an_internal_note(client_for, reviewer, reviewing):
    client = client_for(reviewer)
    target = item(reviewing, "II.3")
    url = reverse("assessments:appraisal_message", args=[reviewing.pk])
    client.post(url, {"item": target.pk, "body": "Số tài khoản thư điện tử?"})
    client.post(url, {"item": target.pk, "body": "Nghi ngờ số liệu", "internal": "1"})
    assert list(
        Message.objects.filter(item=target)
        .order_by("id")
        .values_list("kind", "is_internal", "round")
    ) == [("question", False, 1), ("note", True, 0)]
    html = client.get(_appraisal_url(reviewing)).content.decode()
    assert "Nghi ngờ số liệu" in html
    assert "Chưa gửi" in html


def test_an_empty_question_keeps_the_page(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        reverse("assessments:appraisal_message", args=[reviewing.pk]), {"body": ""}
    )
    assert "Vui lòng nhập nội dung câu hỏi gửi cơ quan, đơn vị." in response.content.decode()


def test_the_lead_finalises_and_reopens_from_the_page(
    client_for, lead, officer_a, reviewer, agency_a, period
):
    submission = returned(agency_a, period, officer_a, reviewer)
    workflow.confirm_result(submission, actor=officer_a)
    client = client_for(lead)
    submission.refresh_from_db()
    html = client.get(_appraisal_url(submission)).content.decode()
    assert "Chốt kết quả</button>" in html
    response = client.post(
        _action_url(submission, "finalise"), {"expected_version": submission.version}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.final_score, submission.final_grade) == (
        S.FINALISED,
        Decimal("2.94"),
        "A+",
    )
    html = client.get(_appraisal_url(submission)).content.decode()
    assert "Lưu thẩm định" not in html  # finalised: nobody edits
    response = client.post(
        _action_url(submission, "reopen"), {"reason": "", "expected_version": submission.version}
    )
    assert "Vui lòng nêu lý do mở lại hồ sơ." in response.content.decode()
    response = client.post(
        _action_url(submission, "reopen"),
        {"reason": "Đơn vị bổ sung số liệu", "expected_version": submission.version},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(submission=submission, action="reopen").get()
    assert (entry.actor, entry.reason) == (lead, "Đơn vị bổ sung số liệu")


def test_the_lead_records_a_decision(client_for, lead, officer_a, reviewer, agency_a, period):
    submission = returned(agency_a, period, officer_a, reviewer)
    response = client_for(lead).post(
        _action_url(submission, "record_decision"),
        {
            "reason": "Giữ kết quả thẩm định theo số liệu phần mềm",
            "expected_version": submission.version,
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.decision_reason) == (
        S.AGREED,
        "Giữ kết quả thẩm định theo số liệu phần mềm",
    )
    assert item(submission, "II.2").agreed_points == Decimal("0.24")


def test_a_reviewer_cannot_finalise_through_the_url(
    client_for, reviewer, officer_a, agency_a, period
):
    submission = returned(agency_a, period, officer_a, reviewer)
    workflow.confirm_result(submission, actor=officer_a)
    submission.refresh_from_db()
    response = client_for(reviewer).post(
        _action_url(submission, "finalise"), {"expected_version": submission.version}
    )
    assert "Bạn không có quyền thực hiện thao tác “Chốt kết quả”." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == S.AGREED


def test_an_unknown_action_is_404(client_for, reviewer, reviewing):
    assert client_for(reviewer).post(_action_url(reviewing, "publish")).status_code == 404


def test_state_changes_are_post_only(client_for, reviewer, reviewing):
    client = client_for(reviewer)
    assert client.get(_action_url(reviewing, "accept")).status_code == 405
    assert client.get(_item_url(reviewing, "II.2")).status_code == 405


def test_the_evidence_file_is_served_inline_to_allowed_users_only(
    client_for, reviewer, officer_a, officer_b, reviewing
):
    from django.core.files.base import ContentFile

    from assessments.models import Evidence

    evidence = Evidence.objects.create(
        submission=reviewing,
        file=ContentFile(b"%PDF-1.4 test", name="ke-hoach.pdf"),
        original_filename="kế hoạch.pdf",
        content_type="application/pdf",
    )
    evidence.items.set([item(reviewing, "I.1")])
    url = reverse("assessments:evidence_file", args=[evidence.pk])
    response = client_for(reviewer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    allowed = client_for(officer_a).get(url)
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == b"%PDF-1.4 test"
    assert client_for(officer_b).get(url).status_code == 404
    html = client_for(reviewer).get(_appraisal_url(reviewing)).content.decode()
    assert f'href="{url}"' in html


def test_a_garbled_version_is_a_conflict_not_a_server_error(client_for, reviewer, reviewing):
    response = client_for(reviewer).post(
        _item_url(reviewing, "II.5"),
        _review_data(
            reviewing,
            "II.5",
            {"mode": "override", "points": "0,05", "reason": "Lý do", "version": "abc"},
        ),
        HTTP_HX_REQUEST="true",
    )
    assert "Người khác vừa cập nhật hồ sơ này." in response.content.decode()
    assert item(reviewing, "II.5").reviewer_points is None
