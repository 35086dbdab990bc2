"""What every export shares (pretix exporter style): a filename, a content type, and bytes.

Views only wrap `render()` in a response; management commands write it to a file.
"""

from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

# A cell whose text starts with one of these is run as a formula by Excel/LibreOffice
# (CSV/formula injection, OWASP). Tab and carriage return start one after a paste.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
ZIP_CONTENT_TYPE = "application/zip"


def neutralise(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe, which
    Excel and LibreOffice show as plain text. Numbers (Decimal points, negative deductions) are
    left as numbers. Control characters of legacy data (a name pasted before input refused
    them) are removed: openpyxl refuses to write them and the export would fail."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


class Export:
    filename: str = "export"
    content_type: str = "application/octet-stream"

    def render(self) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


def write_row(sheet: Worksheet, values, *, number_format: str = "0.00") -> int:
    """Append a row with every text cell neutralised and Decimals shown with two decimals.
    Returns the row number."""
    sheet.append([neutralise(value) for value in values])
    row = sheet.max_row
    for cell in sheet[row]:
        if isinstance(cell.value, Decimal | float):
            cell.number_format = number_format
    return row


def setup_print(sheet: Worksheet, *, header_rows: str | None = None, landscape: bool = True):
    """A4, fit to width, repeated header rows: ready to print as the Department's staff expect."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        sheet.print_title_rows = header_rows
