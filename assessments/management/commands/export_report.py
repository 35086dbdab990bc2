from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.enums import PeriodStatus
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.dossier import PeriodDossierZip
from assessments.exports.official_report import OfficialReportPdf, issued_report
from assessments.models import Period
from assessments.results import (
    FINAL_PERIOD_STATUSES,
    stream_period_results,
)


class Command(BaseCommand):
    help = (
        "Xuất báo cáo của một kỳ đánh giá đã chốt: bảng tổng hợp Excel (xlsx), báo cáo gửi "
        "UBND tỉnh (pdf; bản đã ban hành nếu có) hoặc hồ sơ nén của cả kỳ (zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Mã kỳ đánh giá, ví dụ 2022.")
        parser.add_argument("--format", required=True, choices=["xlsx", "pdf", "zip"])
        parser.add_argument("--output", required=True, help="Đường dẫn tệp ghi ra.")

    def handle(self, *args, period, format, output, **options):
        found = Period.objects.filter(code=period).first()
        if found is None:
            raise CommandError(f"Không tìm thấy kỳ đánh giá có mã “{period}”.")
        if found.status not in FINAL_PERIOD_STATUSES:
            raise CommandError(
                f"Kỳ đánh giá “{found.title}” chưa chốt kết quả (trạng thái: "
                f"“{PeriodStatus(found.status).label}”); chỉ xuất báo cáo khi kỳ đã chốt."
            )
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(f"Thư mục “{target.parent}” không tồn tại.")
        if format == "pdf" and (issued := issued_report(found)) is not None:
            # The issued report is served as issued, never re-rendered.
            with issued.file.open("rb") as handle:
                target.write_bytes(handle.read())
            note = f" (bản đã ban hành số {issued.number})"
        elif format == "zip":
            # Written straight into the file, an agency's dossier at a time.
            with target.open("wb") as handle:
                PeriodDossierZip(found).write_to(handle)
            note = ""
        else:
            # The workbook and the report read the agencies a chunk at a time.
            export = {"xlsx": ConsolidatedXlsx, "pdf": OfficialReportPdf}[format](
                stream_period_results(found)
            )
            target.write_bytes(export.render())
            note = " (dự thảo, chưa ban hành)" if format == "pdf" else ""
        length = target.stat().st_size
        size = f"{length:,}".replace(",", ".")  # Vietnamese thousands separator
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {target} ({size} byte){note}."))
