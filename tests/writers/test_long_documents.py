"""Long documents (issue #24): an 80-page English resolution with 300 footnotes, a note every other
paragraph (scripts/corpus.py, `long_document`). What `make bench` times is checked here without
time: every footnote on its call's page read back from the PDF, the page count and numbers, how
much the writer laid out (stretch by stretch: `pdf._stretches`), and that the stretches make the
very PDF one layout of the whole text with the same breaks makes, whatever their length. Rounds
of whole layouts (`pdf._rounds`, a report's) are checked on a stand-in for WeasyPrint."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import corpus


def test_the_long_document_is_the_same_each_time_and_has_its_notes():
    first, again = corpus.long_document(80), corpus.long_document(80)
    assert first == again
    notes = yaml.safe_load(first["en.yaml"])["footnotes"]
    assert len(notes) == 300 and list(notes)[0] == "n1" and notes["n1"] != "Ibid."
    assert len(yaml.safe_load(corpus.long_document(8)["en.yaml"])["footnotes"]) == 30


def _stubbed(monkeypatch, placement):
    """`pdf.render` with WeasyPrint replaced: each layout is the HTML it was given, and `placement`
    says what is misplaced in it."""
    from docgen.writers import pdf
    from docgen.writers.pdf import checks

    class Layout:
        def __init__(self, string, base_url):
            self.string = string

        def render(self, font_config):
            return self

    monkeypatch.setattr(checks, "footnote_placement", lambda layout: placement(layout.string))
    monkeypatch.setattr(pdf.gate, "engine", lambda: type("E", (), {"HTML": Layout}))
    return pdf


def _html(notes: int) -> str:
    paragraphs = "".join(f'<p class="x">Text {n}<a id="fnref-{n}"></a>.</p>' for n in range(1, notes + 1))
    return f'<html><body><h1>T</h1><p class="x">First.</p>{paragraphs}</body></html>'


def test_a_layout_repairs_every_misplaced_footnote_at_once(monkeypatch):
    """Footnotes 2 and 5 misplaced in the first layout: both get a break before their paragraph
    for the second layout, which is right; two layouts, not three."""
    from docgen.writers.pdf import checks

    seen = []

    def placement(html):
        seen.append(html.count("break-before: page"))
        wrong = [n for n in (2, 5) if f'<p style="{pdf.REPAIR_BREAK}" class="x">Text {n}<' not in html]
        return [checks.Misplaced(n, 1, [2]) for n in wrong]

    pdf = _stubbed(monkeypatch, placement)
    before = pdf.stats["layouts"]
    pdf.render(_html(6), config=object())
    assert seen == [0, 2]
    assert pdf.stats["layouts"] - before == 2


def test_rounds_give_up_with_what_is_left(monkeypatch):
    """A footnote that no place repairs: its four places are tried, one a layout, while another
    footnote, repaired in the first round, stays repaired; the error names the one left."""
    from docgen.writers import RenderError
    from docgen.writers.pdf import checks

    def placement(html):
        fixed = f'<p style="{pdf.REPAIR_BREAK}" class="x">Text 2<' in html
        return [checks.Misplaced(4, 3, [4])] + ([] if fixed else [checks.Misplaced(2, 1, [2])])

    pdf = _stubbed(monkeypatch, placement)
    with pytest.raises(RenderError, match=r"after 5 repair\(s\): footnote 4: call on page 3, body on page 4$"):
        pdf.render(_html(6), config=object())


def _pdf(folder, lang: str = "en", **settings) -> tuple[bytes, dict, list[int]]:
    """The PDF of the long document in *folder* by the PDF writer in this process (it raises if a
    note is not on its call's page), with `pdf` module settings changed (FIRST, AHEAD); what it
    laid out (`pdf.stats`), and the breaks of its last layout (paragraph starts in the HTML)."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf, writer

    breaks: list = []
    lay_out = pdf._Text.lay_out

    def recorded(self, laid_breaks, *args, **kwargs):
        if not kwargs.get("probe") and not kwargs.get("marks"):  # nor the contents laid out with their numbers
            breaks[:] = laid_breaks
        return lay_out(self, laid_breaks, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setattr(pdf, name, value)
        patch.setattr(pdf._Text, "lay_out", recorded)
        doc, _ = pipeline.read(folder)
        before = dict(pdf.stats)
        data = writer("pdf")(doc, doc.versions[lang], Settings())
    return data, {key: pdf.stats[key] - before[key] for key in before}, list(breaks)


def _whole(folder, breaks: list[int], lang: str = "en") -> bytes:
    """The PDF of one layout of the whole text of *folder* with a forced break before each of
    `breaks` (paragraph starts in its HTML), written as the writer writes it; a report's contents
    numbered with the pages its headings land on in that layout, and the text laid out again."""
    import io

    from docgen import pipeline
    from docgen.writers import Settings
    from docgen.writers.pdf import _break_before, font_configuration, gate, page, TEMPLATES

    doc, _ = pipeline.read(folder)
    prepared = page.prepare(doc, doc.versions[lang], Settings())
    assert all(re.match(r"<(p|h[1-6])[ >]", prepared.html[k:]) for k in breaks)  # a paragraph's, or a heading's
    html = _break_before(prepared.html, breaks)  # the HTML's spelling of the breaks the tree's layouts set
    config = font_configuration(prepared.ranges)
    document = gate.engine().HTML(string=html, base_url=str(TEMPLATES)).render(font_config=config)
    if 'class="toc-page"' in html:  # a report: its contents numbered from this layout, then laid out again
        pages = {name: n for n, page in enumerate(document.pages, 1) for name in page.anchors}
        html = re.sub(r'(data-target="#([^"]+)">)(</span>)', lambda m: f"{m[1]}{pages[m[2]]}{m[3]}", html)
        document = gate.engine().HTML(string=html, base_url=str(TEMPLATES)).render(font_config=config)
    out = io.BytesIO()
    document.write_pdf(out, **dict(prepared.options))
    return out.getvalue()


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    """The 80-page document rendered by the PDF writer in this process: its folder, file, what
    the writer laid out and its breaks."""
    folder = corpus.generate_long(tmp_path_factory.mktemp("long"), 80)
    data, made, breaks = _pdf(folder)
    path = folder / "long-80.en.pdf"
    path.write_bytes(data)
    return folder, path, made, breaks


@pytest.mark.slow
def test_every_footnote_of_the_long_document_is_on_its_calls_page(long_pdf):
    """Read back from the PDF alone (pdfplumber: the calls and the note numbers by size), as the
    stress test reads its corpus; the writer's own check is on WeasyPrint's anchors."""
    from tests.writers.test_footnote_stress import examine

    _, path, _, _ = long_pdf
    problems = examine(str(path), 300)
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.slow
def test_the_long_document_is_laid_out_stretch_by_stretch(long_pdf):
    """~80 US Letter pages (73, as without a repair: each break goes before the paragraph that
    pushed a note, and ends its page where WeasyPrint would have without the push; breaks
    before the call's own paragraph made 75, and left page 50 three-quarters empty) with the
    right number on every page, none left a third empty, made of stretches, not of whole
    layouts, laying out fewer than 2.5 pages (dummy first pages included) for each page of the
    document: 161 for 73 on WeasyPrint 70; rounds of whole layouts laid out 313 for 81."""
    import pikepdf

    _, path, made, breaks = long_pdf
    with pikepdf.open(path) as document:
        pages = len(document.pages)
    assert 70 <= pages <= 90
    assert made["layouts"] == 0 and made["stretches"] >= 5 and made["probes"] == 1
    assert made["inside"] >= 3, "no stretch began inside a paragraph: the identity test below no longer tests those"
    assert made["pages"] < 2.5 * pages
    assert breaks, "no footnote of the long document needed a repair: the test no longer tests repairs"
    assert _page_numbers(path) == list(range(2, pages + 1))
    assert _short_pages(path) == []


@pytest.mark.slow
def test_the_stretches_make_the_pdf_of_one_whole_layout(long_pdf):
    """The same breaks laid out whole in one layout give the same PDF, byte for byte: the pages
    of a stretch are those of the whole text, its text, notes, numbers and structure tree."""
    folder, path, _, breaks = long_pdf
    assert _whole(folder, breaks) == path.read_bytes()


@pytest.mark.slow
def test_stretches_of_any_length_make_the_same_pdf(tmp_path):
    """A 24-page document (three repairs) laid out in stretches of 2 pages, of 5, and in one
    first stretch of the whole text, then repaired from its seams: the same breaks, the same
    PDF, that of one whole layout with those breaks."""
    folder = corpus.generate_long(tmp_path, 24)
    short, made, breaks = _pdf(folder, FIRST=16, AHEAD=2)
    assert made["stretches"] > 8 and made["inside"] >= 2 and breaks
    longer, _, same = _pdf(folder, FIRST=40, AHEAD=5)
    whole, made, once = _pdf(folder, FIRST=10_000)
    assert made["layouts"] >= 1
    assert same == once == breaks
    assert short == longer == whole == _whole(folder, breaks)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "zh", "en", "fr", "es", "ru"])
