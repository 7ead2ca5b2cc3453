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

import copy
import dataclasses
import functools
import io
import re

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
# In stretches, the paragraph that pushed the note is tried first (`_pushing`). Each try
# replaces the footnote's previous one: a break that did not help is not kept.
REPAIR_SHIFTS = (0, 1, -1, -2)
# A repair's break, as a block's style: forced, with the block's top margin dropped at the top of
# its page, as after a break WeasyPrint makes itself (a heading kept 12 pt of space above it); the
# elements the block begins (a report's included resolution, 12 pt above it) drop theirs too (`TOP`)
TOP = "margin-top: 0"
REPAIR_BREAK = f"break-before: page; {TOP}"

# What `render` laid out in this process (tests and the bench count them): layouts of the whole
# text, stretches of it (`_Text.lay_out`), probes (`_Text._probe`), the pages of all (a
# stretch's dummy first pages included), and the stretches that began inside a block
stats = {"layouts": 0, "stretches": 0, "probes": 0, "pages": 0, "inside": 0}
FIRST = 120  # paragraphs: a text this long is laid out whole first (most resolutions); a longer one in stretches from its start
# pages a later stretch lays out: 5 was best while each stretch also styled the chapter before it;
# now 6 lays out fewer pages in fewer stretches on 7 of 8 long documents (corpus.py: 80-page texts and reports, seeds 1-3; 30, 40 pages)
AHEAD = 6
_LAYOUTS_PER_PARAGRAPH = 4  # a bound never reached: each layout keeps pages, lengthens its stretch or tries a place


def render(html: str, config=None):
    """Lay out *html*, repairing lost or misplaced footnotes; returns the WeasyPrint document.

    A repair forces a page break near the misplaced call's paragraph and lays the page out again;
    for each footnote the places of `REPAIR_SHIFTS` are tried in turn until it sits on its
    call's page, in stretches the paragraph that pushed it first (`_pushing`). #22,
    A/RES/80/52: the call's paragraph began its page, the next paragraph started on the page's
    second-last line, and WeasyPrint pushed the page's last note (the call's, a one-line
    "Ibid.") on to make room for that paragraph's second line; a break before the call's
    paragraph, the only place tried then, changed nothing; one before the next paragraph
    places it (tests/writers/test_real_texts.py reproduces it).

    The text is laid out stretch by stretch, each misplaced note repaired as it comes
    (`_stretches`), when it can be (`_Text.partial`: not a report's contents' page numbers);
    else whole, in rounds of repairs (`_rounds`)."""
    HTML = gate.engine().HTML
    config = config or font_configuration()
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    if isinstance(config, OwnFontsConfiguration) and "@font-face" not in html:  # no system font (fonts.py, 3.)
        raise RenderError("the page declares no font (@font-face): docgen sets text only in the faces of fonts/")
    text = _Text(HTML, html, config)
    if text.partial:
        try:
            return _stretches(text)
        except _Whole:
            _collect()
    return _rounds(HTML, html, config)


def _rounds(HTML, html: str, config):
    """The text laid out whole, again after each round of repairs until every footnote is placed.

    Rounds (#24): each layout repairs every misplaced footnote at once (each with its next place),
    not one: an 80-page report with 300 notes needed ~20 repairs, each a layout of the whole
    text (time grew with the square of the pages) and failed after `MAX_REPAIRS`; now it needs a
    few layouts. A break laid for a footnote whose page a break before it has moved may be one
    that one repair per layout would not have laid; every footnote is checked on the last layout
    all the same. A document with one misplaced footnote per layout gets the breaks it got.
    A whole layout has no anchor on its blocks, so the places are tried in REPAIR_SHIFTS's order
    (the paragraph that pushed a note is not known here: `_pushing`)."""
    tried: dict[int, int] = {}  # footnote -> the shift of its break (REPAIR_SHIFTS)
    repairs = 0
    for attempt in range(MAX_REPAIRS + 1):
        laid = _with_breaks(html, tried.items())
        document = HTML(string=laid, base_url=str(TEMPLATES)).render(font_config=config)
        stats["layouts"] += 1
        stats["pages"] += len(getattr(document, "pages", ()))  # a stand-in for WeasyPrint has none (tests)
        problems = checks.footnote_placement(document)
        if not problems:
            return _number_contents_whole(HTML, laid, config, document)
        steps = _round(html, tried, problems)
        if not steps or attempt == MAX_REPAIRS:
            break
        tried.update(steps)
        repairs += len(steps)
        del document  # the wrong layout is garbage before the next one is made, not beside it
        _collect()
    raise _unplaced(repairs, problems)


