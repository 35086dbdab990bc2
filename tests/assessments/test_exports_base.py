import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

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
