"""Small SVG charts built on the server from numbers: they show without JavaScript, print, and go
into PDFs unchanged. Every text is escaped; the SVG carries a <title> and role="img" so a screen
reader reads what it shows."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scoring import format_points

GRADE_COLOURS = {"A+": "#146c43", "A": "#0d6efd", "B": "#b58105", "C": "#b02a37"}
DEFAULT_COLOUR = "#0d6efd"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    # Safe: every dynamic part below goes through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        # No style attribute: the Content-Security-Policy (style-src 'self') refuses it in the
        # browser; the sizing is in static/css/portal.css and the PDF stylesheet.
        f'class="chart" font-family="sans-serif">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def bar_chart(values: dict[str, int], *, title: str, colours: dict | None = None) -> SafeString:
    """Vertical bars, one per label (e.g. the count of agencies per grade), with the value above
    each bar and the label below."""
    colours = colours or GRADE_COLOURS
    width, height, bottom, top = 60 + 70 * max(len(values), 1), 200, 30, 24
    peak = max(values.values(), default=0) or 1
    body = [
        f'<line x1="30" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#555"/>'
    ]
    for index, (label, value) in enumerate(values.items()):
        x = 45 + index * 70
        bar = (height - bottom - top) * value / peak
        y = height - bottom - bar
        colour = colours.get(label, DEFAULT_COLOUR)
        body.append(
            f'<rect x="{x}" y="{y:.1f}" width="44" height="{bar:.1f}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        body.append(
            f'<text x="{x + 22}" y="{y - 5:.1f}" text-anchor="middle" font-size="13">{value}</text>'
        )
        body.append(
            f'<text x="{x + 22}" y="{height - 10}" text-anchor="middle" font-size="13" '
            f'font-weight="bold">{escape(label)}</text>'
        )
    return _svg(width, height, title, body)


def horizontal_bars(
    rows: list[tuple[str, Decimal]], *, title: str, maximum: Decimal | None = None
) -> SafeString:
    """Horizontal bars for labelled decimals (e.g. average points lost per criterion)."""
    width, row_height, label_width = 640, 26, 300
    height = 10 + row_height * max(len(rows), 1)
    peak = maximum or max((value for _label, value in rows), default=Decimal(0)) or Decimal(1)
    body = []
    for index, (label, value) in enumerate(rows):
        y = 6 + index * row_height
        bar = float(value / peak) * (width - label_width - 70)
        short = label if len(label) <= 48 else label[:47] + "…"
        body.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{max(bar, 1):.1f}" height="18" '
            f'fill="#b02a37"/>'
        )
        body.append(
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(format_points(value))}</text>"
        )
    return _svg(width, height, title, body)


SERIES_COLOURS = ("#0d6efd", "#b02a37", "#146c43", "#b58105", "#6f42c1", "#495057")
SERIES_DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")


def trend_chart(
    series: list[tuple[str, list[tuple[str, Decimal]]]],
    *,
    title: str,
    maximum: Decimal = Decimal("3"),
) -> SafeString:
    """Several labelled series over the years (an agency and the predecessors it continues),
    each with its own colour and dash (told apart without colour too), and a legend below."""
    years = sorted({label for _name, points in series for label, _value in points})
    peak = max(
        [maximum, *(value for _name, points in series for _label, value in points)],
        default=maximum,
    )
    # Wide enough for the years and for the longest legend line (about 6.5 px a character).
    longest = max((len(name) for name, _points in series), default=0)
    width = max(80 + 90 * max(len(years), 1), 80 + int(6.5 * longest), 360)
    legend_top = 200
    height = legend_top + 20 * max(len(series), 1) + 6
    left, bottom, top = 40, 30, 20
    plot = legend_top - bottom - top
    x_of = {year: left + 40 + index * 90 for index, year in enumerate(years)}
    body = []
    for tick in (Decimal("0"), peak / 2, peak):
        y = legend_top - bottom - float(tick / peak) * plot
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(format_points(tick))}</text>"
        )
    for year, x in x_of.items():
        body.append(
            f'<text x="{x}" y="{legend_top - 10}" text-anchor="middle" font-size="12">'
            f"{escape(year)}</text>"
        )
    for index, (name, points) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        dash = SERIES_DASHES[index % len(SERIES_DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        coords = []
        for year, value in points:
            x = x_of[year]
            y = legend_top - bottom - float(value / peak) * plot
            coords.append(f"{x},{y:.1f}")
            body.append(
                f'<circle cx="{x}" cy="{y:.1f}" r="5" fill="{colour}">'
                f"<title>{escape(name)}, {escape(year)}: {escape(format_points(value))}</title>"
                "</circle>"
            )
            body.append(
                f'<text x="{x + 8}" y="{y - 8:.1f}" font-size="12">'
                f"{escape(format_points(value))}</text>"
            )
        if len(coords) > 1:
            body.insert(
                0,
                f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}"'
                f"{dash_attribute}/>",
            )
        y = legend_top + 14 + 20 * index
        body.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 24}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"{dash_attribute}/>'
            f'<text x="{left + 30}" y="{y}" font-size="12">{escape(name)}</text>'
        )
    return _svg(width, height, title, body)
