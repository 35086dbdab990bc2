"""A criteria table as an Excel workbook, in the one format the import reads back.

Sheets: “Tiêu chí” (one row per group or criterion), “Thông tin” (the table's label, title,
scale and deduction floor) and “Hướng dẫn” (what each column and rule parameter means). Without
a table it is the empty template an administrator downloads to fill in.
"""

import io
import json
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assessments.criteria_io import dump_table
from assessments.exports.base import XLSX_CONTENT_TYPE, Export, setup_print, write_row
from assessments.models.criteria import RuleChoice

CRITERIA_SHEET = "Tiêu chí"
INFO_SHEET = "Thông tin"
GUIDE_SHEET = "Hướng dẫn"

# (key in criteria_io rows, header, required, width)
CRITERIA_COLUMNS = (
    ("code", "Mã", True, 8),
    ("parent", "Nhóm cha", True, 10),
    ("title", "Nội dung tiêu chí", True, 60),
    ("rule", "Cách tính điểm", True, 16),
    ("params", "Tham số (JSON)", True, 60),
    ("maximum", "Điểm tối đa", True, 12),
    ("guidance", "Hướng dẫn chấm", False, 40),
    ("evidence_expected", "Tài liệu kiểm chứng", False, 40),
    ("allow_not_applicable", "Cho phép không áp dụng", False, 14),
    ("requires_evidence", "Bắt buộc tài liệu kiểm chứng", False, 14),
)

# (key, label) of the “Thông tin” sheet.
INFO_ROWS = (
    ("label", "Phụ lục"),
    ("title", "Tên bảng tiêu chí"),
    ("scale_max", "Điểm tối đa của bảng"),
    ("deduction_floor", "Tổng điểm trừ tối đa"),
    ("source", "Nguồn"),
)

YES, NO = "Có", "Không"

GUIDE = [
    ("Cách điền bảng tiêu chí", ""),
    (
        "Trang “Tiêu chí”",
        "Mỗi dòng là một nhóm (I, II, …) hoặc một tiêu chí (I.1, …), theo đúng thứ tự hiển thị. "
        "Không đổi tên cột; dòng trống được bỏ qua. Công thức không được tính: hãy nhập giá trị.",
    ),
    ("Mã", "Bắt buộc, không trùng trong bảng. Ví dụ: I, I.1, Đ.2."),
    ("Nhóm cha", "Mã nhóm chứa tiêu chí. Để trống với dòng nhóm."),
    ("Nội dung tiêu chí", "Bắt buộc."),
    (
        "Cách tính điểm",
        "Để trống với dòng nhóm. Với tiêu chí: Có/Không, Tỷ lệ, Theo mức, Đếm số lượng, "
        "Điểm trừ (hoặc mã yes_no, ratio, tiers, count, deduction).",
    ),
    ("Tham số (JSON)", "Tham số của cách tính điểm, viết theo JSON (xem các ví dụ bên dưới)."),
    (
        "Điểm tối đa",
        "Số, dấu phẩy hoặc dấu chấm thập phân (0,30). Nhóm điểm trừ để trống; tiêu chí điểm trừ "
        "là số âm (mức trừ tối đa). Tổng điểm tối đa các nhóm cộng điểm phải bằng điểm tối đa "
        "của bảng (3,00).",
    ),
    ("Hướng dẫn chấm", "Không bắt buộc."),
    ("Tài liệu kiểm chứng", "Không bắt buộc: tài liệu cơ quan cần đính kèm hoặc trích dẫn."),
    ("Cho phép không áp dụng", "Có hoặc Không (mặc định Không)."),
    ("Bắt buộc tài liệu kiểm chứng", "Có hoặc Không (mặc định Có)."),
    (
        "Trang “Thông tin”",
        "Phụ lục, tên bảng, điểm tối đa của bảng (mặc định 3,00), tổng điểm trừ tối đa "
        "(số âm, mặc định -1,00), nguồn (văn bản ban hành).",
    ),
    ("Ví dụ tham số", ""),
    ("Có/Không", "{}"),
    ("Tỷ lệ", '{"numerator_label": "Số văn bản ký số", "denominator_label": "Tổng số văn bản"}'),
    ("Tỷ lệ theo danh mục", '{"checklist": ["Chuyên mục 1", "Chuyên mục 2"]}'),
    (
        "Theo mức (tỷ lệ %)",
        '{"basis": "percent", "tiers": [{"min": "90", "points": "0.40"}, '
        '{"min": "70", "points": "0.25"}]}',
    ),
    (
        "Theo mức (lựa chọn)",
        '{"options": [{"key": "day-du", "label": "Đầy đủ", "points": "0.15"}, '
        '{"key": "chua", "label": "Chưa có", "points": "0"}]}',
    ),
    (
        "Đếm số lượng",
        '{"per_item": "0.05", "cap": "0.10", "items": ["Quy chế A", "Quy chế B"], '
        '"unit_label": "quy chế"}',
    ),
    ("Điểm trừ", '{"per_violation": "0.25", "unit_label": "sự cố"}'),
    (
        "Khi nhập",
        "Toàn bộ tệp được kiểm tra trước; nếu có lỗi, không dữ liệu nào được ghi và mọi lỗi "
        "được liệt kê theo dòng và cột. Bảng tiêu chí đã có hồ sơ tự đánh giá không thể thay "
        "thế: hãy sửa bảng của kỳ mới.",
    ),
]


