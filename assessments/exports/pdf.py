"""PDF rendering with WeasyPrint, in the administrative document format of Nghị định 30/2020.

Fonts come from static/fonts (Liberation Serif: metric-compatible with Times New Roman, full
Vietnamese glyphs), so nothing is fetched at run time and the output is the same on every machine.

Every PDF is PDF/A-3b (ISO 19005-3: fonts embedded, colours in an sRGB output intent, XMP
metadata) so an archive and the agencies' document systems, which sign PDF/A, accept it; and it is
tagged (structure tree, /Lang vi) so a screen reader reads it in order. Title, author (the issuing
agency), subject and keywords come from the template's <title> and <meta> elements.
"""

import io
import warnings
from collections.abc import Iterable
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


class LaidOut:
    """A template laid out by WeasyPrint, not yet written: a long document laid out in parts
    looks at its pages (how many, which rows the last one holds) and writes all or the first
    few of them."""

    def __init__(self, template_name: str, context: dict):
        context = {**context, "figure_slot": 0}
        self.layout = self.html = None
        if getattr(settings, "PDF_LAYOUT", True):
            self.layout, self.options = _layout(template_name, context)
        else:  # as render_pdf: the HTML bytes, one “page”
            self.html = render_to_string(template_name, context).encode("utf-8")

    @property
    def pages(self) -> list:
        return self.layout.pages if self.layout is not None else [None]

    def first_marked(self, page_index: int, attribute: str) -> str | None:
        """The value of `attribute` on the first element of that page that carries it."""
        if self.layout is None:
            return None
        # WeasyPrint exposes no public walk of a page's boxes.
        for box in self.layout.pages[page_index]._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and element.get(attribute) is not None:
                return element.get(attribute)
        return None

    def write(self, pages: int | None = None) -> bytes:
        if self.layout is None:
            return self.html
        layout = self.layout if pages is None else self.layout.copy(self.layout.pages[:pages])
        return _write(layout, self.options)


class _Serialised:
    """A PDF object already written out: the writer copies its bytes."""

    __slots__ = ("data",)

    def __init__(self, pdf_object):
        buffer = io.BytesIO()
        pdf_object.write_to_stream(buffer)
        self.data = buffer.getvalue()

    def write_to_stream(self, stream, encryption_key=None) -> None:
        stream.write(self.data)


def append_pdfs(first: bytes, parts: Iterable[bytes]) -> bytes:
    """One PDF: `first`, then the pages of each part in order. The first keeps its catalog (PDF/A
    output intent, XMP metadata, language, document information); each part's structure tree
    is grafted under the first's document element, so the whole file stays tagged. Parts are
    read one at a time: a long annex laid out in parts is never held as layout all at once."""
    if not getattr(settings, "PDF_LAYOUT", True):
        return first + b"".join(parts)
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=io.BytesIO(first))
    producer = writer.metadata.get("/Producer") if writer.metadata else None
    tree = writer._root_object["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    kids = document.get("/K")
    if not isinstance(kids, ArrayObject):
        kids = ArrayObject([] if kids is None else [kids])
        document[NameObject("/K")] = kids
    nums = tree["/ParentTree"].get_object()["/Nums"]
    offset = max(int(key) for key in nums[::2]) + 1
    for data in parts:
        reader = PdfReader(io.BytesIO(data))
        start = len(writer._objects)
        part_tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
        part_nums = part_tree["/ParentTree"].get_object()["/Nums"]
        for page in reader.pages:
            added = writer.add_page(page)
            added[NameObject("/StructParents")] = NumberObject(page["/StructParents"] + offset)
        for kid in part_tree["/K"][0].get_object()["/K"]:
            grafted = kid.clone(writer)
            grafted.get_object()[NameObject("/P")] = document.indirect_reference
            kids.append(grafted)
        for key, elements in zip(part_nums[::2], part_nums[1::2], strict=True):
            nums.append(NumberObject(int(key) + offset))
            nums.append(elements.clone(writer))
        offset += max(int(key) for key in part_nums[::2]) + 1
        # The writer would keep the part's reader (every object it parsed) and each structure
        # element as a Python dictionary, about 60 MB per 1,000 rows: the reader is let go (the
        # annex has no links to patch, so neither is the writer's record of merged pages kept)
        # and the elements are written out now, their references final. pypdf has no public
        # API for either.
        writer.reset_translation(reader)
        writer._merged_in_pages.clear()
        for index in range(start, len(writer._objects)):
            element = writer._objects[index]
            if isinstance(element, DictionaryObject) and "/S" in element and "/P" in element:
                writer._objects[index] = _Serialised(element)
    if producer is not None:
        # PDF/A: the information dictionary agrees with the XMP metadata, written by WeasyPrint.
        writer.add_metadata({"/Producer": producer})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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
