"""The one home of every administration workbook: sheet names, columns, styles, print set-up,
and the bounded reader the imports use.

`imports` (reading) and `exports` (writing) both import this module and never each other.

Shared look (for every workbook the portal writes, the consolidated results included):

* ``FONT_NAME``/``FONT_SIZE`` and ``font(bold=False, italic=False, size=FONT_SIZE)``: one
  font family everywhere;
* ``THIN_BORDER``; ``style_header(cells)`` (bold, fill, border, centred, wrapped) and
  ``style_body(cells, border=True)`` (font, border, wrapped, top-aligned);
* ``setup_page(sheet, header_rows="1:1", header_columns=None, landscape=True, fit_width=1)``:
  A4, fitted to ``fit_width`` pages across and as many down as needed, header rows (and
  columns) repeated, margins, “Trang n/N” footer in the same font;
* ``fit_row_heights(sheet, first_row=1)``: row heights for wrapped text (LibreOffice and
  Excel print a wrapped cell over the next row otherwise);
* ``set_properties(workbook, title=..., creator=...)`` (creator: the evaluating department,
  ``department_name()`` when no period is at hand); ``to_bytes(workbook)``;
* ``cell_value(value)``: text neutralised against formulas, control characters removed;
* ``Column`` and ``write_table(sheet, columns, rows)``: header plus rows with all of the above.

Reading (``open_upload``) never hands a file to a full parser: the zip directory is checked
first (number of parts, declared uncompressed size; ``zipfile`` never inflates a part beyond
its declared size), the sheet is streamed element by element, ``<dimension>`` is ignored, and
every row number counts towards the row cap, empty or not. Broken XML or zip data becomes a
``WorkbookError`` with a Vietnamese sentence, never an exception a view does not expect.
"""

import io
import json
import math
import posixpath
import re
import shutil
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import groupby
from types import SimpleNamespace
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.functions import tostring

from assessments.criteria_io import CriteriaImportError
from assessments.exports.base import FORMULA_PREFIXES, neutralise  # shared with every export
from assessments.models import Period

# --- Text ------------------------------------------------------------------------------------

# C0 and C1 control characters (tab, line feed and carriage return are ordinary in a cell) and
# the characters XML 1.0 cannot hold: a name holding one breaks every workbook it is written to.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def validate_no_control_characters(value) -> None:
    """Django validator for every field where a person types a name or a text."""
    if isinstance(value, str) and has_control_characters(value):
        character = CONTROL_CHARACTERS.search(value).group()
        raise ValidationError(
            "Có ký tự điều khiển không in được (mã U+%(code)04X); hãy gõ lại nội dung này.",
            code="control_character",
            params={"code": ord(character)},
        )


def cell_value(value):
    """What a cell holds: formula-like text is prefixed with an apostrophe (shown as plain text
    by Excel and LibreOffice) and control characters of legacy data are removed."""
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


# --- Styles and print set-up -----------------------------------------------------------------

FONT_NAME = "Times New Roman"
FONT_SIZE = 11
LINE_HEIGHT = 15  # points per line of FONT_SIZE text, leading included
THIN = Side(style="thin", color="000000")
THIN_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")


def font(*, bold: bool = False, italic: bool = False, size: int = FONT_SIZE) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def style_header(cells) -> None:
    for cell in cells:
        cell.font = font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = THIN_BORDER
        cell.alignment = HEADER_ALIGNMENT


def style_body(cells, *, border: bool = True) -> None:
    for cell in cells:
        cell.font = font()
        cell.alignment = WRAP_TOP
        if border:
            cell.border = THIN_BORDER


