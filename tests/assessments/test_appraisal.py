import threading
from decimal import Decimal

import pytest
from django.db import connection

from assessments import appraisal, scores, selfassessment, workflow
from assessments.enums import MessageKind, SubmissionStatus
from assessments.history import history_for
from assessments.models import Assignment, AuditEntry, Evidence, Message, Notification
from assessments.workflow import ConflictError, WorkflowError
from tests.assessments.review_support import in_review, item, returned
from tests.factories import make_user, submitted_submission

S = SubmissionStatus


@pytest.fixture
def reviewing(agency_a, period, officer_a, reviewer):
    return in_review(agency_a, period, officer_a, reviewer)


@pytest.fixture
def sent_back(agency_a, period, officer_a, reviewer):
    return returned(agency_a, period, officer_a, reviewer)


def _appraised(submission):
    submission.refresh_from_db()
    criteria = scores.table_criteria(submission.table)
    items = list(submission.items.select_related("criterion"))
    return scores.appraised_result(submission, criteria, items)


def _audit(submission, action):
    return list(
        AuditEntry.objects.filter(submission=submission, action=action)
        .order_by("id")
        .values_list("target", "field", "old_value", "new_value", "reason")
    )


# --- correct_inputs -------------------------------------------------------------------------


def test_correcting_inputs_recomputes_points_and_audits_each_changed_value(reviewing, reviewer):
    corrected = appraisal.correct_inputs(
        item(reviewing, "II.2"),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Phần mềm chỉ ghi nhận 80 hồ sơ.",
        expected_version=1,
    )
    assert corrected.reviewer_points == Decimal("0.24")
    assert corrected.points == Decimal("0.30")
    assert corrected.inputs == {"numerator": "100", "denominator": "100"}
    assert corrected.version == 2
    assert corrected.is_adjusted is True
    assert _audit(reviewing, "correct_inputs") == [
        ("II.2", "reviewer_inputs", "", "80/100 (80 %)", "Phần mềm chỉ ghi nhận 80 hồ sơ."),
        ("II.2", "reviewer_points", "", "0,24", "Phần mềm chỉ ghi nhận 80 hồ sơ."),
        (
            "II.2",
            "reviewer_reason",
            "",
            "Phần mềm chỉ ghi nhận 80 hồ sơ.",
            "Phần mềm chỉ ghi nhận 80 hồ sơ.",
        ),
    ]
    assert _appraised(reviewing).score == Decimal("2.94")
    reviewing.refresh_from_db()
    assert reviewing.version == 4  # submit, start_review, this appraisal


def test_a_different_result_without_a_reason_is_refused(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(reviewing, "II.2"), actor=reviewer, inputs={"percent": "50"}, reason=" "
        )
    assert caught.value.message == (
        "Điểm thẩm định khác điểm tự đánh giá của đơn vị; vui lòng nêu lý do điều chỉnh."
    )
    assert item(reviewing, "II.2").reviewer_points is None
    assert _audit(reviewing, "correct_inputs") == []


def test_the_same_points_need_no_reason(reviewing, reviewer):
    corrected = appraisal.correct_inputs(
        item(reviewing, "II.2"), actor=reviewer, inputs={"numerator": "50", "denominator": "50"}
    )
    assert corrected.reviewer_points == Decimal("0.30")
    assert corrected.is_adjusted is False


def test_invalid_inputs_are_refused_with_the_scoring_sentence(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(reviewing, "II.2"),
            actor=reviewer,
            inputs={"numerator": "120", "denominator": "100"},
            reason="Sai",
        )
    assert caught.value.message == "Tiêu chí II.2: Tử số không được lớn hơn mẫu số."


def test_incomplete_inputs_are_refused(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(reviewing, "II.2"), actor=reviewer, inputs={"numerator": "80"}, reason="Sai"
        )
    assert caught.value.message == (
        "Tiêu chí II.2: vui lòng nhập đủ số liệu thẩm định để tính điểm."
    )


