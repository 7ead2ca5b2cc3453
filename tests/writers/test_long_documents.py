"""Long documents (issue #24): an 80-page English resolution with 300 footnotes, a note every other
paragraph (scripts/corpus.py, `long_document`). What `make bench` times is checked here without
time: every footnote on its call's page read back from the PDF, the page count, and how many
layouts the footnote repairs made (a round repairs every misplaced footnote of a layout at once)."""

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
    before = pdf.stats["layouts"]
    data = writer("pdf")(doc, doc.versions["en"], Settings())  # raises if a note is not on its call's page
    path = folder / "long-80.en.pdf"
    path.write_bytes(data)
    return path, pdf.stats["layouts"] - before


@pytest.mark.slow
def test_every_footnote_of_the_long_document_is_on_its_calls_page(long_pdf):
    """Read back from the PDF alone (pdfplumber: the calls and the note numbers by size), as the
    stress test reads its corpus; the writer's own check is on WeasyPrint's anchors."""
    from tests.writers.test_footnote_stress import examine

    path, _ = long_pdf
    problems = examine(str(path), 300)
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.slow
def test_the_long_document_has_its_pages_in_a_few_layouts(long_pdf):
    """~80 US Letter pages (73 before any repair; each forced break ends a page early), made in
    a handful of layouts (5 on WeasyPrint 70 today); one repair per layout took ~20 and failed."""
    import pikepdf

    path, layouts = long_pdf
    with pikepdf.open(path) as document:
        assert 70 <= len(document.pages) <= 90
    assert 1 <= layouts <= 6
