"""The consolidated Excel workbook of a period: a summary sheet grouped by kind with the count per
grade, one per-criterion matrix per kind, and the thresholds with the legal basis."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessments.exports.base import XLSX_CONTENT_TYPE, Export, setup_print, write_row
from assessments.results import PeriodResults
from scoring import format_points

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

SUMMARY_HEADER = [
    "STT",
    "Cơ quan, đơn vị",
    "Loại / Phụ lục",
    "Điểm tự đánh giá",
    "Điểm thẩm định (chính thức)",
    "Xếp loại",
    "Ghi chú",
]


def _style_header(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = CENTER


def _widths(sheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def sheet_title(label: str) -> str:
    """A table label as an Excel sheet name: Excel refuses / \\ ? * [ ] : and more than 31
    characters, and an administrator may name a table anything."""
    cleaned = "".join("-" if char in "/\\?*[]:" else char for char in label).strip("' ")
    return cleaned[:31] or "Bảng tiêu chí"


class ConsolidatedXlsx(Export):
    """`render()` gives the workbook bytes. Sheet names: “Tổng hợp”, one per appendix label
    (“Phụ lục 1”…), “Điều chỉnh và thống nhất”, “Căn cứ và ngưỡng”."""

    content_type = XLSX_CONTENT_TYPE

    def __init__(self, results: PeriodResults):
        self.results = results
        self.period = results.period
        self.filename = f"tong-hop-ket-qua-{self.period.code}.xlsx"

    def render(self) -> bytes:
        workbook = Workbook()
        self._summary(workbook.active)
        for kind in self.results.kinds:
            self._matrix(workbook.create_sheet(sheet_title(kind.table.label)), kind)
        self._agreements(workbook.create_sheet("Điều chỉnh và thống nhất"))
        self._basis(workbook.create_sheet("Căn cứ và ngưỡng"))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _summary(self, sheet) -> None:
        sheet.title = "Tổng hợp"
        sheet.append([f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ ỨNG DỤNG CNTT NĂM {self.period.year}"])
        sheet["A1"].font = TITLE
        write_row(sheet, [self.period.title])
        sheet.append([])
        header_row = write_row(sheet, SUMMARY_HEADER)
        _style_header(sheet, header_row)
        number = 0
        group_rows = []
        for kind in self.results.kinds:
            row = write_row(sheet, ["", f"{kind.table.label} — {kind.kind.name}"])
            group_rows.append(row)
            for cell in sheet[row]:
                cell.font = BOLD
                cell.fill = GROUP_FILL
            for result in kind.agencies:
                number += 1
                write_row(
                    sheet,
                    [
                        number,
                        result.agency.name,
                        kind.table.label,
                        result.self_score,
                        result.final_score,
                        result.final_grade,
                        result.notes,
                    ],
                )
            for grade, count in kind.grade_counts().items():
                row = write_row(
                    sheet, ["", f"Số cơ quan, đơn vị xếp mức {grade}", "", "", "", count]
                )
                sheet.cell(row=row, column=2).font = Font(italic=True)
        sheet.append([])
        row = write_row(sheet, ["", "TOÀN TỈNH"])
        sheet.cell(row=row, column=2).font = BOLD
        for grade, count in self.results.grade_counts().items():
            row = write_row(sheet, ["", f"Số cơ quan, đơn vị xếp mức {grade}", "", "", "", count])
            sheet.cell(row=row, column=2).font = BOLD
        for row in sheet.iter_rows(min_row=header_row + 1):
            row[1].alignment = WRAP
            row[6].alignment = WRAP
        # A kind's heading spans the table instead of wrapping in the name column: LibreOffice
        # does not grow a wrapped row it did not measure, and the text ran into the next row.
        for row in group_rows:
            sheet.cell(row=row, column=2).alignment = Alignment(vertical="center")
            sheet.merge_cells(start_row=row, end_row=row, start_column=2, end_column=7)
        _widths(sheet, [6, 46, 12, 14, 16, 10, 40])
        sheet.freeze_panes = f"C{header_row + 1}"
        setup_print(sheet, header_rows=f"{header_row}:{header_row}")

    def _matrix(self, sheet, kind) -> None:
        leaves = kind.leaf_criteria
        write_row(sheet, [f"{kind.table.label}: {kind.table.title}"])
        sheet["A1"].font = TITLE
        write_row(sheet, ["Điểm chính thức (CT) và điểm tự chấm (TC) theo từng tiêu chí"])
        top, bottom = 3, 4
        codes = ["STT", "Cơ quan, đơn vị"]
        kinds_row = ["", ""]
        for criterion in leaves:
            codes += [f"{criterion.code}", ""]
            kinds_row += ["CT", "TC"]
        codes += ["Tổng điểm", "", "Xếp loại"]
        kinds_row += ["CT", "TC", ""]
        write_row(sheet, codes)
        write_row(sheet, kinds_row)
        for index in range(len(leaves) + 1):
            column = 3 + index * 2
            sheet.merge_cells(
                start_row=top, end_row=top, start_column=column, end_column=column + 1
            )
        last = 3 + 2 * len(leaves) + 2
        for column in (1, 2, last):
            sheet.merge_cells(start_row=top, end_row=bottom, start_column=column, end_column=column)
        _style_header(sheet, top)
        _style_header(sheet, bottom)
        for number, result in enumerate(kind.agencies, start=1):
            by_code = {row.criterion.code: row for row in result.rows}
            values = [number, result.agency.name]
            for criterion in leaves:
                row = by_code.get(criterion.code)
                if row is not None and row.not_applicable:
                    values += ["KAD", "KAD"]
                else:
                    values += [row.final_points if row else None, row.self_points if row else None]
            values += [result.final_score, result.self_score, result.final_grade]
            write_row(sheet, values)
        sheet.append([])
        write_row(sheet, ["", "KAD: không áp dụng (điểm được quy đổi theo thang điểm 3)."])
        _widths(sheet, [6, 40, *([7] * (2 * len(leaves) + 2)), 9])
        sheet.freeze_panes = sheet.cell(row=bottom + 1, column=3)
        setup_print(sheet, header_rows=f"{top}:{bottom}")

    def _agreements(self, sheet) -> None:
        """Every adjusted criterion: self-assessed, appraised and final value, and how the final
        one was reached (agency agreed, explanation accepted, lead decided)."""
        write_row(sheet, ["Các tiêu chí được điều chỉnh khi thẩm định và cách thống nhất"])
        sheet["A1"].font = TITLE
        header = write_row(
            sheet,
            [
                "STT",
                "Cơ quan, đơn vị",
                "Tiêu chí",
                "Điểm tự chấm",
                "Điểm thẩm định",
                "Điểm thống nhất",
                "Cách thống nhất",
                "Người thống nhất",
                "Lý do điều chỉnh; quyết định của lãnh đạo",
            ],
        )
        _style_header(sheet, header)
        number = 0
        for kind in self.results.kinds:
            for result in kind.agencies:
                for row in result.rows:
                    if row.criterion.is_group or not row.adjusted:
                        continue
                    number += 1
                    reasons = [row.reason]
                    if row.item.agreement == "lead_decided":
                        reasons.append(row.decision_reason)
                    write_row(
                        sheet,
                        [
                            number,
                            result.agency.name,
                            row.criterion.code,
                            "KAD" if row.item.not_applicable else row.self_points,
                            "KAD" if row.appraised_not_applicable else row.appraised_points,
                            "KAD" if row.not_applicable else row.final_points,
                            row.agreement,
                            row.agreed_by,
                            "\n".join(text for text in reasons if text),
                        ],
                    )
        for row in sheet.iter_rows(min_row=header + 1):
            row[1].alignment = WRAP
            row[8].alignment = WRAP
        _widths(sheet, [6, 40, 9, 10, 10, 10, 20, 20, 50])
        setup_print(sheet, header_rows=f"{header}:{header}")

    def _basis(self, sheet) -> None:
        period = self.period
        thresholds = period.thresholds
        write_row(sheet, ["Căn cứ và ngưỡng xếp loại"])
        sheet["A1"].font = TITLE
        sheet.append([])
        write_row(sheet, ["Căn cứ pháp lý", period.legal_basis])
        write_row(sheet, ["Văn bản hướng dẫn", period.guidance_document])
        write_row(
            sheet,
            [
                "Thời gian đánh giá",
                f"Từ ngày {period.window_start:%d/%m/%Y} đến ngày {period.window_end:%d/%m/%Y}",
            ],
        )
        sheet.append([])
        header = write_row(sheet, ["Mức xếp loại", "Điều kiện (thang điểm 3)"])
        _style_header(sheet, header)
        a_plus, a, b = (format_points(v) for v in (thresholds.a_plus, thresholds.a, thresholds.b))
        write_row(sheet, ["A+", f"Điểm ≥ {a_plus}"])
        write_row(sheet, ["A", f"{a} ≤ điểm < {a_plus}"])
        write_row(sheet, ["B", f"{b} ≤ điểm < {a}"])
        write_row(sheet, ["C", f"Điểm < {b}"])
        sheet.append([])
        header = write_row(sheet, ["Bảng tiêu chí", "Tên", "Điểm tối đa", "Tổng điểm trừ tối đa"])
        _style_header(sheet, header)
        for kind in self.results.kinds:
            write_row(
                sheet,
                [
                    kind.table.label,
                    kind.table.title,
                    kind.table.scale_max,
                    kind.table.deduction_floor,
                ],
            )
        for row in sheet.iter_rows():
            row[1].alignment = WRAP
        _widths(sheet, [22, 80, 12, 14])
        setup_print(sheet, landscape=False)
