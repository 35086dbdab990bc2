"""Setting up a year: copying a period, its settings, extensions and reminders (domain rules)."""

import datetime as dt
import json

import pytest

from assessments import periods
from assessments.criteria_io import dump_table
from assessments.enums import PeriodStatus
from assessments.models import Agency, AuditEntry, Extension, Period, ReminderLog
from assessments.models.program import program_2022
from assessments.periods import AdministrationError
from assessments.services import get_or_create_submission
from tests.factories import make_agency, make_period


def values_2023(**changes):
    values = {
        "code": "2023",
        "year": 2023,
        "title": "Đánh giá năm 2023",
        "is_practice": False,
        "window_start": dt.date(2023, 1, 1),
        "window_end": dt.date(2023, 10, 25),
        "self_assessment_deadline": dt.date(2023, 10, 30),
        "report_deadline": dt.date(2023, 11, 20),
        "evaluating_agency": Agency.objects.get(code="so-thong-tin-truyen-thong"),
        "program": program_2022(Agency.objects.get(code="so-thong-tin-truyen-thong")),
        "legal_basis": "",
        "guidance_document": "",
    }
    values.update(changes)
    return values


def test_a_copied_period_has_the_same_tables_and_is_being_prepared(period, administrator):
    new = periods.create_period(actor=administrator, copy_from=period, **values_2023())
    assert new.status == PeriodStatus.PREPARING
    # The same tables, but a plan “năm 2022” is now the plan “năm 2023”.
    assert [dump_table(t) for t in new.tables.order_by("kind__order")] == [
        json.loads(json.dumps(dump_table(t), ensure_ascii=False).replace("năm 2022", "năm 2023"))
        for t in period.tables.order_by("kind__order")
    ]
    # The copy is independent: editing it leaves last year's table as it was.
    new.tables.get(kind__code="so-ban-nganh").criteria.filter(code="I.1").update(title="Mới")
    assert period.tables.get(kind__code="so-ban-nganh").criteria.get(code="I.1").title == (
        "Kế hoạch ứng dụng CNTT / chuyển đổi số năm 2022 được ban hành"
    )
    entry = AuditEntry.objects.filter(period=new).first()
    assert (entry.action, entry.reason) == ("create_period", f"Sao chép từ kỳ “{period}”")


def test_a_period_without_a_source_starts_without_tables(reference, administrator):
    new = periods.create_period(actor=administrator, **values_2023())
    assert new.tables.count() == 0
    assert AuditEntry.objects.filter(period=new).count() == 1


def test_saving_unchanged_settings_records_nothing(period, administrator):
    assert periods.update_period(period, actor=administrator, title=period.title) == []
    assert AuditEntry.objects.count() == 0


def test_changing_an_extension_records_the_old_and_new_dates(period, agency_a, administrator):
    first = period.self_assessment_deadline + dt.timedelta(days=2)
    second = period.self_assessment_deadline + dt.timedelta(days=4)
    periods.grant_extension(period, agency_a, new_deadline=first, reason="A", actor=administrator)
    periods.grant_extension(period, agency_a, new_deadline=second, reason="B", actor=administrator)
    assert Extension.objects.get().new_deadline == second
    assert list(AuditEntry.objects.values_list("old_value", "new_value", "reason")) == [
        ("", f"{first:%d/%m/%Y}", "A"),
        (f"{first:%d/%m/%Y}", f"{second:%d/%m/%Y}", "B"),
    ]


