"""Setting up a year: copying a period, its settings, extensions and reminders (domain rules)."""

import datetime as dt

import pytest

from assessments import periods
from assessments.criteria_io import dump_table
from assessments.enums import PeriodStatus
from assessments.models import Agency, AuditEntry, Extension, Period, ReminderLog
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
        "legal_basis": "",
        "guidance_document": "",
    }
    values.update(changes)
    return values


def test_a_copied_period_has_the_same_tables_and_is_being_prepared(period, administrator):
    new = periods.create_period(actor=administrator, copy_from=period, **values_2023())
    assert new.status == PeriodStatus.PREPARING
    assert [dump_table(t) for t in new.tables.order_by("kind__order")] == [
        dump_table(t) for t in period.tables.order_by("kind__order")
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
