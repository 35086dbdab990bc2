"""PDF rendering with WeasyPrint, in the administrative document format of Nghị định 30/2020.

Fonts come from static/fonts (Liberation Serif: metric-compatible with Times New Roman, full
Vietnamese glyphs), so nothing is fetched at run time and the output is the same on every machine.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = Path(settings.BASE_DIR) / "static"


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


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes. Templates extend `pdf/base.html`.

    With the setting PDF_LAYOUT = False (tests only: the permission matrix, query counts) the
    template is rendered with its real context but WeasyPrint's layout, about a second per
    document, is skipped and the HTML bytes are returned."""
    html = render_to_string(template_name, context)
    if not getattr(settings, "PDF_LAYOUT", True):
        return html.encode("utf-8")

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_static_only_fetcher()
    )
    return document.write_pdf(font_config=font_config)