def test_appraising_before_the_review_is_started_is_refused(agency_a, period, officer_a, reviewer):
    submission = submitted_submission(agency_a, period, officer_a)
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(submission, "II.2"), actor=reviewer, inputs={"percent": "50"}, reason="x"
        )
    assert caught.value.message == (
        "Hồ sơ chưa được mở thẩm định; hãy bấm “Bắt đầu thẩm định” trước."
    )


def test_appraising_while_the_agency_is_answering_is_refused(sent_back, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.override_points(
            item(sent_back, "II.3"), actor=reviewer, points="0,10", reason="x"
        )
    assert caught.value.message == appraisal.NOT_APPRAISABLE


def test_an_officer_cannot_appraise(reviewing, officer_a):
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(reviewing, "II.2"), actor=officer_a, inputs={"percent": "50"}, reason="x"
        )
    assert caught.value.message == "Bạn không có quyền thẩm định hồ sơ này."


def test_a_reviewer_never_appraises_their_own_agency(
    department, period, department_officer, reviewer, lead
):
    submission = in_review(department, period, department_officer, lead)
    with pytest.raises(WorkflowError) as caught:
        appraisal.correct_inputs(
            item(submission, "II.2"), actor=reviewer, inputs={"percent": "50"}, reason="x"
        )
    assert caught.value.message.startswith("Bạn không được thẩm định hồ sơ của chính cơ quan")
    corrected = appraisal.correct_inputs(
        item(submission, "II.2"), actor=lead, inputs={"percent": "50"}, reason="Lãnh đạo thẩm định"
    )
    assert corrected.reviewer_points == Decimal("0.15")


def test_a_stale_page_gets_a_conflict(reviewing, reviewer, second_reviewer):
    target = item(reviewing, "II.2")
    appraisal.correct_inputs(
        target, actor=second_reviewer, inputs={"percent": "90"}, reason="Theo báo cáo"
    )
    with pytest.raises(ConflictError) as caught:
        appraisal.correct_inputs(
            target, actor=reviewer, inputs={"percent": "50"}, reason="x", expected_version=1
        )
    assert caught.value.message.startswith("Người khác vừa cập nhật hồ sơ này.")
    assert item(reviewing, "II.2").reviewer_points == Decimal("0.27")


# --- override, not applicable, keep ---------------------------------------------------------


