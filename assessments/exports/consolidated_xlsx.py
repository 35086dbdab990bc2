"""The consolidated Excel workbook of a period: a summary sheet grouped by kind with the count per
grade, one per-criterion matrix per kind, the official points per pillar (top-level group) of
each kind, the adjustments, and the thresholds with the legal basis.

Written with openpyxl's write-only mode: every row goes to the file as it is made, so time and
memory grow with the rows and not with the whole workbook (issue 13). The agencies are walked
once, kind by kind, and each one's rows go to every sheet that shows it (the sheets are open
side by side); given `results.stream_period_results`, they are read a chunk at a time, items as
rows of values. Printing (issue 12): one font family, thin borders, two-decimal points, rows as
tall as their wrapped text; the matrices print at 100 % landscape, as many pages across as the
criteria need, broken between criteria groups, with the agency columns and header rows repeated
on every page.
"""

import io
from itertools import groupby

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from assessments.display import prefill_note
from assessments.exports.base import XLSX_CONTENT_TYPE, Export
from assessments.models.program import PROGRAM_2022
from assessments.results import PeriodResults, StreamedResults
from assessments.workbooks import FONT_NAME, CellStyle, SheetStream, StyleBook, line_count
from scoring import band_conditions, format_number, format_points

FONT = FONT_NAME  # one family for every workbook the portal writes
HEADER_FILL = "DDE7F3"
GROUP_FILL = "F2F2F2"
POINTS = "0.00"

STYLES = {
    "title": CellStyle(size=14, bold=True, border=False),
    "matrix_title": CellStyle(size=12, bold=True, border=False, wrap=True),
    "subtitle": CellStyle(size=11, italic=True, border=False),
    "note": CellStyle(size=10, italic=True, border=False, wrap=True),
    "header": CellStyle(
        size=10, bold=True, fill=HEADER_FILL, horizontal="center", vertical="center", wrap=True
    ),
    "text": CellStyle(size=11, wrap=True),
    "text_bold": CellStyle(size=11, bold=True, fill=GROUP_FILL, vertical="center"),
    "text_italic": CellStyle(size=11, italic=True, wrap=True),
    "center": CellStyle(size=11, horizontal="center"),
    "integer": CellStyle(size=11, horizontal="center", number_format="0"),
    "points": CellStyle(size=11, number_format=POINTS),
    "m_text": CellStyle(size=10, wrap=True),
    "m_center": CellStyle(size=10, horizontal="center"),
    "m_points": CellStyle(size=10, number_format=POINTS),
    "group": CellStyle(size=11, bold=True, fill=GROUP_FILL),
}

SUMMARY_HEADER = [
    "STT",
    "Cơ quan, đơn vị",
    "Loại / Phụ lục",
    "Điểm tự đánh giá",
    "Điểm thẩm định (chính thức)",
    "Xếp loại",
    "Ghi chú",
]
SUMMARY_WIDTHS = [6, 44, 12, 12, 15, 9, 38]
SUMMARY_ROW = ["center", "text", "center", "points", "points", "center", "text"]
PILLAR_SHEET = "Điểm theo nhóm"

# The matrix on an A4 landscape page at 100 %: 297 mm less 2 × 12.7 mm margins is 1 026 px at
# 96 dpi. A column of width w takes 7 w + 5 px (digits of the default 11 pt font plus padding;
# LibreOffice measured 7.3 w with Times New Roman as that font, so a page keeps some room).
PAGE_PX = 1026
MATRIX_TITLE_WIDTHS = [5, 28]
PAIR_WIDTH = 6.5


def column_px(width: float) -> float:
    return 7 * width + 5


def sheet_title(label: str) -> str:
    """A table label as an Excel sheet name: Excel refuses / \\ ? * [ ] : and more than 31
    characters, and an administrator may name a table anything."""
    cleaned = "".join("-" if char in "/\\?*[]:" else char for char in label).strip("' ")
    return cleaned[:31] or "Bảng tiêu chí"


