"""python manage.py send_reminders [--period YEAR] --days-before 7,3,1 (daily timer)

Without --period every period open for self-assessment is handled, so the daily timer never
needs editing from one year to the next. The e-mails go through the outbox (background jobs)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from assessments.enums import PeriodStatus
from assessments.models import Period
from assessments.periods import send_due_reminders

from ._admin_common import find_period


def parse_days(text: str) -> list[int]:
    try:
        days = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        days = []
    if not days or any(day < 0 for day in days):
        raise CommandError(
            f"--days-before “{text}” không hợp lệ: cần các số ngày không âm, cách nhau bởi "
            "dấu phẩy, ví dụ 7,3,1."
        )
    return days


class Command(BaseCommand):
    help = (
        "Nhắc các cơ quan chưa nộp hồ sơ khi còn đúng N ngày đến hạn (tính cả gia hạn). "
        "Chạy hằng ngày; mỗi lời nhắc chỉ gửi một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            help="Mã hoặc năm của kỳ, ví dụ 2023; bỏ trống để nhắc cho mọi kỳ đang tự đánh giá",
        )
        parser.add_argument("--days-before", default="7,3,1", help="Ví dụ 7,3,1")
        parser.add_argument("--today", help="Ngày tính (YYYY-MM-DD), mặc định hôm nay")

    def handle(self, *args, **options):
        days = parse_days(options["days_before"])
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today “{options['today']}” không phải ngày YYYY-MM-DD."
                ) from None
        if options["period"]:
            periods = [find_period(options["period"])]
        else:
            periods = list(
                Period.objects.filter(status=PeriodStatus.SELF_ASSESSMENT).order_by("year", "code")
            )
            if not periods:
                self.stdout.write("Không có kỳ đánh giá nào đang tự đánh giá; không gửi nhắc việc.")
        for period in periods:
            if period.status != PeriodStatus.SELF_ASSESSMENT:
                self.stdout.write(
                    f"Kỳ “{period}” không ở giai đoạn tự đánh giá; không gửi nhắc việc."
                )
                continue
            sent = send_due_reminders(period, days, today=today)
            for agency, days_left in sent:
                self.stdout.write(f"Đã nhắc {agency} (còn {days_left} ngày).")
            self.stdout.write(f"Đã gửi {len(sent)} lời nhắc cho kỳ “{period}”.")