@pytest.mark.parametrize(
    ("days_after", "reason", "status", "message"),
    [
        (2, " ", PeriodStatus.SELF_ASSESSMENT, "Vui lòng nêu lý do gia hạn."),
        (21, "Sự cố", PeriodStatus.SELF_ASSESSMENT, "REPORT"),
        (2, "Sự cố", PeriodStatus.FINALISED, "Kỳ đánh giá đã chốt; không thể gia hạn."),
    ],
)
def test_an_extension_is_refused_with_a_reason(
    period, agency_a, administrator, days_after, reason, status, message
):
    Period.objects.filter(pk=period.pk).update(status=status)
    period.refresh_from_db()
    if message == "REPORT":
        message = (
            "Hạn mới không được sau hạn gửi kết quả về UBND tỉnh "
            f"({period.report_deadline:%d/%m/%Y})."
        )
    with pytest.raises(AdministrationError) as caught:
        periods.grant_extension(
            period,
            agency_a,
            new_deadline=period.self_assessment_deadline + dt.timedelta(days=days_after),
            reason=reason,
            actor=administrator,
        )
    assert caught.value.message == message
    assert not Extension.objects.exists()


def test_removing_an_extension_needs_a_reason(period, agency_a, administrator):
    extension = Extension.objects.create(
        period=period, agency=agency_a, new_deadline=period.report_deadline, reason="x"
    )
    with pytest.raises(AdministrationError) as caught:
        periods.remove_extension(extension, actor=administrator, reason="")
    assert caught.value.message == "Vui lòng nêu lý do hủy gia hạn."
    assert Extension.objects.count() == 1


def test_only_active_agencies_with_a_table_are_expected(period, administrator):
    closed = make_agency("so-cu", "Sở đã giải thể")
    closed.is_active = False
    closed.save()
    expected = set(periods.expected_agencies(period).values_list("code", flat=True))
    assert "so-cu" not in expected
    assert len(expected) == Agency.objects.filter(is_active=True).count()
    empty = make_period(code="2023", year=2023, tables=False)
    assert list(periods.expected_agencies(empty)) == []


@pytest.mark.parametrize("started", [1, 3])
def test_progress_costs_three_queries_whatever_the_number_of_submissions(
    period, django_assert_num_queries, started
):
    for agency in Agency.objects.all()[:started]:
        get_or_create_submission(agency, period)
    with django_assert_num_queries(3):
        rows = periods.agency_progress(period)
    assert sum(1 for row in rows if row["state"] == periods.IN_DRAFT) == started


def test_no_cron_reminder_outside_self_assessment(period):
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.REVIEW)
    period.refresh_from_db()
    today = period.self_assessment_deadline - dt.timedelta(days=1)
    assert periods.send_due_reminders(period, [1], today=today) == []
    assert ReminderLog.objects.count() == 0


def test_manual_reminders_need_an_open_period(period, agency_a, administrator):
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.PREPARING)
    period.refresh_from_db()
    with pytest.raises(AdministrationError) as caught:
        periods.send_reminders(period, [agency_a.pk], actor=administrator)
    assert caught.value.message == (
        "Kỳ đánh giá không mở cho các cơ quan tự đánh giá; không gửi nhắc việc."
    )


# Copying a period updates the year ------------------------------------------------------------


def test_copying_a_period_updates_the_year_of_its_criteria_texts(period, administrator):
    new = periods.create_period(actor=administrator, copy_from=period, **values_2023())

    criterion = new.tables.get(kind__code="so-ban-nganh").criteria.get(code="I.1")
    assert criterion.title == "Kế hoạch ứng dụng CNTT / chuyển đổi số năm 2023 được ban hành"
    assert criterion.evidence_expected.startswith(
        "Kế hoạch ứng dụng CNTT/chuyển đổi số năm 2023 (số, ký hiệu,"
    )
    # A decree's number keeps its year: it names a document, not the period.
    assert (
        "Nghị định 42/2022/NĐ-CP"
        in new.tables.get(kind__code="so-ban-nganh").criteria.get(code="IV").title
    )
    entry = AuditEntry.objects.filter(period=new, action="copy_table").first()
    assert entry.reason == (
        f"Sao chép từ kỳ “{period}”; đổi “năm 2022” thành “năm 2023” ở 2 nội dung"
    )