def page_breaks(leaves) -> list[int]:
    """Indexes of the criteria that start a new printed page: a page holds as many criteria as
    fit beside the repeated agency columns, and a page break falls between criteria groups
    where a whole group fits on the next page."""
    room = PAGE_PX - sum(column_px(w) for w in MATRIX_TITLE_WIDTHS)
    per_page = int(room // (2 * column_px(PAIR_WIDTH)))
    breaks, used = [], 0
    index = 0
    for _parent, group in groupby(leaves, key=lambda criterion: criterion.parent_id):
        size = len(list(group))
        if used and used + size > per_page:
            breaks.append(index)
            used = 0
        while used + size > per_page:
            # A group wider than a page is broken inside it, a page at a time.
            take = per_page - used
            index, size, used = index + take, size - take, 0
            breaks.append(index)
        index += size
        used += size
    return breaks


class ConsolidatedXlsx(Export):
    """`render()` gives the workbook bytes. Sheet names: “Tổng hợp”, one per appendix label
    (“Phụ lục 1”…), “Điều chỉnh và thống nhất”, “Điểm theo nhóm”, “Số liệu điền sẵn” (only
    when the period prefilled facts), “Căn cứ và ngưỡng”.

    One walk over the agencies writes every sheet: write-only sheets are open side by side, and
    each agency's row (or rows) goes to the summary, its kind's matrix, the adjustments and the
    pillars as it is read."""

    content_type = XLSX_CONTENT_TYPE

    def __init__(self, results: PeriodResults | StreamedResults):
        self.results = results
        self.period = results.period
        self.filename = f"tong-hop-ket-qua-{self.period.code}.xlsx"

    def _subject(self) -> str:
        """What the program evaluates; the 2022 workbook keeps the abbreviation it has always
        printed (“ứng dụng CNTT”)."""
        program = self.period.program
        return "ứng dụng CNTT" if program.code == PROGRAM_2022["code"] else program.subject

    def render(self) -> bytes:
        workbook = Workbook(write_only=True)
        self.styles = StyleBook(workbook, STYLES, font_name=FONT)
        department = self.period.evaluating_agency.name
        workbook.properties.title = (
            f"Tổng hợp kết quả đánh giá {self._subject()} năm {self.period.year}"
        )
        workbook.properties.subject = self.period.title
        workbook.properties.creator = department
        workbook.properties.lastModifiedBy = department
        workbook.properties.language = "vi-VN"
        kinds = self.results.kinds
        # Every sheet the walk fills is made (set up, headed) before it, in the workbook's order.
        summary = self._summary(workbook.create_sheet("Tổng hợp"))
        matrices = [
            self._matrix(workbook.create_sheet(sheet_title(kind.table.label)), kind)
            for kind in kinds
        ]
        agreements = self._agreements(workbook.create_sheet("Điều chỉnh và thống nhất"))
        pillars, blocks = self._pillars(workbook.create_sheet(PILLAR_SHEET))
        prefilled = []
        number = adjusted = 0
        walk = zip(self.results.walk_kinds(), matrices, blocks, strict=True)
        for (kind, agencies), matrix, block in walk:
            self._summary_kind(summary, kind)
            self._pillar_header(pillars, kind, block)
            for position, result in enumerate(agencies, start=1):
                number += 1
                self._summary_row(summary, number, kind, result)
                matrix(position, result)
                adjusted = self._agreement_rows(agreements, adjusted, result)
                self._pillar_row(pillars, position, result, block)
                prefilled.extend(
                    (result.evaluated_as, row.criterion.code, note)
                    for row in result.rows
                    # (most items have no prefill mark: no note is asked for them)
                    if row.item is not None
                    and row.item.prefill
                    and (note := prefill_note(row.item))
                )
            self._summary_counts(summary, kind)
            pillars.blank()
        self._summary_total(summary)
        # The sheet is for periods that prefilled facts (one query, asked only when an answer
        # is marked as taken from one).
        if prefilled and self.period.prefilled_facts.exists():
            self._prefilled(workbook.create_sheet("Số liệu điền sẵn"), prefilled)
        self._basis(workbook.create_sheet("Căn cứ và ngưỡng"))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _print(self, sheet, *, landscape=True, fit_width=True, rows=None, columns=None) -> None:
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if landscape else "portrait"
        if fit_width:
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
        else:
            sheet.page_setup.scale = 100
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        if rows:
            sheet.print_title_rows = rows
        if columns:
            sheet.print_title_cols = columns
        sheet.oddFooter.center.text = "Trang &P/&N"
        sheet.oddFooter.center.font = f"{FONT},Regular"
        sheet.oddFooter.center.size = 10

    # --- “Tổng hợp”: the agencies grouped by kind, each with its count per grade ---------------

    def _summary(self, sheet) -> SheetStream:
        header_row = 4
        sheet.freeze_panes = f"C{header_row + 1}"
        self._print(sheet, rows=f"{header_row}:{header_row}")
        out = SheetStream(sheet, self.styles, widths=SUMMARY_WIDTHS)
        title = f"Tổng hợp kết quả đánh giá {self._subject()} năm {self.period.year}"
        out.append([title.upper()], "title")
        out.append([self.period.title], "subtitle")
        out.blank()
        out.append(SUMMARY_HEADER, "header", height=30)
        return out

    def _summary_kind(self, out, kind) -> None:
        row = out.append(["", f"{kind.table.label} — {kind.kind.name}"] + [""] * 5, "group")
        # A kind's heading spans the table instead of wrapping in the name column.
        out.merge(row, 2, 7)

    def _summary_row(self, out, number, kind, result) -> None:
        out.append(
            [
                number,
                result.evaluated_as,
                kind.table.label,
                result.self_score,
                result.final_score,
                result.final_grade,
                result.notes,
            ],
            SUMMARY_ROW,
        )

    def _summary_counts(self, out, kind) -> None:
        for grade, count in kind.grade_counts().items():
            out.append(
                ["", f"Số cơ quan, đơn vị xếp mức {grade}", "", "", "", count, ""],
                ["center", "text_italic", "center", "center", "center", "integer", "text"],
            )

    def _summary_total(self, out) -> None:
        out.blank()
        out.append(["", "TOÀN TỈNH"], [None, "text_bold"])
        for grade, count in self.results.grade_counts().items():
            out.append(
                ["", f"Số cơ quan, đơn vị xếp mức {grade}", "", "", "", count, ""],
                ["center", "text_bold", "center", "center", "center", "integer", "text"],
            )

    # --- one matrix per kind: official and self-assessed points of every criterion -------------

    def _matrix(self, sheet, kind):
        """Sets the kind's matrix up and writes its headings; returns what writes one agency's
        row."""
        leaves = kind.leaf_criteria
        top, bottom = 3, 4
        last = 3 + 2 * len(leaves) + 2
        widths = [*MATRIX_TITLE_WIDTHS, *([PAIR_WIDTH] * (2 * len(leaves) + 2)), 8]
        sheet.freeze_panes = f"C{bottom + 1}"
        self._print(sheet, fit_width=False, rows=f"{top}:{bottom}", columns="A:B")
        for index in page_breaks(leaves):
            # A manual break before the column of this criterion's first (CT) cell.
            sheet.col_breaks.append(Break(id=2 + 2 * index))
        # The table's full title heads every printed page; the sheet's own title stays inside
        # the repeated agency columns (text running past them would print again, overlapping,
        # on every page across).
        sheet.oddHeader.center.text = f"{kind.table.label}: {kind.table.title}".replace("&", "&&")
        sheet.oddHeader.center.font = f"{FONT},Bold"
        sheet.oddHeader.center.size = 10
        out = SheetStream(sheet, self.styles, widths=widths)
        heading = f"{kind.table.label} — {kind.kind.name}"
        title_width = sum(MATRIX_TITLE_WIDTHS)
        out.append(
            [heading, ""],
            "matrix_title",
            height=line_count(heading, title_width, 12) * 12 * 1.25 + 4,
        )
        out.merge(1, 1, 2)
        # The legend sits above the table: a row below it would print a page of its own when
        # the table fills the last page.
        legend = (
            "CT: điểm chính thức; TC: điểm tự chấm; KAD: không áp dụng (điểm được quy đổi "
            f"theo thang điểm {format_number(self.period.scale_max)})."
        )
        out.append([legend, ""], "note", height=line_count(legend, title_width, 10) * 12.5 + 4)
        out.merge(2, 1, 2)
        codes = ["STT", "Cơ quan, đơn vị"]
        pairs = ["", ""]
        for criterion in leaves:
            codes += [criterion.code, ""]
            pairs += ["CT", "TC"]
        codes += ["Tổng điểm", "", "Xếp loại"]
        pairs += ["CT", "TC", ""]
        out.append(codes, "header")
        out.append(pairs, "header")
        for index in range(len(leaves) + 1):
            column = 3 + index * 2
            out.merge(top, column, column + 1)
        for column in (1, 2, last):
            out.merge(top, column, column, to_row=bottom)
        cell_styles = ["m_center", "m_text"] + ["m_points"] * (2 * len(leaves) + 2) + ["m_center"]
        codes = [criterion.code for criterion in leaves]

        def write(number, result) -> None:
            by_code = {row.criterion.code: row for row in result.rows}
            values = [number, result.evaluated_as]
            styles = cell_styles
            for position, code in enumerate(codes):
                row = by_code.get(code)
                if row is None:
                    values += (None, None)
                elif row.not_applicable:
                    values += ("KAD", "KAD")
                    if styles is cell_styles:
                        styles = list(cell_styles)
                    styles[2 + 2 * position] = styles[3 + 2 * position] = "m_center"
                else:
                    values += (row.final_points, row.self_points)
            values += (result.final_score, result.self_score, result.final_grade)
            out.append(values, styles)

        return write

    # --- “Điểm theo nhóm”: official points per pillar, a block per kind ------------------------

    def _pillars(self, sheet) -> tuple[SheetStream, list]:
        """Official points per top-level group (a pillar of a deep table; group I, II, … of a
        two-level one), one block per kind: the pillars differ from kind to kind."""
        blocks = [
            [
                c
                for c in kind.criteria
                if c.is_top_level_group and c.maximum is not None and c.maximum > 0
            ]
            for kind in self.results.kinds
        ]
        widest = max((len(pillars) for pillars in blocks), default=0)
        self._print(sheet)
        out = SheetStream(sheet, self.styles, widths=[6, 40, *([11] * widest), 11])
        out.append(["Điểm chính thức theo trụ cột, nhóm tiêu chí"], "title")
        out.blank()
        return out, blocks

    def _pillar_header(self, out, kind, pillars) -> None:
        out.append(
            [
                "STT",
                f"{kind.table.label} — {kind.kind.name}",
                *(f"{p.code}. {p.title} (tối đa {format_points(p.maximum)})" for p in pillars),
                "Tổng điểm",
            ],
            "header",
            height=60,
        )

    def _pillar_row(self, out, number, result, pillars) -> None:
        # The stored group points of finalised dossiers: no item is read for them.
        final = result.final_group_points() if pillars else {}
        out.append(
            [
                number,
                result.evaluated_as,
                *(final.get(p.code) for p in pillars),
                result.final_score,
            ],
            ["center", "text", *(["points"] * len(pillars)), "points"],
        )

    # --- “Điều chỉnh và thống nhất”: every adjusted criterion ----------------------------------

    def _agreements(self, sheet) -> SheetStream:
        """Every adjusted criterion: self-assessed, appraised and final value, and how the final
        one was reached (agency agreed, explanation accepted, lead decided)."""
        header_row = 2
        self._print(sheet, rows=f"{header_row}:{header_row}")
        # Fits an A4 landscape page across at full size (the print test reads no text under 8 pt).
        out = SheetStream(sheet, self.styles, widths=[5, 30, 8, 9, 9, 9, 16, 18, 34])
        out.append(["Các tiêu chí được điều chỉnh khi thẩm định và cách thống nhất"], "title")
        out.append(
            [
                "STT",
                "Cơ quan, đơn vị",
                "Tiêu chí",
                "Điểm tự chấm",
                "Điểm thẩm định",
                "Điểm thống nhất",
                "Cách thống nhất",
                "Người thống nhất",
                "Lý do điều chỉnh; quyết định của lãnh đạo",
            ],
            "header",
            height=30,
        )
        return out

    def _agreement_rows(self, out, number, result) -> int:
        """Writes the agency's adjusted criteria, numbered on from `number`; returns the last
        number written."""
        for row in result.rows:
            if not row.adjusted or row.criterion.is_group:
                continue
            number += 1
            reasons = [row.reason]
            if row.item.agreement == "lead_decided":
                reasons.append(row.decision_reason)

            def points(not_applicable, value):
                return ("KAD", "center") if not_applicable else (value, "points")

            values = [
                points(row.item.not_applicable, row.self_points),
                points(row.appraised_not_applicable, row.appraised_points),
                points(row.not_applicable, row.final_points),
            ]
            out.append(
                [
                    number,
                    result.evaluated_as,
                    row.criterion.code,
                    *(value for value, _style in values),
                    row.agreement,
                    str(row.agreed_by or ""),
                    "\n".join(text for text in reasons if text),
                ],
                [
                    "center",
                    "text",
                    "center",
                    *(style for _value, style in values),
                    "text",
                    "text",
                    "text",
                ],
            )
        return number

    def _prefilled(self, sheet, rows) -> None:
        """Criteria answered from a fact prefilled from a provincial system, or changed by the
        agency against it (only when the period has any)."""
        self._print(sheet, landscape=False, rows="2:2")
        out = SheetStream(sheet, self.styles, widths=[5, 40, 9, 30])
        out.append(["Tiêu chí có số liệu điền sẵn từ hệ thống của tỉnh"], "title")
        out.append(["STT", "Cơ quan, đơn vị", "Tiêu chí", "Số liệu tự đánh giá"], "header")
        for number, (agency, code, note) in enumerate(rows, start=1):
            out.append([number, agency, code, note], ["center", "text", "center", "text"])

    def _basis(self, sheet) -> None:
        period = self.period
        bands = period.band_set
        self._print(sheet, landscape=False)
        out = SheetStream(sheet, self.styles, widths=[18, 52, 11, 13])
        out.append(["Căn cứ và ngưỡng xếp loại"], "title")
        out.blank()
        window = f"Từ ngày {period.window_start:%d/%m/%Y} đến ngày {period.window_end:%d/%m/%Y}"
        for label, value in [
            ("Căn cứ pháp lý", period.legal_basis),
            ("Văn bản hướng dẫn", period.guidance_document),
            ("Thời gian đánh giá", window),
        ]:
            out.append([label, value], ["text_bold", "text"])
        out.blank()
        scale = format_number(period.scale_max)
        out.append(["Mức xếp loại", f"Điều kiện (thang điểm {scale})"], "header")
        if not bands.bands:
            out.append(["—", "Không xếp loại; chỉ xếp hạng theo điểm."], ["center", "text"])
        for grade, condition in band_conditions(bands):
            out.append([grade, condition], ["center", "text"])
        out.blank()
        out.append(["Bảng tiêu chí", "Tên", "Điểm tối đa", "Tổng điểm trừ tối đa"], "header")
        for kind in self.results.kinds:
            out.append(
                [
                    kind.table.label,
                    kind.table.title,
                    kind.table.scale_max,
                    kind.table.deduction_floor,
                ],
                ["text", "text", "points", "points"],
            )
        # (A summary built without the period's references has none to list.)
        lines = self.results.reference_lines() if hasattr(self.results, "reference_lines") else []
        if lines:
            # Criteria scored across agencies: the reference their points were computed from.
            out.blank()
            out.append(
                ["Bảng tiêu chí", "Tiêu chí so sánh giữa các đơn vị", "Giá trị tham chiếu"],
                "header",
            )
            for table, criterion, text in lines:
                out.append(
                    [table.label, f"{criterion.code}. {criterion.title}", text],
                    ["text", "text", "text"],
                )
