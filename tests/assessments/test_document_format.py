"""Every PDF the portal issues, read back and measured against Nghị định 30/2020/NĐ-CP (Phụ lục I:
format; Phụ lục III: layouts): margins, header block, title block per type, sizes, page numbers,
“Nơi nhận” and signature block; and declared PDF/A, tagged, with its metadata and fonts embedded."""

import datetime as dt
import io
import os
from itertools import groupby, pairwise

import pdfplumber
import pytest
from pypdf import PdfReader

from assessments.exports.documents import header_lines, layout_for, place_of, signer_lines
from assessments.exports.official_report import OfficialReportPdf
from assessments.exports.result_sheet import ResultSheetPdf
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.results import load_period_results
from tests.assessments.results_helpers import build_results
from tests.factories import submitted_submission

MM = 72 / 25.4
A4 = (595.28, 841.89)


def mm(points: float) -> float:
    return points / MM


def lines_of(page) -> list[dict]:
    """Text lines of a page: characters grouped by baseline, and apart where a gap wider than
    8 mm separates the header's two columns, with text, box, size and font."""
    chars = sorted(page.chars, key=lambda c: (round(c["bottom"]), c["x0"]))
    runs = []
    for _bottom, group in groupby(chars, key=lambda c: round(c["bottom"])):
        run = []
        for char in group:
            if run and char["x0"] - run[-1]["x1"] > 8 * MM:
                runs.append(run)
                run = []
            run.append(char)
        runs.append(run)
    return [
        {
            "text": "".join(c["text"] for c in run).strip(),
            "x0": min(c["x0"] for c in run if c["text"].strip()),
            "x1": max(c["x1"] for c in run if c["text"].strip()),
            "top": min(c["top"] for c in run),
            "bottom": max(c["bottom"] for c in run),
            "sizes": {round(c["size"], 1) for c in run if c["text"].strip()},
            "fonts": {c["fontname"].split("+")[-1] for c in run if c["text"].strip()},
            "page": page.page_number,
        }
        for run in runs
        if "".join(c["text"] for c in run).strip()
    ]


def find(lines, text: str) -> dict:
    found = [line for line in lines if line["text"] == text]
    assert len(found) == 1, (text, [line["text"] for line in lines[:40]])
    return found[0]


def bold(line) -> bool:
    return all("Bold" in font for font in line["fonts"])


def italic(line) -> bool:
    return all("Italic" in font for font in line["fonts"])


def lowest_mark(page) -> float:
    """The bottom of the lowest text or drawing (a chart's bars) on the page."""
    shapes = [*page.chars, *page.rects, *page.curves, *page.lines]
    return max(shape["bottom"] for shape in shapes)


def rules(page) -> list[dict]:
    """Horizontal rules drawn on the page (the header's short lines and the motto's underline)."""
    shapes = [*page.lines, *page.rects]
    return [s for s in shapes if abs(s["bottom"] - s["top"]) < 2 and s["x1"] - s["x0"] > 10]


def save(pdf: bytes, name: str) -> None:
    # DEBUG_PDF_DIR=/tmp/x keeps the rendered files for a person to look at.
    if folder := os.environ.get("DEBUG_PDF_DIR"):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(pdf)


