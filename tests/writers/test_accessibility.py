"""Accessible outputs (#15): tagged PDF/UA-1 (and PDF/A-3a archives), HTML, Word.

Every document and language version under content/ is checked (new languages are covered as
they arrive). The PDFs are read back with pikepdf/pdfplumber (`pdfstructure.py`), compared with
the model, and validated by `page` (page-validation on PyPI, a PDF/UA-1 and PDF/A validator
that needs no JVM). Stock WeasyPrint tagging is rendered too: the checks must fail on it.
"""

from __future__ import annotations

import contextlib
import subprocess
import zipfile
from pathlib import Path

import page
import pytest
from lxml import etree, html as lxml_html

from docgen import pipeline
from docgen.data import tables
from docgen.model import plain_text
from docgen.writers import Settings
from docgen.writers.html import SYMBOL

from tests.conftest import CONTENT, run_docgen
from tests.pdfstructure import ua_document_problems, read

VERSIONS = [(folder.name, path.stem) for folder in sorted(CONTENT.iterdir()) if (folder / "document.yaml").is_file()
            for path in sorted(folder.glob("*.yaml")) if path.stem in tables.CODES]
IDS = [f"{d}.{lang}" for d, lang in VERSIONS]
JOINERS = dict.fromkeys(map(ord, "\u2060\u00ad"))


