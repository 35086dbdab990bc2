"""What every export shares (pretix exporter style): a filename, a content type, and bytes.

Views only wrap `render()` in a response; management commands write it to a file.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
