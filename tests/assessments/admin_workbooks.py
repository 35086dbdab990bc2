"""Workbooks as an administrator would edit them: exported by the product, changed with
openpyxl, saved back to bytes."""

import io

from openpyxl import Workbook, load_workbook

from assessments.exports.criteria_xlsx import CriteriaTableExport


def edited(content: bytes, change) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_workbook(table, change=None) -> bytes:
    content = CriteriaTableExport(table).render()
    return edited(content, change) if change else content


def row_of(sheet, code) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise KeyError(code)


def simple_workbook(sheet_name: str, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