def test_overriding_points_needs_a_reason(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.override_points(item(reviewing, "II.5"), actor=reviewer, points="0,10", reason="")
    assert caught.value.message == (
        "Điều chỉnh trực tiếp điểm là trường hợp ngoại lệ; vui lòng nêu lý do."
    )


def test_overridden_points_must_lie_within_the_criterion(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.override_points(
            item(reviewing, "II.5"), actor=reviewer, points="0,5", reason="Quá"
        )
    assert caught.value.message == (
        "Tiêu chí II.5: điểm điều chỉnh phải từ 0,00 đến 0,20, tối đa hai chữ số thập phân."
    )
    with pytest.raises(WorkflowError) as caught:
        appraisal.override_points(
            item(reviewing, "II.5"), actor=reviewer, points="mười", reason="Quá"
        )
    assert caught.value.message == "Tiêu chí II.5: Giá trị “mười” không phải là số hợp lệ."


def test_overriding_points_stores_them_and_the_score_follows(reviewing, reviewer):
    overridden = appraisal.override_points(
        item(reviewing, "II.5"), actor=reviewer, points="0,1", reason="Chỉ một hệ thống hoạt động"
    )
    assert (overridden.reviewer_points, overridden.reviewer_override) == (Decimal("0.10"), True)
    assert _appraised(reviewing).score == Decimal("2.90")
    assert [row[1:4] for row in _audit(reviewing, "override_points")] == [
        ("reviewer_points", "", "0,10"),
        ("reviewer_override", "không", "có"),
        ("reviewer_reason", "", "Chỉ một hệ thống hoạt động"),
    ]


def test_a_deduction_can_be_overridden_below_zero(reviewing, reviewer):
    overridden = appraisal.override_points(
        item(reviewing, "Đ.1"), actor=reviewer, points="-0,25", reason="Một sự cố ngày 3/5"
    )
    assert overridden.reviewer_points == Decimal("-0.25")
    assert _appraised(reviewing).score == Decimal("2.75")


def test_marking_not_applicable_rescales_the_score(reviewing, reviewer):
    marked = appraisal.mark_not_applicable(
        item(reviewing, "III.5"), actor=reviewer, reason="Không có TTHC thu phí"
    )
    assert (marked.reviewer_not_applicable, marked.is_adjusted) == (True, True)
    result = _appraised(reviewing)
    assert result.items["III.5"].not_applicable is True
    assert result.score == Decimal("3.00")


def test_not_applicable_is_refused_where_the_table_forbids_it(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.mark_not_applicable(item(reviewing, "II.2"), actor=reviewer, reason="x")
    assert caught.value.message == "Tiêu chí II.2 không được chọn “Không áp dụng”."


def test_keeping_the_agency_result_clears_the_reviewer_column(reviewing, reviewer):
    target = appraisal.override_points(
        item(reviewing, "II.5"), actor=reviewer, points="0", reason="Không có"
    )
    kept = appraisal.keep_agency_result(target, actor=reviewer, expected_version=target.version)
    assert (kept.reviewer_points, kept.reviewer_override, kept.reviewer_reason) == (None, False, "")
    assert _appraised(reviewing).score == Decimal("3.00")
    assert [row[1:4] for row in _audit(reviewing, "keep_agency_result")] == [
        ("reviewer_points", "0,00", ""),
        ("reviewer_override", "có", "không"),
        ("reviewer_reason", "Không có", ""),
    ]


# --- messages -------------------------------------------------------------------------------


def test_a_question_waits_for_the_next_round(reviewing, reviewer, officer_a):
    question = appraisal.ask_question(
        reviewing, actor=reviewer, body="Đề nghị cung cấp số liệu?", item=item(reviewing, "II.3")
    )
    assert (question.kind, question.round, question.is_internal) == (MessageKind.QUESTION, 1, False)
    assert [e.body for e in history_for(officer_a, reviewing) if e.kind == "message"] == []
    sent = workflow.return_for_explanation(reviewing, actor=reviewer, message="Giải trình II.3")
    bodies = [entry.body for entry in history_for(officer_a, sent) if entry.kind == "message"]
    assert bodies == ["Đề nghị cung cấp số liệu?"]


def test_an_empty_question_is_refused(reviewing, reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.ask_question(reviewing, actor=reviewer, body="   ")
    assert caught.value.message == "Vui lòng nhập nội dung câu hỏi gửi cơ quan, đơn vị."


def test_internal_notes_are_never_in_the_agency_history(reviewing, reviewer, officer_a, lead):
    note = appraisal.add_internal_note(
        reviewing, actor=reviewer, body="Đơn vị này năm trước cũng khai sai", item=None
    )
    assert note.is_internal is True
    assert [e.body for e in history_for(lead, reviewing) if e.kind == "message"] == [
        "Đơn vị này năm trước cũng khai sai"
    ]
    assert [e.body for e in history_for(officer_a, reviewing) if e.kind == "message"] == []


def test_an_officer_cannot_write_internal_notes(reviewing, officer_a):
    with pytest.raises(WorkflowError):
        appraisal.add_internal_note(reviewing, actor=officer_a, body="x")
    assert Message.objects.filter(is_internal=True).count() == 0


# --- the agency's answers -------------------------------------------------------------------


def test_the_agency_explains_an_item_without_touching_its_self_assessment(sent_back, officer_a):
    target = item(sent_back, "II.2")
    answered = appraisal.respond_to_item(
        target,
        actor=officer_a,
        response="explain",
        text="Phần mềm chưa ghi nhận 20 hồ sơ xử lý bằng chữ ký số.",
        expected_version=target.version,
    )
    assert (answered.agency_response, answered.points, answered.inputs) == (
        "explain",
        Decimal("0.30"),
        {"numerator": "100", "denominator": "100"},
    )
    message = Message.objects.get(item=target, kind=MessageKind.ANSWER)
    assert (message.body, message.round) == (
        "Phần mềm chưa ghi nhận 20 hồ sơ xử lý bằng chữ ký số.",
        1,
    )
    assert [row[:4] for row in _audit(sent_back, "respond")] == [
        ("II.2", "agency_response", "", "Giải trình"),
        (
            "II.2",
            "agency_response_text",
            "",
            "Phần mềm chưa ghi nhận 20 hồ sơ xử lý bằng chữ ký số.",
        ),
    ]


def test_an_explanation_needs_its_text(sent_back, officer_a):
    with pytest.raises(WorkflowError) as caught:
        appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_a, response="explain")
    assert caught.value.message == "Vui lòng nhập nội dung giải trình cho tiêu chí II.2."


def test_answers_are_refused_outside_a_request_for_explanation(reviewing, officer_a):
    with pytest.raises(WorkflowError) as caught:
        appraisal.respond_to_item(item(reviewing, "II.2"), actor=officer_a, response="agree")
    assert caught.value.message == (
        "Chỉ trả lời được khi Sở TT&TT đang yêu cầu giải trình hồ sơ này."
    )


def test_another_agency_cannot_answer(sent_back, officer_b):
    with pytest.raises(WorkflowError) as caught:
        appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_b, response="agree")
    assert caught.value.message == "Bạn không có quyền trả lời giải trình cho hồ sơ này."


def test_evidence_added_while_answering_is_marked_and_keeps_the_original(sent_back, officer_a):
    evidence = selfassessment.add_evidence(
        sent_back,
        actor=officer_a,
        items=[item(sent_back, "II.2")],
        doc_number="88/BC-STC",
        issuer="Sở Tài chính",
        summary="Báo cáo số liệu phần mềm QLVB",
        url="https://stc.dongnai.gov.vn/bao-cao",
    )
    assert evidence.added_during_review is True
    assert list(evidence.items.values_list("criterion__code", flat=True)) == ["II.2"]
    # The original evidence is still there, untouched.
    assert Evidence.objects.filter(submission=sent_back, added_during_review=False).count() == 1


def test_evidence_while_answering_needs_a_criterion(sent_back, officer_a):
    with pytest.raises(selfassessment.EditRefused) as caught:
        selfassessment.add_evidence(sent_back, actor=officer_a, items=[], doc_number="1/BC")
    assert caught.value.message == "Vui lòng chọn tiêu chí mà tài liệu này chứng minh."


def test_sending_the_answer_needs_every_adjusted_item_answered(sent_back, officer_a):
    with pytest.raises(WorkflowError) as caught:
        workflow.answer(sent_back, actor=officer_a)
    assert caught.value.message == "Chưa trả lời các tiêu chí đã được điều chỉnh: II.2."


def test_the_answer_notification_summarises_each_item(sent_back, officer_a, reviewer):
    appraisal.respond_to_item(
        item(sent_back, "II.2"), actor=officer_a, response="explain", text="Thiếu 20 hồ sơ."
    )
    appraisal.respond_to_item(item(sent_back, "II.3"), actor=officer_a, response="agree")
    workflow.answer(sent_back, actor=officer_a, message="Kính đề nghị xem xét.")
    notice = Notification.objects.get(user=reviewer, title__startswith="Sở Tài chính đã gửi")
    assert notice.title == "Sở Tài chính đã gửi giải trình vòng 1"
    assert notice.body == (
        "- II.2: giải trình: Thiếu 20 hồ sơ.\n"
        "- II.3: đồng ý với kết quả thẩm định.\n"
        "Ý kiến chung: Kính đề nghị xem xét."
    )


def test_a_new_round_asks_for_fresh_answers(sent_back, officer_a, reviewer):
    appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_a, response="agree")
    workflow.answer(sent_back, actor=officer_a)
    again = workflow.return_for_explanation(sent_back, actor=reviewer, message="Vòng 2")
    assert again.round == 2
    assert item(again, "II.2").agency_response == ""
    assert (
        Message.objects.filter(kind=MessageKind.ANSWER, item__criterion__code="II.2").count() == 1
    )


# --- assignments ----------------------------------------------------------------------------


def test_the_lead_assigns_a_reviewer_and_a_group_reviewer(reviewing, lead, second_reviewer):
    appraisal.assign_reviewer(reviewing, actor=lead, reviewer=second_reviewer)
    group = reviewing.table.criteria.get(code="III")
    appraisal.assign_reviewer(reviewing, actor=lead, reviewer=lead, group=group)
    reviewing.refresh_from_db()
    assert reviewing.reviewer == second_reviewer
    assert Assignment.objects.get(submission=reviewing, group=group).reviewer == lead
    assert [row[:4] for row in _audit(reviewing, "assign_reviewer")] == [
        ("", "reviewer", "thamdinh", "thamdinh2"),
        ("III", "reviewer", "", "lanhdao"),
    ]


def test_only_the_lead_assigns(reviewing, reviewer, second_reviewer):
    with pytest.raises(WorkflowError) as caught:
        appraisal.assign_reviewer(reviewing, actor=reviewer, reviewer=second_reviewer)
    assert caught.value.message == "Chỉ lãnh đạo được phân công người thẩm định."


def test_a_reviewer_of_the_agency_itself_cannot_be_assigned(
    department, period, department_officer, lead, reviewer
):
    submission = submitted_submission(department, period, department_officer)
    with pytest.raises(WorkflowError) as caught:
        appraisal.assign_reviewer(submission, actor=lead, reviewer=reviewer)
    assert caught.value.message == (
        "Không thể phân công người thẩm định thuộc chính cơ quan được đánh giá."
    )


def test_an_officer_cannot_be_assigned(reviewing, lead, officer_b):
    with pytest.raises(WorkflowError) as caught:
        appraisal.assign_reviewer(reviewing, actor=lead, reviewer=officer_b)
    assert caught.value.message == "Người được chọn không phải người thẩm định đang hoạt động."


# --- a whole cycle --------------------------------------------------------------------------


def test_a_whole_cycle_leaves_a_readable_trail(sent_back, officer_a, reviewer, lead):
    appraisal.respond_to_item(
        item(sent_back, "II.2"), actor=officer_a, response="explain", text="Thiếu 20 hồ sơ."
    )
    workflow.answer(sent_back, actor=officer_a)
    appraisal.decide_item(
        item(sent_back, "II.2"), actor=lead, keep="appraised", reason="Theo số liệu hệ thống."
    )
    workflow.accept(sent_back, actor=reviewer)
    final = workflow.finalise(sent_back, actor=lead)
    assert (final.final_score, final.final_grade) == (Decimal("2.94"), "A+")
    assert item(final, "II.2").agreed_points == Decimal("0.24")
    reopened = workflow.reopen(final, actor=lead, reason="Đơn vị gửi thêm số liệu")
    workflow.accept(reopened, actor=reviewer)
    workflow.finalise(reopened, actor=lead)
    trail = [
        (e.title, e.target, e.old, e.new)
        for e in history_for(officer_a, sent_back)
        if e.field in ("Trạng thái", "Điểm thẩm định")
    ]
    assert trail == [
        ("Nộp hồ sơ", "", "Đang tự đánh giá", "Đã nộp, chờ thẩm định"),
        ("Bắt đầu thẩm định", "", "Đã nộp, chờ thẩm định", "Đang thẩm định"),
        ("Sửa số liệu thẩm định", "II.2", "", "0,24"),
        ("Yêu cầu giải trình", "", "Đang thẩm định", "Yêu cầu giải trình"),
        ("Gửi giải trình", "", "Yêu cầu giải trình", "Đã giải trình"),
        ("Chấp nhận, thống nhất kết quả", "", "Đã giải trình", "Đã thống nhất"),
        ("Chốt kết quả", "", "Đã thống nhất", "Đã chốt kết quả"),
        ("Mở lại để thẩm định", "", "Đã chốt kết quả", "Đang thẩm định"),
        ("Chấp nhận, thống nhất kết quả", "", "Đang thẩm định", "Đã thống nhất"),
        ("Chốt kết quả", "", "Đã thống nhất", "Đã chốt kết quả"),
    ]


def test_finalised_data_cannot_be_appraised(sent_back, officer_a, reviewer, lead):
    workflow.confirm_result(sent_back, actor=officer_a)
    workflow.finalise(sent_back, actor=lead)
    with pytest.raises(WorkflowError):
        appraisal.override_points(item(sent_back, "II.3"), actor=lead, points="0", reason="x")
    with pytest.raises(WorkflowError):
        appraisal.respond_to_item(item(sent_back, "II.2"), actor=officer_a, response="agree")


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_saving_the_same_item_at_once_one_wins(reference, period, agency_a):
    """Two connections race on the same item with the same page version: the row lock makes
    the second wait, then see the new version and get a ConflictError; nothing is lost."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has no row locks (select_for_update); the race is tested on PostgreSQL."
        )
    from assessments.enums import Role

    officer = make_user("canbo_race", agency=agency_a)
    department = period.evaluating_agency
    first = make_user("thamdinh_a", role=Role.REVIEWER, agency=department)
    second = make_user("thamdinh_b", role=Role.REVIEWER, agency=department)
    submission = in_review(agency_a, period, officer, first)
    target = item(submission, "II.2")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(actor, percent):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            appraisal.correct_inputs(
                target,
                actor=actor,
                inputs={"percent": percent},
                reason=f"{actor.username} sửa",
                expected_version=target.version,
            )
            outcomes[actor.username] = "saved"
        except ConflictError as error:
            outcomes[actor.username] = error.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(first, "50")),
        threading.Thread(target=save, args=(second, "60")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(value == "saved" for value in outcomes.values()) == [False, True]
    refused = next(value for value in outcomes.values() if value != "saved")
    assert refused.startswith("Người khác vừa cập nhật hồ sơ này.")
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = item(submission, "II.2")
    assert stored.version == 2
    assert stored.reviewer_reason == f"{winner} sửa"


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_submission_at_once_one_wins(reference, period, agency_a):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has no row locks (select_for_update); the race is tested on PostgreSQL."
        )
    from assessments.enums import Role

    officer = make_user("canbo_race", agency=agency_a)
    department = period.evaluating_agency
    reviewer = make_user("thamdinh_a", role=Role.REVIEWER, agency=department)
    lead = make_user("lanhdao_a", role=Role.LEAD, agency=department)
    submission = in_review(agency_a, period, officer, reviewer)
    version = submission.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, move):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            move()
            outcomes[name] = "done"
        except WorkflowError as error:
            outcomes[name] = error.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act,
            args=(
                "return",
                lambda: workflow.return_for_explanation(
                    submission, actor=reviewer, message="Giải trình", expected_version=version
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                "accept",
                lambda: workflow.accept(submission, actor=lead, expected_version=version),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accept", "return"]
    assert sorted(value == "done" for value in outcomes.values()) == [False, True]
    refused = next(value for value in outcomes.values() if value != "done")
    assert refused.startswith("Người khác vừa cập nhật hồ sơ này.")
    submission.refresh_from_db()
    assert submission.version == version + 1
    assert submission.status in (S.RETURNED, S.AGREED)


def test_notifications_lead_the_agency_to_its_exchange_page(sent_back, officer_a, reviewer):
    notice = Notification.objects.get(user=officer_a, title__startswith="Sở TT&TT yêu cầu")
    assert notice.url == f"/ho-so/{sent_back.pk}/giai-trinh/"
    assert notice.body == "Đề nghị giải trình tiêu chí II.2.\n\nĐề nghị đơn vị trả lời."


def test_confirming_tells_the_department_the_agreed_score(sent_back, officer_a, reviewer):
    workflow.confirm_result(sent_back, actor=officer_a)
    notice = Notification.objects.get(user=reviewer, title__endswith="thống nhất kết quả thẩm định")
    assert notice.body == (
        "Đơn vị đồng ý kết quả thẩm định: 2,94 điểm, mức A+. Hồ sơ chờ lãnh đạo chốt kết quả."
    )