def test_every_language_laid_out_in_short_stretches_is_its_whole_layout(lang):
    """The specimen (2-4 pages) in stretches of a few paragraphs (half a page, longer where no
    page in one begins a paragraph): each language's PDF is that of one whole layout, byte for
    byte. Arabic pages run right to left (its first page is a left page: a stretch's side comes
    from `recto`, which is "left" there); Chinese lines have no spaces; the texts have
    preambles, operative paragraphs with items, notes and an annex."""
    from tests.conftest import SPECIMEN

    data, made, breaks = _pdf(SPECIMEN, lang, FIRST=2, AHEAD=0.5)
    assert made["stretches"] >= 3, made
    assert data == _whole(SPECIMEN, breaks, lang)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "zh", "en", "fr", "es", "ru"])
def test_every_language_begun_inside_a_paragraph_is_its_whole_layout(tmp_path, lang):
    """A text of some 14 pages in each language (clauses of the specimen's, of the seed's in
    Chinese; a note every other paragraph) in stretches of two pages, some beginning inside a
    paragraph begun on the page before (its first page laid out again under a spacer and the
    copies of the notes above it): the PDF of one whole layout with the same breaks, byte for
    byte. Arabic pages run right to left, Chinese lines have no spaces, each language its own
    hyphenation and notes. (14, not 12: since repairs break before the paragraph that pushed a
    note, 12 pages of English and Spanish began one stretch inside a paragraph, not two.)"""
    folder = corpus.generate_long(tmp_path, 14, lang=lang)
    data, made, breaks = _pdf(folder, lang, FIRST=20, AHEAD=2)
    assert made["inside"] >= 2 and made["layouts"] == 0, made
    assert data == _whole(folder, breaks, lang)