def _model(name: str, lang: str):
    docs, _ = pipeline.read_all([CONTENT / name])
    return docs[0], docs[0].versions[lang]


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive")
    result = run_docgen("build", CONTENT, "--format", "pdf", "--pdfa", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


# ---------------------------------------------------------------- PDF: the structure against the model


def _expected_list(entries) -> list:
    return [(entry.num, _expected_list(entry.items)) for entry in entries]


def _actual_list(element) -> list:
    assert element.kind == "L"
    out = []
    for li in element.children:
        assert li.kind == "LI", li.kind
        label, body = li.children[0], li.children[1]
        assert (label.kind, body.kind) == ("Lbl", "LBody")
        assert body.children[0].kind == "P"
        nested = [c for c in body.children if c.kind == "L"]
        out.append((label.text.strip(), _actual_list(nested[0]) if nested else []))
    return out


def _block_lang(lang) -> str | None:
    """The language of the masthead's right-hand block when it is not the page's (None otherwise)."""
    block = getattr(lang, "masthead_block", "en")  # per-language blocks come with #10
    return None if block == lang.code else tables.language(block).bcp47


def _reading(element) -> str:
    """What a screen reader reads for an element, its notes left out (they are checked apart)."""
    if element.kind == "Note":
        return ""
    if not element.children:
        return element.text
    return "".join(_reading(child) for child in element.children)


def _same_text(pdf_text: str, model_text: str) -> bool:
    norm = lambda t: t.translate(JOINERS).replace("\u00a0", " ").replace("\u202f", " ").strip()  # noqa: E731
    return norm(pdf_text) == norm(model_text)


def _check_list_text(element, entries) -> None:
    for li, entry in zip(element.children, entries):
        body = li.children[1]
        paragraph = body.children[0]
        assert _same_text(_reading(paragraph), plain_text(entry.text, with_calls=True)), _reading(paragraph)
        nested = [c for c in body.children if c.kind == "L"]
        if entry.items:
            _check_list_text(nested[0], entry.items)


def _paragraph_kinds(paragraphs) -> list[str]:
    """Numbered paragraphs are one list (L), broken by each sub-heading (H2); a lone paragraph is a P (#12)."""
    kinds = []
    for p in paragraphs:
        if p.heading:
            kinds.append("H2")
        if p.num:
            if not kinds or kinds[-1] != "L":
                kinds.append("L")
        else:
            kinds += ["P"] + (["L"] if p.items else [])
    return kinds


def check_report_structure(structure, doc, version) -> None:
    """A report (#24): masthead, session lines, the title (the one H1), the contents (TOC: one TOCI
    per entry, each a Link to its heading read as printed, its dot leader an Artifact), a Sect per chapter and per annex; its notes and those
    of its included texts each a Reference followed by its Note, numbered as printed."""
    lang = tables.language(version.lang)
    root = structure.root
    assert not structure.problems, structure.problems[:10]
    assert structure.catalog_lang == lang.bcp47
    kinds = [e.kind for e in root.children]
    expected = (["Sect"] + (["Div"] if version.masthead.session_lines else []) + ["H1", "H2", "TOC"]
                + ["Sect"] * (len(version.chapters) + len(version.report_annexes)))
    assert kinds == expected
    assert sum(e.kind == "H1" for e in root.elements()) == 1
    toc = root.children[kinds.index("TOC")]
    entries = [e for e in toc.children if e.kind == "TOCI"]
    assert len(entries) == len(version.contents())
    for entry, model in zip(entries, version.contents()):
        links = [e for e in entry.elements() if e.kind == "Link"]
        assert links and {link.dest for link in links} == {model.ident}
        # the dot leader is an Artifact: a screen reader reads the title and the page, not the dots
        assert ". ." not in entry.text and ".." not in entry.text.replace(" ", ""), entry.text
        # read as printed, in logical order (Arabic too), with its spaces: "I. Introduction 2"
        said, _, page = entry.text.translate(JOINERS).rpartition(" ")
        assert page.isdigit() and said == " ".join(f"{model.label} {model.title}".translate(JOINERS).split()), entry.text
    assert ". . . . ." in structure.artifact_text[0]  # drawn all the same, outside the tree
    notes = [e for e in root.elements() if e.kind == "Note"]
    printed = {n.seq: n.number for n in version.all_footnotes()}
    assert sorted(int(n.id.removeprefix("fn-")) for n in notes) == sorted(printed)
    for note in notes:
        seq = int(note.id.removeprefix("fn-"))
        siblings = note.parent.children
        before = siblings[siblings.index(note) - 1]
        assert before.kind == "Reference" and before.text.strip() == str(printed[seq])
        assert note.children[0].kind == "Lbl" and note.children[0].text.strip() == str(printed[seq])
    assert doc.meta.job_number not in root.text
    for number, text in enumerate(structure.artifact_text[1:], start=2):
        assert str(number) in text and doc.meta.symbol in text.translate(JOINERS)


def check_structure(structure, doc, version) -> None:
    if doc.meta.is_report:
        return check_report_structure(structure, doc, version)
    lang = tables.language(version.lang)
    root = structure.root
    assert not structure.problems, structure.problems[:10]
    assert structure.catalog_lang == lang.bcp47
    kinds = [e.kind for e in root.children]
    head = version.masthead
    expected = (["Sect"] + (["Div"] if head.session_lines else []) + (["Div"] if head.adoption_lines else [])
                + ["H1"] + (["P"] if version.formula else []))
    for p in version.preamble:
        expected += ["P"] + (["L"] if p.items else [])
    numbered = [p for p in version.operative if p.num]
    expected += _paragraph_kinds(version.operative)
    expected += ["P"] * len(version.closing)
    expected += ["Sect"] * len(version.annexes)  # an annex: its headings (H2) and paragraphs inside
    assert kinds == expected
    # masthead: its facts first, as one group; the emblem with its alternative text
    masthead = root.children[0]
    figures = [e for e in root.elements() if e.kind == "Figure"]
    assert [f.alt for f in figures] == [lang.emblem_alt]
    assert figures[0].parent is masthead
    assert version.masthead.symbol in masthead.text.translate(JOINERS)
    heading = root.children[kinds.index("H1")]
    assert plain_text(version.title).replace(" ", "") in heading.text.replace(" ", "")
    assert sum(e.kind == "H1" for e in root.elements()) == 1
    if numbered and not any(p.heading for p in version.operative):
        at = len(kinds) - 1 - kinds[::-1].index("L")  # the operative list: the last one (preamble items come before)
        assert _actual_list(root.children[at]) == _expected_list(version.operative)
        _check_list_text(root.children[at], version.operative)
    # every paragraph reads as the model's text: words at line ends keep their space, calls in place
    after_heading = [e for e in root.children[kinds.index("H1") + 1:] if e.kind == "P"]
    expected_texts = ([version.formula] if version.formula else []) + [p.text for p in version.preamble]
    for element, inlines in zip(after_heading, expected_texts):
        assert _same_text(_reading(element), plain_text(inlines, with_calls=True)), _reading(element)
    # footnotes: every call a Reference, followed by its Note (Lbl = number, then the text)
    calls = sorted(n.number for n in version.footnotes)
    notes = [e for e in root.elements() if e.kind == "Note"]
    assert sorted(int(n.id.removeprefix("fn-")) for n in notes) == calls
    bodies = {n.number: plain_text(n.text) for n in version.footnotes}
    for note in notes:
        number = note.id.removeprefix("fn-")
        siblings = note.parent.children
        before = siblings[siblings.index(note) - 1]
        assert before.kind == "Reference" and before.text.strip() == number, (number, before.kind, before.text)
        (link,) = before.children  # the call links to its note, and says so in the document's language
        assert (link.kind, link.dest, link.contents) == ("Link", note.id, lang.footnote_link.format(n=number))
        assert note.children[0].kind == "Lbl" and note.children[0].text.strip() == number
        text = note.text.translate(JOINERS)[len(note.children[0].text):]
        assert text.replace(" ", "")[:20] == bodies[int(number)].replace(" ", "")[:20]
    # languages: the English block and Latin symbols in a non-Latin text carry their /Lang
    block_lang = _block_lang(lang)
    block = [e for e in masthead.elements() if "Distr." in e.text][-1]  # the innermost
    assert block.inherited_lang() == block_lang
    if lang.script != "latin":
        leaves = (e for e in root.elements() if not e.children)  # elements holding the marked content
        for span in (e for e in leaves if SYMBOL.fullmatch(e.text.translate(JOINERS).strip())):
            assert span.inherited_lang() == "en", span.text
        symbols = {m.group() for _, inlines, _ in version.texts() for m in SYMBOL.finditer(plain_text(inlines))}
        tagged = {e.text.translate(JOINERS).strip() for e in root.elements() if e.lang == "en"}
        tagged |= {m.group() for t in list(tagged) for m in SYMBOL.finditer(t)}  # the masthead symbol
        assert symbols <= tagged, symbols - tagged
    # running heads, page numbers and the first-page footer: Artifacts, not in the structure
    assert doc.meta.job_number not in root.text
    if doc.meta.job_number:
        assert doc.meta.job_number in structure.artifact_text[0]
    for number, text in enumerate(structure.artifact_text[1:], start=2):
        assert str(number) in text and doc.meta.symbol in text.translate(JOINERS)


@pytest.mark.parametrize(("name", "lang"), VERSIONS, ids=IDS)
def test_pdf_is_tagged_as_the_model(built, name, lang):
    path = built / name / f"{name}.{lang}.pdf"
    structure = read(path)
    check_structure(structure, *_model(name, lang))
    assert ua_document_problems(structure.pdf) == []
    report = page.validate_pdf(path, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures][:5]


@pytest.mark.parametrize(("name", "lang"), VERSIONS, ids=IDS)
def test_archive_is_pdfa3a_and_pdfua1(archives, name, lang):
    path = archives / name / f"{name}.{lang}.pdf"
    structure = read(path)
    check_structure(structure, *_model(name, lang))
    assert ua_document_problems(structure.pdf) == []
    with structure.pdf.open_metadata() as meta:
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "A")
    names = {str(f.get("/F")) for f in structure.pdf.Root.AF}
    assert names >= {f"{name}.{lang}.xml", f"{name}.document.yaml", f"{name}.{lang}.yaml"}
    for profile in ("3a", "ua1"):
        report = page.validate_pdf(path, profile=profile)
        assert report.is_compliant, (profile, [(f.rule_id, f.message) for f in report.failures][:5])


