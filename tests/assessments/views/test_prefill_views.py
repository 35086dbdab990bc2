"""Prefilled facts through the pages: the administrator's import and template, the agency's form
(shown with source and date, accepted in one click, or replaced with an explanation) and the
reviewer's appraisal page showing both values."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import prefills, workflow
from assessments.enums import AuditAction, PrefillState
from assessments.models import AuditEntry, PrefilledFact
from assessments.services import get_or_create_submission
from tests.assessments.prefill_helpers import mark_measurable, row, standard_rows, workbook_bytes
from tests.factories import fill_submission

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def measurable(period):
    mark_measurable(period)
    return period


@pytest.fixture
def imported(measurable, agency_a, administrator):
    prefills.import_prefill_workbook(
        workbook_bytes(standard_rows()), measurable, actor=administrator
    )
    return measurable


@pytest.fixture
def draft(imported, agency_a):
    return get_or_create_submission(agency_a, imported)


def item(submission, code):
    return submission.items.select_related("criterion").get(criterion__code=code)


def upload(client, period, content):
    file = io.BytesIO(content)
    file.name = "so-lieu-dien-san.xlsx"
    return client.post(
        reverse("assessments:admin_prefill_import", args=[period.code]), {"file": file}
    )


def text(response) -> str:
    return response.content.decode()


# --- the administrator ------------------------------------------------------------------------


def test_the_administrator_imports_a_workbook(measurable, agency_a, administrator, client_for):
    client = client_for(administrator)
    response = upload(client, measurable, workbook_bytes(standard_rows()))

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:admin_period", args=[measurable.code])
    assert PrefilledFact.objects.filter(period=measurable).count() == 3
    page = client.get(response["Location"])
    assert "Đã nhập số liệu điền sẵn: 3 mới, 0 thay, 0 giữ nguyên" in text(page)
    assert "Đã nhập 3 số liệu của các tiêu chí đo tự động" in text(page)


def test_the_import_page_lists_every_row_error(measurable, agency_a, administrator, client_for):
    content = workbook_bytes(
        [row("khong-co", "II.5", value=2), row("so-tai-chinh", "II.5", value=2, source="")]
    )

    response = upload(client_for(administrator), measurable, content)

    assert response.status_code == 200
    assert "Tệp có 2 lỗi; chưa có dữ liệu nào được ghi." in text(response)
    assert "Dòng 2, cột A “Mã cơ quan”: không có cơ quan, đơn vị có mã “khong-co”." in text(
        response
    )
    assert "Dòng 3, cột H “Hệ thống nguồn”: hãy ghi hệ thống lấy số liệu." in text(response)
    assert PrefilledFact.objects.count() == 0


def test_the_template_is_downloaded_with_the_pairs_to_fill(imported, administrator, client_for):
    response = client_for(administrator).get(
        reverse("assessments:admin_prefill_download", args=[imported.code])
    )

    assert response["Content-Disposition"] == 'attachment; filename="so-lieu-dien-san-2022.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Số liệu điền sẵn", "Hướng dẫn"]
    rows = list(workbook["Số liệu điền sẵn"].iter_rows(min_row=2, values_only=True))
    finance = [r[:3] for r in rows if r[0] == "so-tai-chinh"]
    assert finance == [
        ("so-tai-chinh", "Sở Tài chính", "I.1"),
        ("so-tai-chinh", "Sở Tài chính", "II.2"),
        ("so-tai-chinh", "Sở Tài chính", "II.5"),
    ]
    # Every sở, ban, ngành gets the three measurable criteria of Phụ lục 1; nobody else any.
    assert len(rows) == 3 * len({r[0] for r in rows})


# --- the agency's form ------------------------------------------------------------------------


def test_the_form_shows_the_prefilled_value_with_source_and_date(draft, officer_a, client_for):
    response = client_for(officer_a).get(reverse("assessments:submission_form", args=[draft.pk]))

    body = text(response)
    assert "Số liệu điền sẵn từ hệ thống:</strong> 1.234/1.300 (94,92 %)" in body
    assert "(nguồn: Hệ thống quản lý văn bản và điều hành, ngày lấy số liệu 15/10/2022)" in body
    assert "(nguồn: Cổng dịch vụ công, ngày lấy số liệu 15/10/2022)" in body
    assert body.count("Điền sẵn, đơn vị chưa xác nhận.") == 3
    assert body.count(">Dùng số liệu điền sẵn</button>") == 3
    it = item(draft, "II.2")
    assert f'name="c{it.pk}-numerator" value="1.234"' in body


def test_accepting_in_one_click_records_it(draft, officer_a, client_for):
    it = item(draft, "II.2")

    response = client_for(officer_a).post(
        reverse("assessments:item_accept_prefill", args=[draft.pk, it.pk]),
        {"version": it.version},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#tieu-chi-{it.pk}")
    it.refresh_from_db()
    assert it.prefill == PrefillState.ACCEPTED
    assert AuditEntry.objects.filter(action=AuditAction.ACCEPT_PREFILL, target="II.2").count() == 1
    page = client_for(officer_a).get(reverse("assessments:submission_form", args=[draft.pk]))
    assert "Đơn vị dùng số liệu điền sẵn." in text(page)
    assert text(page).count(">Dùng số liệu điền sẵn</button>") == 2


def test_an_own_value_needs_an_explanation(draft, officer_a, client_for):
    it = item(draft, "II.2")
    client = client_for(officer_a)
    url = reverse("assessments:item_save", args=[draft.pk, it.pk])
    typed = {
        f"c{it.pk}-version": it.version,
        f"c{it.pk}-numerator": "1.200",
        f"c{it.pk}-denominator": "1.300",
    }

    refused = client.post(url, typed, **HTMX)

    assert "hãy giải trình vì sao số liệu của đơn vị khác." in text(refused)
    it.refresh_from_db()
    assert (it.inputs, it.prefill) == (
        {"numerator": "1.234", "denominator": "1.300"},
        PrefillState.OFFERED,
    )

    saved = client.post(
        url, {**typed, f"c{it.pk}-explanation": "34 văn bản mật không qua hệ thống."}, **HTMX
    )

    assert "Đơn vị đang dùng số liệu khác — cần giải trình." in text(saved)
    it.refresh_from_db()
    assert (it.inputs, it.prefill, it.explanation) == (
        {"numerator": "1.200", "denominator": "1.300"},
        PrefillState.CHANGED,
        "34 văn bản mật không qua hệ thống.",
    )


def test_without_javascript_the_refusal_is_shown_next_to_the_explanation(
    draft, officer_a, client_for
):
    it = item(draft, "II.5")

    response = client_for(officer_a).post(
        reverse("assessments:item_save", args=[draft.pk, it.pk]),
        {f"c{it.pk}-version": it.version, f"c{it.pk}-count": "1"},
    )

    assert response.status_code == 200
    body = text(response)
    error = body[body.index(f'id="c{it.pk}-explanation-err"') :][:400]
    assert "Số liệu khác số liệu điền sẵn từ Cổng dịch vụ công (2 hệ thống, ngày 15/10/2022)" in (
        error
    )


@pytest.mark.parametrize("count", [1, 3])
def test_the_form_with_prefills_runs_a_fixed_number_of_queries(
    count, measurable, agency_a, officer_a, administrator, client_for, django_assert_num_queries
):
    prefills.import_prefill_workbook(
        workbook_bytes(standard_rows()[:count]), measurable, actor=administrator
    )
    submission = get_or_create_submission(agency_a, measurable)
    client = client_for(officer_a)
    url = reverse("assessments:submission_form", args=[submission.pk])

    with django_assert_num_queries(10):
        response = client.get(url)

    assert text(response).count("Số liệu điền sẵn từ hệ thống:") == count


# --- the reviewer -----------------------------------------------------------------------------


def test_the_reviewer_sees_both_values_and_the_difference(draft, officer_a, reviewer, client_for):
    fill_submission(
        draft,
        inputs={"II.5": {"count": "2"}, "I.1": {"option": "truoc-31-3"}},
    )
    workflow.submit(draft, actor=officer_a)
    workflow.start_review(draft, actor=reviewer)

    response = client_for(reviewer).get(reverse("assessments:appraisal", args=[draft.pk]))

    body = text(response)
    assert body.count('data-prefill="differs"') == 1
    assert body.count('data-prefill="same"') == 2
    differs = body[body.index('data-prefill="differs"') - 400 :][:900]
    assert "Số liệu: <strong>100/100 (100 %)</strong>" in differs
    assert "Số liệu điền sẵn: <strong>1.234/1.300 (94,92 %)</strong>" in differs
    assert "Khác số liệu điền sẵn" in differs
