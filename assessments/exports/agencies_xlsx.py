"""Agencies and officer accounts as Excel workbooks, in the format their imports read back."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from assessments.enums import Role
from assessments.exports.base import XLSX_CONTENT_TYPE, Export, write_row
from assessments.exports.criteria_xlsx import NO, YES
from assessments.models import Agency, User


def _workbook(title: str, headers: list[str], rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    write_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        write_row(sheet, values, number_format="0")
    for index in range(len(headers)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 28
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class AgenciesExport(Export):
    """Every agency (active or not), or with `template=True` only the header row."""

    filename = "co-quan-don-vi.xlsx"
    content_type = XLSX_CONTENT_TYPE

    def __init__(self, *, template: bool = False):
        self.template = template

    def rows(self):
        if self.template:
            return
        for agency in Agency.objects.select_related("kind"):
            yield [
                agency.code,
                agency.name,
                agency.short_name,
                agency.kind.code,
                agency.email,
                agency.order,
                YES if agency.is_active else NO,
            ]

    def render(self) -> bytes:
        from assessments.imports import AGENCY_COLUMNS, AGENCY_SHEET

        return _workbook(AGENCY_SHEET, [c.header for c in AGENCY_COLUMNS], self.rows())


class AccountsExport(Export):
    """Officer accounts (never a password), or with `template=True` only the header row."""

    filename = "tai-khoan-can-bo.xlsx"
    content_type = XLSX_CONTENT_TYPE

    def __init__(self, *, template: bool = False):
        self.template = template

    def rows(self):
        if self.template:
            return
        users = User.objects.filter(role=Role.OFFICER).select_related("agency")
        for user in users.order_by("agency__name", "username"):
            yield [
                user.username,
                user.last_name,
                user.first_name,
                user.email,
                user.agency.code,
                user.job_title,
                user.phone,
            ]

    def render(self) -> bytes:
        from assessments.imports import ACCOUNT_COLUMNS, ACCOUNT_SHEET

        return _workbook(ACCOUNT_SHEET, [c.header for c in ACCOUNT_COLUMNS], self.rows())
