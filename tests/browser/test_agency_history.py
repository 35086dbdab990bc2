"""Agencies with a history, in the browser: the administrator records a merge (refused first
when merging an agency into itself, the error next to the field), the merged agency ends, and
the successor's public scorecard shows the predecessor's result in its trend, labelled. Every
page is audited (axe-core, Nu HTML Checker) by the page fixture."""

import datetime as dt
from decimal import Decimal

from assessments.enums import AuditAction, PeriodStatus, Role, SubmissionStatus
from assessments.models import Agency, AgencyChange, AuditEntry, Submission, SubmissionResult
from assessments.results import rank_table
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user


def _published_result(period, code, score, grade):
    agency = Agency.objects.get(code=code)
    submission = Submission.objects.create(
        period=period,
        agency=agency,
        table=period.tables.get(kind=agency.kind),
        status=SubmissionStatus.FINALISED,
        final_score=Decimal(score),
        final_grade=grade,
    )
    SubmissionResult.objects.create(submission=submission)
    rank_table(period.pk, submission.table_id)


def test_an_administrator_records_a_merge_and_the_trend_follows(
    page, live_server, browser_reference
):
    p2022 = make_period(status=PeriodStatus.PUBLISHED, deadline=dt.date(2023, 1, 15))
    _published_result(p2022, "so-khoa-hoc-cong-nghe", "2.10", "A")
    _published_result(p2022, "so-thong-tin-truyen-thong", "2.75", "A+")
    administrator = make_user("quantri", role=Role.ADMIN)
    log_in(page, live_server, "quantri", PASSWORD)
    page.goto(f"{live_server.url}/quan-tri/")
    page.get_by_role("link", name="Đổi tên, hợp nhất, chia tách").click()
    page.get_by_text("Chưa ghi nhận thay đổi nào.").wait_for()

    page.get_by_label("Loại thay đổi").select_option(label="Hợp nhất, sáp nhập")
    page.get_by_label("Ngày hiệu lực").fill("2025-03-01")
    page.get_by_label("Cơ quan, đơn vị trước thay đổi").select_option(
        label="Sở Khoa học và Công nghệ (so-khoa-hoc-cong-nghe)"
    )
    page.get_by_label("Cơ quan, đơn vị sau thay đổi").select_option(
        label="Sở Khoa học và Công nghệ (so-khoa-hoc-cong-nghe)"
    )
    page.get_by_label("Căn cứ, quyết định").fill("Quyết định số 123/QĐ-UBND ngày 28/02/2025.")
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_text("Không thể hợp nhất “Sở Khoa học và Công nghệ” vào chính nó").wait_for()
    assert AgencyChange.objects.count() == 0

    page.get_by_label("Cơ quan, đơn vị trước thay đổi").select_option(
        label="Sở Thông tin và Truyền thông (so-thong-tin-truyen-thong)"
    )
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_text("Đã ghi nhận hợp nhất, sáp nhập hiệu lực từ ngày 01/03/2025.").wait_for()
    row = page.locator("tbody tr", has_text="Sở Thông tin và Truyền thông")
    assert row.inner_text().split("\t")[:4] == [
        "01/03/2025",
        "Hợp nhất, sáp nhập",
        "Sở Thông tin và Truyền thông",
        "Sở Khoa học và Công nghệ",
    ]
    entry = AuditEntry.objects.get(action=AuditAction.RECORD_AGENCY_CHANGE)
    assert (entry.actor, entry.old_value, entry.new_value) == (
        administrator,
        "Sở Thông tin và Truyền thông",
        "Sở Khoa học và Công nghệ",
    )
    merged = Agency.objects.get(code="so-thong-tin-truyen-thong")
    assert (merged.ended_on, merged.is_active) == (dt.date(2025, 3, 1), False)

    page.goto(f"{live_server.url}/ket-qua/2022/so-khoa-hoc-cong-nghe/")
    trend = page.locator("#qua-cac-nam").locator("xpath=..")
    assert trend.locator("li").all_inner_texts() == [
        "Năm 2022: 2,10 điểm, A",
        "Năm 2022: 2,75 điểm, A+ — Sở Thông tin và Truyền thông (trước khi hợp nhất)",
    ]
    assert trend.get_by_role("img").get_attribute("aria-label") == (
        "Điểm chính thức của Sở Khoa học và Công nghệ qua các năm"
    )