@pytest.mark.slow
def test_a_long_report_is_laid_out_in_stretches_and_numbers_its_contents(tmp_path):
    """A 30-page report (chapters, sections, tables, notes, contents) laid out in stretches of 3
    pages: the PDF of one whole layout with the same breaks and its contents numbered with the
    pages its headings land on there (docgen writes the numbers, not CSS target-counter(), which
    needs the whole text in one layout); each entry on page 1 prints the page its link leads to,
    and its heading is there."""
    from tests.writers.test_reports import contents_entries, letters, pages_text

    folder = corpus.generate_long(tmp_path, 30, kind="report")
    data, made, breaks = _pdf(folder, FIRST=20, AHEAD=3)
    assert made["layouts"] == 0 and made["stretches"] > 8 and made["inside"] >= 2
    assert data == _whole(folder, breaks)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    pages = [letters(p) for p in pages_text(path)]
    entries = contents_entries(path)
    assert len(entries) >= 10 and max(target for _, _, target in entries) > 10
    for ident, printed, target in entries:
        assert printed == target, f"{ident}: the contents say page {printed}, the link leads to page {target}"
        assert ident.startswith("chp_") and target > 1 and pages[target - 1], ident


@pytest.mark.slow
def test_a_report_laid_out_whole_numbers_its_contents_too(tmp_path):
    """A report that cannot be laid out in stretches (here: made so) is laid out whole, in rounds,
    and its contents numbered the same way: each entry prints the page its link leads to."""
    from docgen.writers import pdf
    from tests.writers.test_reports import contents_entries

    folder = corpus.generate_long(tmp_path, 12, kind="report")
    made = pdf._Text.__init__

    def whole(self, *args):
        made(self, *args)
        self.partial = False

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf._Text, "__init__", whole)
        data, laid, _ = _pdf(folder)
    assert laid["stretches"] == 0 and laid["layouts"] >= 2  # the last one with the numbers
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    entries = contents_entries(path)
    assert len(entries) >= 8
    assert all(printed == target for _, printed, target in entries), entries


def _page_numbers(path) -> list[int]:
    """The number in each page's footer (the page's last word, bold), from the second page on (the
    first has the job number)."""
    import pdfplumber

    numbers = []
    with pdfplumber.open(path) as document:
        for page in document.pages[1:]:
            last = max(page.extract_words(extra_attrs=["fontname"]), key=lambda w: (w["top"], w["x0"]))
            assert last["fontname"].endswith("-Bold") and last["text"].isdigit(), last
            numbers.append(int(last["text"]))
    return numbers


