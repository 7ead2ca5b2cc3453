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
# Each try replaces the footnote's previous one: a break that did not help is not kept.
REPAIR_SHIFTS = (0, 1, -1, -2)

# What `render` laid out in this process (tests count them): layouts of the whole text, of a
# stretch of it (`_Text.lay_out`), and the pages of both (a stretch's first pages included)
stats = {"layouts": 0, "stretches": 0, "pages": 0, "seams": 0}  # seams: stretches begun where no break forces


def render(html: str, config=None):
    """Lay out *html*, repairing lost or misplaced footnotes; returns the WeasyPrint document.

    A repair forces a page break near the misplaced call's paragraph and lays the page out again;
    for each footnote the places of `REPAIR_SHIFTS` are tried in turn until it sits on its
    call's page. #22, A/RES/80/52: the call's paragraph began its page, the next paragraph
    started on the page's second-last line, and WeasyPrint pushed the page's last note (the
    call's, a one-line "Ibid.") on to make room for that paragraph's second line; a break before
    the call's paragraph, the only place tried then, changed nothing; one before the next
    paragraph places it (tests/writers/test_real_texts.py reproduces it).

    Repairs in stretches (#24): after a forced break the pages depend only on the text that
    follows it, up to the next forced break, and on their first page's side and number. So once
    the first layout (of the whole text) has given each misplaced footnote its break, the text is
    laid out again stretch by stretch, from one forced break to the next, in order
    (`_Text.lay_out`): a stretch whose footnotes are not all on their call's page gets the next
    breaks of those footnotes and is laid out again from its start, alone; a stretch that is
    right is kept, and the next one starts on the page after it, numbered on. A footnote's
    break, and the places tried for it, are the ones that laying out the whole text in rounds
    (each round repairing every misplaced footnote at once) gave, and so are the pages, byte
    for byte; but a round laid out the whole text again (an 80-page document with 300 notes:
    four layouts, 313 pages for its 81), a stretch only itself (one layout and 27 stretches,
    228 pages, dummy first pages included), and a stretch laid out again only from the last page
    that was right and begins with a paragraph (`_stretches`). A break that moves into a stretch already kept (a place before the call's
    paragraph) lays out again from the stretch it falls in. The document is checked whole at
    the end all the same. A page that one stretch cannot get right alone (`_Text.partial`) is
    laid out whole, in rounds, as before."""
    HTML = gate.engine().HTML
    config = config or font_configuration()
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    if isinstance(config, OwnFontsConfiguration) and "@font-face" not in html:  # no system font (fonts.py, 3.)
        raise RenderError("the page declares no font (@font-face): docgen sets text only in the faces of fonts/")
    text = _Text(HTML, html, config)
    tried: dict[int, int] = {}  # footnote -> index in REPAIR_SHIFTS of its break
    repairs = 0
    for attempt in range(MAX_REPAIRS + 1):
        document = text.lay_out(text.breaks(tried))
        problems = checks.footnote_placement(document)
        if not problems:
            return document
        steps = _round(html, tried, problems)
        if not steps or attempt == MAX_REPAIRS:
            break
        tried.update(steps)
        repairs += len(steps)
        if text.partial:
            held, document = [document], None  # `_stretches` lets its pages go when it no longer needs them
            try:
                return _stretches(text, tried, repairs, held, problems)
            except _Whole as whole:  # a stretch that was not right alone: whole layouts from here
                text.partial, repairs = False, whole.repairs
        del document  # the wrong layout is garbage before the next one is made, not beside it
        _collect()
    raise _unplaced(repairs, problems)


class _Whole(Exception):
    """A stretch of the text laid out alone is not as in the whole text: lay it out whole."""

    def __init__(self, repairs: int):
        self.repairs = repairs


def _unplaced(repairs: int, problems) -> RenderError:
    detail = "; ".join(str(p) for p in problems)
    return RenderError(f"footnotes could not be placed on their call's page after {repairs} repair(s): {detail}")