def test_texts_still_naming_another_year_are_listed(period, administrator):
    new = periods.create_period(actor=administrator, copy_from=period, **values_2023())

    found = periods.texts_naming_other_years(new)

    assert [text["where"] for text in found if text["where"].startswith("Phụ lục 1")] == [
        "Phụ lục 1: nguồn",
        "Phụ lục 1, tiêu chí I.1: tham số chấm điểm",
        "Phụ lục 1, tiêu chí IV: nội dung",
        "Phụ lục 1, tiêu chí V.1: nội dung",
    ]
    excerpts = {text["where"]: text["excerpt"] for text in found}
    assert excerpts["Phụ lục 1: nguồn"] == (
        "…o Công văn 2083/STTTT-CNTT-VT ngày 22/8/2022 (phụ lục gốc chưa công bố)"
    )
    assert excerpts["Phụ lục 1, tiêu chí I.1: tham số chấm điểm"] == (
        '…-3", "label": "Ban hành trước ngày 31/3/2022", "points": "0.10"}, {"key": "sau-31-3"…'
    )
    assert len(found) == 12
    # In its own year, the 2022 table still names the 2016 decree of its legal basis.
    assert [text["where"] for text in periods.texts_naming_other_years(period)] == [
        "Phụ lục 1, tiêu chí V.1: nội dung",
        "Phụ lục 2, tiêu chí V.1: nội dung",
        "Phụ lục 3, tiêu chí V.1: nội dung",
    ]


# Opening a period whose deadline has passed --------------------------------------------------


def test_opening_a_period_past_its_deadline_needs_a_confirmation(reference, administrator):
    past = make_period(
        code="2023",
        year=2023,
        status=PeriodStatus.PREPARING,
        deadline=dt.date.today() - dt.timedelta(days=1),
        tables=False,
    )

    with pytest.raises(AdministrationError) as caught:
        periods.open_period(past, actor=administrator)
    past.refresh_from_db()

    assert past.status == PeriodStatus.PREPARING
    assert caught.value.message == (
        f"Hạn gửi kết quả tự đánh giá của kỳ (hết ngày {past.self_assessment_deadline:%d/%m/%Y}) "
        "đã qua: các cơ quan sẽ không nộp được hồ sơ. Hãy sửa thời hạn của kỳ, hoặc đánh dấu "
        "“Vẫn mở kỳ dù hạn đã qua” để xác nhận."
    )
    assert periods.open_period(past, actor=administrator, confirm_past_deadline=True).status == (
        PeriodStatus.SELF_ASSESSMENT
    )


def test_a_period_with_its_deadline_ahead_opens_without_a_question(reference, administrator):
    ahead = make_period(code="2023", year=2023, status=PeriodStatus.PREPARING, tables=False)

    assert periods.open_period(ahead, actor=administrator).status == PeriodStatus.SELF_ASSESSMENT


# No reminder after the deadline unless extended -----------------------------------------------


def test_no_manual_reminder_after_the_deadline_unless_the_agency_has_an_extension(
    period, agency_a, agency_b, administrator
):
    today = period.self_assessment_deadline + dt.timedelta(days=1)
    periods.grant_extension(
        period,
        agency_a,
        new_deadline=period.self_assessment_deadline + dt.timedelta(days=5),
        reason="Thay đổi cán bộ đầu mối",
        actor=administrator,
    )

    sent, skipped = periods.send_reminders(
        period, [agency_a.pk, agency_b.pk], actor=administrator, today=today
    )

    assert (sent, skipped) == ([agency_a], [agency_b])
    assert list(ReminderLog.objects.values_list("agency__code", flat=True)) == ["so-tai-chinh"]


def test_the_daily_reminder_after_the_deadline_goes_only_to_extended_agencies(
    period, agency_a, administrator
):
    periods.grant_extension(
        period,
        agency_a,
        new_deadline=period.self_assessment_deadline + dt.timedelta(days=3),
        reason="Thay đổi cán bộ đầu mối",
        actor=administrator,
    )
    today = period.self_assessment_deadline + dt.timedelta(days=2)

    sent = periods.send_due_reminders(period, [0, 1, 3, 7], today=today)

    assert sent == [(agency_a, 1)]