def test_a_paragraph_with_an_id_keeps_its_anchor(monkeypatch):
    """A stretch marks each block without an id with an anchor of its own while it is laid out,
    and reads a block with an id by its id's anchor: here with stretches of a few paragraphs,
    the paragraph's id is a destination in the document, on one page, the one where the
    paragraph begins in the whole layout."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf
    from docgen.writers.pdf import page, TEMPLATES, gate
    from tests.conftest import SPECIMEN

    doc, _ = pipeline.read(SPECIMEN)
    html = page.prepare(doc, doc.versions["en"], Settings()).html
    second = html.index("<p ", html.index("<p ", html.index("<h1")) + 1)
    html = html[:second] + '<p id="kept" ' + html[second + len("<p "):]
    monkeypatch.setattr(pdf, "FIRST", 2)
    monkeypatch.setattr(pdf, "AHEAD", 0.5)
    before = dict(pdf.stats)
    document = pdf.render(html)
    assert pdf.stats["stretches"] >= before["stretches"] + 3  # not whole layouts in rounds (`_rounds`)
    whole = gate.engine().HTML(string=html, base_url=str(TEMPLATES)).render(font_config=pdf.font_configuration())
    assert not pdf.checks.footnote_placement(whole)
    assert [("kept" in p.anchors) for p in document.pages] == [("kept" in p.anchors) for p in whole.pages]
    assert sum("kept" in p.anchors for p in document.pages) == 1


def test_a_break_before_a_sections_first_paragraph_goes_before_its_headings():
    """A repair's break before the first paragraph under a heading (a chapter's and its first
    section's) goes before the first heading: a forced break would override the heading's
    `break-after: avoid` and leave it alone at the foot of the page before."""
    from docgen.writers import pdf

    html = ('<h1>T</h1><p class="x">Intro<a id="fnref-1"></a></p>'
            '<section><h2 id="c2">II. Chapter</h2><section><h3 id="s2">A. Section</h3>'
            '<p class="x">First<a id="fnref-2"></a></p><p class="x">Second<a id="fnref-3"></a></p></section></section>')
    chapter = html.index("<h2")
    assert pdf._paragraph_start(html, 2) == chapter
    assert pdf._paragraph_start(html, 3) == html.index('<p class="x">Second')
    assert pdf._paragraph_start(html, 3, -1) == chapter
    assert pdf._with_breaks(html, [(2, 0)]).count('style="break-before: page; margin-top: 0"') == 1
    assert '<h2 style="break-before: page; margin-top: 0" id="c2">' in pdf._with_breaks(html, [(2, 0)])
    # the elements the heading begins lose their top margin too; an element's own style is kept
    styled = html.replace("<section><h2", '<section style="color: red"><h2')
    assert '<section style="color: red; margin-top: 0"><h2 style="break-before: page; margin-top: 0" id="c2">' \
        in pdf._with_breaks(styled, [(2, 0)])


def test_a_repairs_break_drops_the_top_margins_of_what_its_block_begins():
    """A repair's break before an included resolution of a report (its heading begins a section
    with 12 pt above it) sets the heading at the top of the page's text, as a break WeasyPrint
    makes itself does: the section's margin goes too, in a whole layout of the HTML
    (`_break_before`) and in the tree's layouts (`_Text.lay_out`), whole and in a stretch that
    begins there. The margin was kept before: 16 px (12 pt) of space above the heading."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf
    from docgen.writers.pdf import TEMPLATES, gate, page
    from tests.conftest import CONTENT

    doc, _ = pipeline.read(CONTENT / "ctoc-cop-5-report")
    prepared = page.prepare(doc, doc.versions["en"], Settings())
    html = prepared.html
    k = html.index('<h3 class="heading" id="res_5-1"')
    section = html.rindex('<section class="included"', 0, k)
    assert pdf._begun(html, k) == [section]
    assert pdf._begun(html, html.index("<p ", k)) == []  # the resolution's first paragraph begins nothing
    broken = pdf._break_before(html, [k])
    assert broken[section:].startswith('<section style="margin-top: 0" class="included"')
    assert broken[k + len(' style="margin-top: 0"'):].startswith(f'<h3 style="{pdf.REPAIR_BREAK}" class="heading"')

    HTML, config = gate.engine().HTML, pdf.font_configuration(prepared.ranges)
    text = pdf._Text(HTML, html, config)
    text._probe()  # the top of a page's text, after a break: `text.top`

    def tops(document) -> list[float]:
        return [p.anchors["res_5-1"][1] for p in document.pages if "res_5-1" in p.anchors]

    whole = HTML(string=broken, base_url=str(TEMPLATES)).render(font_config=config)
    kept = HTML(string=html[:k] + f'<h3 style="{pdf.REPAIR_BREAK}"' + html[k + 3:], base_url=str(TEMPLATES)
                ).render(font_config=config)  # the block's own margin alone dropped, as before
    assert [round(y - text.top, 2) for y in tops(kept)] == [16.0]
    assert [round(y - text.top, 2) for y in tops(whole)] == [0.0]
    assert [round(y - text.top, 2) for y in tops(text.lay_out([k]).document)] == [0.0]
    assert [round(y - text.top, 2) for y in tops(text.lay_out([k], k, 4).document)] == [0.0]


