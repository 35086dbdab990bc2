"""The daily timer runs `send_reminders` without --period: every period open for
self-assessment is handled, so the timer never needs editing from one year to the next."""

import datetime as dt
import io

from django.core.management import call_command

from assessments.enums import EmailStatus, PeriodStatus
from assessments.models import Extension, OutboundEmail, ReminderLog
from tests.factories import make_period


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_without_period_every_open_period_is_reminded_and_no_other(
    period, agency_a, officer_a, django_capture_on_commit_callbacks
):
    """Old main: “the following arguments are required: --period”."""
    today = period.self_assessment_deadline - dt.timedelta(days=3)
    practice = make_period(
        code="thuc-hanh",
        year=2023,
        is_practice=True,
        deadline=today + dt.timedelta(days=7),
    )
    make_period(
        code="2021",
        year=2021,
        status=PeriodStatus.REVIEW,
        deadline=today + dt.timedelta(days=7),
        tables=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--days-before", "7,3", "--today", today.isoformat())

    lines = output.splitlines()
    assert "Đã nhắc Sở Tài chính (còn 3 ngày)." in lines
    # The 39 reference agencies, none of which has submitted, in each open period.
    assert [line for line in lines if line.startswith("Đã gửi")] == [
        f"Đã gửi 39 lời nhắc cho kỳ “{period}”.",
        f"Đã gửi 39 lời nhắc cho kỳ “{practice}”.",
    ]
    assert ReminderLog.objects.filter(period=period, agency=agency_a).get().key == (
        f"truoc-han-3-ngay-{period.self_assessment_deadline:%Y%m%d}"
    )
    assert ReminderLog.objects.filter(period=practice, agency=agency_a).get().key == (
        f"truoc-han-7-ngay-{practice.self_assessment_deadline:%Y%m%d}"
    )
    assert not ReminderLog.objects.filter(period__code="2021").exists()
    # Each reminder e-mail went through the outbox and was accepted (locmem in tests).
    officer_mail = OutboundEmail.objects.filter(to=officer_a.email).order_by("id")
    assert [(e.subject[:9], e.status) for e in officer_mail] == [
        ("Nhắc việc", EmailStatus.SENT),
        ("Nhắc việc", EmailStatus.SENT),
    ]


def test_after_the_deadline_only_an_agency_with_an_extension_is_reminded(
    period, agency_a, agency_b, officer_a, officer_b
):
    day_after = period.self_assessment_deadline + dt.timedelta(days=1)
    Extension.objects.create(
        period=period,
        agency=agency_b,
        new_deadline=period.self_assessment_deadline + dt.timedelta(days=4),
        reason="Sự cố hệ thống",
    )

    output = run("--days-before", "7,3,1,0", "--today", day_after.isoformat())

    assert output.splitlines() == [
        "Đã nhắc UBND huyện Trảng Bom (còn 3 ngày).",
        f"Đã gửi 1 lời nhắc cho kỳ “{period}”.",
    ]
    assert not ReminderLog.objects.filter(agency=agency_a).exists()


def test_without_any_open_period_the_command_says_so(reference):
    make_period(status=PeriodStatus.REVIEW, tables=False)
    assert run() == "Không có kỳ đánh giá nào đang tự đánh giá; không gửi nhắc việc.\n"
