"""PDF writer: the HTML writer's output laid out by WeasyPrint 70, then verified.

After every render the writer checks what WeasyPrint is known to get wrong (engines.md):
every footnote body exists once and sits on its call's page (repaired by a page break before
the paragraph that holds the call, then a re-render), and every font in the PDF is one docgen
declared. It fails with a clear message rather than writing a wrong PDF.

Every PDF is tagged PDF/UA-1 (#15: structure tree in reading order, artifacts, /Lang, XMP
title and pdfuaid:part 1; `weasyprint/tagging.py` fixes WeasyPrint's tagging); the archive
(`--pdfa`) is PDF/A-3a, tagged, with the PDF/UA-1 identification too, and the AKN XML and YAML
attached. WeasyPrint is imported and patched only in `weasyprint/` (the gate), on the first PDF:
an unsupported WeasyPrint fails the PDF outputs, not the import of this module.
"""

from __future__ import annotations

import io

from docgen.paths import TEMPLATES
from docgen.writers import RenderError
from docgen.writers.pdf.page import Page, prepare
from docgen.writers.pdf import checks
from docgen.writers.pdf import weasyprint as gate
from docgen.writers.pdf.weasyprint import UnsupportedWeasyPrint, font_configuration  # noqa: F401  (the writer's names)

MAX_REPAIRS = 5


def render(html: str, config=None):
    """Lay out *html*, repairing lost or misplaced footnotes; returns the WeasyPrint document."""
    HTML = gate.engine().HTML
    config = config or font_configuration()
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    if isinstance(config, OwnFontsConfiguration) and "@font-face" not in html:  # no system font (fonts.py, 3.)
        raise RenderError("the page declares no font (@font-face): docgen sets text only in the faces of fonts/")
    breaks: list[int] = []
    for attempt in range(MAX_REPAIRS + 1):
        document = HTML(string=_with_breaks(html, breaks), base_url=str(TEMPLATES)).render(font_config=config)
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


def write(doc, version, settings) -> bytes:
    """The PDF of a language version: the page made of the model (`page.prepare`), typeset."""
    return typeset(prepare(doc, version, settings))


def typeset(page: Page) -> bytes:
    """Lay the page out, write the PDF, check what WeasyPrint is known to get wrong (see above)."""
    weasyprint = gate.engine()
    config = font_configuration(page.ranges)
    from docgen.writers.pdf.weasyprint import subsets

    subsets.document(page.document)
    document = render(page.html, config)
    out = io.BytesIO()
    attachments = [weasyprint.Attachment(string=a.data, name=a.name, relationship=a.relationship,
                                         description=a.description, created=a.when, modified=a.when)
                   for a in page.attachments]
    document.write_pdf(out, font_config=config, attachments=attachments, **dict(page.options))
    data = out.getvalue()
    checks.embedded_fonts(document)
    return data


def load() -> None:
    """What a process that will write PDFs loads once (a build worker's warm-up): WeasyPrint,
    patched, and the Latin-script font configuration. Nothing if the installed WeasyPrint is not
    the supported one: each PDF then fails with the gate's message."""
    try:
        font_configuration()
    except UnsupportedWeasyPrint:
        pass