def _unplaced(repairs: int, problems) -> RenderError:
    detail = "; ".join(str(p) for p in problems)
    return RenderError(f"footnotes could not be placed on their call's page after {repairs} repair(s): {detail}")


class _Whole(Exception):
    """The stretches could not make the document: lay the text out whole, in rounds."""


def _stretches(text: "_Text"):
    """The text laid out stretch by stretch from its start, each misplaced footnote repaired as it
    comes: the document that one layout of the whole text with the same breaks makes, byte for
    byte, for a fraction of the rounds' work.

    Laying the whole text out again after each round of repairs (`_rounds`) lays an 80-page text
    with 300 notes out four times: each round's breaks move the pages after them, and the notes
    there. A page laid out after a page that ends where a block (a paragraph, a heading) begins
    depends only on the text from that block on, its side and its number (`_Text.lay_out`); a
    page that begins inside a block depends on that and on how the block began on the page
    before: how high the text above it was, and its notes (`_Seam.inside`). So a stretch is laid
    out from such a page (a seam: `_Text.seams`) to `AHEAD` pages on, and its pages are kept up
    to the last seam at or before the page where its last block begins (what comes after the
    stretch could change that one), and the next stretch starts there. When a page has a
    misplaced note, that page's notes get their next break and the stretch is laid out again
    from the last seam before it, or from the stretch's start; a break that falls before the
    stretch (a place before the call's paragraph) takes the pages back to the kept stretch it
    falls in. The breaks are those of repairing, again and again, the first misplaced note of
    the whole text laid out whole, however long the stretches are. Nearly every page is a seam,
    so what a repair lays out again is the pages after the note's page in its stretch: stretches
    are short (`AHEAD`). A short text is one stretch: one layout of the whole text when its
    notes are right.

    The pages kept make the document (`Document.copy`), checked whole at the end; a stretch
    that could not begin on its side sends the text to whole layouts (`_Whole`)."""
    tried: dict[int, int] = {}  # footnote -> the shift of its break
    orders: dict[int, tuple[int, ...]] = {}  # footnote -> the shifts tried for it, in order (`_pushing`)
    pages: list = []  # the pages kept, in order
    # where each kept stretch begins: (block offset, page index, the seam if inside the block)
    kept: list[tuple[int | None, int, _Seam | None]] = [(None, 0, None)]
    repairs = layouts = 0
    rate = 8.0  # paragraphs a page, measured on the pages kept

    def ahead() -> int:  # the paragraphs of AHEAD pages
        return max(1, round(rate * AHEAD))

    # paragraphs the next stretch lays out: a text of up to FIRST paragraphs is laid out whole first
    span = FIRST if len(text.blocks) <= FIRST else ahead()
    while True:
        start, first, inside = kept[-1]
        breaks = text.breaks(tried)
        end = text.after(start, span)
        # a whole text's first layout needs no seam unless a note is misplaced: then it is laid out again
        bare = start is None and end is None and not layouts
        laid = text.lay_out(breaks, start, first, end, bare=bare, inside=inside)
        layouts += 1
        if layouts > _LAYOUTS_PER_PARAGRAPH * len(text.blocks):
            raise _Whole()
        if laid is None and inside is not None:  # never seen: the block's first page was not as it was
            text.refused.add((inside.page, inside.block))  # lay out the stretch before again, to a seam that begins a block
            kept.pop()
            del pages[kept[-1][1]:]
            continue
        if laid is None:
            raise _Whole()
        # the pages before the one where the stretch's last block begins are as in the whole text;
        # a note misplaced on that one is misplaced there too (what follows the block can only
        # push more notes on), so it is repaired now, not found again on the next stretch's first page
        done = len(laid.document.pages) if end is None else laid.began[text.index[end] - 1]
        problems = [p for p in checks.footnote_placement(laid.document) if p.call_page <= done + 1]
        if not problems and end is None:
            pages.extend(laid.document.pages)
            break
        limit = done  # the last page that may begin the next stretch (0-based)
        if end is not None and laid.spans.get(done + 1, (None,))[0] == text.index[end] - 1:
            limit = done + 1  # the last block runs on to the next page: the page where it begins is full, as in the whole text
        if problems and bare:
            continue  # laid out again with its blocks' places, to find the paragraph that pushed the note
        if problems:
            page = min(p.call_page for p in problems)
            now = [dataclasses.replace(p, call_page=p.call_page + first, body_pages=[b + first for b in p.body_pages])
                   for p in problems if p.call_page == page]
            # the page's last paragraph, if it runs on to the next page (`page` counts from 1, `spans` from 0)
            last = laid.spans.get(page, (None,))[0]
            block = text.offsets[last] if last is not None and laid.began.get(last) == page - 1 else None
            for p in now:
                orders.setdefault(p.call, _pushing(text.html, p.call, block))
            before = breaks
            while breaks == before:  # a place that another footnote's break has taken changes nothing: the next
                steps = _round(text.html, tried, now, orders)
                if not steps:
                    raise _unplaced(repairs, now)
                tried.update(steps)
                repairs += len(steps)
                breaks = text.breaks(tried)
            changed = min(set(before) ^ set(breaks))  # the first break laid, moved or taken away
            def precedes(k, inside) -> bool:  # the break falls before the stretch that begins at k, or at its start
                return k is not None and (changed < k or (changed == k and (inside is not None or changed not in breaks)))

            if precedes(start, inside):
                while precedes(kept[-1][0], kept[-1][2]):
                    kept.pop()  # the break falls in a kept stretch: lay that one out again from its start
                del pages[kept[-1][1]:]
                span = ahead()
                continue
            # a seam the changed break does not precede, at the latest on the problem's page (laid out
            # again from its top) and on the page where the changed break's paragraph begins
            limit = min(page, laid.began.get(text.index[changed], page))
            seams = [seam for seam in text.seams(laid, first)
                     if not precedes(text.offsets[seam.block], seam if seam.inside else None)]
        else:
            seams = text.seams(laid, first)
        seam = next((seam for seam in reversed(seams) if seam.page - first <= limit), None)
        if seam is None and not problems:
            span *= 2  # no page to keep: a longer stretch
            continue
        if seam is not None:
            j = seam.page - first
            rate = max(1.0, (seam.block - (text.index[start] if start is not None else 0)) / j)
            pages.extend(laid.document.pages[:j])
            kept.append((text.offsets[seam.block], seam.page, seam if seam.inside else None))
        span = ahead()
    document = laid.document.copy(pages)
    if text.contents:
        document = _number_contents(text, document, breaks)
    if checks.footnote_placement(document):  # never seen: every stretch was right on its own
        raise _Whole()
    return document