def _stretches(text: "_Text", tried: dict[int, int], repairs: int, whole: list, problems):
    """The document laid out stretch by stretch (see `render`), with the breaks `tried` gives and
    those its stretches need, after the layout of the whole text (`whole`, which it empties) had
    these `problems`.

    A stretch laid out again need not start at a forced break: the pages of the layout that had
    the problems are right up to the last page that begins with a paragraph before the first
    misplaced call and the first changed break (`_Text.seam`); they are kept, and the stretch
    starts there."""
    import dataclasses

    pages: list = []
    kept: list[tuple[int | None, int]] = [(None, 0)]  # stretches: (first paragraph, None for the text's start; first page)
    layouts: dict[int | None, int] = {}  # stretch -> its layouts: at most 1 + MAX_REPAIRS, as the whole text had
    breaks = []
    document, first, end, local = whole.pop(), 0, None, problems
    while True:
        if local:  # the layout just made has misplaced notes, and `tried` their next breaks
            start = kept[-1][0]
            changed = set(breaks).symmetric_difference(text.breaks(tried))
            earliest = min(changed) if changed else start
            inside = earliest is not None and (start is None or earliest > start)
            seam = text.seam(len(document.pages), local, earliest if end is None or earliest < end else None) \
                if inside else None
            if seam is not None:  # keep the pages before it
                pages.extend(document.pages[:seam[0]])
                kept.append((seam[1], first + seam[0]))
                text.natural.add(seam[1])
                stats["seams"] += 1
            else:
                while kept[-1][0] is not None and earliest is not None and kept[-1][0] >= earliest:
                    kept.pop()  # the stretch that a changed break falls in is laid out again, from its start
                del pages[kept[-1][1]:]
        del document  # a wrong layout is garbage before the next one is made (but the pages kept)
        if not layouts:
            _collect()  # the whole text's (a stretch's is small: a collection each would cost more)
        start, first = kept[-1]
        breaks = text.breaks(tried)
        end = next((k for k in breaks if start is None or k > start), None)
        document = text.lay_out(breaks, start, first, end)
        if document is None:
            raise _Whole(repairs)
        layouts[start] = layouts.get(start, 0) + 1
        local = checks.footnote_placement(document)
        if local:
            problems = [dataclasses.replace(p, call_page=p.call_page + first,
                                            body_pages=[b + first for b in p.body_pages]) for p in local]
            steps = _round(text.html, tried, problems)
            if not steps or layouts[start] > MAX_REPAIRS:
                raise _unplaced(repairs, problems)
            tried.update(steps)
            repairs += len(steps)
            continue
        pages.extend(document.pages)
        if end is None:
            break
        kept.append((end, len(pages)))
    document = document.copy(pages)
    if checks.footnote_placement(document):  # each stretch was right alone: one depends on another (a note carried over?)
        raise _Whole(repairs)
    return document


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


def _with_breaks(html: str, starts) -> str:
    """*html* with a forced page break before each paragraph that begins at one of `starts`."""
    for start in sorted(starts, reverse=True):  # from the end, so that the earlier positions stay right
        html = html[:start] + '<p style="break-before: page" ' + html[start + len(_PARAGRAPH):]
    return html


_P_TAG = re.compile(r"<p[\s>]")  # a paragraph's start tag: the parsed tree's <p> elements, in order
_MARK = "docgen-p-"  # a paragraph's anchor while it is laid out (where it begins; removed after)


