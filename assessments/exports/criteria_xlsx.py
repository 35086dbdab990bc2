"""A criteria table as an Excel workbook, in the one format the import reads back.

Sheets: “Tiêu chí” (one row per group or criterion, rule parameters in readable columns),
“Thông tin” (the table's label, title, scale and deduction floor) and “Hướng dẫn” (what each
column means). Without a table it is the empty template an administrator downloads to fill in.
The layout lives in `assessments.workbooks`.
"""

from decimal import Decimal

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from assessments import workbooks
from assessments.criteria_io import dump_table
from assessments.exports.base import XLSX_CONTENT_TYPE, Export
from assessments.models.criteria import RuleChoice
from assessments.workbooks import (
    CRITERIA_COLUMNS,
    CRITERIA_SHEET,
    GUIDE,
    GUIDE_SHEET,
    INFO_ROWS,
    INFO_SHEET,
    NO,
    YES,
)


def rule_label(rule: str) -> str:
    return str(RuleChoice(rule).label) if rule else ""


def boolean_text(value: bool) -> str:
    return YES if value else NO


class CriteriaTableExport(Export):
    """One criteria table (or, without one, the empty template) as an .xlsx workbook."""

    content_type = XLSX_CONTENT_TYPE

    def __init__(self, table=None, *, data: dict | None = None, filename: str = ""):
        """`data` (criteria_io's plain format, e.g. a fixture) is written instead of a stored
        table; a row's optional “measurable” (the source system of a statistic the province
        already holds) becomes a note on its code cell, which the import ignores."""
        self.table = table
        self.table_data = data
        if filename:
            self.filename = filename
        elif table is None:
            self.filename = "mau-bang-tieu-chi.xlsx"
        else:
            self.filename = f"bang-tieu-chi-{table.period.code}-{table.kind.code}.xlsx"

    def data(self) -> dict:
        if self.table_data is not None:
            return self.table_data
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
            params = workbooks.params_to_columns(row["rule"], row["params"] or {})
            values = []
            for column in CRITERIA_COLUMNS:
                key = column.key
                if key in workbooks.PARAM_KEYS:
                    value = params.get(key, "")
                elif key == "rule":
                    value = rule_label(row["rule"])
                elif key == "maximum":
                    value = None if row["maximum"] is None else Decimal(row["maximum"])
                elif key in ("allow_not_applicable", "requires_evidence", "measurable"):
                    value = boolean_text(bool(row.get(key, False)))
                else:
                    value = row[key]
                values.append(value)
            yield values

    def _title(self) -> str:
        if self.table_data is not None:
            return self.table_data.get("title") or "Bảng tiêu chí đánh giá"
        if self.table is None:
            return "Mẫu bảng tiêu chí đánh giá"
        return f"{self.table.label}: {self.table.title} — {self.table.period}"

    def _creator(self) -> str:
        if self.table is None:
            return workbooks.department_name()
        return self.table.period.evaluating_agency.name

    def render(self) -> bytes:
        data = self.data()
        workbook = workbooks.new_workbook()
        workbooks.set_properties(workbook, title=self._title(), creator=self._creator())
        sheet = workbook.active
        sheet.title = CRITERIA_SHEET
        workbooks.write_table(sheet, CRITERIA_COLUMNS, self.rows())
        for number, row in enumerate(data["rows"], start=2):
            # Plain data may name the source system of a measurable criterion (the DTI fixtures):
            # it goes in a note on the code cell, the flag in its column.
            if isinstance(row.get("measurable"), str) and row["measurable"]:
                sheet.cell(row=number, column=1).comment = Comment(
                    f"Đo được: số liệu có sẵn trong {row['measurable']}.", self._creator()
                )
        # Eighteen columns do not fit one page across at a readable size: three pages, the
        # code column repeated on each.
        workbooks.setup_page(sheet, header_columns="A:A", fit_width=3)

        info = workbook.create_sheet(INFO_SHEET)
        for key, label in INFO_ROWS:
            value = data.get(key, "")
            if key in ("scale_max", "deduction_floor"):
                value = Decimal(value)
            info.append([label, workbooks.cell_value(value)])
            workbooks.style_body(info[info.max_row])
            info.cell(row=info.max_row, column=1).font = workbooks.font(bold=True)
            if isinstance(value, Decimal):
                info.cell(row=info.max_row, column=2).number_format = "0.00"
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 60
        workbooks.fit_row_heights(info)
        workbooks.setup_page(info, header_rows=None, landscape=False)

        guide = workbook.create_sheet(GUIDE_SHEET)
        for label, text in GUIDE:
            guide.append([label, text])
            workbooks.style_body(guide[guide.max_row], border=False)
            guide.cell(row=guide.max_row, column=1).font = workbooks.font(bold=True)
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 60
        workbooks.fit_row_heights(guide)
        workbooks.setup_page(guide, header_rows=None, landscape=False)
        guide.print_area = f"A1:{get_column_letter(2)}{guide.max_row}"
        return workbooks.to_bytes(workbook)