def test_the_html_and_the_tree_agree_on_what_each_block_begins():
    """`_begun` (a break written into the HTML, `_break_before`: whole layouts) and `_Text.begun`
    (the tree's layouts: stretches) find the same elements for every block of every document of
    content/ in every language: the two spellings of a repair's break drop the same margins.
    (A start tag without attributes, `<li>`, was missed by the first `_begun`.)"""
    from docgen import pipeline
    from docgen.writers import Settings, pdf
    from docgen.writers.pdf import gate, page
    from tests.conftest import CONTENT

    HTML, compared, begun = gate.engine().HTML, 0, 0
    for folder in sorted(p for p in CONTENT.iterdir() if p.is_dir()):
        doc, _ = pipeline.read(folder)
        if doc is None:
            continue
        for lang, version in doc.versions.items():
            html = page.prepare(doc, version, Settings()).html
            text = pdf._Text(HTML, html, None)
            assert len(text.offsets) == len(text.blocks), (folder.name, lang)
            for k, block in zip(text.offsets, text.blocks):
                in_html = [re.match(r"<(\w+)", html[at:]).group(1) for at in pdf._begun(html, k)]
                in_tree = [e.tag for e in reversed(text.begun(block))]
                assert in_html == in_tree, (folder.name, lang, html[k:k + 80])
                compared, begun = compared + 1, begun + bool(in_tree)
    assert compared > 500 and begun > 100  # list items and sections among them


def test_a_break_before_a_lists_first_item_goes_before_its_lead_in():
    """A repair's break before item (a) goes before the paragraph that leads in to the list
    ("... civil society:"), which WeasyPrint takes along when it breaks there itself (the
    80-page text's page 58 kept the lead-in alone at its foot); one before item (b) stays."""
    from docgen.writers import pdf

    html = ('<h1>T</h1><p class="x">Intro<a id="fnref-1"></a></p><ol class="operative">\n'
            '<li><p class="operative">2. The contributions of Member States:</p>\n<ol class="items">\n'
            '<li><p class="item level-1">(a) in which<a id="fnref-2"></a></p>\n</li>\n'
            '<li><p class="item level-1">(b) and<a id="fnref-3"></a></p>\n</li>\n</ol>\n</li>\n</ol>')
    assert pdf._paragraph_start(html, 2) == html.index('<p class="operative">')
    assert pdf._paragraph_start(html, 3) == html.index('<p class="item level-1">(b)')
    assert pdf._paragraph_start(html, 1, 1) == html.index('<p class="operative">')


def _headings_alone(path) -> list[tuple[int, str]]:
    """Pages whose text (above the notes, below the running header) ends with a bold line: a
    heading left alone at the foot of the page (body text is regular, notes smaller)."""
    import pdfplumber

    found = []
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages[1:], 2):
            words = [w for w in page.extract_words(extra_attrs=["fontname", "size"])
                     if w["size"] >= 9.5 and 72 < w["top"] < page.height - 72]
            if words:
                last = max(w["top"] for w in words)
                line = [w for w in words if abs(w["top"] - last) < 2]
                if all(w["fontname"].endswith("-Bold") for w in line):
                    found.append((number, " ".join(w["text"] for w in line)))
    return found