class _Text:
    """One page's HTML, parsed once, laid out whole or a stretch of it, with forced breaks.

    A break or a stretch's end is where a paragraph starts in the HTML (`_paragraph_start`); the
    paragraphs are the same elements in every layout, so the structure tree (weasyprint/tagging.py)
    continues an element from one stretch to the next as across any page break. A layout's breaks
    are style attributes, set for it and removed after it. A stretch (`lay_out` with `start`) is
    laid out with what its pages depend on as in the whole text: the text before it is taken out
    of the tree but for a first page (the masthead's element without its content, which sets the
    running header's string, and the first page's footer) and the element just before each of its
    ancestors, hidden (a `+` selector sees it); its forced break puts it on the second page, or on
    the third after a blank one (`recto`) when its page number is odd, so that it has its side in
    the document; `@page :nth` resets the page counter there to its number; the pages before it are
    dropped. The text after its end is taken out too. Same breaks, same pages as a layout of the
    whole text (the 80-page document's PDF is byte-identical to one made of whole layouts).

    `partial` is False when a stretch cannot be right alone: the page has counters other than the
    page's, strings or running elements other than the first page's, or target-counter() (a
    contents page's numbers come from the whole layout); or the HTML's paragraphs are not the tree's
    (then a break is written into the HTML, and each layout parses it)."""

    def __init__(self, HTML, html: str, config):
        self.HTML, self.html, self.config = HTML, html, config
        self.offsets = [m.start() for m in _P_TAG.finditer(html)]
        self.source = HTML(string=html, base_url=str(TEMPLATES))
        root = getattr(self.source, "etree_element", None)  # None: a stand-in for WeasyPrint (tests)
        self.paragraphs = list(root.iter("p")) if root is not None else []
        self.tree = root is not None and len(self.paragraphs) == len(self.offsets)
        self.parent = {child: parent for parent in root.iter() for child in parent} if self.tree else {}
        body = root.find("body") if self.tree else None
        children = list(body) if body is not None else []
        masthead = next((e for e in children if "masthead" in e.get("class", "").split()), None)
        footer = next((e for e in children if "first-footer" in e.get("class", "").split()), None)
        self.body, self.first_page = body, (masthead, footer)
        self.partial = (self.tree and masthead is not None and footer is not None and html.count("string-set") == 1
                        and re.search(r"\.masthead\s*\{[^}]*string-set", html) is not None
                        and html.count("running(") == 1 and not re.search(r"counter-(reset|increment|set)|target-", html))
        self.index = {k: i for i, k in enumerate(self.offsets)}
        self.joined = self._joined(root) if self.partial else set()
        self.natural: set[int] = set()  # stretch starts that are no forced break (`seam`)
        self.began: dict[int, int] = {}  # the last layout's paragraphs (index) -> the page each begins on
        self.clean: list[tuple[int, int]] = []  # the last layout's pages that begin with a paragraph: (page, paragraph)

    def _joined(self, root) -> set[int]:
        """The paragraphs (index) that follow the one before with nothing between but list elements."""
        joined, last, inside, between = set(), None, set(), True
        for element in root.iter():
            if element in inside:
                continue
            if element.tag == "p":
                if last is not None and between:
                    joined.add(last + 1)
                last = self.paragraphs.index(element, last + 1 if last is not None else 0)
                inside, between = set(element.iter()), True
            elif last is not None and element.tag not in ("li", "ol", "ul"):
                between = False
        return joined

    def breaks(self, tried: dict[int, int]) -> list[int]:
        """Where the breaks of `tried` (footnote -> index in REPAIR_SHIFTS) go: paragraph starts in the HTML."""
        return sorted({start for n, i in tried.items()
                       if (start := _paragraph_start(self.html, n, REPAIR_SHIFTS[i])) is not None})

    def lay_out(self, breaks: list[int], start: int | None = None, first: int = 0, end: int | None = None):
        """The text with a forced page break before each paragraph in `breaks`, whole, or from the
        paragraph `start` (a forced break: the page with index `first`) to `end` (the next one);
        None if the stretch did not begin on a page of its side."""
        stats["layouts" if start is None and end is None else "stretches"] += 1
        if not self.tree:
            document = self.HTML(string=_with_breaks(self.html, breaks), base_url=str(TEMPLATES)).render(
                font_config=self.config)
            stats["pages"] += len(getattr(document, "pages", ()))  # a stand-in for WeasyPrint has none (tests)
            return document
        paragraph = {k: self.paragraphs[self.index[k]] for k in breaks + [k for k in (start, end) if k is not None]}
        styles: dict = {}  # element -> its style attribute before this layout
        children: dict = {}  # element -> its children before this layout

        def style(element, value: str) -> None:
            styles.setdefault(element, element.get("style"))
            element.set("style", value)

        def keep(parent, kept: list) -> None:
            children.setdefault(parent, list(parent))
            parent[:] = kept

        declared = {i: [f'-weasy-anchor: "{_MARK}{i}"'] for i in range(len(self.paragraphs))}  # where each begins
        for k in breaks:
            if (start is None or k > start) and (end is None or k < end):
                declared[self.index[k]].append("break-before: page")
        sheets = []
        if end is not None:  # the text from `end` on is taken out, with an ancestor it begins
            node = paragraph[end]
            while self.parent[node] is not self.body and list(self.parent[node])[0] is node:
                node = self.parent[node]
            cut = 0
            while node is not self.body:
                parent = self.parent[node]
                now = list(parent)
                keep(parent, now[:now.index(node) + cut])
                node, cut = parent, 1
        if start is not None:
            on = 2 if first % 2 else 3  # the page of this layout with the side of the stretch's first
            node = paragraph[start]
            while node is not self.body:
                parent = self.parent[node]
                now = list(parent)
                i = now.index(node)
                if i:
                    style(now[i - 1], "display: none")
                before = [now[i - 1]] if i else []
                if parent is self.body:
                    masthead, footer = self.first_page
                    shell = type(masthead)(masthead.tag, dict(masthead.attrib))  # without its content
                    before = [shell, footer] + [e for e in before if e is not footer and e is not masthead]
                keep(parent, before + now[i:])
                node = parent
            declared[self.index[start]].append(f'break-before: {"page" if on == 2 else "recto"}')
            if start in self.natural:  # a margin at the top of a page is truncated after a break not forced
                declared[self.index[start]].append("margin-top: 0")
            sheets = [gate.engine().CSS(string=f"@page :nth({on}) {{ counter-reset: page {first + 1} }}")]
        for i, declarations in declared.items():
            style(self.paragraphs[i], "; ".join(declarations))
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
        self.began, self.clean = {}, []
        for j, page in enumerate(document.pages):
            top = min((position[1] for position in page.anchors.values()), default=None)
            mine = sorted((int(name[len(_MARK):]), page.anchors.pop(name)) for name in list(page.anchors)
                          if name.startswith(_MARK))  # not destinations in the PDF
            for i, _ in mine:
                self.began.setdefault(i, j)
            if mine and start is not None and mine[0][0] == self.index[start] and at is None:
                at = j
            i, position = mine[0] if mine else (None, None)
            if i is not None and self.began[i] == j and position[1] <= top and i in self.joined:
                self.clean.append((j, i))  # begins with paragraph i: a seam that no break forces (`seam`)
        if at != (0 if start is None else on - 1):  # not on its side (a break of the template's own there?)
            return None
        self.began = {i: j - at for i, j in self.began.items() if j >= at}
        self.clean = [(j - at, i) for j, i in self.clean if j > at]
        return document if start is None else document.copy(document.pages[at:])

    def seam(self, pages: int, problems, changed: int | None) -> tuple[int, int] | None:
        """Where the last layout (of `pages` pages, these `problems`, and breaks changed from the
        paragraph `changed` on) can be laid out again from, though no forced break is there: the
        last page, not its first, that begins with a paragraph and comes before the page of the
        first misplaced call and before the one before the first changed break's (which that break
        may change: a heading kept with what follows). The pages before it are right, and it
        begins as after a forced break but for its top margin (truncated: `lay_out`). Returns
        (page, paragraph start) or None."""
        if not self.partial:
            return None
        limit = min(p.call_page - 1 for p in problems)  # 0-based
        if changed is not None:
            limit = min(limit, self.began.get(self.index[changed], pages) - 1)
        found = [(j, i) for j, i in self.clean if j <= limit]
        if not found:
            return None
        j, i = found[-1]
        return j, self.offsets[i]


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
