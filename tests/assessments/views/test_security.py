"""Security review: deactivated accounts' password links, draft questions in the dossier thread, a
formula in a workbook title (each failed before its fix), and the assignment form's `next`."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from openpyxl import load_workbook

from assessments import appraisal, workflow
from assessments.enums import PeriodStatus
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.results import load_period_results
from assessments.services import get_or_create_submission
from tests.assessments.results_helpers import build_results
from tests.assessments.review_support import in_review, item, returned
from tests.assessments.test_exports import pdf_text
from tests.factories import make_user


@pytest.mark.parametrize(
    "target", ["/\\evil.example/", "//evil.example/", "https://evil.example/", "/\t/evil.example"]
)
def test_the_assignment_form_never_redirects_to_another_site(
    target, agency_a, period, officer_a, reviewer, second_reviewer, lead, client_for
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    response = client_for(lead).post(
        reverse("assessments:appraisal_assign", args=[submission.pk]),
        {"reviewer": second_reviewer.pk, "next": target},
    )
    # Not a defect (kept as a regression test): redirect() percent-encodes the backslash and the
    # tab, so the browser stays on this site; absolute and protocol-relative URLs are refused.
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\")


def _set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("assessments:set_password", args=[uid, token])


def test_a_deactivated_account_cannot_use_its_password_link(agency_a):
    user = make_user("da_nghi", agency=agency_a)
    user.set_unusable_password()
    user.save()
    path = _set_password_path(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    visitor = Client()
    page = visitor.get(path, follow=True)
    assert page.context["validlink"] is False
    response = visitor.post(
        page.redirect_chain[-1][0] if page.redirect_chain else path,
        {"new_password1": "Mat-khau-moi-2023", "new_password2": "Mat-khau-moi-2023"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.has_usable_password() is False


def test_an_active_account_still_sets_its_password(agency_a):
    user = make_user("moi_tao", agency=agency_a)
    user.set_unusable_password()
    user.save()
    visitor = Client()
    page = visitor.get(_set_password_path(user), follow=True)
    assert page.context["validlink"] is True


def test_the_dossier_thread_leaves_out_questions_not_sent_and_internal_notes(
    agency_a, period, officer_a, reviewer, lead, client_for
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    appraisal.ask_question(
        submission, actor=reviewer, body="Câu hỏi nháp chưa gửi", item=item(submission, "I.1")
    )
    appraisal.add_internal_note(submission, actor=reviewer, body="Ghi chú nội bộ của Sở")
    response = client_for(lead).get(reverse("assessments:dossier", args=["2022", agency_a.code]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    thread = pdf_text(archive.read("3 - Trao đổi, giải trình.pdf"))
    assert "Câu hỏi nháp chưa gửi" not in thread
    assert "Ghi chú nội bộ" not in thread

    submission.refresh_from_db()
    workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị giải trình.")
    response = client_for(lead).get(reverse("assessments:dossier", args=["2022", agency_a.code]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    thread = pdf_text(archive.read("3 - Trao đổi, giải trình.pdf"))
    assert "Câu hỏi nháp chưa gửi" in thread
    assert "Ghi chú nội bộ" not in thread


def test_the_consolidated_workbook_neutralises_a_formula_in_a_table_label(period, reviewer, lead):
    period.tables.filter(kind__code="so-ban-nganh").update(label="=1+1")
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    assert period.status == PeriodStatus.FINALISED
    workbook = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(period)).render()))
    titles = [
        sheet["A1"].value for sheet in workbook.worksheets if sheet.title not in ("Tổng hợp",)
    ]
    assert all(not str(value).startswith("=") for value in titles if value is not None)
    formulas = [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    assert re.search(r"=1\+1", str(titles))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("appraisal_assign", {"reviewer": "abc"}),
        ("appraisal_assign", {"group": "1 OR 1=1"}),
        ("appraisal_message", {"item": "abc", "body": "Câu hỏi"}),
        # str.isdigit() accepts a superscript two; int() does not.
        ("appraisal_message", {"item": "²", "body": "Câu hỏi"}),
        ("appraisal_message", {"item": "99999999999999999999", "body": "Câu hỏi"}),
        ("appraisal_assign", {"reviewer": "99999999999999999999"}),
    ],
)
def test_a_tampered_object_id_in_a_review_form_is_a_form_error_not_a_server_error(
    name, data, agency_a, period, officer_a, reviewer, lead, client_for
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    client = client_for(lead)
    client.raise_request_exception = False
    response = client.post(reverse(f"assessments:{name}", args=[submission.pk]), data, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Lựa chọn không hợp lệ; vui lòng tải lại trang."
    ]
    assert not submission.messages.exists()


@pytest.mark.parametrize(
    ("tampered", "error"),
    [
        ("abc", "Tiêu chí đã chọn không thuộc hồ sơ này."),
        ("²", "Tiêu chí đã chọn không thuộc hồ sơ này."),
        ("99999999999999999999999", "Tiêu chí đã chọn không thuộc hồ sơ này."),
        ("-1", "Tiêu chí đã chọn không thuộc hồ sơ này."),
        ("", "Vui lòng chọn tiêu chí mà tài liệu này chứng minh."),
    ],
)
def test_a_tampered_criterion_id_when_adding_evidence_during_the_exchange_is_a_form_error(
    agency_a, period, officer_a, reviewer, client_for, tampered, error
):
    submission = returned(agency_a, period, officer_a, reviewer)
    client = client_for(officer_a)
    client.raise_request_exception = False
    items = [tampered, str(item(submission, "II.2").pk)] if tampered else []
    response = client.post(
        reverse("assessments:exchange_evidence", args=[submission.pk]),
        {"items": items, "doc_number": "15/KH-STC", "summary": "Kế hoạch bổ sung"},
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [error]
    assert 'value="15/KH-STC"' in response.content.decode()
    assert not submission.evidence.filter(doc_number="15/KH-STC").exists()


def test_another_submissions_criterion_cannot_be_chosen_for_exchange_evidence(
    agency_a, agency_b, period, officer_a, officer_b, reviewer, client_for
):
    submission = returned(agency_a, period, officer_a, reviewer)
    other = get_or_create_submission(agency_b, period)
    client = client_for(officer_a)
    response = client.post(
        reverse("assessments:exchange_evidence", args=[submission.pk]),
        {"items": [str(item(other, "II.2").pk)], "doc_number": "15/KH-STC"},
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Tiêu chí đã chọn không thuộc hồ sơ này."
    ]
    assert not other.evidence.exists()
    assert not submission.evidence.filter(doc_number="15/KH-STC").exists()


def test_a_tampered_evidence_id_when_linking_is_a_form_error_not_a_server_error(
    agency_a, period, officer_a, client_for
):
    submission = get_or_create_submission(agency_a, period)
    client = client_for(officer_a)
    client.raise_request_exception = False
    it = item(submission, "I.1")
    response = client.post(
        reverse("assessments:evidence_link", args=[submission.pk, it.pk]),
        {f"lk{it.pk}-evidence": "²"},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Tài liệu đã chọn không còn trong hồ sơ; vui lòng tải lại trang."
    ]


def test_a_superscript_digit_in_the_queue_filter_or_a_checklist_is_not_a_server_error(
    agency_a, period, officer_a, reviewer, client_for
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    client = client_for(reviewer)
    client.raise_request_exception = False
    for tampered in ("²", "99999999999999999999", "-1"):
        queue = client.get(
            reverse("assessments:review_queue", args=[period.code]), {"reviewer": tampered}
        )
        assert queue.status_code == 200
        assert [row.pk for row in queue.context["rows"]] == [submission.pk]  # filter ignored
    checklist = item(submission, "IV.1")
    prefix = f"r{checklist.pk}-"
    response = client.post(
        reverse("assessments:appraise_item", args=[submission.pk, checklist.pk]),
        {
            prefix + "mode": "inputs",
            prefix + "checked": ["0", "²"],
            prefix + "reason": "Chỉ có chuyên mục đầu tiên.",
            prefix + "version": checklist.version,
        },
    )
    assert response.status_code == 200
    assert "Mục “²” không có trong danh sách." in response.content.decode()
    checklist.refresh_from_db()
    assert checklist.reviewer_inputs is None


REFUSED_AGENCY = (
    "Cơ quan, đơn vị đã chọn không phải tự đánh giá trong kỳ này; vui lòng tải lại trang."
)


@pytest.mark.parametrize(
    ("tampered", "error"),
    [
        ("abc", REFUSED_AGENCY),
        ("²", REFUSED_AGENCY),
        ("99999999999999999999999", REFUSED_AGENCY),
        ("-1", REFUSED_AGENCY),
        ("another kind", REFUSED_AGENCY),
        ("inactive", REFUSED_AGENCY),
        (None, "Vui lòng chọn ít nhất một cơ quan, đơn vị để nhắc."),
    ],
)
def test_a_tampered_agency_id_in_the_reminder_form_is_a_form_error_and_nobody_is_reminded(
    period, agency_a, administrator, client_for, tampered, error
):
    from assessments.models import AgencyKind, ReminderLog
    from tests.factories import make_agency

    if tampered == "another kind":
        AgencyKind.objects.create(code="khong-co-bang", name="Loại chưa có bảng")
        tampered = str(make_agency("xa-x", "UBND xã X", kind_code="khong-co-bang").pk)
    elif tampered == "inactive":
        idle = make_agency("so-cu", "Sở cũ")
        idle.is_active = False
        idle.save()
        tampered = str(idle.pk)
    client = client_for(administrator)
    client.raise_request_exception = False
    chosen = [str(agency_a.pk), tampered] if tampered else []
    response = client.post(
        reverse("assessments:admin_reminders", args=[period.code]), {"agency": chosen}, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [error]
    assert ReminderLog.objects.count() == 0