def test_stock_weasyprint_tagging_fails_the_checks(tmp_path):
    """Each fix in writers/pdf/weasyprint/tagging.py is needed: the same pages with WeasyPrint
    70's own tagging (a non-Latin version, for the /Lang of its Latin symbols)."""
    from docgen.writers.pdf import write
    from docgen.writers.pdf.weasyprint import engine, stock

    name, lang = next(((d, c) for d, c in VERSIONS if tables.language(c).script != "latin"), VERSIONS[0])
    doc, version = _model(name, lang)
    engine()
    with stock("tagging"):
        data = write(doc, version, Settings())
    path = tmp_path / "stock.pdf"
    path.write_bytes(data)
    structure = read(path)
    problems = "\n".join(structure.problems)
    elements = list(structure.root.elements())
    assert "is in no structure element" in problems  # 1. running heads, page numbers, footer
    assert not [e for e in elements if e.kind in ("Note", "Reference")]  # 2. footnotes
    assert not [e for e in elements if e.kind == "Lbl"]  # 3. paragraph numbers
    assert [e.kind for e in structure.root.children].count("L") > 1  # 4. the list split by pages
    if tables.language(lang).script != "latin":
        assert not [e for e in elements if e.lang]  # 5. lang on spans
    assert "empty structure element Link" in problems  # 6. empty elements
    with pytest.raises(AssertionError):
        check_structure(structure, doc, version)