def setup_page(
    sheet,
    *,
    header_rows: str | None = "1:1",
    header_columns: str | None = None,
    landscape: bool = True,
    fit_width: int = 1,
) -> None:
    """A4, fitted to `fit_width` pages across (as many down as needed), header rows repeated
    on every page, narrow margins, page number in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = fit_width
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT_NAME
    sheet.oddFooter.center.size = FONT_SIZE
    if header_rows:
        sheet.print_title_rows = header_rows
    if header_columns:
        sheet.print_title_cols = header_columns


def _lines(text: str, width: float) -> int:
    # A column of width w holds about w characters of the default font; Vietnamese letters
    # with marks are no wider. One line more than the estimate would be too much for short
    # cells, so long lines are rounded up only.
    per_line = max(int(width * 1.15), 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))


def fit_row_heights(sheet, *, first_row: int = 1) -> None:
    """Give each row the height its wrapped text needs (neither LibreOffice nor Excel grows a
    row for wrapped text written by a program)."""
    widths = {}
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            letter = cell.column_letter
            if letter not in widths:
                widths[letter] = sheet.column_dimensions[letter].width or 8.43
            lines = max(lines, _lines(str(cell.value), widths[letter]))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = lines * LINE_HEIGHT + 3


def set_properties(workbook, *, title: str, creator: str) -> None:
    workbook.properties.title = title
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = creator
    workbook.properties.language = "vi-VN"


def department_name() -> str:
    """The evaluating department (of the latest period): the author of what the portal writes."""
    period = Period.objects.select_related("evaluating_agency").order_by("-year").first()
    if period is None:
        return settings.PORTAL_OWNER
    return period.evaluating_agency.name


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Layouts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    width: float = 20
    number_format: str | None = None


def write_table(sheet, columns, rows) -> None:
    """Header row and data rows with the shared styles, column widths and row heights."""
    sheet.append([column.header for column in columns])
    style_header(sheet[1])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for values in rows:
        sheet.append([cell_value(value) for value in values])
        cells = sheet[sheet.max_row]
        style_body(cells)
        for cell, column in zip(cells, columns, strict=False):
            if column.number_format and isinstance(cell.value, int | float | Decimal):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    fit_row_heights(sheet)


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.active.sheet_view.zoomScale = 100
    return workbook


YES, NO = "Có", "Không"

# Criteria tables: “Tiêu chí” (one row per group or criterion), “Thông tin” (label, title,
# scale), “Hướng dẫn” (what each column means). Rule parameters have readable columns; what
# they cannot hold goes to “Tham số khác (JSON)”.
CRITERIA_SHEET = "Tiêu chí"
INFO_SHEET = "Thông tin"
GUIDE_SHEET = "Hướng dẫn"

CRITERIA_COLUMNS = (
    Column("code", "Mã", True, 7),
    Column("parent", "Nhóm cha", True, 7),
    Column("title", "Nội dung tiêu chí", True, 42),
    Column("rule", "Cách tính điểm", True, 11),
    Column("maximum", "Điểm tối đa", True, 8, "0.00"),
    Column("numerator_label", "Tên tử số", False, 18),
    Column("denominator_label", "Tên mẫu số", False, 18),
    Column("unit_label", "Đơn vị đếm", False, 9),
    Column("tiers", "Mức theo tỷ lệ (ngưỡng %: điểm)", False, 13),
    Column("options", "Lựa chọn (mã | nội dung | điểm)", False, 34),
    Column("list", "Danh mục (mỗi dòng một mục)", False, 22),
    Column("per_unit", "Điểm mỗi mục hoặc mỗi vi phạm", False, 9),
    Column("cap", "Mức trần", False, 8),
    Column("other_params", "Tham số khác (JSON)", False, 12),
    Column("guidance", "Hướng dẫn chấm", False, 26),
    Column("evidence_expected", "Tài liệu kiểm chứng", False, 24),
    Column("allow_not_applicable", "Cho phép không áp dụng", False, 9),
    Column("requires_evidence", "Bắt buộc tài liệu kiểm chứng", False, 9),
    Column("measurable", "Đo tự động (điền sẵn)", False, 9),
)
PARAM_KEYS = (
    "numerator_label",
    "denominator_label",
    "unit_label",
    "tiers",
    "options",
    "list",
    "per_unit",
    "cap",
    "other_params",
)

# (key, label) of the “Thông tin” sheet.
INFO_ROWS = (
    ("label", "Phụ lục"),
    ("title", "Tên bảng tiêu chí"),
    ("scale_max", "Điểm tối đa của bảng"),
    ("deduction_floor", "Tổng điểm trừ tối đa"),
    ("source", "Nguồn"),
)

# Every row is a sentence in column B: a number or a minus sign alone in a cell would print as
# a stray figure on a page of its own.
GUIDE = [
    ("Cách điền bảng tiêu chí", ""),
    (
        "Trang “Tiêu chí”",
        "Mỗi dòng là một nhóm (I, II, …) hoặc một tiêu chí (I.1, …), theo đúng thứ tự hiển thị. "
        "Nhóm có thể nằm trong nhóm khác, bao nhiêu cấp cũng được (trụ cột → chỉ số chính → "
        "chỉ số thành phần → tiêu chí). "
        "Không đổi tên cột; dòng trống được bỏ qua nhưng vẫn được tính vào giới hạn 2.000 dòng. "
        "Công thức không được tính: hãy nhập giá trị.",
    ),
    ("Mã", "Bắt buộc, không trùng trong bảng. Ví dụ: I, I.1, Đ.2."),
    (
        "Nhóm cha",
        "Mã nhóm chứa dòng này; dòng nhóm cha phải đứng trước. Để trống với nhóm cấp cao nhất "
        "(và với tiêu chí không thuộc nhóm nào). Nhóm điểm trừ luôn ở cấp cao nhất.",
    ),
    ("Nội dung tiêu chí", "Bắt buộc."),
    (
        "Cách tính điểm",
        "Để trống với dòng nhóm. Với tiêu chí: Có/Không, Tỷ lệ, Theo mức, Đếm số lượng, "
        "Điểm trừ, So với đơn vị cao nhất, So với trung bình (hoặc mã yes_no, ratio, tiers, "
        "count, deduction, relative_best, relative_average). Hai cách cuối tính điểm khi chốt "
        "kỳ, so với các đơn vị khác; “Tham số khác (JSON)” có thể ghi "
        '{"value_label": "tên giá trị nhập", "scope": "kind"} (trong khối) hoặc '
        '"province" (toàn tỉnh).',
    ),
    (
        "Điểm tối đa",
        "Số, dấu phẩy hoặc dấu chấm thập phân (0,30). Nhóm điểm trừ để trống; tiêu chí điểm trừ "
        "là số âm (mức trừ tối đa). Ở mọi cấp, tổng điểm tối đa các dòng con (nhóm con và tiêu "
        "chí) của một nhóm phải bằng điểm tối đa của nhóm; tổng điểm tối đa các nhóm cộng điểm "
        "cấp cao nhất phải bằng điểm tối đa của bảng (mặc định 3,00).",
    ),
    (
        "Tên tử số, Tên mẫu số",
        "Cách tính Tỷ lệ hoặc Theo mức tỷ lệ: tên hai số cơ quan nhập. Ví dụ: “Số văn bản ký "
        "số” và “Tổng số văn bản”.",
    ),
    ("Đơn vị đếm", "Cách tính Tỷ lệ, Đếm số lượng, Điểm trừ: ví dụ “quy chế”, “sự cố”."),
    (
        "Mức theo tỷ lệ",
        "Cách tính Theo mức, mỗi dòng một mức “ngưỡng %: điểm”, mức cao trước. Ví dụ hai dòng "
        "“90: 0,40” và “70: 0,25”.",
    ),
    (
        "Lựa chọn",
        "Cách tính Theo mức, mỗi dòng một lựa chọn “mã | nội dung | điểm”. Ví dụ "
        "“day-du | Đầy đủ | 0,15” và “chua | Chưa có | 0”.",
    ),
    (
        "Danh mục",
        "Cách tính Tỷ lệ (danh mục cần có) hoặc Đếm số lượng (những gì được đếm), mỗi dòng một "
        "mục.",
    ),
    (
        "Điểm mỗi mục hoặc mỗi vi phạm",
        "Cách tính Đếm số lượng: điểm mỗi mục. Cách tính Điểm trừ: điểm trừ mỗi vi phạm.",
    ),
    ("Mức trần", "Cách tính Đếm số lượng: điểm tối đa cộng được (không bắt buộc)."),
    (
        "Tham số khác (JSON)",
        'Tham số không có cột riêng, viết theo JSON, ví dụ {"label_yes": "Đã ban hành"}. '
        "Thường để trống.",
    ),
    ("Hướng dẫn chấm", "Không bắt buộc."),
    ("Tài liệu kiểm chứng", "Không bắt buộc: tài liệu cơ quan cần đính kèm hoặc trích dẫn."),
    ("Cho phép không áp dụng", "Có hoặc Không (mặc định Không)."),
    ("Bắt buộc tài liệu kiểm chứng", "Có hoặc Không (mặc định Có)."),
    (
        "Đo tự động (điền sẵn)",
        "Có hoặc Không (mặc định Không). Có: Sở nhập sẵn số liệu của từng cơ quan từ hệ thống "
        "của tỉnh; cơ quan xác nhận hoặc nhập số liệu của mình kèm giải trình.",
    ),
    (
        "Trang “Thông tin”",
        "Phụ lục (phải đúng phụ lục của loại cơ quan được chọn khi nhập), tên bảng, điểm tối "
        "đa của bảng (mặc định ba điểm), tổng điểm trừ tối đa (số âm, mặc định trừ một điểm), "
        "nguồn (văn bản ban hành).",
    ),
    (
        "Khi nhập",
        "Toàn bộ tệp được kiểm tra trước; nếu có lỗi, không dữ liệu nào được ghi và mọi lỗi "
        "được liệt kê theo dòng và cột. Bảng tiêu chí đã có hồ sơ tự đánh giá không thể thay "
        "thế: hãy sửa bảng của kỳ mới.",
    ),
]

AGENCY_SHEET = "Cơ quan, đơn vị"
AGENCY_COLUMNS = (
    Column("code", "Mã", width=24),
    Column("name", "Tên cơ quan, đơn vị", width=40),
    Column("short_name", "Tên viết tắt", required=False, width=12),
    Column("kind", "Mã loại", width=16),
    Column("email", "Thư điện tử", required=False, width=24),
    Column("order", "Thứ tự", required=False, width=7, number_format="0"),
    Column("is_active", "Đang hoạt động", required=False, width=9),
)
# Optional beside the agencies: the kinds they belong to, so a new province list (communes and
# wards, a new kind) is set up from one workbook.
KIND_SHEET = "Loại cơ quan, đơn vị"
KIND_COLUMNS = (
    Column("code", "Mã loại", width=18),
    Column("name", "Tên loại", width=40),
    Column("appendix_label", "Phụ lục", width=12),
    Column("order", "Thứ tự", required=False, width=7, number_format="0"),
    Column("is_active", "Đang sử dụng", required=False, width=9),
)
# Renames, merges and splits, one row per change, applied in row order (assessments.lineage).
AGENCY_CHANGE_SHEET = "Thay đổi cơ quan"
AGENCY_CHANGE_COLUMNS = (
    Column("kind", "Loại thay đổi", width=14),
    Column("effective_date", "Ngày hiệu lực", width=12),
    Column("predecessors", "Mã cơ quan trước thay đổi", width=36),
    Column("successors", "Mã cơ quan sau thay đổi", required=False, width=36),
    Column("new_name", "Tên mới", required=False, width=30),
    Column("decision", "Căn cứ, quyết định", width=40),
)
ACCOUNT_SHEET = "Tài khoản"
ACCOUNT_COLUMNS = (
    Column("username", "Tên đăng nhập", width=20),
    Column("last_name", "Họ và tên đệm", width=16),
    Column("first_name", "Tên", width=12),
    Column("email", "Thư điện tử", width=28),
    Column("agency", "Mã cơ quan", width=24),
    Column("job_title", "Chức vụ", required=False, width=20),
    Column("phone", "Điện thoại", required=False, width=13),
)


# Facts prefilled from the province's systems: one row per agency and measurable criterion.
# The two “(để đọc)” columns help the person filling the sheet and are not read back.
PREFILL_SHEET = "Số liệu điền sẵn"
PREFILL_COLUMNS = (
    Column("agency", "Mã cơ quan", width=22),
    Column("agency_name", "Tên cơ quan (để đọc)", required=False, width=30),
    Column("criterion", "Mã tiêu chí", width=9),
    Column("criterion_title", "Nội dung tiêu chí (để đọc)", required=False, width=36),
    Column("value", "Giá trị", required=False, width=14),
    Column("numerator", "Tử số", required=False, width=11),
    Column("denominator", "Mẫu số", required=False, width=11),
    Column("source", "Hệ thống nguồn", width=30),
    Column("as_of", "Ngày lấy số liệu", width=12, number_format="DD/MM/YYYY"),
)
PREFILL_GUIDE = [
    ("Cách điền số liệu điền sẵn", ""),
    (
        "Trang “Số liệu điền sẵn”",
        "Mỗi dòng là số liệu của một cơ quan cho một tiêu chí đo tự động, lấy từ hệ thống của "
        "tỉnh. Tệp mẫu đã liệt kê sẵn mọi cặp cơ quan và tiêu chí; dòng để trống giá trị được "
        "bỏ qua. Không đổi tên cột.",
    ),
    ("Mã cơ quan", "Bắt buộc: mã cơ quan, đơn vị như trên cổng."),
    (
        "Mã tiêu chí",
        "Bắt buộc: mã tiêu chí trong bảng tiêu chí của loại cơ quan đó, đã đánh dấu “Đo tự "
        "động (điền sẵn)”.",
    ),
    (
        "Giá trị",
        "Theo cách tính điểm của tiêu chí: Có/Không: ghi Có hoặc Không; Đếm số lượng: một số; "
        "Theo mức có lựa chọn: mã lựa chọn; Danh mục: số thứ tự các mục đạt, ví dụ “1; 3”; Tỷ "
        "lệ: tỷ lệ % nếu không ghi tử số và mẫu số.",
    ),
    ("Tử số, Mẫu số", "Tiêu chí tính theo tỷ lệ: hai số, ví dụ 1.234 và 1.300."),
    (
        "Hệ thống nguồn",
        "Bắt buộc: hệ thống lấy số liệu, ví dụ “Hệ thống quản lý văn bản và điều hành”, “Cổng "
        "dịch vụ công”.",
    ),
    ("Ngày lấy số liệu", "Bắt buộc: ngày/tháng/năm, ví dụ 15/10/2025."),
    (
        "Khi nhập",
        "Toàn bộ tệp được kiểm tra trước; nếu có lỗi, không dữ liệu nào được ghi và mọi lỗi "
        "được liệt kê theo dòng và cột. Nhập lại thay số liệu cũ của cùng cơ quan và tiêu chí. "
        "Phiếu đang soạn nhận số liệu ở tiêu chí cơ quan chưa trả lời; số liệu cơ quan đã nhập "
        "không bị ghi đè.",
    ),
]

# --- Reading ---------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # data rows, header excluded; empty rows count
MAX_COLUMNS = 50  # the widest layout has 18 columns
MAX_PARTS = 200
# A 2,000-row accounts workbook written by Excel or LibreOffice is about 1 MB unpacked. Reading
# is linear in the unpacked size (about 2 s for 4 MB on a busy two-core server), so 4 MB keeps
# every upload well within 10 s while leaving room for a logo and Excel's styles.
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024

UNREADABLE = "Không đọc được tệp: hãy chọn tệp Excel .xlsx (tải mẫu từ trang này)."
DAMAGED = (
    "Tệp Excel bị hỏng hoặc không đầy đủ (nội dung không đọc được). Hãy mở tệp bằng Excel "
    "hoặc LibreOffice, lưu lại thành .xlsx rồi tải lên lại."
)


# What a truncated or hand-edited part raises while it is read.
DAMAGE_ERRORS = (
    ParseError,
    DefusedXmlException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    OSError,
)


class WorkbookError(CriteriaImportError):
    """Every problem found in a workbook, each a Vietnamese sentence naming row and column."""


class UnreadableWorkbook(WorkbookError):
    """The file itself is refused (too large, not an .xlsx, damaged, too many rows or
    columns): one sentence that belongs next to the file field."""


EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as _xHHHH_ (ECMA-376 ST_Xstring)."""
    return EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _number(text: str):
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    return number