def _short_pages(path, share: float = 1 / 3) -> list[tuple[int, int]]:
    """Pages (number, points left) whose text, tables included, ends more than `share` of the
    text area above the page's notes (their rule) or, without notes, above the foot of the
    text area (where the fullest page's text ends); not the last page, nor one that a forced
    break ends: before chapter I (the contents) or before an annex. Read from the PDF: the
    running header is above 72 pt, the page number below the page's height less 50 pt."""
    import pdfplumber

    pages = []  # (number, where the text ends, where it may end: the notes' rule, or None; its first word)
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages, 1):
            rule = min((r["top"] for r in page.rects if r["height"] < 1 and 50 < r["width"] < 100), default=None)
            words = [w for w in page.extract_words() if w["top"] > 72 and w["bottom"] < (rule or page.height - 50)]
            if words:
                pages.append((number, max(w["bottom"] for w in words), rule, words[0]["text"]))
    foot = max(end for _, end, _, _ in pages)
    area = foot - 72
    forced = {number - 1 for number, _, _, first in pages if first in ("I.", "Annex")}
    return [(number, round((rule or foot) - end)) for number, end, rule, _ in pages[:-1]
            if number not in forced and (rule or foot) - end > share * area]


@pytest.mark.slow
def test_the_80_page_report_leaves_no_heading_at_the_foot_of_a_page(tmp_path):
    """The bench's 80-page report: 8 breaks, each before the paragraph that WeasyPrint pushed a
    page's notes on for, one of them a section's first paragraph, whose break goes before the
    section's heading; no page ends with a heading (read from the PDF: before, pages 26, 48
    and 54 did), no page is left a third empty (before, when a repair broke before the call's
    own paragraph, pages 43 and 49 were three-quarters empty, and the report had 84 pages, not
    81), no chapter number runs into its title (before, VIII. to XVIII. did: the label had the
    tab's width), and the PDF is that of one whole layout with the same breaks."""
    folder = corpus.generate_long(tmp_path, 80, kind="report")
    data, made, breaks = _pdf(folder)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    from docgen import pipeline
    from docgen.writers import Settings
    from docgen.writers.pdf import page

    doc, _ = pipeline.read(folder)
    html = page.prepare(doc, doc.versions["en"], Settings()).html
    assert any(html.startswith(("<h2", "<h3"), b) for b in breaks), "no repair fell before a section's first paragraph"
    assert _headings_alone(path) == []
    assert _short_pages(path) == []
    assert _labels_into_titles(path) == []
    assert data == _whole(folder, breaks)


def _labels_into_titles(path) -> list[str]:
    """Chapter headings whose number runs into their title (read from the PDF: "XVII.Document",
    one word, or the two words less than 2 pt apart): a label wider than its tab (VIII. to
    XVIII. in the chapter heading's size) must push the title on."""
    import pdfplumber

    found = []
    with pdfplumber.open(path) as document:
        for page in document.pages:
            words = [w for w in page.extract_words(extra_attrs=["size"]) if w["size"] > 11]
            for a, b in zip(words, words[1:]):
                if re.fullmatch(r"[IVXL]+\.", a["text"]) and abs(a["top"] - b["top"]) < 2 and b["x0"] - a["x1"] < 2:
                    found.append(f'{a["text"]} {b["text"]}')
            found += [w["text"] for w in words if re.match(r"[IVXL]+\.\S|[IVXL]{2,}[A-HJ-UWYZ]", w["text"])]
    return found


def test_a_stylesheet_that_looks_further_into_the_tree_is_laid_out_whole():
    """A stretch keeps of the text before it only the element just before each ancestor, without
    its content: a selector that sees more (an earlier sibling, an element's children or their
    count) would match differently there, so such a page is not laid out in stretches; a tilde
    in the text, not in the stylesheet, changes nothing."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf
    from docgen.writers.pdf import page, gate
    from tests.conftest import SPECIMEN

    doc, _ = pipeline.read(SPECIMEN)
    html = page.prepare(doc, doc.versions["en"], Settings()).html
    HTML, config = gate.engine().HTML, pdf.font_configuration()
    assert pdf._Text(HTML, html, config).partial
    body = html.index("<p ", html.index("<h1"))
    assert pdf._Text(HTML, html[:body] + "<p>A ~ B</p>" + html[body:], config).partial
    for rule in ("p:empty + p { color: red }", "h1 ~ p { color: red }", "li:first-child { color: red }",
                 "ol > li:nth-child(2) { color: red }", "div:has(p) { color: red }"):
        styled = html.replace("</style>", rule + "</style>", 1)
        assert not pdf._Text(HTML, styled, config).partial, rule
