"""A strict Content-Security-Policy is coming: no template may carry an inline handler
(onclick, onsubmit …), an inline <script> or a javascript: URL. Confirmations use
data-confirm, handled in static/js/portal.js."""

import re
from pathlib import Path

from django.conf import settings

INLINE = re.compile(r"\son[a-z]+\s*=|<script(?![^>]*\bsrc=)|javascript:", re.IGNORECASE)


def test_no_template_has_an_inline_handler_or_script():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:80]}"
        for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert found == []
