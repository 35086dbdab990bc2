"""The consolidated workbook on paper: rendered through LibreOffice headless (what a clerk's
“Print” does), then read back: page count, no text under 8 pt, one font family; and the file
itself: borders, number formats, row heights, print set-up and document properties."""

import datetime as dt
import io
import os
import shutil
import subprocess
import tracemalloc
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
from openpyxl import Workbook, load_workbook

from assessments.exports.consolidated_xlsx import SUMMARY_HEADER, ConsolidatedXlsx, page_breaks
from assessments.models.program import PROGRAM_2022
from assessments.results import load_period_results
from scoring import GRADE_BANDS
from tests.assessments.results_helpers import build_results


@pytest.fixture
def three_results(period, reviewer, lead):
    period, _agencies = build_results(period, count=3, reviewer=reviewer, lead=lead)
    return load_period_results(period)


def render_with_libreoffice(data: bytes, folder) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) không có trên máy này: không kiểm tra được bản in.")
    source = folder / "tong-hop.xlsx"
    source.write_bytes(data)
    # A profile of its own: another LibreOffice running on the machine must not be reused.
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return (folder / "tong-hop.pdf").read_bytes()


def test_consolidated_workbook_prints_readable_pages(three_results, tmp_path):
    pdf = render_with_libreoffice(ConsolidatedXlsx(three_results).render(), tmp_path)
    if folder := os.environ.get("DEBUG_PDF_DIR"):
        (Path(folder) / "tong-hop.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [
            {
                "text": page.extract_text(),
                "sizes": {round(c["size"], 1) for c in page.chars if c["text"].strip()},
                "fonts": {c["fontname"].split("+")[-1] for c in page.chars},
                "landscape": page.width > page.height,
            }
            for page in document.pages
        ]
    sizes = set().union(*(page["sizes"] for page in pages))
    assert min(sizes) >= 8
    fonts = set().union(*(page["fonts"] for page in pages))
    assert {font.split("-")[0] for font in fonts} == {"LiberationSerif"}
    # The summary's pages, then each matrix as many pages across as its criteria groups need,
    # each with the agency columns and the header rows repeated; the thresholds on one page.
    across = [len(page_breaks(kind.leaf_criteria)) + 1 for kind in three_results.kinds]
    assert across == [4, 4, 5]
    first_matrix = next(n for n, page in enumerate(pages) if page["text"].startswith("Phụ lục 1:"))
    assert first_matrix == 3  # the 40 agencies of the summary: three pages
    agreements = next(
        n for n, page in enumerate(pages) if page["text"].startswith("Các tiêu chí được điều chỉnh")
    )
    matrices = pages[first_matrix:agreements]
    # Phụ lục 1 lists 22 agencies: two pages down for each page across.
    assert len(matrices) == 2 * 4 + 4 + 5
    assert all(page["landscape"] for page in matrices)
    assert all("Cơ quan, đơn vị" in page["text"] and "STT" in page["text"] for page in matrices)
    assert sum("UBND huyện Trảng Bom" in page["text"] for page in matrices) == 5
    assert "Căn cứ và ngưỡng xếp loại" in pages[-1]["text"]
    assert [page["text"].count("Trang ") for page in pages] == [1] * len(pages)


