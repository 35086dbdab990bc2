"""Issue 10 point 7: a control character (U+0001, pasted from another program) is refused
wherever a person types text, with a Vietnamese message, and nothing is stored."""

import pytest
from django.urls import reverse

from assessments import appraisal, workflow
from assessments.forms.answers import self_assessment_form
from assessments.models import AuditEntry, Evidence, IssuedDocument, ItemScore, Message, Submission
from assessments.services import get_or_create_submission
from tests.assessments.results_helpers import build_results
from tests.assessments.review_support import in_review, item, returned
from tests.factories import fill_submission, submitted_submission

BAD = "Nội dung\u0001có ký tự lạ"
REFUSED = "Có ký tự điều khiển không in được (mã U+0001); hãy gõ lại nội dung này."


def _state():
    return (
        list(Submission.objects.order_by("pk").values()),
        list(ItemScore.objects.order_by("pk").values()),
        list(Evidence.objects.order_by("pk").values()),
        list(Message.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        IssuedDocument.objects.count(),
    )


def _as_shown(it) -> dict:
    """What the page posts when only one text is changed: the answer as stored."""
    form = self_assessment_form(it)
    return {bound.html_name: bound.value() for bound in form if bound.value() not in (None, False)}


def _draft(agency_a, period):
    return fill_submission(get_or_create_submission(agency_a, period))


def _item_save(ctx, field):
    submission = _draft(ctx["agency_a"], ctx["period"])
    items = submission.items.select_related("criterion")
    it = items.filter(criterion__allow_not_applicable=True).first()
    url = reverse("assessments:item_save", args=[submission.pk, it.pk])
    return ctx["officer_a"], url, {**_as_shown(it), f"c{it.pk}-{field}": BAD}


def agency_explanation(ctx):
    return _item_save(ctx, "explanation")


def agency_not_applicable_reason(ctx):
    return _item_save(ctx, "not_applicable_reason")


def _evidence_add(ctx, field):
    submission = _draft(ctx["agency_a"], ctx["period"])
    it = item(submission, "II.2")
    data = {"doc_number": "12/KH-UBND", "issuer": "UBND", "summary": "Kế hoạch", field: BAD}
    url = reverse("assessments:evidence_add", args=[submission.pk, it.pk])
    return ctx["officer_a"], url, {f"ev{it.pk}-{name}": value for name, value in data.items()}


def evidence_number(ctx):
    return _evidence_add(ctx, "doc_number")


def evidence_issuer(ctx):
    return _evidence_add(ctx, "issuer")


def evidence_summary_edited(ctx):
    submission = _draft(ctx["agency_a"], ctx["period"])
    evidence = submission.evidence.get()
    url = reverse("assessments:evidence_edit", args=[evidence.pk])
    return ctx["officer_a"], url, {"doc_number": "45/KH-STC", "summary": BAD}


def _submit(ctx, field):
    submission = _draft(ctx["agency_a"], ctx["period"])
    data = {"version": submission.version, "signer_name": "Trần Văn A", "signer_title": "GĐ"}
    url = reverse("assessments:submit_confirm", args=[submission.pk])
    return ctx["officer_a"], url, {**data, field: BAD}


def submit_signer_name(ctx):
    return _submit(ctx, "signer_name")


def submit_signer_title(ctx):
    return _submit(ctx, "signer_title")


def submit_document_number(ctx):
    return _submit(ctx, "document_number")


def withdrawal_reason(ctx):
    submission = submitted_submission(ctx["agency_a"], ctx["period"], ctx["officer_a"])
    url = reverse("assessments:withdraw", args=[submission.pk])
    return ctx["officer_a"], url, {"reason": BAD, "version": submission.version}


def _returned(ctx):
    return returned(ctx["agency_a"], ctx["period"], ctx["officer_a"], ctx["reviewer"])


def exchange_answer_text(ctx):
    submission = _returned(ctx)
    it = item(submission, "II.2")
    url = reverse("assessments:exchange_respond", args=[submission.pk, it.pk])
    return ctx["officer_a"], url, {"response": "explain", "text": BAD, "version": it.version}


def exchange_message(ctx):
    submission = _returned(ctx)
    url = reverse("assessments:exchange_action", args=[submission.pk, "answer"])
    return ctx["officer_a"], url, {"message": BAD, "expected_version": submission.version}


def exchange_evidence_summary(ctx):
    submission = _returned(ctx)
    url = reverse("assessments:exchange_evidence", args=[submission.pk])
    data = {"doc_number": "7/BC", "summary": BAD, "items": [item(submission, "II.2").pk]}
    return ctx["officer_a"], url, data


def _reviewing(ctx):
    return in_review(ctx["agency_a"], ctx["period"], ctx["officer_a"], ctx["reviewer"])


def reviewer_question(ctx):
    submission = _reviewing(ctx)
    url = reverse("assessments:appraisal_message", args=[submission.pk])
    return ctx["reviewer"], url, {"body": BAD, "item": item(submission, "II.2").pk}


def reviewer_note(ctx):
    submission = _reviewing(ctx)
    url = reverse("assessments:appraisal_message", args=[submission.pk])
    return ctx["reviewer"], url, {"body": BAD, "internal": "1"}


def reviewer_request_for_explanation(ctx):
    submission = _reviewing(ctx)
    url = reverse("assessments:appraisal_action", args=[submission.pk, "return_for_explanation"])
    return ctx["reviewer"], url, {"message": BAD, "expected_version": submission.version}


def reviewer_correction_reason(ctx):
    submission = _reviewing(ctx)
    it = item(submission, "II.2")
    url = reverse("assessments:appraise_item", args=[submission.pk, it.pk])
    data = {f"r{it.pk}-mode": "override", f"r{it.pk}-points": "0,25", f"r{it.pk}-reason": BAD}
    return ctx["reviewer"], url, {**data, f"r{it.pk}-version": it.version}


def lead_decision_reason(ctx):
    submission = _returned(ctx)
    it = item(submission, "II.2")
    appraisal.respond_to_item(it, actor=ctx["officer_a"], response="explain", text="Còn giấy.")
    workflow.answer(submission, actor=ctx["officer_a"])
    it.refresh_from_db()
    url = reverse("assessments:appraisal_settle", args=[submission.pk, it.pk])
    data = {"action": "decide", "keep": "appraised", "reason": BAD, "version": it.version}
    return ctx["lead"], url, data


def lead_decision_on_the_dossier(ctx):
    submission = _returned(ctx)
    it = item(submission, "II.2")
    appraisal.respond_to_item(it, actor=ctx["officer_a"], response="explain", text="Còn giấy.")
    submission = workflow.answer(submission, actor=ctx["officer_a"])
    url = reverse("assessments:appraisal_action", args=[submission.pk, "record_decision"])
    return ctx["lead"], url, {"reason": BAD, "expected_version": submission.version}


def _issue(ctx, field):
    build_results(ctx["period"], count=1, reviewer=ctx["reviewer"], lead=ctx["lead"])
    data = {
        "number": "1234/STTTT-CNTT-VT",
        "issued_on": "2022-11-15",
        "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn Bảy",
    }
    return ctx["lead"], reverse("assessments:issue_report", args=["2022"]), {**data, field: BAD}


def report_number(ctx):
    return _issue(ctx, "number")


def report_signer_name(ctx):
    return _issue(ctx, "signer_name")


def report_signer_title(ctx):
    return _issue(ctx, "signer_title")


CASES = [
    agency_explanation,
    agency_not_applicable_reason,
    evidence_number,
    evidence_issuer,
    evidence_summary_edited,
    submit_signer_name,
    submit_signer_title,
    submit_document_number,
    exchange_answer_text,
    exchange_message,
    exchange_evidence_summary,
    reviewer_question,
    reviewer_note,
    reviewer_request_for_explanation,
    reviewer_correction_reason,
    lead_decision_reason,
    lead_decision_on_the_dossier,
    withdrawal_reason,
    report_number,
    report_signer_name,
    report_signer_title,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_control_character_is_refused_with_a_message_and_nothing_is_stored(
    case, client_for, agency_a, period, officer_a, reviewer, lead
):
    ctx = {
        "agency_a": agency_a,
        "period": period,
        "officer_a": officer_a,
        "reviewer": reviewer,
        "lead": lead,
    }
    user, url, data = case(ctx)
    before = _state()
    response = client_for(user).post(url, data, follow=True)
    assert response.status_code in (200, 409)
    assert REFUSED in response.content.decode()
    assert _state() == before


def test_tab_and_newline_stay_allowed_in_an_explanation(client_for, agency_a, period, officer_a):
    submission = _draft(agency_a, period)
    it = item(submission, "II.2")
    url = reverse("assessments:item_save", args=[submission.pk, it.pk])
    text = "Dòng 1\r\n\tDòng 2"
    client_for(officer_a).post(url, {**_as_shown(it), f"c{it.pk}-explanation": text})
    it.refresh_from_db()
    assert it.explanation == text