def test_paragraph_across_pages_is_one_element(built):
    """A paragraph that a page break splits stays one structure element (WeasyPrint made two)."""
    for name, lang in VERSIONS:
        path = built / name / f"{name}.{lang}.pdf"
        structure = read(path)
        doc, version = _model(name, lang)
        paragraphs = [e for e in structure.root.children if e.kind == "P"]
        expected = bool(version.formula) + len(version.preamble) + len(version.closing) + sum(1 for p in version.operative if not p.num)
        assert len(paragraphs) == expected


# ---------------------------------------------------------------- HTML


@pytest.mark.parametrize(("name", "lang"), VERSIONS, ids=IDS)
def test_html_for_assistive_technology(built, name, lang):
    doc, version = _model(name, lang)
    language = tables.language(lang)
    tree = lxml_html.fromstring((built / name / f"{name}.{lang}.html").read_bytes())
    assert tree.get("lang") == language.bcp47
    assert len(tree.findall(".//h1")) == 1
    svg_emblem = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("svg") and e.get("role") == "img"]
    assert [e.get("aria-label") for e in svg_emblem] == [language.emblem_alt]
    calls = tree.xpath('//a[@role="doc-noteref"]')
    notes = tree.xpath('//*[@role="doc-footnote"]')
    assert len(calls) == len(notes) == len(version.all_footnotes())  # a report's: its included texts' too
    for call in calls:
        target = tree.get_element_by_id(call.get("href")[1:])
        assert target.get("role") == "doc-footnote"
        back = target.xpath('.//a[@role="doc-backlink"]')[0]
        assert back.get("href") == f"#{call.get('id')}" and back.text == call.text
    assert tree.xpath('//*[contains(@class, "distribution")]')[0].get("lang") == _block_lang(language)
    if language.script != "latin":
        for cell in tree.xpath("//td | //th"):  # a table's cells do not run together
            cell.tail = " " + (cell.tail or "")
        for m in SYMBOL.finditer(tree.xpath("string(//body)").translate(JOINERS)):
            spans = tree.xpath('//span[@lang="en"]')
            assert any(s.text_content().translate(JOINERS) == m.group() for s in spans), m.group()


