"""The administration workbooks as a clerk prints them: each is rendered by LibreOffice
headless (the only spreadsheet program on the servers; Excel is not available here) and the
PDF is read back: number of pages, no text under 8 pt, no page without words (issue 12)."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from assessments.exports.agencies_xlsx import AccountsExport, AgenciesExport
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.models import Agency
from tests.factories import make_user

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: the printed workbooks cannot be rendered",
)


def render_pdfs(tmp_path, workbooks: dict[str, bytes]) -> dict[str, bytes]:
    """PDFs of the workbooks, rendered by one LibreOffice run (each start costs seconds)."""
    for name, content in workbooks.items():
        (tmp_path / f"{name}.xlsx").write_bytes(content)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *(str(tmp_path / f"{name}.xlsx") for name in workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return {name: (tmp_path / f"{name}.pdf").read_bytes() for name in workbooks}


def _multiply(a, b):
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def pages_of(pdf: bytes) -> list[dict]:
    """Per page: its text and the smallest size (pt) text is drawn at."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        sizes = []

        def visit(text, cm, tm, _font, size, sizes=sizes):
            if text.strip():
                matrix = _multiply(tm, cm)
                sizes.append(size * (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5)

        text = page.extract_text(visitor_text=visit)
        pages.append({"text": " ".join(text.split()), "smallest": min(sizes, default=0)})
    return pages


def test_admin_workbooks_print_readably(period, agency_a, tmp_path):
    make_user("stc_lan", agency=agency_a, first_name="Lan", last_name="Nguyễn Thị")
    for agency in Agency.objects.all()[:20]:
        make_user(f"canbo-{agency.code}"[:30], agency=agency, first_name="An", last_name="Lê")
    pdfs = render_pdfs(
        tmp_path,
        {
            "template": CriteriaTableExport().render(),
            "table": CriteriaTableExport(period.tables.get(kind__code="so-ban-nganh")).render(),
            "agencies": AgenciesExport().render(),
            "accounts": AccountsExport().render(),
        },
    )
    pages = {name: pages_of(pdf) for name, pdf in pdfs.items()}
    counts = {name: len(found) for name, found in pages.items()}
    # The criteria sheet prints at full size, three pages across (the code repeated on each);
    # “Thông tin” and “Hướng dẫn” one page each. The agencies' kinds print on a page of their own.
    assert counts == {"template": 5, "table": 14, "agencies": 3, "accounts": 1}
    for name, found in pages.items():
        for number, page in enumerate(found, start=1):
            assert page["smallest"] >= 8, (name, number, page["smallest"])
            # A page holding only stray figures ("3", "-1") is what the old template printed.
            letters = sum(character.isalpha() for character in page["text"])
            assert letters >= 20, (name, number, page["text"])