def check_decree_format(
    pdf: bytes,
    *,
    parent: list[str],
    issuing: list[str],
    number: str | None,
    type_name: str,
    signer: list[str],
    name: str,
    place: str = "Đồng Nai",
) -> list[list[dict]]:
    """Every rule of the decree this portal follows, checked on the rendered file."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [lines_of(page) for page in document.pages]
        sizes = [(page.width, page.height) for page in document.pages]
        page_rules = [rules(page) for page in document.pages]
        lowest = [lowest_mark(page) for page in document.pages]
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes)
    first = pages[0]

    # Page numbers: none on page 1; from page 2 the page number alone, top centre, 13–14 pt.
    assert all(line["top"] > 20 * MM for line in first)
    for number_on_page, lines in enumerate(pages[1:], start=2):
        top = min(lines, key=lambda line: line["top"])
        assert top["text"] == str(number_on_page)
        assert top["bottom"] < 20 * MM
        assert top["sizes"] <= {13.0, 14.0}
        centre = (top["x0"] + top["x1"]) / 2
        # Centred on the text area between the left (32 mm) and right (18 mm) margins.
        assert abs(mm(centre) - (32 + (210 - 18)) / 2) < 2
    # Margins: left 30–35 mm, right 15–20 mm, top and bottom 20–25 mm.
    body = [line for lines in pages for line in lines if line["top"] > 20 * MM]
    left = min(line["x0"] for line in body)
    right = max(line["x1"] for line in body)
    assert 30 <= mm(left) <= 35
    assert 190 <= mm(right) <= 195
    assert 20 <= mm(min(line["top"] for line in body)) <= 25
    assert mm(A4[1] - max(line["bottom"] for line in body)) >= 20

    # Header, left: the parent body, then the issuing agency in bold, never broken mid-name, the
    # short rule under it, then “Số:” at 13 pt.
    texts = [line["text"] for line in first]
    header_left = [*parent, *issuing]
    start = texts.index(header_left[0])
    for offset, text in enumerate(header_left):
        line = find(first, text)
        assert line["sizes"] == {13.0}
        assert bold(line) == (offset >= len(parent))
        if offset:
            assert line["top"] > find(first, header_left[offset - 1])["top"]
    assert start <= 1
    last_issuing = find(first, issuing[-1])
    widest = max(find(first, text)["x1"] - find(first, text)["x0"] for text in issuing)
    under = [
        r for r in page_rules[0] if 0 < r["top"] - last_issuing["bottom"] < 6 * MM and r["x0"] < 300
    ]
    assert len(under) == 1
    rule = under[0]
    assert widest / 3 - 1 <= rule["x1"] - rule["x0"] <= widest / 2 + 1
    assert abs((rule["x0"] + rule["x1"]) / 2 - (last_issuing["x0"] + last_issuing["x1"]) / 2) < 3
    if number is not None:
        line = find(first, f"Số: {number}")
        assert line["sizes"] == {13.0}
        assert line["top"] > rule["top"]

    # Header, right: national title 13 pt bold, motto 14 pt bold with a rule as long as itself,
    # place and date in italics at 14 pt.
    title = find(first, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title["sizes"] == {13.0} and bold(title)
    motto = find(first, "Độc lập - Tự do - Hạnh phúc")
    assert motto["sizes"] == {14.0} and bold(motto)
    assert abs((title["x0"] + title["x1"]) / 2 - (motto["x0"] + motto["x1"]) / 2) < 2
    motto_rule = [r for r in page_rules[0] if 0 < r["top"] - motto["bottom"] < 4 and r["x0"] > 250]
    assert len(motto_rule) == 1
    assert abs((motto_rule[0]["x1"] - motto_rule[0]["x0"]) - (motto["x1"] - motto["x0"])) < 3
    place = next(line for line in first if line["text"].startswith(f"{place}, ngày"))
    assert place["sizes"] == {14.0} and italic(place)
    assert place["top"] > motto["bottom"]

    # Title block of a document with a type name: the name, its trích yếu below, no “V/v” and
    # no “Kính gửi”.
    heading = find(first, type_name)
    assert heading["sizes"] == {14.0} and bold(heading)
    assert heading["top"] > place["bottom"]
    assert not any(text.startswith(("V/v", "Kính gửi")) for text in texts)

    # Body: 13–14 pt, at least 6 pt between paragraphs (a paragraph starts indented 10 mm).
    paragraphs = [
        (previous, line)
        for lines in pages
        for previous, line in pairwise(lines)
        if abs(mm(line["x0"] - left) - 10) < 1 and line["sizes"] == {14.0}
    ]
    assert paragraphs
    for previous, line in paragraphs:
        assert line["sizes"] <= {13.0, 14.0}
        if previous["sizes"] == {14.0}:
            assert line["top"] - previous["bottom"] >= 6 - 0.5 + 16.8 - 14
    small = [line["text"] for line in body if min(line["sizes"]) < 11]
    assert small == []

    # “Nơi nhận” and the signature block: authority line, title and name each on a line, bold.
    last = pages[-1]
    received = find(last, "Nơi nhận:")
    assert received["sizes"] == {12.0} and bold(received) and italic(received)
    previous_top = received["top"] - 1
    centres = []
    for text in [*signer, name]:
        line = find(last, text)
        assert line["sizes"] == {14.0} and bold(line)
        assert line["top"] > previous_top
        previous_top = line["top"]
        centres.append((line["x0"] + line["x1"]) / 2)
    assert max(centres) - min(centres) < 2
    assert centres[0] > A4[0] / 2

    # No page but the last is left more than a quarter empty (a table or chart that did not fit).
    for bottom in lowest[:-1]:
        assert mm(bottom) >= 22 + 0.75 * (297 - 44)
    return pages


def check_pdfa_and_tags(pdf: bytes, *, title: str, author: str, subject: str) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    pdfaid = "http://www.aiim.org/pdfa/ns/id/"
    description = xmp.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    )
    declared = {
        (node.getAttributeNS(pdfaid, "part"), node.getAttributeNS(pdfaid, "conformance"))
        for node in description
        if node.hasAttributeNS(pdfaid, "part")
    }
    assert declared == {("3", "B")}
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "vi"
    assert "/OutputIntents" in root
    info = reader.metadata
    assert (info.title, info.author, info.subject) == (title, author, subject)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"]
            fonts[str(font["/BaseFont"]).split("+")[-1]] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts


@pytest.fixture
def signed_submission(period, agency_a, officer_a):
    return submitted_submission(
        agency_a,
        period,
        officer_a,
        document_number="45/BC-STC",
        # Typed on one line, as agencies do; printed on two.
        signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        signer_name="Trần Văn Bình",
    )


def test_a_district_committee_writes_its_name_in_full_and_dates_from_its_district(
    period, agency_b, officer_b
):
    """Nghị định 30, Phụ lục I: the địa danh of a district's or commune's document is its own
    unit's name, not the province's."""
    submission = submitted_submission(
        agency_b,
        period,
        officer_b,
        document_number="07/BC-UBND",
        signer_title="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
        signer_name="Lê Văn Hòa",
    )
    pdf = SelfAssessmentPdf(submission).render()
    pages = check_decree_format(
        pdf,
        parent=[],
        # Only a parent body may be shortened to “UBND”: the issuing committee is written in full.
        issuing=["ỦY BAN NHÂN DÂN", "HUYỆN TRẢNG BOM"],
        number="07/BC-UBND",
        type_name="BÁO CÁO",
        signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        name="Lê Văn Hòa",
        place="Trảng Bom",
    )
    texts = [line["text"] for line in pages[0]]
    assert not [text for text in texts if text.startswith("Đồng Nai, ngày")]


@pytest.mark.parametrize(
    ("issuing_body", "place"),
    [
        ("UBND phường Trấn Biên", "Trấn Biên"),
        ("UBND xã Nam Cát Tiên", "Nam Cát Tiên"),
        ("Ủy ban nhân dân  thị xã Long Khánh", "Long Khánh"),
        ("UBND thị trấn Trảng Bom", "Trảng Bom"),
        ("UBND thành phố Biên Hòa", "Biên Hòa"),
        ("UBND phường 5", "Phường 5"),
        ("Sở Tài chính", "Đồng Nai"),
        ("Trung tâm Phục vụ hành chính công", "Đồng Nai"),
        ("UBND tỉnh Đồng Nai", "Đồng Nai"),
    ],
)
def test_the_place_is_the_issuing_committees_own_unit(issuing_body, place):
    assert place_of(issuing_body, "Đồng Nai") == place


@pytest.fixture
def final_results(period, reviewer, lead):
    lead.last_name, lead.first_name, lead.job_title = "Võ Hoàng", "Khai", "Phó Giám đốc"
    lead.save()
    reviewer.last_name, reviewer.first_name = "Phạm Huy", "Bình"
    reviewer.save()
    period, _agencies = build_results(period, count=3, reviewer=reviewer, lead=lead)
    return load_period_results(period)


def test_self_assessment_report_is_laid_out_as_a_report_under_decree_30(signed_submission):
    pdf = SelfAssessmentPdf(signed_submission).render()
    save(pdf, "tu-danh-gia.pdf")
    pages = check_decree_format(
        pdf,
        parent=["UBND TỈNH ĐỒNG NAI"],
        issuing=["SỞ TÀI CHÍNH"],
        number="45/BC-STC",
        type_name="BÁO CÁO",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        name="Trần Văn Bình",
    )
    assert len(pages) >= 2
    texts = [line["text"] for line in pages[0]]
    heading = texts.index("BÁO CÁO")
    assert " ".join(texts[heading + 1 : heading + 3]).startswith(
        "Kết quả tự đánh giá ứng dụng công nghệ thông tin trong quản lý"
    )
    check_pdfa_and_tags(
        pdf,
        title="Báo cáo tự đánh giá — Sở Tài chính",
        author="Sở Tài chính",
        subject=(
            "Kết quả tự đánh giá ứng dụng công nghệ thông tin trong quản lý điều hành năm 2022"
        ),
    )


def test_result_sheet_is_signed_by_the_leader_who_finalised_it(final_results):
    result = final_results.for_agency("huyen-trang-bom")
    pdf = ResultSheetPdf(final_results.period, result).render()
    save(pdf, "phieu-ket-qua.pdf")
    check_decree_format(
        pdf,
        parent=["UBND TỈNH ĐỒNG NAI"],
        issuing=["SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"],
        number=None,
        type_name="PHIẾU KẾT QUẢ ĐÁNH GIÁ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        name="Võ Hoàng Khai",
    )
    check_pdfa_and_tags(
        pdf,
        title="Phiếu kết quả — UBND huyện Trảng Bom",
        author="Sở Thông tin và Truyền thông",
        subject=(
            "Phiếu kết quả đánh giá ứng dụng công nghệ thông tin: UBND huyện Trảng Bom — năm 2022"
        ),
    )


def test_official_report_numbered_bc_is_a_report_and_its_chart_leaves_no_gap(final_results):
    pdf = OfficialReportPdf(
        final_results,
        number="120/BC-STTTT",
        issued_on=dt.date(2022, 11, 18),
        signer_name="Võ Hoàng Khai",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    ).render()
    save(pdf, "bao-cao.pdf")
    pages = check_decree_format(
        pdf,
        parent=["UBND TỈNH ĐỒNG NAI"],
        issuing=["SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"],
        number="120/BC-STTTT",
        type_name="BÁO CÁO",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        name="Võ Hoàng Khai",
    )
    place = next(line for line in pages[0] if line["text"].startswith("Đồng Nai, ngày"))
    assert place["text"] == "Đồng Nai, ngày 18 tháng 11 năm 2022"
    recipients = [line["text"] for line in pages[-1] if line["text"].startswith("- ")]
    assert recipients[:2] == ["- UBND tỉnh;", "- Sở Nội vụ;"]
    check_pdfa_and_tags(
        pdf,
        title="Báo cáo kết quả đánh giá năm 2022",
        author="Sở Thông tin và Truyền thông",
        subject=("Kết quả đánh giá ứng dụng công nghệ thông tin trong quản lý điều hành năm 2022"),
    )


def test_official_report_numbered_as_a_letter_keeps_the_letter_layout(final_results):
    pdf = OfficialReportPdf(final_results, number="2083/STTTT-CNTT-VT").render()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        texts = [line["text"] for line in lines_of(document.pages[0])]
    assert "BÁO CÁO" not in texts
    assert texts[texts.index("Số: 2083/STTTT-CNTT-VT") + 1].startswith("V/v Kết quả đánh giá")
    assert "Kính gửi: Ủy ban nhân dân tỉnh Đồng Nai (qua Sở Nội vụ)." in texts


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Sở Thông tin và Truyền thông", ["SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"]),
        ("Sở Tài chính", ["SỞ TÀI CHÍNH"]),
        ("Sở Nông nghiệp và Phát triển nông thôn", ["SỞ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["SỞ VĂN HÓA,", "THỂ THAO VÀ DU LỊCH"]),
        ("Trường Đại học Đồng Nai", ["TRƯỜNG ĐẠI HỌC", "ĐỒNG NAI"]),
        ("UBND thành phố Long Khánh", ["UBND THÀNH PHỐ", "LONG KHÁNH"]),
    ],
)
def test_agency_names_break_between_whole_words_of_the_name(name, lines):
    assert header_lines(name) == lines


@pytest.mark.parametrize(
    ("typed", "lines"),
    [
        ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ("KT. Chủ tịch Phó Chủ tịch", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ("Giám đốc", ["GIÁM ĐỐC"]),
    ],
)
def test_signer_title_is_printed_one_line_per_role(typed, lines):
    assert signer_lines(typed) == lines


def test_the_number_decides_the_layout():
    assert [layout_for(n) for n in ("45/BC-STC", "2083/STTTT-CNTT-VT", "")] == [
        "named",
        "letter",
        "named",
    ]


def test_every_pdf_is_pdfa_tagged_with_its_metadata_and_embedded_fonts(signed_submission):
    # The same declarations on a document numbered as a công văn (the letter layout).
    signed_submission.document_number = "45/STC-VP"
    pdf = SelfAssessmentPdf(signed_submission).render()
    check_pdfa_and_tags(
        pdf,
        title="Báo cáo tự đánh giá — Sở Tài chính",
        author="Sở Tài chính",
        subject=(
            "Kết quả tự đánh giá ứng dụng công nghệ thông tin trong quản lý điều hành năm 2022"
        ),
    )