_TOC_PAGE = re.compile(r'(<span class="toc-page"[^>]*data-target="#([^"]+)"[^>]*>)(</span>)')


def _page_numbers(document, targets) -> dict[str, int]:
    """Each of `targets` (anchors) -> the number of the page it lands on in the laid-out document."""
    numbers = {name: number for number, page in enumerate(document.pages, 1) for name in page.anchors}
    if missing := [t for t in targets if t not in numbers]:
        raise RenderError(f"the contents name headings the pages do not have: {', '.join(missing)}")
    return numbers


def _number_contents(text: "_Text", document, breaks: list[int]):
    """The document with its contents' page numbers written in: each `.toc-page` gets the number
    of the page its entry's heading lands on, and the pages before the first entry's heading
    (the contents' own) are laid out again with them, up to that heading. The numbers are out of
    the flow (CSS), so those pages change only by them: a layout that moves an anchor or a
    contents entry there sends the text to whole layouts (`_Whole`, never seen). Done by docgen, not by CSS
    target-counter(), which WeasyPrint resolves only in a layout of the whole text."""
    numbers = _page_numbers(document, [target for _, target in text.contents])
    first = text.contents[0][1]
    k = numbers[first] - 1  # the page where the first entry's heading begins
    heading = text.html.rindex("<", 0, text.html.index(f' id="{first}"'))
    # the text is laid out to that heading (taken out with the chapter it begins), or, if its
    # element is not a block, to the first block after it
    end = heading if heading in text.index else next((offset for offset in text.offsets if offset > heading), None)
    for span, target in text.contents:
        span.text = str(numbers[target])
    try:
        laid = text.lay_out(breaks, None, 0, end, marks={span: f"docgen-toc-{n}" for n, (span, _) in enumerate(text.contents)})
    finally:
        for span, _ in text.contents:
            span.text = None
    same = (laid is not None and laid.marked < k
            and (len(laid.document.pages) == k if end == heading else first in laid.document.pages[k].anchors)
            and all(set(laid.document.pages[j].anchors) == set(document.pages[j].anchors) for j in range(k)))
    if not same:
        raise _Whole()
    return document.copy(laid.document.pages[:k] + document.pages[k:])


def _number_contents_whole(HTML, html: str, config, document):
    """`_number_contents` for a text laid out whole (`_rounds`): the numbers written into the
    HTML, and the text laid out whole again; its pages must keep their anchors."""
    if not _TOC_PAGE.search(html):
        return document
    numbers = _page_numbers(document, [m.group(2) for m in _TOC_PAGE.finditer(html)])
    numbered = _TOC_PAGE.sub(lambda m: f"{m.group(1)}{numbers[m.group(2)]}{m.group(3)}", html)
    again = HTML(string=numbered, base_url=str(TEMPLATES)).render(font_config=config)
    stats["layouts"] += 1
    stats["pages"] += len(again.pages)
    if [set(p.anchors) for p in again.pages] != [set(p.anchors) for p in document.pages]:
        raise RenderError("the contents' page numbers moved the pages they number (a report's contents)")
    return again