# ---------------------------------------------------------------- Word


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize(("name", "lang"), VERSIONS, ids=IDS)
def test_word_draft_for_assistive_technology(built, name, lang):
    import docx

    doc, version = _model(name, lang)
    language = tables.language(lang)
    path = built / name / f"{name}.{lang}.docx"
    document = docx.Document(str(path))
    assert document.core_properties.title == plain_text(version.title)
    assert document.core_properties.language == language.word_lang
    # heading and title: styles based on Word's built-in headings, with outline levels
    headings = [p for p in document.paragraphs if _outline_level(p) is not None]
    assert headings and _outline_level(headings[0]) == 0
    assert plain_text(version.title).replace(" ", "") in "".join(p.text for p in headings).replace(" ", "")
    # pictures carry alternative text; the masthead table is a layout table
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")}
    pictures = [el for data in parts.values() for el in etree.fromstring(data).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert pictures and all(p.get("descr") for p in pictures)
    if doc.meta.job_number:
        assert any(doc.meta.job_number in p.get("descr") for p in pictures)
    body = etree.fromstring(parts["word/document.xml"])
    for table in body.iter(f"{W}tbl"):
        look = table.find(f"{W}tblPr/{W}tblLook")
        header = table.findall(f".//{W}tblHeader")
        # a layout table (the masthead) has no header row; a report's data table says its header rows are
        assert look is not None and look.get(f"{W}firstRow") == ("1" if header else "0")
        assert header or look.get(f"{W}noHBand") == "1"
        if header:
            assert doc.meta.is_report and table.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None


def _outline_level(paragraph):
    style = paragraph.style
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None and ppr.find(f"{W}outlineLvl") is not None:
            return int(ppr.find(f"{W}outlineLvl").get(f"{W}val"))
        style = style.base_style
    return None


def test_word_draft_exports_to_tagged_pdf_with_headings(built, tmp_path):
    """LibreOffice's tagged-PDF export of the Word draft makes the heading and title H1 (from the
    outline level; without it they were paragraphs of style H1G)."""
    name, lang = VERSIONS[0]
    source = built / name / f"{name}.{lang}.docx"
    profile = f"-env:UserInstallation=file://{tmp_path}/lo"
    result = subprocess.run(["soffice", profile, "--headless", "--convert-to",
                             'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
                             "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    out = tmp_path / f"{name}.{lang}.pdf"
    assert out.is_file(), result.stderr
    structure = read(out)
    headings = [e for e in structure.root.elements() if e.kind == "H1"]
    _, version = _model(name, lang)
    assert plain_text(version.title).replace(" ", "") in "".join(h.text for h in headings).replace(" ", "")


# ---------------------------------------------------------------- text drawn otherwise than it reads


def _tagged_snippet(tmp_path, html: str, restore: bool = False):
    from weasyprint.text.fonts import FontConfiguration

    from docgen.writers.pdf.weasyprint import HTML, stock

    config = FontConfiguration()  # WeasyPrint's own (system fonts): the snippets declare no face
    with stock("tagging") if restore else contextlib.nullcontext():
        document = HTML(string=html).render(font_config=config)
        path = tmp_path / "snippet.pdf"
        document.write_pdf(path, font_config=config, pdf_variant="pdf/ua-1")
    return read(path)


ARABIC = "قرار نموذجي لتنضيد الوثائق الرسمية"


def test_right_to_left_text_reads_in_logical_order(tmp_path):
    """A Span of Arabic text carries its logical text as /ActualText (what a screen reader reads),
    whatever order the glyphs are drawn in; the Arabic documents' titles are checked the same way."""
    structure = _tagged_snippet(tmp_path, f'<html lang="ar" dir="rtl"><title>t</title><p>{ARABIC}</p></html>')
    (paragraph,) = [e for e in structure.root.elements() if e.kind == "P"]
    assert paragraph.text == ARABIC
    assert all(span.text != span.drawn or span.text == ARABIC for span in paragraph.children)


@pytest.mark.parametrize("stock", [False, True], ids=["docgen", "stock"])
def test_hyphenated_word_reads_whole(tmp_path, stock):
    """The hyphen the layout inserts (U+2010 in the text layer) is read as a soft hyphen: the word whole."""
    words = "internationalization characteristically"
    structure = _tagged_snippet(tmp_path, f'<html lang="en"><title>t</title><p style="width: 2.2cm; hyphens: auto">'
                                f'{words}</p></html>', stock)
    (paragraph,) = [e for e in structure.root.elements() if e.kind == "P"]
    assert "\u2010" in paragraph.drawn  # the layout did hyphenate
    read_whole = paragraph.text.replace("\u00ad", "").replace(" ", "") == words.replace(" ", "")
    assert read_whole is not stock, paragraph.text


@pytest.mark.parametrize("stock", [False, True], ids=["docgen", "stock"])
def test_words_at_line_ends_keep_their_space(tmp_path, stock):
    """The space at a line break is not drawn; the text read out keeps it (ActualText)."""
    words = "the Conference of the Parties to the United Nations Convention against Transnational Organized Crime"
    structure = _tagged_snippet(tmp_path, f'<html lang="en"><title>t</title><p style="width: 4cm">{words}</p></html>',
                                stock)
    (paragraph,) = [e for e in structure.root.elements() if e.kind == "P"]
    assert len(paragraph.children) > 3  # several lines
    assert (paragraph.text.strip() == words) is not stock, paragraph.text


def test_generated_documents_are_tagged_as_their_model(tmp_path):
    """Footnote-heavy generated documents (scripts/corpus.py): notes across page breaks, long
    paragraphs split by pages, items three deep; every one checked against its model."""
    from tests.conftest import corpus

    folders = corpus.generate(tmp_path / "content", count=6, seed=15, notes=(10, 30))
    result = run_docgen("build", tmp_path / "content", "--out", tmp_path / "out", "--format", "pdf", "--jobs", "2",
                        "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    for folder in folders:
        docs, _ = pipeline.read_all([folder])
        for lang, version in docs[0].versions.items():
            path = tmp_path / "out" / folder.name / f"{folder.name}.{lang}.pdf"
            structure = read(path)
            check_structure(structure, docs[0], version)
            assert page.validate_pdf(path, profile="ua1").is_compliant


def test_stock_tagging_has_no_archive_variant_and_docgens_has():
    """stock("tagging") gives stock WeasyPrint back, its PDF variants too; leaving it puts docgen's back."""
    from docgen.writers.pdf.weasyprint import engine, stock
    from docgen.writers.pdf.page import ARCHIVE_VARIANT

    wp_pdf = engine().pdf
    with stock("tagging"):
        assert ARCHIVE_VARIANT not in wp_pdf.VARIANTS
    assert ARCHIVE_VARIANT in wp_pdf.VARIANTS
