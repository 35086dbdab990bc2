"""The checks every browser journey ends with can fail: a page with a known defect is caught."""

import pytest

from tests.browser.conftest import nu_errors, run_axe

BROKEN = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Thử</title></head>
<body><main><div><legend>Tiêu chí</legend></div>
<p style="color:#999;background:#fff">Chữ mờ khó đọc</p><input type="text"></main></body></html>"""


@pytest.mark.no_page_audit
def test_the_nu_checker_reports_a_legend_outside_a_fieldset(nu_checker, tmp_path):
    source = tmp_path / "broken.html"
    source.write_text(BROKEN, encoding="utf-8")
    errors = nu_errors(nu_checker, {str(source): "/thu/"})
    assert len(errors) == 1
    assert errors[0].startswith("Nu /thu/ dòng 2: Element “legend” not allowed")


@pytest.mark.no_page_audit
def test_axe_reports_low_contrast_and_an_unlabelled_field(page):
    from axe_playwright_python.base import AXE_SCRIPT

    page.set_content(BROKEN)
    page.evaluate(AXE_SCRIPT)
    assert sorted(v["id"] for v in run_axe(page)) == ["color-contrast", "label"]