def rule_label(rule: str) -> str:
    return str(RuleChoice(rule).label) if rule else ""


def boolean_text(value: bool) -> str:
    return YES if value else NO


class CriteriaTableExport(Export):
    """One criteria table (or, without one, the empty template) as an .xlsx workbook."""

    content_type = XLSX_CONTENT_TYPE

    def __init__(self, table=None):
        self.table = table
        if table is None:
            self.filename = "mau-bang-tieu-chi.xlsx"
        else:
            self.filename = f"bang-tieu-chi-{table.period.code}-{table.kind.code}.xlsx"

    def data(self) -> dict:
        if self.table is None:
            return {
                "label": "",
                "title": "",
                "scale_max": "3.00",
                "deduction_floor": "-1.00",
                "source": "",
                "rows": [],
            }
        return dump_table(self.table)

    def rows(self):
        for row in self.data()["rows"]:
            values = []
            for key, _header, _required, _width in CRITERIA_COLUMNS:
                value = row.get(key)
                if key == "rule":
                    value = rule_label(value)
                elif key == "params":
                    value = json.dumps(value, ensure_ascii=False) if value else ""
                elif key == "maximum":
                    value = None if value is None else Decimal(value)
                elif key in ("allow_not_applicable", "requires_evidence"):
                    value = boolean_text(value)
                values.append(value)
            yield values

    def render(self) -> bytes:
        data = self.data()
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = CRITERIA_SHEET
        write_row(sheet, [header for _k, header, _r, _w in CRITERIA_COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, (_k, _h, _r, width) in enumerate(CRITERIA_COLUMNS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        for values in self.rows():
            row = write_row(sheet, values)
            for cell in sheet[row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        setup_print(sheet, header_rows="1:1")

        info = workbook.create_sheet(INFO_SHEET)
        for key, label in INFO_ROWS:
            value = data.get(key, "")
            if key in ("scale_max", "deduction_floor"):
                value = Decimal(value)
            write_row(info, [label, value])
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 80

        guide = workbook.create_sheet(GUIDE_SHEET)
        for label, text in GUIDE:
            row = write_row(guide, [label, text])
            guide.cell(row=row, column=1).font = Font(bold=True)
            guide.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        guide.column_dimensions["A"].width = 28
        guide.column_dimensions["B"].width = 100

        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