def _collect() -> None:
    """Free a discarded layout's cycles when the collector is off (a one-shot command, a build's
    jobs: `job.collect_between_jobs`): else every repair layout of a long document stays in
    memory until the job ends (80 pages, 5 layouts: 435 MB peak)."""
    import gc

    if not gc.isenabled():
        gc.collect()


def _round(html: str, tried: dict[int, int], problems, orders: dict | None = None) -> dict[int, int]:
    """This layout's repairs: footnote -> the shift of its next break, for every misplaced
    footnote that has a place left to try, in its order (`orders`, else REPAIR_SHIFTS)."""
    steps: dict[int, int] = {}
    for p in problems:
        order = (orders or {}).get(p.call, REPAIR_SHIFTS)
        after = order.index(tried[p.call]) + 1 if p.call in tried else 0
        step = next((shift for shift in order[after:] if _paragraph_start(html, p.call, shift) is not None), None)
        if step is not None:
            steps[p.call] = step
    return steps


def _pushing(html: str, n: int, block: int | None) -> tuple[int, ...]:
    """The order of the places tried for footnote `n`, misplaced on a page whose last paragraph,
    beginning at `block` (an offset in *html*; None: the page ends where a block ends), runs on
    to the next page: the break before that paragraph first, then REPAIR_SHIFTS.

    That paragraph is the one WeasyPrint 70 pushed the page's last notes on for (its second
    line overflowed the page, and orphans kept it from breaking after the first: engines.md,
    footnotes 1.), and a break before it lays the page out as WeasyPrint would have without the
    push: the paragraphs before it and all their notes, which fitted before that line was
    tried. A break before the call's own paragraph, the first place tried before, moved that
    paragraph and the ones after it too: two notes pushed off one page left it three-quarters
    empty (an 80-page report's page 43) and the report four pages longer."""
    start = html.rindex(_PARAGRAPH, 0, html.index(f'<a id="fnref-{n}"></a>'))  # the call's paragraph
    if block is None or block < start or not html.startswith(_PARAGRAPH, block):
        return REPAIR_SHIFTS
    shift = html.count(_PARAGRAPH, start, block)  # the paragraphs from the call's to that one
    return (shift, *(s for s in REPAIR_SHIFTS if s != shift))


_PARAGRAPH = "<p "


def _paragraph_start(html: str, n: int, shift: int = 0) -> int | None:
    """Where the paragraph `shift` paragraphs after (before, if negative) the one that holds
    footnote call `n` begins in *html*, or None if there is none (or it is the first paragraph
    of the text: a break before it would only empty the first page); or, when that paragraph is
    the first under a heading, where the heading begins (`_with_its_headings`)."""
    at = html.index(f'<a id="fnref-{n}"></a>')
    start = html.rindex(_PARAGRAPH, 0, at)
    first = html.find(_PARAGRAPH, html.find("<h1"))
    for _ in range(abs(shift)):
        start = html.find(_PARAGRAPH, start + 1) if shift > 0 else html.rfind(_PARAGRAPH, 0, start)
        if start < 0:
            return None
    start = _with_its_headings(html, _with_its_lead_in(html, start))
    return start if start > first else None


def _with_its_lead_in(html: str, start: int) -> int:
    """The start of the paragraph that leads in to the list whose first item begins at `start`
    ("... civil society:" before "(a) ..."), else `start`: a break forced before the first item
    would leave the lead-in alone at the foot of the page before (the 80-page text's page 58),
    where WeasyPrint, breaking there itself, takes it along."""
    end = html.rfind("</p>", 0, start)
    between = html[end + len("</p>"):start] if end >= 0 else ""
    if end < 0 or "</" in between or '<ol class="items"' not in between or _TAG.sub("", between).strip():
        return start
    return html.rindex(_PARAGRAPH, 0, end)


_HEADING = re.compile(r"<h[1-6][\s>]")
_TAG = re.compile(r"<[^>]*>")


def _with_its_headings(html: str, start: int) -> int:
    """The start of the headings the block at `start` follows with nothing but tags between, the
    first of them (a chapter's and its first section's), else `start`: a break forced before a
    section's first paragraph would leave its heading alone at the foot of the page before
    (headings are kept with what follows them, `break-after: avoid`, and a forced break
    overrides that), so the break goes before the heading, as a typesetter moves it."""
    while True:
        heading = html.rfind("<h", 0, start)
        while heading >= 0 and not _HEADING.match(html, heading):  # <html>, <head>, <hr>
            heading = html.rfind("<h", 0, heading)
        end = html.find("</h", heading, start) if heading >= 0 else -1
        if end < 0 or html.find(_PARAGRAPH, end, start) >= 0 or _TAG.sub("", html[end:start]).strip():
            return start
        start = heading


