"""python manage.py close_ended_agencies (daily timer, beside send_reminders)

A merge or split recorded ahead of its effective date ends the agencies on that date; this
makes them inactive once the day has come (audited), so they are no longer listed as expected
to self-assess. Idempotent."""

from django.core.management.base import BaseCommand

from assessments import lineage


class Command(BaseCommand):
    help = (
        "Chuyển sang “ngừng hoạt động” các cơ quan đã hợp nhất hoặc chia tách khi đến ngày "
        "hiệu lực. Chạy hằng ngày."
    )

    def handle(self, *args, **options):
        closed = lineage.close_ended_agencies()
        self.stdout.write(f"Đã chuyển {closed} cơ quan, đơn vị sang ngừng hoạt động.")