def test_consolidated_workbook_is_styled_for_print(three_results):
    book = load_workbook(io.BytesIO(ConsolidatedXlsx(three_results).render()))
    assert book.properties.title == "Tổng hợp kết quả đánh giá ứng dụng CNTT năm 2022"
    assert book.properties.creator == "Sở Thông tin và Truyền thông"
    fonts = {
        cell.font.name
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert fonts == {"Times New Roman"}
    matrix = book["Phụ lục 3"]
    assert matrix.page_setup.orientation == "landscape"
    assert matrix.page_setup.scale == 100
    assert not matrix.sheet_properties.pageSetUpPr.fitToPage
    assert matrix.print_title_rows == "$3:$4"
    assert matrix.print_title_cols == "$A:$B"
    row = next(r for r in matrix.iter_rows(min_row=5) if r[1].value == "UBND huyện Trảng Bom")
    for cell in row:
        assert cell.border.left.style == cell.border.bottom.style == "thin"
    numbers = [cell for cell in row[2:] if isinstance(cell.value, float | int)]
    assert numbers and {cell.number_format for cell in numbers} == {"0.00"}
    # The formula-like board name (40 characters) wraps to two lines in the 28-wide name column;
    # the row is made tall enough for both at 10 pt.
    board = book["Phụ lục 1"]
    long_name = next(r for r in board.iter_rows(min_row=5) if "HYPERLINK" in str(r[1].value))
    assert board.row_dimensions[long_name[1].row].height == 2 * 10 * 1.25 + 4


def _criterion(code, parent):
    return SimpleNamespace(code=code, parent_id=parent, is_group=False, is_top_level_group=False)


def test_matrix_pages_break_between_criteria_groups():
    leaves = [_criterion(f"I.{n}", 1) for n in range(1, 4)]
    leaves += [_criterion(f"II.{n}", 2) for n in range(1, 6)]
    leaves += [_criterion(f"III.{n}", 3) for n in range(1, 12)]
    # 7 criteria fit a page: I (3) alone as II (5) would overflow it; III (11) is broken at 7.
    assert page_breaks(leaves) == [3, 8, 15]


def synthetic_results(agencies: int, criteria: int = 30):
    """A period's results as plain objects (the shape load_period_results returns), to time
    and measure the workbook alone, without the database."""
    leaves = [_criterion(f"{1 + n // 6}.{n % 6 + 1}", 1 + n // 6) for n in range(criteria)]
    point = Decimal("0.25")
    rows = [
        SimpleNamespace(
            criterion=leaf,
            not_applicable=n == 3,
            final_points=point,
            self_points=point,
            adjusted=False,
            item=None,
        )
        for n, leaf in enumerate(leaves)
    ]
    kind_results = SimpleNamespace(
        table=SimpleNamespace(
            label="Phụ lục 1",
            title="Bảng tiêu chí sở, ban, ngành",
            scale_max=Decimal(3),
            deduction_floor=Decimal(-1),
        ),
        kind=SimpleNamespace(name="Sở, ban, ngành"),
        criteria=leaves,
        leaf_criteria=leaves,
        agencies=[
            SimpleNamespace(
                agency=SimpleNamespace(name=f"Cơ quan thử nghiệm số {n}"),
                evaluated_as=f"Cơ quan thử nghiệm số {n}",
                self_score=Decimal("2.75"),
                final_score=Decimal("2.50"),
                final_grade="A+",
                notes="",
                rows=rows,
                final_group_points=dict,
            )
            for n in range(agencies)
        ],
        grade_counts=lambda: {"A+": agencies, "A": 0, "B": 0, "C": 0},
    )
    period = SimpleNamespace(
        code="2022",
        year=2022,
        title="Đánh giá ứng dụng CNTT năm 2022",
        program=SimpleNamespace(**PROGRAM_2022),
        evaluating_agency=SimpleNamespace(name="Sở Thông tin và Truyền thông"),
        band_set=GRADE_BANDS,
        scale_max=Decimal("3.00"),
        legal_basis="Quyết định số 16/2022/QĐ-UBND",
        guidance_document="Công văn số 2083/STTTT-CNTT-VT",
        window_start=dt.date(2022, 1, 1),
        window_end=dt.date(2022, 10, 25),
        prefilled_facts=SimpleNamespace(exists=lambda: False),
    )
    return SimpleNamespace(
        period=period,
        kinds=[kind_results],
        # One walk writes every sheet (a streamed period reads the agencies a chunk at a time).
        walk_kinds=lambda: iter([(kind_results, iter(kind_results.agencies))]),
        grade_counts=lambda: {"A+": agencies, "A": 0, "B": 0, "C": 0},
    )


def bare_write_only(results) -> bytes:
    """The same cells, sheet by sheet, written by openpyxl's write-only mode without styles,
    widths, merges or print set-up: the floor the export is measured against."""
    workbook = Workbook(write_only=True)
    period, kind = results.period, results.kinds[0]
    counts = [
        ["", f"Số cơ quan, đơn vị xếp mức {g}", "", "", "", c]
        for g, c in kind.grade_counts().items()
    ]
    sheet = workbook.create_sheet("Tổng hợp")
    sheet.append([f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ ỨNG DỤNG CNTT NĂM {period.year}"])
    sheet.append([period.title])
    sheet.append([])
    sheet.append(SUMMARY_HEADER)
    sheet.append(["", f"{kind.table.label} — {kind.kind.name}"])
    for number, result in enumerate(kind.agencies, start=1):
        sheet.append(
            [
                number,
                result.agency.name,
                kind.table.label,
                result.self_score,
                result.final_score,
                result.final_grade,
                result.notes,
            ]
        )
    for row in [*counts, [], ["", "TOÀN TỈNH"], *counts]:
        sheet.append(row)
    sheet = workbook.create_sheet(kind.table.label)
    sheet.append([f"{kind.table.label}: {kind.table.title}"])
    sheet.append(["Điểm chính thức (CT) và điểm tự chấm (TC) theo từng tiêu chí"])
    codes, pairs = ["STT", "Cơ quan, đơn vị"], ["", ""]
    for criterion in kind.leaf_criteria:
        codes += [criterion.code, ""]
        pairs += ["CT", "TC"]
    sheet.append([*codes, "Tổng điểm", "", "Xếp loại"])
    sheet.append([*pairs, "CT", "TC", ""])
    for number, result in enumerate(kind.agencies, start=1):
        values = [number, result.agency.name]
        for row in result.rows:
            values += ["KAD", "KAD"] if row.not_applicable else [row.final_points, row.self_points]
        sheet.append([*values, result.final_score, result.self_score, result.final_grade])
    sheet.append([])
    sheet.append(["", "KAD: không áp dụng (điểm được quy đổi theo thang điểm 3)."])
    sheet = workbook.create_sheet("Căn cứ và ngưỡng")
    for row in [
        ["Căn cứ và ngưỡng xếp loại"],
        [],
        ["Căn cứ pháp lý", period.legal_basis],
        ["Văn bản hướng dẫn", period.guidance_document],
        ["Thời gian đánh giá", "Từ ngày"],
        [],
        ["Mức xếp loại", "Điều kiện (thang điểm 3)"],
        ["A+", "Điểm ≥ 2,50"],
        ["A", "1,50 ≤ điểm < 2,50"],
        ["B", "0,50 ≤ điểm < 1,50"],
        ["C", "Điểm < 0,50"],
        [],
        ["Bảng tiêu chí", "Tên", "Điểm tối đa", "Tổng điểm trừ tối đa"],
        [kind.table.label, kind.table.title, kind.table.scale_max, kind.table.deduction_floor],
    ]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_consolidated_workbook_memory_does_not_grow_with_the_agencies():
    small, large = synthetic_results(100), synthetic_results(800)
    peaks = [peak_memory(lambda r=r: ConsolidatedXlsx(r).render()) for r in (small, large)]
    # Rows stream to a temporary file; only the compressed result grows with the agencies.
    assert peaks[1] < 1.5 * peaks[0], peaks
