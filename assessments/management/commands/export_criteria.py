"""python manage.py export_criteria --period YEAR --kind KIND --output FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.models import CriteriaTable

from ._admin_common import find_kind, find_period


class Command(BaseCommand):
    help = "Xuất bảng tiêu chí của một kỳ ra tệp Excel, đúng mẫu mà import_criteria đọc lại."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Mã hoặc năm của kỳ, ví dụ 2022")
        parser.add_argument("--kind", required=True, help="Mã loại cơ quan, ví dụ so-ban-nganh")
        parser.add_argument("--output", required=True, help="Tệp .xlsx sẽ ghi")

    def handle(self, *args, **options):
        period = find_period(options["period"])
        kind = find_kind(options["kind"])
        table = CriteriaTable.objects.filter(period=period, kind=kind).first()
        if table is None:
            raise CommandError(f"Kỳ “{period}” chưa có bảng tiêu chí cho “{kind.name}”.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Không có thư mục “{output.parent}”.")
        output.write_bytes(CriteriaTableExport(table).render())
        self.stdout.write(f"Đã ghi {table.label} của kỳ “{period}” vào {output}.")
