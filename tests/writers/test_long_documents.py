"""Long documents (issue #24): an 80-page English resolution with 300 footnotes, a note every other
paragraph (scripts/corpus.py, `long_document`). What `make bench` times is checked here without
time: every footnote on its call's page read back from the PDF, the page count, the page numbers,
and how much the footnote repairs laid out: one layout of the whole text, then stretch by stretch
(`pdf._Text`), the same PDF, byte for byte, as whole layouts in rounds make."""

from __future__ import annotations

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
        wrong = [n for n in (2, 5) if f'<p style="break-before: page" class="x">Text {n}<' not in html]
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
        fixed = '<p style="break-before: page" class="x">Text 2<' in html
        return [checks.Misplaced(4, 3, [4])] + ([] if fixed else [checks.Misplaced(2, 1, [2])])

    pdf = _stubbed(monkeypatch, placement)
    with pytest.raises(RenderError, match=r"after 5 repair\(s\): footnote 4: call on page 3, body on page 4$"):
        pdf.render(_html(6), config=object())


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    """The 80-page document rendered by the PDF writer in this process: its file and layouts made."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf, writer

    folder = corpus.generate_long(tmp_path_factory.mktemp("long"), 80)
    doc, _ = pipeline.read(folder)
    before = dict(pdf.stats)
    data = writer("pdf")(doc, doc.versions["en"], Settings())  # raises if a note is not on its call's page
    path = folder / "long-80.en.pdf"
    path.write_bytes(data)
    return path, {key: pdf.stats[key] - before[key] for key in before}


@pytest.mark.slow
def test_every_footnote_of_the_long_document_is_on_its_calls_page(long_pdf):
    """Read back from the PDF alone (pdfplumber: the calls and the note numbers by size), as the
    stress test reads its corpus; the writer's own check is on WeasyPrint's anchors."""
    from tests.writers.test_footnote_stress import examine

    path, _ = long_pdf
    problems = examine(str(path), 300)
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.slow
def test_the_long_document_has_its_pages_in_one_layout_and_its_stretches(long_pdf):
    """~80 US Letter pages (73 before any repair; each forced break ends a page early), made of one
    layout of the whole text and its stretches, laying out fewer than 3.2 pages for each page of
    the document (228 for 81 on WeasyPrint 70; four whole layouts in rounds laid out 313), with
    the right number on every page."""
    import pikepdf

    path, made = long_pdf
    with pikepdf.open(path) as document:
        pages = len(document.pages)
    assert 70 <= pages <= 90
    assert made["layouts"] == 1 and made["stretches"] >= 1
    assert made["pages"] < 3.2 * pages
    assert _page_numbers(path) == list(range(2, pages + 1))


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


def _render(folder, whole: bool, monkeypatch):
    """The PDF of the long document in *folder* and what the writer laid out for it: stretch by
    stretch, or (`whole`) in whole layouts only, as before stretches."""
    from docgen import pipeline
    from docgen.writers import Settings, pdf, writer

    if whole:
        made = pdf._Text.__init__

        def whole_only(self, *args):
            made(self, *args)
            self.partial = False

        monkeypatch.setattr(pdf._Text, "__init__", whole_only)
    doc, _ = pipeline.read(folder)
    before = dict(pdf.stats)
    data = writer("pdf")(doc, doc.versions["en"], Settings())
    monkeypatch.undo()
    return data, {key: pdf.stats[key] - before[key] for key in before}


@pytest.mark.parametrize("pages, notes, stretches, rounds", [(12, 45, 4, 3), (24, 90, 1, 2)])
def test_stretches_make_the_pdf_that_whole_layouts_make(tmp_path, monkeypatch, pages, notes, stretches, rounds):
    """12 pages: the repairs cascade (the stretches the first layout's breaks make have misplaced
    notes of their own); a stretch is laid out again from a page that begins with a paragraph
    and that no break forces; stretches start on odd and even pages (the side and the page counter
    are set for each). 24 pages: the first layout's pages are kept up to such a page. The PDF is
    the one that whole layouts in rounds make, byte for byte: the same pages, numbers, structure
    tree (PDF/UA) and links; every footnote on its call's page, every page numbered."""
    from tests.writers.test_footnote_stress import examine

    folder = corpus.generate_long(tmp_path, pages)
    stretched, made = _render(folder, False, monkeypatch)
    whole, made_whole = _render(folder, True, monkeypatch)
    assert made["layouts"] == 1 and made["stretches"] >= stretches and made["seams"] >= 1
    assert made_whole["layouts"] >= rounds and made_whole["stretches"] == 0
    assert stretched == whole
    path = tmp_path / f"long-{pages}.en.pdf"
    path.write_bytes(stretched)
    assert examine(str(path), notes) == []
    numbers = _page_numbers(path)
    assert numbers == list(range(2, len(numbers) + 2)) and len(numbers) >= pages * 3 // 4