def _break_before(html: str, starts) -> str:
    """*html* with a forced page break before each block that begins at one of `starts`, and
    no top margin on the elements that block begins (`_begun`), as `_Text.lay_out` sets them."""
    for start in sorted(set(starts), reverse=True):  # from the end, so that the earlier positions stay right
        for at, declarations in [(start, REPAIR_BREAK), *((k, TOP) for k in reversed(_begun(html, start)))]:
            html = _styled(html, at, declarations)
    return html


_OWN_STYLE = re.compile(r'\sstyle="([^"]*)"')


def _styled(html: str, at: int, declarations: str) -> str:
    """*html* with `declarations` after the own style of the start tag at `at`, as `_Text.lay_out`
    adds them to an element's."""
    end = html.index(">", at)
    if own := _OWN_STYLE.search(html, at, end):
        return f"{html[:own.end(1)]}{'; ' if own.group(1) else ''}{declarations}{html[own.end(1):]}"
    tag = re.match(r"<(\w+)", html[at:]).group(1)
    return f'{html[:at]}<{tag} style="{declarations}"{html[at + 1 + len(tag):]}'


def _begun(html: str, start: int) -> list[int]:
    """Where the elements that the block at `start` begins (it is their first child) start in
    *html*, the outermost first: at the top of a page after a break WeasyPrint makes itself,
    their top margins go too."""
    found = []
    while (at := html.rfind("<", 0, start)) >= 0 and _OPENING.fullmatch(html, at, start):
        found.insert(0, at)
        start = at
    return found


def _with_breaks(html: str, breaks) -> str:
    """Force a page break before each paragraph `_paragraph_start(html, n, shift)` for the given
    (footnote number, shift) pairs, e.g. before the paragraph that holds the call: (n, 0)."""
    return _break_before(html, {start for n, shift in breaks if (start := _paragraph_start(html, n, shift)) is not None})


_BLOCK = re.compile(r"<(?:p|h[1-6])[\s>]")  # a block's start tag: the parsed tree's paragraphs and headings, in order
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
# the elements a stretch may begin inside: not a table (its columns are those of all its rows) nor a flex box
_PLAIN = {"body", "section", "div", "article", "ol", "ul", "li", "blockquote"}
_WHITE = " \t\n\f\r"  # HTML's white space: a no-break space is text, and makes a line
# the start tag of an element a block may begin (`_PLAIN` but the body), then nothing but white space
_OPENING = re.compile(rf"<(?:{'|'.join(sorted(_PLAIN - {'body'}))})(?:[{_WHITE}][^>]*)?>[{_WHITE}]*")
_MARK = "docgen-p-"  # the anchor of a block without an id while it is laid out (where it begins; taken out after)
# selectors that see more of the tree than an element and the one before it (`_Text.lay_out` cuts
# the rest out): in the page's stylesheet, they keep the text from being laid out in stretches
_TREE_SELECTOR = re.compile(r":(empty|has|nth-|last-|first-child|first-of-type|only-)|~")
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def _shell(element, style: str | None = None):
    """A copy of *element* without its content (children, text), with `style` if given."""
    return type(element)(element.tag, {**element.attrib, **({"style": style} if style else {})})


