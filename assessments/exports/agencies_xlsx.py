"""Agencies and officer accounts as Excel workbooks, in the format their imports read back.
The layouts live in `assessments.workbooks`."""

from assessments import workbooks
from assessments.enums import AgencyChangeKind, Role
from assessments.exports.base import XLSX_CONTENT_TYPE, Export
from assessments.models import Agency, AgencyChange, AgencyKind, User
from assessments.workbooks import (
    ACCOUNT_COLUMNS,
    ACCOUNT_SHEET,
    AGENCY_CHANGE_COLUMNS,
    AGENCY_CHANGE_SHEET,
    AGENCY_COLUMNS,
    AGENCY_SHEET,
    KIND_COLUMNS,
    KIND_SHEET,
    NO,
    YES,
)


def _workbook(title: str, sheet_name: str, columns, rows) -> bytes:
    workbook = workbooks.new_workbook()
    workbooks.set_properties(workbook, title=title, creator=workbooks.department_name())
    sheet = workbook.active
    sheet.title = sheet_name
    workbooks.write_table(sheet, columns, rows)
    workbooks.setup_page(sheet)
    return workbooks.to_bytes(workbook)


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

    def kind_rows(self):
        if self.template:
            return
        for kind in AgencyKind.objects.all():
            yield [
                kind.code,
                kind.name,
                kind.appendix_label,
                kind.order,
                YES if kind.is_active else NO,
            ]

    def render(self) -> bytes:
        # The kinds sheet comes second: the agencies stay the first sheet a person opens, and
        # the import reads both back (a new kind and its agencies from one workbook).
        workbook = workbooks.new_workbook()
        workbooks.set_properties(
            workbook, title="Danh sách cơ quan, đơn vị", creator=workbooks.department_name()
        )
        sheets = (
            (workbook.active, AGENCY_SHEET, AGENCY_COLUMNS, self.rows()),
            (workbook.create_sheet(), KIND_SHEET, KIND_COLUMNS, self.kind_rows()),
        )
        for sheet, name, columns, rows in sheets:
            sheet.title = name
            workbooks.write_table(sheet, columns, rows)
            workbooks.setup_page(sheet)
        return workbooks.to_bytes(workbook)


class AgencyChangesExport(Export):
    """Every recorded rename, merge and split in the order they took effect (the layout its
    import reads back), or with `template=True` only the header row."""

    filename = "thay-doi-co-quan.xlsx"
    content_type = XLSX_CONTENT_TYPE

    def __init__(self, *, template: bool = False):
        self.template = template

    def rows(self):
        if self.template:
            return
        changes = AgencyChange.objects.prefetch_related("predecessors", "successors")
        for change in changes:
            predecessors = [agency.code for agency in change.predecessors.all()]
            successors = [agency.code for agency in change.successors.all()]
            yield [
                str(change.get_kind_display()),
                f"{change.effective_date:%d/%m/%Y}",
                ", ".join(sorted(predecessors)),
                "" if change.kind == AgencyChangeKind.RENAME else ", ".join(sorted(successors)),
                change.new_name,
                change.decision,
            ]

    def render(self) -> bytes:
        return _workbook(
            "Đổi tên, hợp nhất, chia tách cơ quan, đơn vị",
            AGENCY_CHANGE_SHEET,
            AGENCY_CHANGE_COLUMNS,
            self.rows(),
        )


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
        return _workbook(
            "Danh sách tài khoản cán bộ đầu mối", ACCOUNT_SHEET, ACCOUNT_COLUMNS, self.rows()
        )
