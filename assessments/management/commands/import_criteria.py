"""python manage.py import_criteria FILE --period YEAR --kind KIND"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.criteria_io import CriteriaImportError
from assessments.imports import MAX_UPLOAD_BYTES, import_criteria_workbook

from ._admin_common import find_kind, find_period


class Command(BaseCommand):
    help = (
        "Nhập (tạo hoặc thay thế) bảng tiêu chí của một kỳ cho một loại cơ quan từ tệp Excel "
        "theo mẫu. Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx theo mẫu bảng tiêu chí")
        parser.add_argument("--period", required=True, help="Mã hoặc năm của kỳ, ví dụ 2023")
        parser.add_argument("--kind", required=True, help="Mã loại cơ quan, ví dụ so-ban-nganh")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp “{path}”.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"Tệp “{path.name}” quá lớn; tối đa 5 MB.")
        period = find_period(options["period"])
        kind = find_kind(options["kind"])
        try:
            table = import_criteria_workbook(
                path.read_bytes(), period, kind, actor=None, filename=path.name
            )
        except CriteriaImportError as error:
            lines = "\n".join(f"- {message}" for message in error.errors)
            raise CommandError(
                f"Không nhập được “{path.name}” ({len(error.errors)} lỗi; chưa ghi gì):\n{lines}"
            ) from None
        self.stdout.write(
            f"Đã nhập {table.label} cho kỳ “{period}”: {table.criteria.count()} dòng."
        )
