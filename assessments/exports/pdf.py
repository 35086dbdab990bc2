"""PDF rendering with WeasyPrint, in the administrative document format of Nghị định 30/2020.

Fonts come from static/fonts (Liberation Serif: metric-compatible with Times New Roman, full
Vietnamese glyphs), so nothing is fetched at run time and the output is the same on every machine.

Every PDF is PDF/A-3b (ISO 19005-3: fonts embedded, colours in an sRGB output intent, XMP
metadata) so an archive and the agencies' document systems, which sign PDF/A, accept it; and it is
tagged (structure tree, /Lang vi) so a screen reader reads it in order. Title, author (the issuing
agency), subject and keywords come from the template's <title> and <meta> elements.
"""

import warnings
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PDF_VARIANT = "pdf/a-3b"


def _static_only_fetcher():
    """Only files shipped in static/ may be loaded into a PDF (no network, no other local
    paths): text an agency typed can never make the server fetch anything."""
    from weasyprint.urls import URLFetcher

    prefix = STATIC_DIR.as_uri() + "/"

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(prefix):
                raise ValueError(f"Không tải tài nguyên ngoài thư mục static: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file"})


def _layout(template_name: str, context: dict):
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template_name, context)
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_static_only_fetcher()
    )
    options = DEFAULT_OPTIONS | {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
    return document.render(font_config=FontConfiguration(), **options), options


def _write(layout, options) -> bytes:
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and never closes it
        # (weasyprint/pdf/__init__.py); the file is read whole, only the warning is left.
        warnings.simplefilter("ignore", ResourceWarning)
        return layout.write_pdf(**options)


def _pushed_to_next_page(layout, anchor: str) -> bool:
    """True when the element with this id starts a page after the first: it did not fit below
    the text before it, which left the bottom of the previous page empty."""
    for number, page in enumerate(layout.pages):
        if anchor in page.anchors:
            _x, y, _x2, _y2 = page.anchors[anchor]
            # WeasyPrint exposes no public accessor for the page margin.
            top = page._page_box.margin_top
            return number > 0 and y <= top + 2
    return False


def render_pdf(template_name: str, context: dict, *, figure_slots: int = 0) -> bytes:
    """Render a Django template to PDF bytes. Templates extend `pdf/base.html`.

    A figure (a chart) cannot break across pages; where it does not fit it would move to the next
    page and leave the rest of the page empty. A template with `figure_slots` places its figure
    (id "figure") at `figure_slot` 0, 1, …: the first place where it fits below the text before
    it is kept, else the last one.

    With the setting PDF_LAYOUT = False (tests only: the permission matrix, query counts) the
    template is rendered with its real context but WeasyPrint's layout, about a second per
    document, is skipped and the HTML bytes are returned."""
    if not getattr(settings, "PDF_LAYOUT", True):
        return render_to_string(template_name, {**context, "figure_slot": 0}).encode("utf-8")
    for slot in range(max(figure_slots, 1)):
        layout, options = _layout(template_name, {**context, "figure_slot": slot})
        if not figure_slots or not _pushed_to_next_page(layout, "figure"):
            break
    return _write(layout, options)
