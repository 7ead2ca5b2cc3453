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

MAX_REPAIRS = 8  # layouts after the first: rounds of repairs (each repairs one footnote per stretch, below)
# Where a repair puts its page break, in the order tried for one footnote: before the paragraph
# that holds the call, then before the paragraph after it (when a line that follows overflows the
# page and widows/orphans forbid breaking before it, WeasyPrint 70 pushes the page's last notes on
# to make room: layout/block.py; engines.md, footnotes 1.), then one and two paragraphs earlier.
# Each try replaces the footnote's previous one: a break that did not help is not kept.
REPAIR_SHIFTS = (0, 1, -1, -2)

stats = {"layouts": 0}  # whole-document layouts by `render` in this process (tests count them)


def render(html: str, config=None):
    """Lay out *html*, repairing lost or misplaced footnotes; returns the WeasyPrint document.

    A repair forces a page break near the misplaced call's paragraph and lays the page out again;
    for each footnote the places of `REPAIR_SHIFTS` are tried in turn until it sits on its
    call's page. #22, A/RES/80/52: the call's paragraph began its page, the next paragraph
    started on the page's second-last line, and WeasyPrint pushed the page's last note (the
    call's, a one-line "Ibid.") on to make room for that paragraph's second line; a break before
    the call's paragraph, the only place tried then, changed nothing; one before the next
    paragraph places it (tests/writers/test_real_texts.py reproduces it).

    Rounds (#24): each layout repairs every misplaced footnote at once (each with its next place),
    not one: an 80-page report with 300 notes needed ~20 repairs, each a layout of the whole
    text (time grew with the square of the pages) and failed after `MAX_REPAIRS`; now it needs a
    few layouts. A break laid for a footnote whose page a break before it has moved may be one
    that one repair per layout would not have laid; every footnote is checked on the last layout
    all the same. A document with one misplaced footnote per layout gets the breaks it got."""
    HTML = gate.engine().HTML
    config = config or font_configuration()
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    if isinstance(config, OwnFontsConfiguration) and "@font-face" not in html:  # no system font (fonts.py, 3.)
        raise RenderError("the page declares no font (@font-face): docgen sets text only in the faces of fonts/")
    tried: dict[int, int] = {}  # footnote -> index in REPAIR_SHIFTS of its break
    repairs = 0
    for attempt in range(MAX_REPAIRS + 1):
        breaks = [(n, REPAIR_SHIFTS[i]) for n, i in tried.items()]
        document = HTML(string=_with_breaks(html, breaks), base_url=str(TEMPLATES)).render(font_config=config)
        stats["layouts"] += 1
        problems = checks.footnote_placement(document)
        if not problems:
            return document
        steps = _round(html, tried, problems)
        if not steps or attempt == MAX_REPAIRS:
            break
        tried.update(steps)
        repairs += len(steps)
        del document  # the wrong layout is garbage before the next one is made, not beside it
        _collect()
    detail = "; ".join(str(p) for p in problems)
    raise RenderError(f"footnotes could not be placed on their call's page after {repairs} repair(s): {detail}")


def _collect() -> None:
    """Free a discarded layout's cycles when the collector is off (a one-shot command, a build's
    jobs: `job.collect_between_jobs`): else every repair layout of a long document stays in
    memory until the job ends (80 pages, 5 layouts: 435 MB peak)."""
    import gc

    if not gc.isenabled():
        gc.collect()


def _round(html: str, tried: dict[int, int], problems) -> dict[int, int]:
    """This layout's repairs: footnote -> index in REPAIR_SHIFTS of its next break, for every
    misplaced footnote that has a place left to try."""
    steps: dict[int, int] = {}
    for p in problems:
        step = next((i for i in range(tried.get(p.call, -1) + 1, len(REPAIR_SHIFTS))
                     if _paragraph_start(html, p.call, REPAIR_SHIFTS[i]) is not None), None)
        if step is not None:
            steps[p.call] = step
    return steps


_PARAGRAPH = "<p "


def _paragraph_start(html: str, n: int, shift: int = 0) -> int | None:
    """Where the paragraph `shift` paragraphs after (before, if negative) the one that holds
    footnote call `n` begins in *html*, or None if there is none (or it is the first paragraph
    of the text: a break before it would only empty the first page)."""
    at = html.index(f'<a id="fnref-{n}"></a>')
    start = html.rindex(_PARAGRAPH, 0, at)
    first = html.find(_PARAGRAPH, html.find("<h1"))
    for _ in range(abs(shift)):
        start = html.find(_PARAGRAPH, start + 1) if shift > 0 else html.rfind(_PARAGRAPH, 0, start)
        if start < 0:
            return None
    return start if start > first else None


def _with_breaks(html: str, breaks) -> str:
    """Force a page break before each paragraph `_paragraph_start(html, n, shift)` for the given
    (footnote number, shift) pairs, e.g. before the paragraph that holds the call: (n, 0)."""
    starts = sorted({start for n, shift in breaks if (start := _paragraph_start(html, n, shift)) is not None},
                    reverse=True)
    for start in starts:  # from the end, so that the earlier positions stay right
        html = html[:start] + '<p style="break-before: page" ' + html[start + len(_PARAGRAPH):]
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
