"""What every export shares (pretix exporter style): a filename, a content type, and bytes.

Views only wrap `render()` in a response; management commands write it to a file.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
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
    Returns the row number. Constant time per row: the row just appended is addressed by its
    number, never found again through `max_row` (which scans every cell of the sheet)."""
    values = [neutralise(value) for value in values]
    sheet.append(values)
    row = sheet._current_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, Decimal | float):
            sheet.cell(row=row, column=column).number_format = number_format
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


# Streaming (write-only) sheets. A style is built once per workbook and shared by every cell
# that uses it, so a cell costs what openpyxl's bare write-only cell costs.

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class CellStyle:
    """How a kind of cell looks. `wrap` cells grow their row to fit the text (LibreOffice and
    Excel do not measure a row written by a program: without a height the text overlaps)."""

    size: float = 10
    bold: bool = False
    italic: bool = False
    fill: str | None = None
    horizontal: str | None = None
    vertical: str = "top"
    wrap: bool = False
    border: bool = True
    number_format: str = "General"


class StyleBook:
    """A workbook's named cell styles in one font family, each registered with the workbook
    once, when first used."""

    def __init__(self, workbook, styles: dict[str, CellStyle], *, font_name: str):
        # The workbook's default font (the “Normal” style, font 0) is the same family: column
        # widths are counted in its digits, and an empty cell or a printed header uses it. Left
        # at openpyxl's Calibri, LibreOffice measured widths with a wider substitute and shrank
        # every page, and Excel and LibreOffice disagreed on how many columns fit a page.
        workbook._fonts = IndexedList([Font(name=font_name, size=11, family=1)])
        self.workbook = workbook
        self.styles = styles
        self.font_name = font_name
        self.wrapping = {name for name, style in styles.items() if style.wrap}
        self._registered = {}

    def registered(self, name: str):
        if name not in self._registered:
            style = self.styles[name]
            # Style setters register fonts, borders… with cell.parent.parent, the workbook.
            cell = Cell(SimpleNamespace(parent=self.workbook), 1, 1)
            cell.font = Font(
                name=self.font_name, size=style.size, bold=style.bold, italic=style.italic
            )
            cell.alignment = Alignment(
                horizontal=style.horizontal, vertical=style.vertical, wrap_text=style.wrap
            )
            if style.border:
                cell.border = BOX
            if style.fill:
                cell.fill = PatternFill("solid", fgColor=style.fill)
            cell.number_format = style.number_format
            array = StyleArray(cell._style)
            self._registered[name] = (array, self.workbook._cell_styles.add(array))
        return self._registered[name]


class _StyledCell(Cell):
    """A cell whose style is registered once per style, not looked up again for every cell."""

    __slots__ = ("_style_id",)

    @property
    def style_id(self):
        return self._style_id


class SheetStream:
    """Rows appended to a write-only sheet, one after another, with named styles; tracks the row
    number, sets each row's height from its wrapped text before the row is written, and
    neutralises formula-like text.

    Speed: openpyxl writes a row's cells one at a time as they are yielded, so one cell object
    per style is refilled for every value (what openpyxl's own write-only rows do with one
    unstyled cell), and its style is registered once."""

    def __init__(self, sheet, styles: "StyleBook", *, widths):
        self.sheet = sheet
        self.styles = styles
        self.widths = list(widths)
        self.row = 0
        self._cells = {}
        # The rows handed to the sheet are (value, style) pairs turned into cells as they are
        # written (openpyxl's own conversion would try each cell as a value and copy it).
        sheet._values_to_row = self._placed
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    def _cell(self, name: str) -> "_StyledCell":
        cell = self._cells.get(name)
        if cell is None:
            array, style_id = self.styles.registered(name)
            cell = self._cells[name] = _StyledCell(self.sheet, 1, 1, style_array=array)
            cell._style_id = style_id
        return cell

    def append(self, values, styles, *, height: float | None = None) -> int:
        """Write one row: `styles` is one style name for every cell or one name per cell (None:
        an empty unstyled cell). Returns the row number."""
        if isinstance(styles, str):
            styles = [styles] * len(values)
        self.row += 1
        if height is None:
            height = self._height(values, styles)
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(list(zip(values, styles, strict=True)))
        return self.row

    def _height(self, values, styles) -> float | None:
        """The height wrapped text needs, or None when every cell fits on one line."""
        wrapping = self.styles.wrapping
        lines, size = 1, 0
        for column, value in enumerate(values):
            name = styles[column]
            if value.__class__ is str and name in wrapping and column < len(self.widths):
                style = self.styles.styles[name]
                count = line_count(value, self.widths[column], style.size)
                if count > 1:
                    lines, size = max(lines, count), max(size, style.size)
        return lines * size * 1.25 + 4 if lines > 1 else None

    def _placed(self, pairs, row):
        cells = self._cells
        for column, (value, name) in enumerate(pairs, start=1):
            if name is None:
                continue
            cell = cells.get(name) or self._cell(name)
            if value.__class__ is str:
                value = neutralise(value) if value else None
            cell.value = value
            cell.column, cell.row = column, row
            yield cell

    def blank(self) -> int:
        self.row += 1
        self.sheet.append([])
        return self.row

    def merge(self, row: int, first: int, last: int, *, to_row: int | None = None) -> None:
        self.sheet.merged_cells.add(
            f"{get_column_letter(first)}{row}:{get_column_letter(last)}{to_row or row}"
        )


def line_count(text: str, width: float, size: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide at `size` pt. A column
    width counts digits of the default 11 pt font (7 px); a serif letter at `size` pt is about
    half its size wide, i.e. 0.67 × size px. Each paragraph (line break) wraps on its own."""
    per_line = max(int(width * 7 / (0.67 * size)) - 1, 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))