class UploadedWorkbook:
    """An uploaded .xlsx checked from its zip directory, read one sheet row at a time."""

    def __init__(self, content: bytes):
        if len(content) > MAX_UPLOAD_BYTES:
            size = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
            raise UnreadableWorkbook([f"Tệp quá lớn ({size} MB); tối đa 5 MB."])
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            parts = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise UnreadableWorkbook([UNREADABLE]) from None
        if len(parts) > MAX_PARTS:
            raise UnreadableWorkbook([f"Tệp có quá nhiều thành phần ({len(parts)}); không đọc."])
        if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableWorkbook(
                [
                    "Tệp chứa quá nhiều dữ liệu khi giải nén (trên "
                    f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB); không đọc. Hãy chỉ giữ các "
                    "trang cần nhập."
                ]
            )
        self.names = {part.filename for part in parts}
        with self._reading():
            self.sheets = self._sheets()
            self.shared_strings = self._shared_strings()

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.archive.close()

    # The parts --------------------------------------------------------------------------

    @contextmanager
    def _reading(self):
        """Damaged XML or zip data anywhere becomes one sentence a person can act on."""
        try:
            yield
        except UnreadableWorkbook:
            raise
        except DAMAGE_ERRORS as error:
            raise UnreadableWorkbook([DAMAGED]) from error

    def _relations(self, path: str) -> dict[str, tuple[str, str]]:
        """{id: (type, target path)} of a part's relationships."""
        folder, name = posixpath.split(path)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels not in self.names:
            return {}
        found = {}
        for element, _parents in self._elements(rels):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                found[element.get("Id")] = (element.get("Type", ""), target)
        return found

    def _elements(self, path: str):
        """(element, its ancestors) of every element of a part once complete, then detached
        from its parent so that the part is never held whole in memory."""
        with self.archive.open(path) as source:
            stack = []
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    stack.append(element)
                    continue
                stack.pop()
                yield element, stack
                if stack:
                    stack[-1].remove(element)

    def _sheets(self) -> dict[str, str]:
        workbook = next(
            (
                target
                for kind, target in self._relations("").values()
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        if workbook not in self.names:
            raise UnreadableWorkbook([UNREADABLE])
        self.workbook_path = workbook
        relations = self._relations(workbook)
        sheets = {}
        for element, _parents in self._elements(workbook):
            if _local(element.tag) == "sheet":
                _kind, target = relations.get(_attribute(element, "id"), ("", ""))
                if target in self.names:
                    sheets[element.get("name", "")] = target
        return sheets

    def _shared_strings(self) -> list[str]:
        path = next(
            (
                target
                for kind, target in self._relations(self.workbook_path).values()
                if kind.endswith("/sharedStrings")
            ),
            None,
        )
        if path is None or path not in self.names:
            return []
        strings, parts = [], []
        for element, parents in self._elements(path):
            tag = _local(element.tag)
            # Phonetic hints (rPh, East Asian) are not part of the text.
            if tag == "t" and not any(_local(parent.tag) == "rPh" for parent in parents):
                parts.append(element.text or "")
            elif tag == "si":
                strings.append(_unescape("".join(parts)))
                parts = []
        return strings

    # Rows -------------------------------------------------------------------------------

    def rows(self, sheet_name: str, *, max_rows: int = MAX_ROWS + 1):
        """(row number, values) of every row, gaps included, up to MAX_COLUMNS values each.
        Raises WorkbookError past row `max_rows` (header included; empty rows count)."""
        path = self.sheets[sheet_name]
        with self._reading():
            yield from self._rows(sheet_name, path, max_rows)

    def _rows(self, sheet_name: str, path: str, max_rows: int):
        row_number = 0
        cells: dict[int, object] = {}
        column = 0
        value_text = None
        inline_parts: list[str] = []
        too_many = [
            f"Trang “{sheet_name}” có quá {max_rows - 1} dòng dữ liệu (dòng trống cũng được "
            "tính); hãy xóa các dòng thừa ở cuối trang."
        ]
        with self.archive.open(path) as source:
            stack = []
            names: dict[str, str] = {}
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                tag = names.get(element.tag)
                if tag is None:
                    tag = names[element.tag] = _local(element.tag)
                if event == "start":
                    stack.append(element)
                    if tag == "row":
                        number = element.get("r")
                        number = int(number) if number else row_number + 1
                        if number <= row_number:
                            raise ValueError("rows out of order")
                        for gap in range(row_number + 1, number):
                            if gap > max_rows:
                                raise UnreadableWorkbook(too_many)
                            yield gap, ()
                        if number > max_rows:
                            raise UnreadableWorkbook(too_many)
                        row_number, cells, column = number, {}, 0
                    elif tag == "c":
                        reference = element.get("r")
                        if reference:
                            letters = reference.rstrip("0123456789")
                            column = column_index_from_string(letters)
                        else:
                            column += 1
                        if column > MAX_COLUMNS:
                            raise UnreadableWorkbook(
                                [f"Trang “{sheet_name}” có quá {MAX_COLUMNS} cột; không đọc."]
                            )
                        value_text, inline_parts = None, []
                    continue
                stack.pop()
                if tag == "v":
                    value_text = element.text or ""
                elif tag == "t":
                    inline_parts.append(element.text or "")
                elif tag == "c":
                    kind = element.get("t", "n")
                    if kind == "inlineStr":
                        value = _unescape("".join(inline_parts))
                    elif value_text is None or value_text == "":
                        value = None
                    elif kind == "s":
                        value = self.shared_strings[int(value_text)]
                    elif kind == "b":
                        value = value_text.strip() == "1"
                    elif kind == "n":
                        value = _number(value_text)
                    else:
                        value = _unescape(value_text)
                    if value is not None:
                        cells[column] = value
                elif tag == "row":
                    width = max(cells, default=0)
                    yield row_number, tuple(cells.get(index) for index in range(1, width + 1))
                if stack:
                    stack[-1].remove(element)


def open_upload(content: bytes) -> UploadedWorkbook:
    """The uploaded bytes as a workbook to read, or WorkbookError (too large, not an .xlsx,
    damaged, unpacking to too much)."""
    return UploadedWorkbook(content)


# --- Rule parameters in readable columns ------------------------------------------------------

# Which column holds which parameter, per rule. "list" and "per_unit" hold a different
# parameter depending on the rule; "basis" is implied by tiers ("percent" is the only one).
PARAM_COLUMNS = {
    "yes_no": {},
    "ratio": {
        "numerator_label": "numerator_label",
        "denominator_label": "denominator_label",
        "unit_label": "unit_label",
        "list": "checklist",
    },
    "tiers": {
        "numerator_label": "numerator_label",
        "denominator_label": "denominator_label",
        "unit_label": "unit_label",
        "tiers": "tiers",
        "options": "options",
    },
    "count": {"unit_label": "unit_label", "list": "items", "per_unit": "per_item", "cap": "cap"},
    "deduction": {"unit_label": "unit_label", "per_unit": "per_violation"},
    # Scored across agencies: "value_label" and "scope" go to “Tham số khác (JSON)”.
    "relative_best": {"unit_label": "unit_label"},
    "relative_average": {"unit_label": "unit_label"},
}
NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def _number_text(value: str) -> str:
    return value.replace(".", ",")


def _params_to_columns(rule: str, params: dict) -> dict[str, str]:
    columns = PARAM_COLUMNS.get(rule, {})
    cells, other = {}, dict(params)
    for column, key in columns.items():
        if key not in params:
            continue
        value = other.pop(key)
        if column == "tiers":
            cells[column] = "\n".join(
                f"{_number_text(tier['min'])}: {_number_text(tier['points'])}" for tier in value
            )
        elif column == "options":
            cells[column] = "\n".join(
                " | ".join(
                    [option["key"]]
                    + ([option["label"]] if "label" in option else [])
                    + [_number_text(option["points"])]
                )
                for option in value
            )
        elif column == "list":
            cells[column] = "\n".join(value)
        elif column in ("per_unit", "cap"):
            cells[column] = _number_text(value)
        else:
            cells[column] = value
    if "tiers" in params and other.get("basis") == "percent":
        del other["basis"]
    if other:
        cells["other_params"] = json.dumps(other, ensure_ascii=False)
    return cells


def params_to_columns(rule: str, params: dict) -> dict[str, str]:
    """The parameters of a criterion as readable cells {column key: text}. Whatever the
    readable columns cannot give back exactly goes, whole, to “Tham số khác (JSON)”."""
    if not params:
        return {}
    try:
        cells = _params_to_columns(rule, params)
        exact = columns_to_params(rule, cells) == (params, [])
    except (KeyError, TypeError, AttributeError):
        exact = False
    if not exact:
        return {"other_params": json.dumps(params, ensure_ascii=False)}
    return cells


def _number_from(text: str) -> str | None:
    text = text.strip().replace(",", ".")
    return text if NUMBER_TEXT.match(text) else None


def _lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def columns_to_params(rule: str, cells: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The parameters given by a row's cells {column key: text}, and every problem found as
    (column key, Vietnamese sentence)."""
    columns = PARAM_COLUMNS.get(rule, {})
    params, errors = {}, []
    other_text = (cells.get("other_params") or "").strip()
    if other_text:
        try:
            other = json.loads(other_text)
        except json.JSONDecodeError:
            other = None
        if not isinstance(other, dict):
            errors.append(("other_params", "tham số không đúng định dạng JSON (cần {…})."))
        else:
            params.update(other)
    for column in PARAM_KEYS:
        if column == "other_params":
            continue
        text = (cells.get(column) or "").strip()
        if not text:
            continue
        key = columns.get(column)
        if key is None:
            errors.append((column, "cách tính điểm này không dùng cột này; hãy để trống."))
            continue
        if key in params:
            errors.append((column, f"tham số “{key}” đã có trong cột “Tham số khác (JSON)”."))
            continue
        if column == "tiers":
            tiers = []
            for line in _lines_of(text):
                minimum, _colon, points = line.partition(":")
                minimum, points = _number_from(minimum.rstrip(" %")), _number_from(points)
                if not _colon or minimum is None or points is None:
                    errors.append(
                        (column, f"“{line}” phải có dạng “ngưỡng %: điểm”, ví dụ “90: 0,40”.")
                    )
                    break
                tiers.append({"min": minimum, "points": points})
            else:
                params[key] = tiers
                params.setdefault("basis", "percent")
        elif column == "options":
            options = []
            for line in _lines_of(text):
                parts = [part.strip() for part in line.split("|")]
                points = _number_from(parts[-1]) if len(parts) in (2, 3) else None
                if points is None:
                    errors.append(
                        (
                            column,
                            f"“{line}” phải có dạng “mã | nội dung | điểm”, ví dụ "
                            "“day-du | Đầy đủ | 0,15”.",
                        )
                    )
                    break
                option = {"key": parts[0]}
                if len(parts) == 3:
                    option["label"] = parts[1]
                option["points"] = points
                options.append(option)
            else:
                params[key] = options
        elif column == "list":
            params[key] = _lines_of(text)
        elif column in ("per_unit", "cap"):
            number = _number_from(text)
            if number is None:
                errors.append((column, f"“{text}” không phải là số."))
            else:
                params[key] = number
        else:
            params[key] = text
    return params, errors


# --- Streaming result workbooks (the consolidated workbook) -----------------------------------
# Rows written once, in order, through openpyxl's write-only mode: each named style is
# registered once and reused, so a national workbook costs about what bare openpyxl does.

BOX = THIN_BORDER


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


class _Written:
    """Takes the one element openpyxl's cell writer writes."""

    def write(self, element):
        self.element = element


# The values a cell is written for here; any other (a date…) is written by openpyxl.
NUMBERS = (int, float, Decimal)
MAX_TEXT = 32767  # characters Excel keeps in a cell (openpyxl cuts longer text)
EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData></sheetData>")
ROWS_IN_MEMORY = 64 * 1024  # bytes of a sheet's rows kept in memory before a temporary file


def _xml_text(text: str) -> str:
    # A carriage return kept as a reference: a literal one would be read back as a line feed.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class SheetStream:
    """Rows appended to a write-only sheet, one after another, with named styles; tracks the row
    number, sets each row's height from its wrapped text, and neutralises formula-like text.

    Speed: openpyxl writes a cell through two nested XML contexts and a dozen attribute look-ups,
    more than it costs to read the cell's data from the database. Here each row is made as the
    XML text openpyxl writes for the same cells (test_exports_base compares the two) and kept in
    a temporary file; when openpyxl closes the sheet (its settings, merges, page set-up), the
    rows are put in place of its empty `<sheetData>`. Memory does not grow with the rows. A cell
    holding another kind of value than text or a number (a date…) is made by openpyxl's own cell
    writer."""

    def __init__(self, sheet, styles: "StyleBook", *, widths):
        self.sheet = sheet
        self.styles = styles
        self.widths = list(widths)
        self.row = 0
        self._ids = {}  # style name → its registered id, as text
        self._letters = []  # column letters, as far as a row has reached
        # A small sheet's rows stay in memory; a larger one's go to disk as they come.
        self._file = tempfile.SpooledTemporaryFile(max_size=ROWS_IN_MEMORY)  # noqa: SIM115 - see _close
        # Neighbouring columns of one width are one <col> (as Excel writes them): a matrix has
        # a hundred columns of the same width.
        first = 1
        for width, run in groupby(self.widths):
            count = len(list(run))
            dimension = sheet.column_dimensions[get_column_letter(first)]
            dimension.width, dimension.min, dimension.max = width, first, first + count - 1
            first += count
        # Closed by the workbook's save (or by hand): openpyxl writes the sheet, then the rows.
        sheet.close = self._close

    def append(self, values, styles, *, height: float | None = None) -> int:
        """Write one row: `styles` is one style name for every cell or one name per cell (None:
        an empty unstyled cell). Returns the row number."""
        if isinstance(styles, str):
            styles = [styles] * len(values)
        self.row += 1
        if height is None:
            height = self._height(values, styles)
        number = str(self.row)
        letters = self._letters
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        ids = self._ids
        if height:
            # As openpyxl writes a row's height (RowDimension): 16 significant digits.
            parts = [f'<row r="{number}" ht="{float(height):.16g}" customHeight="1">']
        else:
            parts = [f'<row r="{number}">']
        for column, (value, name) in enumerate(zip(values, styles, strict=True)):
            if name is None:
                continue
            head = f'<c r="{letters[column]}{number}" s="{ids.get(name) or self._style_id(name)}"'
            kind = value.__class__
            if kind is str and value:
                text = neutralise(value)[:MAX_TEXT]
                if not text:
                    parts.append(f'{head} t="inlineStr"/>')
                elif text in ERROR_CODES:
                    parts.append(f'{head} t="e"><v>{_xml_text(text)}</v></c>')
                elif text != text.strip():
                    parts.append(
                        f'{head} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}'
                        "</t></is></c>"
                    )
                else:
                    parts.append(f'{head} t="inlineStr"><is><t>{_xml_text(text)}</t></is></c>')
            elif value is None or kind is str:
                parts.append(f'{head} t="n"/>')
            elif kind in NUMBERS:
                # As openpyxl writes a number: the float it is, 16 significant digits.
                number_text = f"{float(value):.16g}" if math.isfinite(value) else ""
                parts.append(f'{head} t="n"><v>{number_text}</v></c>')
            else:
                parts.append(self._openpyxl_cell(value, name, column + 1))
        parts.append("</row>")
        self._file.write("".join(parts).encode("utf-8"))
        return self.row

    def _height(self, values, styles) -> float | None:
        """The height wrapped text needs, or None when every cell fits on one line."""
        wrapping = self.styles.wrapping
        lines, size = 1, 0
        for column, value in enumerate(values):
            if value.__class__ is not str:
                continue
            name = styles[column]
            if name in wrapping and column < len(self.widths):
                style = self.styles.styles[name]
                count = line_count(value, self.widths[column], style.size)
                if count > 1:
                    lines, size = max(lines, count), max(size, style.size)
        return lines * size * 1.25 + 4 if lines > 1 else None

    def _style_id(self, name: str) -> str:
        style_id = self._ids[name] = str(self.styles.registered(name)[1])
        return style_id

    def _openpyxl_cell(self, value, name: str, column: int) -> str:
        cell = Cell(self.sheet, self.row, column)
        cell._style = StyleArray(self.styles.registered(name)[0])
        cell.value = value  # a date also takes a date format: a style of its own
        written = _Written()
        etree_write_cell(written, self.sheet, cell, True)
        return tostring(written.element, encoding="unicode")

    def _close(self) -> None:
        sheet = self.sheet
        # openpyxl writes the sheet's settings around an empty sheetData, in memory (they are
        # all set by now); the file it hands to the workbook then gets the rows in between.
        sheet._writer = WorksheetWriter(sheet, out=io.BytesIO())
        sheet._writer.write_top()
        WriteOnlyWorksheet.close(sheet)
        head, tail = EMPTY_SHEET_DATA.split(sheet._writer.out.getvalue())
        path = create_temporary_file()  # removed by openpyxl once in the workbook
        with open(path, "wb") as written, self._file as rows:
            written.write(head + b"<sheetData>")
            rows.seek(0)
            shutil.copyfileobj(rows, written)
            written.write(b"</sheetData>" + tail)
        sheet._writer.out = path

    def blank(self) -> int:
        self.row += 1
        self._file.write(f'<row r="{self.row}"/>'.encode())
        return self.row

    def merge(self, row: int, first: int, last: int, *, to_row: int | None = None) -> None:
        # Added to the set as it is (openpyxl's `add` compares it with every range merged so
        # far; a sheet's merges never overlap).
        self.sheet.merged_cells.ranges.add(
            CellRange(min_col=first, min_row=row, max_col=last, max_row=to_row or row)
        )


def line_count(text: str, width: float, size: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide at `size` pt. A column
    width counts digits of the default 11 pt font (7 px); a serif letter at `size` pt is about
    half its size wide, i.e. 0.67 × size px. Each paragraph (line break) wraps on its own."""
    per_line = max(int(width * 7 / (0.67 * size)) - 1, 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))