@dataclasses.dataclass
class _Laid:
    """A stretch as laid out: its pages (`document`, from the stretch's first), the page each of
    its blocks (index) begins on, for each page whose first anchor is a block that begins there:
    (page, block, y of its top in CSS px), and for each page that begins inside a block that
    began on the page before: page -> (block, y of its top on the page before)."""
    document: object
    began: dict[int, int]
    firsts: list[tuple[int, int, float]]
    marked: int = -1  # the last page where an element of `lay_out`'s marks lands
    spans: dict[int, tuple[int, float]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class _Seam:
    """Where a stretch may begin: at the top of the page with index `page` (in the whole text),
    with the block `block`, or, if `inside`, with the rest of it: the block began on the page
    before at `y` (CSS px), under the notes `above` (footnote numbers) of the text before it."""
    block: int
    page: int
    inside: bool = False
    y: float = 0.0
    above: tuple[int, ...] = ()


class _Text:
    """One page's HTML, parsed once, laid out whole or a stretch of it, with forced breaks.

    A break is where a paragraph starts in the HTML (`_paragraph_start`), a stretch's ends where
    a block (a paragraph or a heading) starts; the blocks are the same elements in every layout,
    so the structure tree (weasyprint/tagging.py) continues an element from one stretch to the
    next as across any page break, a paragraph begun in one and ended in the next too. A
    layout's breaks are style declarations, added for it and taken away after it. A stretch
    (`lay_out` with `start`) is laid out with what its pages depend on as in the whole text: the
    text before it is taken out of the tree but for a first page (the masthead's element without
    its content, which sets the running header's string; the first page's footer, which only
    that dropped page shows, is not laid out) and the element just before each of its
    ancestors, hidden and without its content (a `+` selector sees it; its subtree would only
    be styled for nothing: 318 -> 289 MB); a forced break
    puts it on the second page, or on the third after a blank one (`recto`) when its page number
    is odd, so that it has its side in the document; `@page :nth` sets the page counter there to
    its number; the pages before it are dropped. The text from its end on is taken out too. A
    stretch that begins inside a block lays the block's first page out again as it was (a
    spacer as high as the text above it, calling copies of that text's notes) and drops it too.

    `partial` is False when a stretch cannot be right alone: the page has counters other than the
    page's, strings or running elements other than the first page's, or target-counter() (the
    page numbers of a report's contents are docgen's: `_number_contents`), or selectors that
    see siblings before the one kept or an element's content (`_TREE_SELECTOR`); or the HTML's
    blocks are not the tree's. A block's anchor in a layout is its id's, or a mark (`_MARK`)."""

    def __init__(self, HTML, html: str, config):
        self.html, self.config = html, config
        self.offsets = [m.start() for m in _BLOCK.finditer(html)]
        self.source = HTML(string=html, base_url=str(TEMPLATES))
        root = getattr(self.source, "etree_element", None)  # None: a stand-in for WeasyPrint (tests)
        self.blocks = [e for e in root.iter() if e.tag in _BLOCKS] if root is not None else []
        tree = root is not None and len(self.blocks) == len(self.offsets)
        # each block's anchor: its id, else its mark while it is laid out (`lay_out`)
        self.names = [e.get("id") or f"{_MARK}{i}" for i, e in enumerate(self.blocks)]
        self.number = {name: i for i, name in enumerate(self.names)}
        self.root = root
        body = root.find("body") if tree else None
        children = list(body) if body is not None else []
        masthead = next((e for e in children if "masthead" in e.get("class", "").split()), None)
        footer = next((e for e in children if "first-footer" in e.get("class", "").split()), None)
        self.body, self.masthead = body, masthead
        self.partial = (tree and len(self.number) == len(self.names)
                        and masthead is not None and footer is not None and html.count("string-set") == 1
                        and re.search(r"\.masthead\s*\{[^}]*string-set", html) is not None
                        and html.count("running(") == 1 and not re.search(r"counter-(reset|increment|set)|target-", html)
                        and not _TREE_SELECTOR.search("".join(_STYLE.findall(html))))
        self.index = {k: i for i, k in enumerate(self.offsets)}
        # the contents' page-number slots and the anchor each numbers (`_number_contents`), in order
        self.contents = [(e, e.get("data-target")[1:]) for e in root.iter("span")
                         if "toc-page" in e.get("class", "").split() and e.get("data-target", "").startswith("#")
                         ] if self.partial else []
        self.top: float | None = None  # where the text of a page after the first begins (y, CSS px): `seams`
        self.refused: set = set()  # seams inside a block whose first page could not be laid out as it was
        # each footnote (the number in its ids, `fn-N`) -> its element (`lay_out`, `inside`: copies of some)
        self.notes = {int(e.get("id")[3:]): e for e in root.iter()
                      if e.get("id", "").startswith("fn-") and e.get("id")[3:].isdigit()} if self.partial else {}

    @functools.cached_property
    def parent(self) -> dict:
        """Each element of the tree -> its parent (where a stretch is cut out of the tree)."""
        return {child: parent for parent in self.root.iter() for child in parent}

    def begun(self, element) -> list:
        """The elements of `_PLAIN` that *element* begins (it is their first child, no text before
        it), innermost first, up to the body's child: the tree's `_begun`."""
        found = []
        while ((parent := self.parent.get(element)) is not None and parent is not self.body and parent.tag in _PLAIN
               and parent[0] is element and not (parent.text or "").strip(_WHITE)):
            found.append(parent)
            element = parent
        return found

    @functools.cached_property
    def starts(self) -> set[int]:
        """The blocks (index) a stretch may begin with: all but the first, but those in a table or
        another box whose layout depends on what comes before them (`_PLAIN`)."""
        starts = set()
        for i, element in enumerate(self.blocks[1:], 1):
            node = self.parent.get(element)
            while node is not None and node.tag in _PLAIN and node is not self.body:
                node = self.parent.get(node)
            if node is self.body:
                starts.add(i)
        return starts

    def breaks(self, tried: dict[int, int]) -> list[int]:
        """Where the breaks of `tried` (footnote -> shift) go: paragraph starts in the HTML."""
        return sorted({start for n, shift in tried.items()
                       if (start := _paragraph_start(self.html, n, shift)) is not None})

    def after(self, start: int | None, span: int) -> int | None:
        """The block (offset) `span` blocks after `start` (None: the text's start); None past the text."""
        i = (self.index[start] if start is not None else 0) + span
        return self.offsets[i] if i < len(self.offsets) else None

    def seams(self, laid: _Laid, first: int = 0) -> list[_Seam]:
        """The pages of `laid` (laid out from the page with index `first`) where a stretch may
        begin, after its first, in order: each that begins with a block of `starts`, its top at
        the top of the page's text (no margin kept, nothing of the block before it), or inside
        one that began on the page before (`_Seam.inside`)."""
        if not laid.firsts and not laid.spans:
            return []
        if self.top is None and self.starts:
            self._probe()
        if self.top is None:
            return []
        seams = {j: _Seam(i, first + j) for j, i, y in laid.firsts
                 if j > 0 and i in self.starts and abs(y - self.top) < 0.01}
        for j, (i, y) in laid.spans.items():
            # not inside a block that began on the first page (its margins are the first page's)
            if j > 0 and first + j > 1 and j not in seams and i in self.starts and (first + j, i) not in self.refused:
                own = {int(e.get("id")[6:]) for e in self.blocks[i].iter() if e.get("id", "").startswith("fnref-")}
                calls = [int(name[6:]) for name in laid.document.pages[j - 1].anchors
                         if name.startswith("fnref-") and name[6:].isdigit()]
                seams[j] = _Seam(i, first + j, True, y, tuple(sorted(n for n in calls if n not in own)))
        return [seams[j] for j in sorted(seams)]

    def _probe(self) -> None:
        """Learn `top` from one block laid out after a forced break (stats: a probe): a paragraph
        the next block follows directly, so that nothing else is laid out with it (the first of
        the blocks may be a report's contents' title, the whole contents following it)."""
        def alone(i: int) -> bool:
            here, after = self.blocks[i], self.blocks[i + 1]
            parent = self.parent[here]
            return here.tag == "p" and self.parent[after] is parent and list(parent).index(after) == list(parent).index(here) + 1

        i = next((i for i in sorted(self.starts) if i + 1 < len(self.blocks) and alone(i)), min(self.starts))
        self.lay_out([], self.offsets[i], 1, self.offsets[i + 1] if i + 1 < len(self.offsets) else None, probe=True)

    def lay_out(self, breaks: list[int], start: int | None = None, first: int = 0, end: int | None = None,
                probe: bool = False, marks: dict | None = None, bare: bool = False,
                inside: _Seam | None = None) -> _Laid | None:
        """The text with a forced page break before each paragraph in `breaks`, whole, or from the
        block `start` (at the top of the page with index `first`) to `end` (taken out); None if
        the stretch did not begin on a page of its side. `inside` (a seam inside `start`): the
        stretch begins with the rest of that block, which the page before ends with: the block
        is laid out on that page as it was, below a spacer as high as the text above it was,
        that calls the notes that text had (copies, so that the notes area is as high as it
        was), and its first page is the page after. `marks`: element -> an anchor name
        for it in this layout; the last page one lands on is `_Laid.marked`. `bare`: the
        paragraphs get no anchor (5 to 10 % of a short text's layout), and `_Laid.began` and
        `firsts` are empty (no seam): for a whole text that may need no repair."""
        stats["probes" if probe else "layouts" if start is None and end is None else "stretches"] += 1
        block = {k: self.blocks[self.index[k]] for k in (start, end) if k is not None}
        styles: dict = {}  # element -> its style attribute before this layout
        children: dict = {}  # element -> its children before this layout

        def style(element, value: str) -> None:
            styles.setdefault(element, element.get("style"))
            element.set("style", value)

        def add(element, declarations: list[str]) -> None:  # after the element's own
            own = element.get("style")
            style(element, "; ".join(([own] if own else []) + declarations))

        def keep(parent, kept: list) -> None:
            children.setdefault(parent, list(parent))
            parent[:] = kept

        declared = {i: [] if bare or not name.startswith(_MARK) else [f'-weasy-anchor: "{name}"']
                    for i, name in enumerate(self.names)}  # where each begins
        for k in breaks:
            if (start is None or k > start) and (end is None or k < end):
                declared[self.index[k]].append(REPAIR_BREAK)
                for element in self.begun(self.blocks[self.index[k]]):
                    add(element, [TOP])
        sheets = []
        if end is not None:  # the text from `end` on is taken out, with an ancestor it begins
            node = block[end]
            while self.parent[node] is not self.body and list(self.parent[node])[0] is node:
                node = self.parent[node]
            cut = 0
            while node is not self.body:
                parent = self.parent[node]
                now = list(parent)
                keep(parent, now[:now.index(node) + cut])
                node, cut = parent, 1
        if start is not None:
            # the page of this layout with the side of the stretch's first (after the block's first page, `inside`)
            on = (2 if first % 2 else 3) if inside is None else (4 if first % 2 else 3)
            node = block[start]
            while node is not self.body:
                parent = self.parent[node]
                now = list(parent)
                i = now.index(node)
                # the element before, hidden and without its content: only a `+` selector sees it
                before = [_shell(now[i - 1], "display: none")] if i and now[i - 1] is not self.masthead else []
                if parent is self.body:
                    before = [_shell(self.masthead)] + before  # it sets the running header's string
                else:
                    # it begins here now, at the top of a page, where the whole text has no margin of it:
                    # one that began on a page before has left its margin there, and one the block
                    # begins loses it at the page's top (a break WeasyPrint makes, or a repair's: TOP)
                    add(parent, [TOP])
                keep(parent, before + now[i:])
                node = parent
            if inside is not None:
                stats["inside"] += 1
                q = block[start]
                spacer = type(q)("div", {"style": f'break-before: {"page" if on == 3 else "recto"}; '
                                                  f'height: {inside.y - self.top}px; margin: 0; padding: 0; border: 0'})
                for n in inside.above:
                    note = copy.deepcopy(self.notes[n])
                    note.tail = None  # the text after the note is the paragraph's, not the copy's
                    for element in note.iter():
                        element.attrib.pop("id", None)
                    spacer.append(note)
                parent = self.parent[q]
                now = list(parent)
                keep(parent, now[:now.index(q)] + [spacer] + now[now.index(q):])
            else:
                declared[self.index[start]].append(f'break-before: {"page" if on == 2 else "recto"}')
            # the block's margin too (`inside`: the ancestors begin at the spacer, the block where it was)
            if inside is None:
                declared[self.index[start]].append(TOP)
            sheets = [gate.engine().CSS(string=f"@page :nth({on}) {{ counter-reset: page {first + 1} }}")]
        for i, declarations in declared.items():
            if declarations:
                add(self.blocks[i], declarations)
        for element, name in (marks or {}).items():
            add(element, [f'-weasy-anchor: "{name}"'])
        try:
            document = self.source.render(font_config=self.config, stylesheets=sheets)
        finally:
            for parent, kids in children.items():
                parent[:] = kids
            for element, value in styles.items():
                if value is None:
                    del element.attrib["style"]
                else:
                    element.set("style", value)
        stats["pages"] += len(document.pages)
        at = 0 if start is None else None
        began, firsts, spans, tops, marked = {}, [], {}, {}, -1
        for j, page in enumerate(document.pages):
            for name in set(page.anchors) & set((marks or {}).values()):
                del page.anchors[name]
                marked = j
            mine = sorted((self.number[name], (page.anchors.pop(name) if name.startswith(_MARK) else page.anchors[name])[1])
                          for name in list(page.anchors) if name in self.number)  # marks are not destinations in the PDF
            for i, y in mine:
                if i not in began:
                    began[i], tops[i] = j, y
            if mine and start is not None and at is None and mine[0][0] == self.index[start]:
                at = j
                if probe:
                    self.top = mine[0][1]  # a paragraph after a forced break: the top of a page's text
            if mine and began[mine[0][0]] == j:
                firsts.append((j, *mine[0]))
            # the block the page begins inside: the last one that began before it, if on the page before
            within = max((i for i, _ in mine if began[i] < j), default=None)
            if within is not None and began[within] == j - 1:
                spans[j] = (within, tops[within])
        if inside is not None and at is not None:
            # its first page is the page after the block's first, which has it where it was, and its notes
            right = (abs(tops[self.index[start]] - inside.y) < 0.01
                     and not any(p.call_page == at + 1 for p in checks.footnote_placement(document)))
            at = at + 1 if right and len(document.pages) > at + 1 else None
        if at != (0 if start is None else on - 1):  # not on its side (a break of the template's own there?)
            return None
        return _Laid(document if start is None else document.copy(document.pages[at:]),
                     {i: j - at for i, j in began.items() if j >= at},
                     [(j - at, i, y) for j, i, y in firsts if j >= at], marked - at,
                     {j - at: span for j, span in spans.items() if j > at})


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
    document.write_pdf(out, attachments=attachments, **dict(page.options))
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
