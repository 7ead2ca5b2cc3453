"""PDF writer: the HTML writer's output laid out by WeasyPrint 70, then verified.

After every render the writer checks what WeasyPrint is known to get wrong (engines.md):
every footnote body exists once and sits on its call's page (repaired by a page break before
the paragraph that holds the call, then a re-render), and every font in the PDF is one docgen
declared. It fails with a clear message rather than writing a wrong PDF.

Every PDF is tagged PDF/UA-1 (#15: structure tree in reading order, artifacts, /Lang, XMP
title and pdfuaid:part 1; `tagging.py` fixes WeasyPrint's tagging); the archive (`--pdfa`) is
PDF/A-3a, tagged, with the PDF/UA-1 identification too, and the AKN XML and YAML attached.
"""

from __future__ import annotations

import io

from ... import fonts, preflight
from ...model import Document, Version
from .. import RenderError
from ..html import render_html
from . import checks
from .engine import HTML, font_configuration
from .fetcher import BASE_URL, FETCHER  # the templates folder, as WeasyPrint writes it; data: URLs
from .patches import OwnFontsConfiguration
from . import memo  # noqa: E402  (after engine: WeasyPrint is imported there, lean)
from .tagging import ARCHIVE_VARIANT

MAX_REPAIRS = 5


def render(html: str, config=None):
    """Lay out *html*, repairing lost or misplaced footnotes; returns the WeasyPrint document."""
    config = config or font_configuration()
    if isinstance(config, OwnFontsConfiguration) and "@font-face" not in html:  # no system font (patches.py, 11.)
        raise RenderError("the page declares no font (@font-face): docgen sets text only in the faces of fonts/")
    breaks: list[int] = []
    for attempt in range(MAX_REPAIRS + 1):
        document = HTML(string=_with_breaks(html, breaks), base_url=BASE_URL, url_fetcher=FETCHER).render(
            font_config=config)
        problems = checks.footnote_placement(document)
        if not problems:
            return document
        fixable = [p.call for p in problems if p.call not in breaks]
        if not fixable:
            break
        breaks.append(fixable[0])
    detail = "; ".join(str(p) for p in problems)
    raise RenderError(f"footnotes could not be placed on their call's page after {len(breaks)} repair(s): {detail}")


def _with_breaks(html: str, numbers: list[int]) -> str:
    """Force a page break before the paragraph that holds each given footnote call."""
    for n in numbers:
        anchor = f'<a id="fnref-{n}"></a>'
        at = html.index(anchor)
        start = html.rindex("<p ", 0, at)
        html = html[:start] + '<p style="break-before: page" ' + html[start + 3:]
    return html


def write(doc: Document, version: Version, settings) -> bytes:
    # `check` and the build's validation found these already (preflight); checked again here as
    # a safety net, before the expensive part
    if missing := preflight.glyphs(version, doc):
        raise RenderError("missing glyph: " + "; ".join(f"{d.location}: {d.message}" for d in missing[:10]))
    config = font_configuration(fonts.range_key(version.lang))
    memo.document(doc.name)
    document = render(render_html(doc, version), config)
    out = io.BytesIO()
    options = {"pdf_variant": ARCHIVE_VARIANT if settings.pdfa else "pdf/ua-1"}
    if not settings.tagged:  # measurement only (scripts/bench.py): what tagging costs
        options = {"pdf_variant": "pdf/a-3b"} if settings.pdfa else {}
    attachments = []
    if settings.pdfa:
        from .archive import attachments_for

        attachments = attachments_for(doc, version)
    document.write_pdf(out, font_config=config, attachments=attachments, **options)
    data = out.getvalue()
    checks.embedded_fonts(document)
    return data
