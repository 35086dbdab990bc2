"""The agency officer's pages: dashboard, form with autosave, evidence, submit, withdraw, PDF."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import workflow
from assessments.enums import SubmissionStatus
from assessments.models import (
    AuditEntry,
    Evidence,
    Extension,
    ItemScore,
    Notification,
    Submission,
)
from assessments.models.period import LOCAL_TZ
from assessments.selfassessment import ITEM_CONFLICT_MESSAGE
from assessments.services import get_or_create_submission
from tests.factories import fill_submission

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft_b(period, agency_b):
    """Trảng Bom's submission against Phụ lục 3 (the largest table)."""
    return get_or_create_submission(agency_b, period)


def item(submission, code) -> ItemScore:
    return submission.items.select_related("criterion").get(criterion__code=code)


def post_item(client, it, data, *, version=None, htmx=True):
    prefix = f"c{it.pk}-"
    payload = {f"{prefix}version": it.version if version is None else version}
    payload.update({f"{prefix}{key}": value for key, value in data.items()})
    url = reverse("assessments:item_save", args=[it.submission_id, it.pk])
    return client.post(url, payload, **(HTMX if htmx else {}))


def text(response) -> str:
    return response.content.decode()


# --- the form -------------------------------------------------------------------------------


def test_form_shows_groups_guidance_rule_and_inputs(officer_b, draft_b, client_for):
    response = client_for(officer_b).get(reverse("assessments:submission_form", args=[draft_b.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "VI. Ứng dụng CNTT ở cấp xã" in body
    assert "Tỷ lệ: điểm = 0,25 × tỷ lệ đạt được." in body
    assert "Số hồ sơ công việc xử lý trên phần mềm" in body
    assert "Kế hoạch do người đứng đầu cơ quan ký ban hành; tính theo ngày ký." in body
    assert 'name="c{}-met"'.format(item(draft_b, "VI.3").pk) in body
    assert "Không áp dụng đối với đơn vị" in body  # III.x allow it


def test_autosave_stores_vietnamese_numbers_and_answers_with_block_and_totals(
    officer_b, draft_b, client_for
):
    it = item(draft_b, "II.2")
    response = post_item(client_for(officer_b), it, {"numerator": "1.234", "denominator": "1.300"})
    body = text(response)
    it.refresh_from_db()
    assert it.inputs == {"numerator": "1.234", "denominator": "1.300"}
    assert it.points == Decimal("0.24")
    assert it.version == 2
    assert "Đã lưu lúc" in body
    assert 'id="tong-ket-wrap" data-hx-swap-oob="true"' in body
    assert 'data-testid="tong-diem">0,24<' in body
    assert 'data-testid="diem-II.2">0,24<' in body


def test_percentage_with_comma_and_percent_sign(officer_b, draft_b, client_for):
    it = item(draft_b, "II.1")
    post_item(client_for(officer_b), it, {"percent": "87,5 %"})
    it.refresh_from_db()
    assert it.inputs == {"percent": "87,5"}
    assert it.points == Decimal("0.20")


def test_numerator_above_denominator_is_refused_next_to_the_field_and_explanation_kept(
    officer_b, draft_b, client_for
):
    it = item(draft_b, "II.3")
    response = post_item(
        client_for(officer_b),
        it,
        {"numerator": "120", "denominator": "100", "explanation": "Theo báo cáo Phòng Nội vụ"},
    )
    body = text(response)
    it.refresh_from_db()
    assert (
        f'<div id="c{it.pk}-numerator-err" class="invalid-feedback d-block" '
        f'data-error-for="c{it.pk}-numerator" role="alert" '
        'data-hx-swap-oob="true">Tử số không được lớn hơn mẫu số.</div>'
    ) in body
    # The inputs are not re-rendered: what was typed (and anything typed since) stays on screen.
    assert f'name="c{it.pk}-numerator"' not in body
    assert it.inputs == {}
    assert it.explanation == "Theo báo cáo Phòng Nội vụ"


@pytest.mark.parametrize(
    ("code", "data", "message"),
    [
        ("I.2", {"count": "-1"}, "Số lượng không được âm."),
        ("I.2", {"count": "1,5"}, "Số lượng phải là số nguyên."),
        (
            "II.2",
            {"numerator": "abc", "denominator": "10"},
            "Giá trị “abc” không phải là số hợp lệ.",
        ),
        (
            "II.2",
            {"numerator": "0", "denominator": "0"},
            "Mẫu số phải lớn hơn 0; nếu tiêu chí không phát sinh, hãy chọn “Không áp dụng”.",
        ),
        ("II.1", {"percent": "120"}, "Tỷ lệ phần trăm phải nằm trong khoảng 0–100."),
        ("I.1", {"option": "khong-co"}, "Lựa chọn không hợp lệ."),
        ("Đ.1", {"count": "-2"}, "Số lượng không được âm."),
        ("II.2", {"not_applicable": "on"}, "Tiêu chí này không được chọn “Không áp dụng”."),
    ],
)
def test_invalid_values_get_vietnamese_messages(
    officer_b, draft_b, client_for, code, data, message
):
    response = post_item(client_for(officer_b), item(draft_b, code), data)
    assert message in text(response)
    assert item(draft_b, code).points is None


def test_second_save_with_the_same_version_is_told_and_shown_the_current_value(
    officer_b, draft_b, client_for
):
    client = client_for(officer_b)
    it = item(draft_b, "II.2")
    post_item(client, it, {"numerator": "50", "denominator": "100"}, version=1)
    response = post_item(client, it, {"numerator": "70", "denominator": "100"}, version=1)
    body = text(response)
    it.refresh_from_db()
    assert ITEM_CONFLICT_MESSAGE in body
    assert it.inputs == {"numerator": "50", "denominator": "100"}
    assert 'value="50"' in body  # the stored value, with the new version to retry
    assert f'name="c{it.pk}-version" value="2"' in body
    assert "Bạn đã nhập: 70; 100" in body


def test_without_javascript_each_criterion_saves_alone_and_keeps_what_was_typed(
    officer_b, draft_b, client_for
):
    client = client_for(officer_b)
    good, bad = item(draft_b, "II.2"), item(draft_b, "II.3")
    response = post_item(client, good, {"numerator": "9", "denominator": "10"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#tieu-chi-{good.pk}")
    response = post_item(client, bad, {"numerator": "11", "denominator": "10"}, htmx=False)
    body = text(response)
    assert response.status_code == 200
    assert "Tiêu chí II.3: chưa lưu số liệu không hợp lệ (xem thông báo màu đỏ)." in body
    assert "Tử số không được lớn hơn mẫu số." in body
    assert f'name="c{bad.pk}-numerator" value="11"' in body  # shown again as typed
    assert item(draft_b, "II.2").points == Decimal("0.23")
    assert item(draft_b, "II.3").inputs == {}


def test_the_whole_page_is_no_longer_one_form_that_any_enter_submits(
    officer_b, draft_b, client_for
):
    """Bug 1: Enter in III.3 pressed the first button of one big form (I.1's “remove”)."""
    url = reverse("assessments:submission_form", args=[draft_b.pk])
    client = client_for(officer_b)
    assert client.post(url, {}).status_code == 405
    body = text(client.get(url))
    it = item(draft_b, "III.3")
    start = body.index(f'<section id="tieu-chi-{it.pk}"')
    block = body[start : body.index("</section>", start)]
    form = block[block.index("<form") : block.index("</form>")]
    # The criterion's own form holds its inputs and one button: its own save.
    assert form.count('type="submit"') == 1
    assert "Lưu tiêu chí III.3" in form
    assert "formaction" not in body
    assert "onclick" not in body and "onsubmit" not in body


def test_every_change_is_audited_in_readable_words(officer_b, draft_b, client_for):
    it = item(draft_b, "III.1")
    client = client_for(officer_b)
    post_item(client, it, {"numerator": "1.234", "denominator": "1.300"})
    post_item(
        client,
        it,
        {
            "not_applicable": "on",
            "not_applicable_reason": "Không phát sinh",
            "numerator": "1.234",
            "denominator": "1.300",
        },
        version=2,
    )
    rows = list(
        AuditEntry.objects.filter(submission=draft_b, target="III.1").values_list(
            "field", "old_value", "new_value", "actor"
        )
    )
    assert rows == [
        ("inputs", "Chưa trả lời", "1.234/1.300 (94,92 %)", officer_b.pk),
        ("not_applicable", "không", "có", officer_b.pk),
        ("not_applicable_reason", "", "Không phát sinh", officer_b.pk),
    ]


def test_another_agency_gets_404_for_form_autosave_and_evidence(officer_a, draft_b, client_for):
    client = client_for(officer_a)
    it = item(draft_b, "II.2")
    evidence = Evidence.objects.create(submission=draft_b, doc_number="1/KH-UBND")
    evidence.items.add(it)
    assert client.get(reverse("assessments:submission_form", args=[draft_b.pk])).status_code == 404
    assert post_item(client, it, {"count": "1"}).status_code == 404
    assert client.get(reverse("assessments:evidence_file", args=[evidence.pk])).status_code == 404
    assert (
        client.post(reverse("assessments:evidence_remove", args=[evidence.pk])).status_code == 404
    )
    assert (
        client.get(reverse("assessments:self_assessment_pdf", args=[draft_b.pk])).status_code == 404
    )
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_autosave_after_the_session_expired_fails_loudly(officer_b, draft_b):
    from django.test import Client

    response = post_item(Client(), item(draft_b, "VI.3"), {"met": "yes"})
    assert response.status_code == 401
    assert item(draft_b, "VI.3").inputs == {}


def test_returned_dossier_is_read_only_for_the_officer(officer_b, draft_b, client_for, reviewer):
    fill_submission(draft_b)
    workflow.submit(draft_b, actor=officer_b)
    workflow.start_review(draft_b, actor=reviewer)
    workflow.return_for_explanation(draft_b, actor=reviewer, message="Bổ sung số liệu II.2")
    body = text(
        client_for(officer_b).get(reverse("assessments:submission_form", args=[draft_b.pk]))
    )
    assert "Hồ sơ ở trạng thái “Yêu cầu giải trình”: chỉ xem, không sửa được." in body
    assert "hx-post" not in body
    assert "Rút hồ sơ để sửa" not in body


# --- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("per_criterion", [1, 3])
def test_form_page_runs_a_fixed_number_of_queries(
    officer_b, draft_b, client_for, django_assert_num_queries, per_criterion
):
    fill_submission(draft_b, with_evidence=False)
    items = list(draft_b.items.all())
    for n in range(per_criterion):
        for it in items:
            evidence = Evidence.objects.create(submission=draft_b, doc_number=f"{n}/{it.pk}")
            evidence.items.add(it)
    client = client_for(officer_b)
    url = reverse("assessments:submission_form", args=[draft_b.pk])
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert len(items) == 23  # Phụ lục 3: 30 rows, 7 of them groups


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_status_countdown_progress_and_live_total(officer_b, draft_b, client_for):
    post_item(client_for(officer_b), item(draft_b, "VI.3"), {"met": "yes"})
    response = client_for(officer_b).get(
        reverse("assessments:agency_period", args=[draft_b.period.code])
    )
    body = text(response)
    assert response.status_code == 200
    assert "Đang tự đánh giá" in body
    assert "còn 10 ngày" in body or "còn 9 ngày" in body
    assert "1/23 tiêu chí" in body
    assert "0 tài liệu kiểm chứng" in body
    assert '<div class="fs-4">0,10</div>' in body


def test_dashboard_counts_the_extension(officer_b, draft_b, client_for, lead):
    Extension.objects.create(
        period=draft_b.period,
        agency=draft_b.agency,
        new_deadline=draft_b.period.self_assessment_deadline + dt.timedelta(days=20),
        reason="Thay đổi nhân sự đầu mối",
        granted_by=lead,
    )
    body = text(
        client_for(officer_b).get(reverse("assessments:agency_period", args=[draft_b.period.code]))
    )
    assert "Đã được gia hạn: Thay đổi nhân sự đầu mối" in body
    assert "còn 30 ngày" in body or "còn 29 ngày" in body


# --- evidence ---------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add_evidence(client, it, **fields):
    prefix = f"ev{it.pk}-"
    payload = {f"{prefix}{key}": value for key, value in fields.items()}
    url = reverse("assessments:evidence_add", args=[it.submission_id, it.pk])
    return client.post(url, payload)


def test_officer_attaches_a_pdf_which_is_served_inline_to_allowed_users_only(
    officer_b, officer_a, reviewer, draft_b, client_for
):
    it = item(draft_b, "I.1")
    response = add_evidence(
        client_for(officer_b),
        it,
        doc_number="45/KH-UBND",
        doc_date="15/03/2022",
        issuer="UBND huyện Trảng Bom",
        summary="Kế hoạch ứng dụng CNTT năm 2022",
        upload=upload("Kế hoạch 45.pdf", PDF_BYTES),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(submission=draft_b)
    assert evidence.citation == (
        "Số 45/KH-UBND ngày 15/03/2022 của UBND huyện Trảng Bom — Kế hoạch ứng dụng CNTT năm 2022"
    )
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF_BYTES)
    assert len(evidence.sha256) == 64
    assert evidence.original_filename == "Kế hoạch 45.pdf"
    assert "Kế hoạch" not in evidence.file.name
    assert list(evidence.items.all()) == [it]
    url = reverse("assessments:evidence_file", args=[evidence.pk])
    served = client_for(reviewer).get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF_BYTES
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"].startswith("sandbox")
    assert served["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%2045.pdf" in served["Content-Disposition"]
    assert client_for(officer_a).get(url).status_code == 404


def test_evidence_actions_touch_only_their_criterion(officer_b, draft_b, client_for):
    """Bug 1: an evidence action posted with the whole page's fields changed other criteria."""
    client = client_for(officer_b)
    it, other = item(draft_b, "I.1"), item(draft_b, "II.2")
    payload = {
        f"c{other.pk}-version": 1,
        f"c{other.pk}-numerator": "1.234",
        f"c{other.pk}-denominator": "1.300",
        f"ev{it.pk}-doc_number": "45/KH-UBND",
    }
    url = reverse("assessments:evidence_add", args=[draft_b.pk, it.pk])
    response = client.post(url, payload, **HTMX)
    body = text(response)
    assert response.status_code == 200
    assert "Đã thêm tài liệu kiểm chứng cho tiêu chí I.1." in body
    assert f'<div id="ev-{it.pk}" class="mt-3 evidence" data-hx-swap-oob="true">' in body
    assert item(draft_b, "II.2").inputs == {}  # nothing of another criterion was saved
    assert Evidence.objects.get().doc_number == "45/KH-UBND"


def test_a_document_already_in_the_dossier_is_reused_not_duplicated(officer_b, draft_b, client_for):
    client = client_for(officer_b)
    first, second = item(draft_b, "I.1"), item(draft_b, "I.2")
    add_evidence(client, first, doc_number="45/KH-UBND", doc_date="15/03/2022")
    url = reverse("assessments:evidence_add", args=[draft_b.pk, second.pk])
    response = client.post(
        url,
        {f"ev{second.pk}-doc_number": " 45/kh-ubnd ", f"ev{second.pk}-doc_date": "15/03/2022"},
        **HTMX,
    )
    assert (
        "Văn bản 45/KH-UBND đã có trong hồ sơ; đã dùng lại cho tiêu chí I.2 (không tạo bản trùng)."
    ) in text(response)
    evidence = Evidence.objects.get()
    assert sorted(evidence.items.values_list("criterion__code", flat=True)) == ["I.1", "I.2"]


@pytest.mark.parametrize("tampered", ["99999999999999999999", "abc", "²", "-1", ""])
def test_a_tampered_evidence_id_is_a_form_error_not_a_server_error(
    officer_b, officer_a, period, draft_b, client_for, tampered
):
    it = item(draft_b, "I.2")
    url = reverse("assessments:evidence_link", args=[draft_b.pk, it.pk])
    response = client_for(officer_b).post(url, {f"lk{it.pk}-evidence": tampered}, **HTMX)
    assert response.status_code == 200
    assert (
        "Tài liệu đã chọn không còn trong hồ sơ; vui lòng tải lại trang." in text(response)
    ) or ("Hãy chọn tài liệu đã có trong hồ sơ." in text(response))


def test_evidence_of_another_agency_cannot_be_linked(
    officer_b, period, agency_a, draft_b, client_for
):
    other = get_or_create_submission(agency_a, period)
    foreign = Evidence.objects.create(submission=other, doc_number="9/KH")
    it = item(draft_b, "I.2")
    url = reverse("assessments:evidence_link", args=[draft_b.pk, it.pk])
    response = client_for(officer_b).post(url, {f"lk{it.pk}-evidence": foreign.pk}, **HTMX)
    assert "Tài liệu đã chọn không còn trong hồ sơ; vui lòng tải lại trang." in text(response)
    assert list(foreign.items.all()) == []


def test_too_large_file_is_refused_with_the_configured_limit(
    officer_b, draft_b, client_for, settings
):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    response = add_evidence(
        client_for(officer_b),
        item(draft_b, "I.1"),
        upload=upload("lon.pdf", PDF_BYTES + b"0" * (1024 * 1024)),
    )
    assert (
        "Tệp “lon.pdf” có dung lượng 1,0 MB, vượt quá giới hạn 1 MB. "
        "Vui lòng nén hoặc chia nhỏ tệp."
    ) in text(response)
    assert not Evidence.objects.exists()


def test_a_spreadsheet_is_served_as_a_download(officer_b, draft_b, client_for):
    from openpyxl import Workbook, load_workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Số văn bản đi"
    workbook.save(buffer)
    add_evidence(
        client_for(officer_b),
        item(draft_b, "II.1"),
        upload=upload("Số liệu.xlsx", buffer.getvalue()),
    )
    evidence = Evidence.objects.get()
    served = client_for(officer_b).get(reverse("assessments:evidence_file", args=[evidence.pk]))
    content = b"".join(served.streaming_content)
    assert served["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert served["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "Số văn bản đi"


def test_a_png_named_pdf_is_refused_with_the_reason(officer_b, draft_b, client_for):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = add_evidence(
        client_for(officer_b), item(draft_b, "I.1"), upload=upload("anh.pdf", png)
    )
    assert response.status_code == 200
    assert (
        "Tệp “anh.pdf” có đuôi .pdf nhưng nội dung là tệp PNG. "
        "Vui lòng đổi đúng đuôi tệp hoặc chọn tệp khác."
    ) in text(response)
    assert not Evidence.objects.exists()


def test_evidence_needs_a_citation_a_file_or_a_link(officer_b, draft_b, client_for):
    response = add_evidence(client_for(officer_b), item(draft_b, "I.1"), summary="Kế hoạch")
    assert "Hãy nhập số, ký hiệu văn bản, chọn tệp đính kèm hoặc nhập đường dẫn." in text(response)
    assert not Evidence.objects.exists()


def test_one_document_supports_several_criteria_without_a_second_upload(
    officer_b, draft_b, client_for
):
    client = client_for(officer_b)
    first, second = item(draft_b, "I.2"), item(draft_b, "V.1")
    add_evidence(client, first, doc_number="12/QC-UBND", url="https://trangbom.dongnai.gov.vn/qc")
    evidence = Evidence.objects.get()
    client.post(
        reverse("assessments:evidence_link", args=[draft_b.pk, second.pk]),
        {f"lk{second.pk}-evidence": evidence.pk},
    )
    assert set(evidence.items.values_list("criterion__code", flat=True)) == {"I.2", "V.1"}
    client.post(reverse("assessments:evidence_unlink", args=[evidence.pk, first.pk]))
    assert list(evidence.items.values_list("criterion__code", flat=True)) == ["V.1"]
    assert list(
        AuditEntry.objects.filter(action__endswith="_evidence").values_list("action", "target")
    ) == [("add_evidence", "I.2"), ("link_evidence", "V.1"), ("unlink_evidence", "I.2")]


def test_editing_and_removing_evidence(officer_b, draft_b, client_for):
    client = client_for(officer_b)
    add_evidence(client, item(draft_b, "I.1"), doc_number="45/KH-UBND")
    evidence = Evidence.objects.get()
    response = client.post(
        reverse("assessments:evidence_edit", args=[evidence.pk]),
        {"doc_number": "46/KH-UBND", "doc_date": "16/03/2022", "summary": "Kế hoạch CĐS"},
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.citation == "Số 46/KH-UBND ngày 16/03/2022 — Kế hoạch CĐS"
    audit = AuditEntry.objects.filter(action="update_evidence").values_list(
        "field", "old_value", "new_value"
    )
    assert list(audit) == [
        ("số, ký hiệu", "45/KH-UBND", "46/KH-UBND"),
        ("ngày ban hành", "", "16/03/2022"),
        ("trích yếu", "", "Kế hoạch CĐS"),
    ]
    client.post(reverse("assessments:evidence_remove", args=[evidence.pk]))
    assert not Evidence.objects.exists()


# --- submit -----------------------------------------------------------------------------------


def test_check_page_lists_what_is_missing_with_links(officer_b, draft_b, client_for):
    fill_submission(draft_b, with_evidence=False)
    it = item(draft_b, "VI.3")
    it.inputs, it.points = {}, None
    it.save()
    response = client_for(officer_b).get(reverse("assessments:submit_check", args=[draft_b.pk]))
    body = text(response)
    assert "Hồ sơ còn <strong>20</strong> nội dung chưa hoàn thành." in body
    assert f'#tieu-chi-{it.pk}"><strong>VI.3</strong>' in body
    assert "Chưa trả lời tiêu chí này." in body
    assert "Chưa có tài liệu kiểm chứng hoặc giải trình cách tính điểm." in body


def confirm(client, submission, **extra):
    payload = {
        "version": submission.version,
        "document_number": "123/BC-UBND",
        "signer_name": "Nguyễn Văn An",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        **extra,
    }
    return client.post(reverse("assessments:submit_confirm", args=[submission.pk]), payload)


def test_confirmation_summary_then_submit_notifies_department_and_sends_a_receipt(
    officer_b, draft_b, client_for, reviewer, lead, django_capture_on_commit_callbacks
):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    client = client_for(officer_b)
    page = text(client.get(reverse("assessments:submit_confirm", args=[draft_b.pk])))
    assert 'data-testid="tong-diem-xac-nhan">3,00<' in page
    assert "VI. Ứng dụng CNTT ở cấp xã" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, draft_b)
    assert response.status_code == 302
    draft_b.refresh_from_db()
    assert draft_b.status == SubmissionStatus.SUBMITTED
    assert draft_b.document_number == "123/BC-UBND"
    assert draft_b.self_score == Decimal("3.00")
    titles = sorted(Notification.objects.values_list("user__username", "title"))
    assert titles == [
        ("canbo_b", "Sở TT&TT đã nhận hồ sơ tự đánh giá của đơn vị"),
        ("lanhdao", "UBND huyện Trảng Bom đã nộp hồ sơ tự đánh giá"),
        ("thamdinh", "UBND huyện Trảng Bom đã nộp hồ sơ tự đánh giá"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "canbo_b@example.gov.vn",
        "lanhdao@example.gov.vn",
        "thamdinh@example.gov.vn",
    ]
    form = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    assert "chỉ xem, không sửa được" in form
    assert "hx-post" not in form
    assert "Rút hồ sơ để sửa" in form
    it = item(draft_b, "II.2")
    refused = post_item(client, it, {"numerator": "1", "denominator": "2"}, htmx=False)
    assert refused.status_code == 302
    assert item(draft_b, "II.2").inputs == {"numerator": "100", "denominator": "100"}


def _at_local(day, hour, minute, second):
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("days_after", "clock", "submitted"),
    [(0, (23, 59, 59), True), (1, (0, 0, 0), False)],
    ids=["23:59:59 on the deadline day", "00:00:00 the day after"],
)
def test_deadline_edge_in_local_time(
    officer_b, draft_b, client_for, monkeypatch, days_after, clock, submitted
):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    day = draft_b.period.self_assessment_deadline + dt.timedelta(days=days_after)
    moment = _at_local(day, *clock)
    # The clock is Django's; the officer logs in at that moment so the session is valid then.
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client = client_for(officer_b)
    response = confirm(client, draft_b)
    draft_b.refresh_from_db()
    if submitted:
        assert response.status_code == 302
        assert draft_b.status == SubmissionStatus.SUBMITTED
        assert draft_b.is_late is False
    else:
        assert draft_b.status == SubmissionStatus.DRAFT
        deadline = draft_b.period.self_assessment_deadline
        assert (
            f"Đã hết hạn nộp kết quả tự đánh giá (hạn cuối: hết ngày {deadline:%d/%m/%Y}). "
            "Vui lòng liên hệ phòng CNTT-VT, Sở TT&amp;TT để được xem xét gia hạn."
        ) in text(response)


def test_an_extension_allows_submitting_after_the_period_deadline(
    officer_b, draft_b, client_for, monkeypatch, lead
):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    deadline = draft_b.period.self_assessment_deadline
    Extension.objects.create(
        period=draft_b.period,
        agency=draft_b.agency,
        new_deadline=deadline + dt.timedelta(days=3),
        reason="Sự cố hệ thống",
        granted_by=lead,
    )
    moment = _at_local(deadline + dt.timedelta(days=2), 9, 0, 0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert confirm(client_for(officer_b), draft_b).status_code == 302
    draft_b.refresh_from_db()
    assert draft_b.status == SubmissionStatus.SUBMITTED
    assert draft_b.is_late is True


def test_stale_confirmation_is_refused(officer_b, draft_b, client_for):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    response = confirm(client_for(officer_b), draft_b, version=draft_b.version - 1 or 99)
    assert workflow.CONFLICT_MESSAGE in text(response)
    draft_b.refresh_from_db()
    assert draft_b.status == SubmissionStatus.DRAFT


def test_withdraw_returns_the_submission_to_draft(officer_b, draft_b, client_for):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    client = client_for(officer_b)
    confirm(client, draft_b)
    draft_b.refresh_from_db()
    response = client.post(
        reverse("assessments:withdraw", args=[draft_b.pk]), {"version": draft_b.version}
    )
    assert response.status_code == 302
    draft_b.refresh_from_db()
    assert draft_b.status == SubmissionStatus.DRAFT
    assert draft_b.self_score is None
    body = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    assert "hx-post" in body
    # A withdrawn dossier is no longer submitted: the header must not say when it was.
    assert "nộp lúc" not in body


def test_withdraw_is_refused_once_the_review_started(officer_b, draft_b, client_for, reviewer):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    client = client_for(officer_b)
    confirm(client, draft_b)
    draft_b.refresh_from_db()
    workflow.start_review(draft_b, actor=reviewer)
    draft_b.refresh_from_db()
    response = client.post(
        reverse("assessments:withdraw", args=[draft_b.pk]),
        {"version": draft_b.version},
        follow=True,
    )
    assert "Không thể “Rút hồ sơ để sửa” khi hồ sơ đang ở trạng thái “Đang thẩm định”." in text(
        response
    )


def test_report_pdf_names_the_agency_and_the_total(officer_b, draft_b, client_for, lead):
    fill_submission(draft_b)
    draft_b.refresh_from_db()
    confirm(client_for(officer_b), draft_b)
    for user in (officer_b, lead):
        response = client_for(user).get(
            reverse("assessments:self_assessment_pdf", args=[draft_b.pk])
        )
        assert response["Content-Type"] == "application/pdf"
        pdf_text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "UBND huyện Trảng Bom".upper() in pdf_text.upper()
        assert "3,00 điểm, xếp mức A+" in pdf_text
        assert "123/BC-UBND" in pdf_text


def test_opening_the_period_writes_nothing_until_the_officer_starts(officer_b, period, client_for):
    client = client_for(officer_b)
    url = reverse("assessments:agency_period", args=[period.code])
    body = text(client.get(url))
    assert "Bảng tiêu chí áp dụng: <strong>Phụ lục 3</strong>" in body
    assert "(23 tiêu chí)" in body
    assert not Submission.objects.filter(agency=officer_b.agency).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    submission = Submission.objects.get(agency=officer_b.agency, period=period)
    assert submission.items.count() == 23
    assert "0/23 tiêu chí" in text(client.get(url))


def test_the_check_page_says_the_deadline_passed_before_offering_to_submit(
    officer_b, draft_b, client_for, monkeypatch
):
    """Bug 7: after the deadline the check page said “đủ nội dung để nộp” and offered submit."""
    fill_submission(draft_b)
    day = draft_b.period.self_assessment_deadline + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: _at_local(day, 9, 0, 0))
    body = text(client_for(officer_b).get(reverse("assessments:submit_check", args=[draft_b.pk])))
    deadline = draft_b.period.self_assessment_deadline
    assert (
        f"Đã quá hạn nộp hồ sơ (hết ngày {deadline:%d/%m/%Y}): "
        "hệ thống không nhận hồ sơ nộp sau hạn."
    ) in body
    assert (
        "Đơn vị chưa được gia hạn; nếu cần nộp, hãy liên hệ Sở TT&amp;TT để được gia hạn." in body
    )
    assert "Hồ sơ đã đủ nội dung để nộp" not in body
    assert "Tiếp tục: xem tóm tắt và nộp" not in body


def test_the_check_page_names_the_extension_that_applies(
    officer_b, draft_b, client_for, monkeypatch, lead
):
    fill_submission(draft_b)
    period_deadline = draft_b.period.self_assessment_deadline
    Extension.objects.create(
        period=draft_b.period,
        agency=draft_b.agency,
        new_deadline=period_deadline + dt.timedelta(days=5),
        reason="Thay đổi nhân sự",
        granted_by=lead,
    )
    monkeypatch.setattr(
        timezone, "now", lambda: _at_local(period_deadline + dt.timedelta(2), 9, 0, 0)
    )
    body = text(client_for(officer_b).get(reverse("assessments:submit_check", args=[draft_b.pk])))
    new = period_deadline + dt.timedelta(days=5)
    assert f"Hồ sơ đã đủ nội dung để nộp (theo hạn đã gia hạn đến hết ngày {new:%d/%m/%Y})." in body
    assert "Tiếp tục: xem tóm tắt và nộp" in body


def test_autosave_answers_one_criterion_in_a_fixed_small_number_of_queries(
    officer_b, draft_b, client_for, django_assert_num_queries
):
    """Pinned: the answer renders one criterion's status (no evidence rows, no other inputs).
    Session, user, the item with its submission, the dossier's evidence count and extension;
    the save's own seven (savepoint, submission locked, every item of the dossier locked and
    read, item, audit row, submission version, release); then the criteria. The items come
    from the save's lock, the version too, the group from the criteria, and the bell's count is
    not asked for a partial (was 17, then 13)."""
    fill_submission(draft_b)
    client = client_for(officer_b)
    it = item(draft_b, "II.2")
    client.get(reverse("assessments:submission_form", args=[draft_b.pk]))
    with django_assert_num_queries(11):
        response = post_item(client, it, {"numerator": "9", "denominator": "10"})
    assert response.status_code == 200
    assert "Đã lưu lúc" in text(response)
    assert "tieu-chi-" not in text(response)  # only this criterion's status, not the form


def _between(html, start, end) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def test_the_autosave_answer_shows_what_a_reload_shows(officer_b, draft_b, client_for):
    fill_submission(draft_b)
    client = client_for(officer_b)
    it = item(draft_b, "II.2")
    answer = text(post_item(client, it, {"numerator": "9", "denominator": "10"}))
    page = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    summary = _between(answer, '<div id="tong-ket-wrap"', "</div>\n<")
    assert summary.replace(' data-hx-swap-oob="true"', "") in page
    group = it.criterion.parent
    points = _between(page, f'<span id="nhom-{group.pk}">', "</span>").split(">")[1]
    assert f'<span id="nhom-{group.pk}" data-hx-swap-oob="true">{points}</span>' in answer
    status = _between(answer, f'<div id="c{it.pk}-status"', "</div>")
    assert status.split("Đã lưu lúc")[0].replace(' data-hx-swap-oob="true"', "") in page


def test_a_conflicting_autosave_answers_with_the_stored_dossier_as_a_reload_shows_it(
    officer_b, draft_b, client_for, django_assert_num_queries
):
    """On a conflict the answer adds the total up from the items the save read under its
    lock, with the dossier's version as stored: nothing is read again after the refusal."""
    fill_submission(draft_b)
    client = client_for(officer_b)
    it = item(draft_b, "II.2")
    post_item(client, it, {"numerator": "5", "denominator": "10"})
    # Session, user, item; savepoint, the two locks, rolled back and released; the criteria.
    with django_assert_num_queries(9):
        answer = text(post_item(client, it, {"numerator": "7", "denominator": "10"}))
    page = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    assert ITEM_CONFLICT_MESSAGE in answer
    summary = _between(answer, '<div id="tong-ket-wrap"', "</div>\n<")
    assert summary.replace(' data-hx-swap-oob="true"', "") in page
    draft_b.refresh_from_db()
    assert f'name="c{it.pk}-version" value="{it.version + 1}"' in answer
    assert item(draft_b, "II.2").inputs == {"numerator": "5", "denominator": "10"}


def test_the_autosave_answer_shows_the_extended_deadline_and_evidence_as_a_reload_does(
    officer_b, draft_b, client_for, lead
):
    """The extension and the evidence count are read with the item, before the save."""
    fill_submission(draft_b)
    new = draft_b.period.self_assessment_deadline + dt.timedelta(days=20)
    Extension.objects.create(
        period=draft_b.period,
        agency=draft_b.agency,
        new_deadline=new,
        reason="Thay đổi nhân sự đầu mối",
        granted_by=lead,
    )
    client = client_for(officer_b)
    it = item(draft_b, "II.2")
    answer = text(post_item(client, it, {"numerator": "8", "denominator": "10"}))
    page = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    summary = _between(answer, '<div id="tong-ket-wrap"', "</div>\n<")
    assert f"Hạn nộp: hết ngày {new:%d/%m/%Y} (đã gia hạn)" in summary
    assert summary.replace(' data-hx-swap-oob="true"', "") in page


DEDUCTIONS = {
    "Đ.1": "Mỗi vi phạm trừ 0,25 điểm, tối đa trừ 0,50. Đếm theo đơn vị: sự cố.",
    "Đ.2": "Mỗi vi phạm trừ 0,10 điểm, tối đa trừ 0,30. Đếm theo đơn vị: tiêu chí.",
    "Đ.3": "Mỗi vi phạm trừ 0,10 điểm, tối đa trừ 0,20. Đếm theo đơn vị: lần.",
}


@pytest.mark.parametrize(
    "agency_code", ["so-tai-chinh", "dai-phat-thanh-truyen-hinh", "huyen-trang-bom"]
)
def test_deduction_parameters_read_as_sentences_never_as_raw_data(period, client_for, agency_code):
    from assessments.models import Agency
    from tests.factories import make_user

    agency = Agency.objects.get(code=agency_code)
    officer = make_user(f"canbo-{agency_code}", agency=agency)
    submission = get_or_create_submission(agency, period)
    body = text(
        client_for(officer).get(reverse("assessments:submission_form", args=[submission.pk]))
    )
    for code, sentence in DEDUCTIONS.items():
        start = body.index(f'id="tieu-chi-{item(submission, code).pk}"')
        block = body[start : body.find('class="criterion card', start + 40)]
        assert sentence in block
    for raw in ("('per_violation'", "per_violation", "unit_label", "('", "{'"):
        assert raw not in body


def _broken_references(html) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return [
        target
        for value in re.findall(r'aria-(?:describedby|labelledby|controls)="([^"]+)"', html)
        for target in value.split()
        if target not in ids
    ]


def test_every_aria_reference_on_the_form_page_points_at_an_element(officer_b, draft_b, client_for):
    fill_submission(draft_b)
    client = client_for(officer_b)
    post_item(client, item(draft_b, "II.2"), {"numerator": "1.301", "denominator": "1.300"})
    html = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    assert _broken_references(html) == []
    assert re.findall(r'<[^>]*role="alert"[^>]*>\s*</', html) == []


def test_every_element_the_autosave_answer_swaps_is_on_the_form_page(
    officer_b, draft_b, client_for
):
    """htmx drops an out-of-band part whose target is missing (“oobErrorNoTarget”): an error
    about “Không có mục nào đạt” on a checklist was never shown. Every rule of Phụ lục 3."""
    client = client_for(officer_b)
    page = text(client.get(reverse("assessments:submission_form", args=[draft_b.pk])))
    missing = []
    for it in draft_b.items.select_related("criterion").order_by("criterion__order"):
        answer = text(post_item(client, it, {}))
        for target in re.findall(r'id="([^"]+)"[^>]*data-hx-swap-oob="true"', answer):
            if f'id="{target}"' not in page:
                missing.append((it.criterion.code, target))
    assert missing == []


def test_the_upload_field_points_at_a_help_text_that_exists(officer_b, draft_b, client_for):
    """aria-describedby naming a missing id: a screen reader announced no limits for the file."""
    page = text(
        client_for(officer_b).get(reverse("assessments:submission_form", args=[draft_b.pk]))
    )
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described != []
    assert [ref for ref in described if f'id="{ref}"' not in page] == []
