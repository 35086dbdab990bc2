import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray

from assessments.exports.base import neutralise
from assessments.workbooks import FONT_NAME, CellStyle, SheetStream, StyleBook


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Sở Tài chính", "Sở Tài chính"),
        (Decimal("-0.25"), Decimal("-0.25")),
        (None, None),
    ],
)
def test_neutralise_turns_formula_text_into_plain_text(value, expected):
    assert neutralise(value) == expected


def test_streamed_rows_read_back_as_text_and_two_decimal_numbers():
    workbook = Workbook(write_only=True)
    styles = StyleBook(
        workbook,
        {"text": CellStyle(), "points": CellStyle(number_format="0.00", horizontal="right")},
        font_name=FONT_NAME,
    )
    out = SheetStream(workbook.create_sheet("Thử"), styles, widths=[20, 10])
    out.append(["=1+1", Decimal("2.5")], ["text", "points"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A1"].value == "'=1+1"
    assert sheet["A1"].data_type == "s"
    assert sheet["B1"].value == 2.5
    assert sheet["B1"].number_format == "0.00"
    assert sheet["A1"].font.name == FONT_NAME
    assert sheet["A1"].border.left.style == "thin"


TEST_STYLES = {
    "text": CellStyle(),
    "bold": CellStyle(bold=True, fill="DDE7F3", horizontal="center"),
    "points": CellStyle(number_format="0.00"),
}
# (values, styles, height): text to escape, formula-like and error-like text, spaces kept, a
# carriage return, a control character, text past Excel's limit, empty and unstyled cells,
# numbers of each kind, and values openpyxl writes itself (a date, a truth value).
ROWS = [
    (["Sở Tài chính & <Kế hoạch>", None, "", "không kiểu"], ["bold", "text", "text", None], None),
    (["=SUM(A1)", "  lề trắng  ", "#N/A", "-5"], "text", 30),
    ([1, Decimal("2.50"), Decimal("-0.125"), 3.75, Decimal("1E+2")], "points", None),
    (["dòng 1\r\ndòng 2", "\x01ký tự điều khiển", "x" * 40_000], "text", 45.5),
    ([dt.date(2022, 11, 4), True, dt.datetime(2022, 11, 4, 8, 30)], "text", None),
]


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_and_styles(content: bytes) -> tuple[bytes, bytes]:
    """The sheet's XML in canonical form (an empty element is written either way) and the
    styles."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
        styles = archive.read("xl/styles.xml")
    return etree.tostring(etree.fromstring(sheet), method="c14n"), styles


def _streamed():
    workbook = Workbook(write_only=True)
    styles = StyleBook(workbook, TEST_STYLES, font_name=FONT_NAME)
    out = SheetStream(workbook.create_sheet("Thử"), styles, widths=[20, 10])
    for values, names, height in ROWS:
        out.append(values, names, height=height)
    out.blank()
    out.merge(1, 1, 2)
    return _saved(workbook)


def _openpyxl_cells():
    workbook = Workbook(write_only=True)
    styles = StyleBook(workbook, TEST_STYLES, font_name=FONT_NAME)
    sheet = workbook.create_sheet("Thử")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 20, 10
    for number, (values, names, height) in enumerate(ROWS, start=1):
        if isinstance(names, str):
            names = [names] * len(values)
        if height:
            sheet.row_dimensions[number].height = height
        cells = []
        for value, name in zip(values, names, strict=True):
            cell = None
            if name is not None:
                cell = WriteOnlyCell(sheet)
                cell._style = StyleArray(styles.registered(name)[0])
                cell.value = (neutralise(value) or None) if isinstance(value, str) else value
            cells.append(cell)
        sheet.append(cells)
    sheet.append([])
    sheet.merged_cells.add("A1:B1")
    return _saved(workbook)


def test_streamed_rows_are_the_xml_openpyxl_writes_for_the_same_cells():
    """SheetStream writes a row's XML itself (issue 13: openpyxl's cell writer cost more than
    reading the data); it is the XML openpyxl writes for the same styled cells."""
    streamed = _streamed()
    assert _sheet_and_styles(streamed) == _sheet_and_styles(_openpyxl_cells())
    sheet = load_workbook(io.BytesIO(streamed)).active
    assert sheet["A2"].value == "'=SUM(A1)"
    assert sheet["B2"].value == "  lề trắng  "
    assert sheet["A4"].value == "dòng 1\r\ndòng 2"
    assert len(sheet["C4"].value) == 32_767
    assert sheet["A5"].value == dt.datetime(2022, 11, 4)
    assert sheet["A5"].number_format == "yyyy-mm-dd"
    assert sheet.row_dimensions[4].height == 45.5
