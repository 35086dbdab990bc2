from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments import demo, demo_2025


class Command(BaseCommand):
    help = "Nạp dữ liệu tham chiếu (cơ quan, bảng tiêu chí 2022), kỳ thực hành và tài khoản demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Tạo tài khoản demo cả khi DEBUG tắt (không dùng trên máy chủ thật).",
        )
        parser.add_argument(
            "--no-accounts", action="store_true", help="Chỉ nạp dữ liệu tham chiếu."
        )

    def handle(self, *args, force=False, no_accounts=False, **options):
        demo.seed_reference()
        self.stdout.write("Đã nạp cơ quan, đơn vị và bảng tiêu chí năm 2022.")
        if no_accounts:
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG đang tắt: không tạo tài khoản demo trên máy chủ thật. "
                "Dùng --force nếu thật sự cần."
            )
        period = demo.ensure_practice_period()
        self.stdout.write(
            f"Kỳ thực hành mở đến hết ngày {period.self_assessment_deadline:%d/%m/%Y}."
        )
        password = demo.demo_password()
        users = demo.ensure_demo_accounts(password)
        period_2022 = demo.ensure_period_2022()
        if demo.ensure_results_2022(period_2022):
            self.stdout.write(
                f"Đã tạo kết quả đánh giá năm 2022 cho {period_2022.submissions.count()} "
                "cơ quan, đơn vị (đã chốt và công bố)."
            )
        period_2025 = demo_2025.seed_2025(password)
        self.stdout.write(
            f"Kỳ “{period_2025}” ({period_2025.program}) mở tự đánh giá đến hết ngày "
            f"{period_2025.self_assessment_deadline:%d/%m/%Y}; tài khoản cấp xã: "
            f"{demo_2025.COMMUNE_ACCOUNT[0]}."
        )
        self.stdout.write(self.style.SUCCESS(f"Tài khoản demo (mật khẩu chung: {password}):"))
        for user in [*users, demo_2025.commune_account()]:
            user.refresh_from_db()
            where = f" — {user.agency}" if user.agency else ""
            self.stdout.write(f"  {user.username:<10} {user.get_role_display()}{where}")
