"""The Word draft of a report (#24), built by the real command from tests/fixtures/report-word (a
report in en, zh and ar with chapters, sections, a sub-section, numbered paragraphs and items, a
table long enough to span two pages, an included resolution whose notes restart at 1, an annex),
opened with python-docx and laid out by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from tests.conftest import FIXTURES, run_docgen
from tests.writers.test_word_pages import libreoffice

FOLDER = FIXTURES / "report-word"
LANGS = ("en", "zh", "ar")
# (style, outline level, label) of every heading, in order: what each language prints
HEADINGS = {
    "en": [("Heading 1", 0, "I."), ("H1G", 1, "Resolution 5/9"), ("Heading 1", 0, "II."), ("Heading 2", 1, "A."),
           ("Heading 3", 2, "1."), ("Heading 2", 1, "B."), ("Heading 1", 0, "Annex")],
    "zh": [("Heading 1", 0, "一."), ("H1G", 1, "第5/9号决议"), ("Heading 1", 0, "二."), ("Heading 2", 1, "A."),
           ("Heading 3", 2, "1."), ("Heading 2", 1, "B."), ("Heading 1", 0, "附件")],
    "ar": [("Heading 1", 0, "أولا -"), ("H1G", 1, "القرار 5/9"), ("Heading 1", 0, "ثانيا -"), ("Heading 2", 1, "ألف -"),
           ("Heading 3", 2, "1 -"), ("Heading 2", 1, "باء -"), ("Heading 1", 0, "المرفق")],
}
TITLES = {"en": ["Resolutions and decisions adopted by the Conference", "Sample text for the report’s tests",
                 "Introduction", "Opening of the session", "Attendance", "Documents", "List of participants"],
          "zh": ["缔约方会议通过的决议和决定", "供报告测试用的示例案文", "导言", "会议开幕", "出席情况", "文件", "与会者名单"],
          "ar": ["القرارات والمقررات التي اعتمدها المؤتمر", "نص نموذجي لاختبارات التقرير", "مقدمة", "افتتاح الدورة",
                 "الحضور", "الوثائق", "قائمة المشاركين"]}
TABLE_HEAD = {"en": "Symbol", "zh": "文号", "ar": "الرمز"}


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    out = tmp_path_factory.mktemp("report-word")
    result = run_docgen("build", FOLDER / "rep", "--format", "docx", "--out", out)
    assert result.returncode == 0, result.stderr
    return {lang: out / "rep" / f"rep.{lang}.docx" for lang in LANGS}


def outline(p) -> int | None:
    """The paragraph's outline level: its own, else its style's (Word's rule)."""
    for el in (p._p.pPr, p.style.element.pPr):
        lvl = el.find(qn("w:outlineLvl")) if el is not None else None
        if lvl is not None:
            return int(lvl.get(qn("w:val")))
    return None


def headings(document) -> list:
    return [p for p in document.paragraphs if (level := outline(p)) is not None and level < 9]


@pytest.mark.parametrize("lang", LANGS)
def test_contents_is_a_toc_field_prefilled_with_linked_entries(drafts, lang):
    document = docx.Document(str(drafts[lang]))
    body = document.element.body
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    toc = [i for i in instr if i.strip().startswith("TOC")]
    assert toc == [' TOC \\o "1-3" \\h \\z \\u ']
    def code(begin):  # the field's instruction: in the begin's run, or in the run after it
        runs = [begin.getparent(), begin.getparent().getnext()]
        return "".join(t.text for r in runs if r is not None for t in r.iter(qn("w:instrText")))

    (begin,) = [f for f in body.iter(qn("w:fldChar")) if f.get(qn("w:fldCharType")) == "begin"
                and code(f).strip().startswith("TOC")]
    assert begin.get(qn("w:dirty")) == "true"  # Word recomputes it on open (page numbers)
    assert document.settings.element.find(qn("w:updateFields")) is not None
    entries = [p for p in document.paragraphs if p.style.name.startswith("toc ")]
    marks = [h for h in headings(document)]
    assert len(entries) == len(marks) == len(HEADINGS[lang])
    bookmarks = {b.get(qn("w:name")) for h in marks for b in h._p.iter(qn("w:bookmarkStart"))}
    for entry, (style, level, label), title in zip(entries, HEADINGS[lang], TITLES[lang]):
        assert entry.style.name == f"toc {level + 1}"
        link = entry._p.find(qn("w:hyperlink"))
        assert link.get(qn("w:anchor")) in bookmarks
        shown = "".join(t.text for t in link.iter(qn("w:t")))
        assert label in shown and title in shown, shown
        assert any(f"PAGEREF {link.get(qn('w:anchor'))}" in t.text for t in link.iter(qn("w:instrText")))


@pytest.mark.parametrize("lang", LANGS)
def test_headings_are_real_headings_in_order(drafts, lang):
    document = docx.Document(str(drafts[lang]))
    found = [(p.style.name, outline(p), p.text) for p in headings(document)]
    assert [(s, lvl) for s, lvl, _ in found] == [(s, lvl) for s, lvl, _ in HEADINGS[lang]]
    for (_, _, shown), (_, _, label), title in zip(found, HEADINGS[lang], TITLES[lang]):
        assert shown.startswith(label) and title in shown, shown
    # the report's title (H1G, a heading in a resolution) is not an entry; annexes start a new page
    annex = [p for p in headings(document)][-1]
    assert annex.paragraph_format.page_break_before


def test_english_labels_typed(drafts):
    """The words an English reader sees, typed here: chapter I., section A., sub-section 1."""
    document = docx.Document(str(drafts["en"]))
    texts = [p.text for p in headings(document)]
    assert texts[0] == "I.\tResolutions and decisions adopted by the Conference"
    assert texts[3] == "A.\tOpening of the session" and texts[4] == "1.\tAttendance"
    assert texts[-1] == "Annex\nList of participants"
    assert texts[1] == "Resolution 5/9\nSample text for the report’s tests"


@pytest.mark.parametrize("lang", LANGS)
def test_paragraphs_numbered_through_the_report(drafts, lang):
    """The report's paragraphs 1..5 through its chapters (the included text's own 1., 2. skipped),
    1 again in the annex."""
    document = docx.Document(str(drafts[lang]))
    number = re.compile(r"^(\d+)(?:\.| -)\t")
    numbers, inside = [], False
    for p in document.paragraphs:
        if p.style.name.startswith("toc "):
            continue  # the contents' entries (1. Attendance)
        level = outline(p)
        if level is not None and level < 9:
            inside = p.style.name == "H1G"  # an included text, until the next heading
            numbers.append("|")
            continue
        if not inside and (m := number.match(p.text)):
            numbers.append(m.group(1))
    assert "".join(numbers) == "|1||2|3|4|5|1"


@pytest.mark.parametrize("lang", LANGS)
def test_tables_repeat_header_rows_and_keep_rows_whole(drafts, lang):
    document = docx.Document(str(drafts[lang]))
    (table,) = document.tables  # the body's (the masthead is the first page's header)
    rows = table.rows
    assert len(rows) == 46
    assert [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in rows] == [True] + [False] * 45
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert (table._tbl.tblPr.find(qn("w:bidiVisual")) is not None) == (lang == "ar")
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    total = int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    assert [round(g / total, 2) for g in grid] == [0.3, 0.15, 0.55]
    assert rows[0].cells[0].text == TABLE_HEAD[lang]
    assert {c.paragraphs[0].style.name for r in rows[1:] for c in r.cells} == {"Table Text"}


@pytest.mark.parametrize("lang", LANGS)
def test_footnotes_real_with_printed_numbers(drafts, lang):
    """The report's notes 1 and 2, the included resolution's restarting at 1: custom marks."""
    with zipfile.ZipFile(drafts[lang]) as z:
        from lxml import etree

        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    real = [n for n in notes.iter(qn("w:footnote")) if n.get(qn("w:type")) is None]
    assert len(real) == 4
    marks = []
    for ref in body.iter(qn("w:footnoteReference")):
        assert ref.get(qn("w:customMarkFollows")) in ("1", "true")
        marks.append("".join(ref.getparent().getnext().itertext()))
    assert marks == ["1", "1", "2", "2"]


def test_import_refuses_a_reports_word_file(drafts, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FOLDER, content)
    before = (content / "rep" / "en.yaml").read_bytes()
    result = run_docgen("import", drafts["en"], "--into", content / "rep")
    assert result.returncode == 1
    assert "Word file of a report" in result.stderr and "edit the report in its YAML" in result.stderr, result.stderr
    assert (content / "rep" / "en.yaml").read_bytes() == before
    # without its docgen properties (saved by another tool), the contents field still tells
    stripped = tmp_path / "stripped.docx"
    with zipfile.ZipFile(drafts["en"]) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if item.filename != "docProps/custom.xml":
                dst.writestr(item, src.read(item.filename))
    from docgen.readers.docx import DraftError, read_docx

    with pytest.raises(DraftError, match="Word file of a report"):
        read_docx(stripped)


@pytest.fixture(scope="module")
def laid_out(drafts, tmp_path_factory):
    out = tmp_path_factory.mktemp("report-word-lo")
    libreoffice(list(drafts.values()), out)
    return out


def squeeze(text: str) -> str:
    """Text without spaces, hyphens and the direction marks pdftotext puts around Arabic runs."""
    return re.sub(r"[\s\-\u200e\u200f\u202a-\u202e]+", "", text)


def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[\u200e\u200f\u202a-\u202e]", "", text).split("\f")


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_shows_headings_and_repeats_the_table_header(laid_out, lang):
    shown = pages(laid_out / f"rep.{lang}.pdf")
    everything = squeeze("".join(shown))
    for title in TITLES[lang]:
        assert squeeze(title) in everything, title
    for (_, _, label) in HEADINGS[lang]:
        assert squeeze(label) in everything, label
    # a table row: a symbol and its item number on one line (either order: Arabic runs right to left)
    row = re.compile(r"CTOC/COP/2010/(\d+)[ \t]+(\d+)[ \t]|[ \t](\d+)[ \t]+CTOC/COP/2010/(\d+)")
    with_rows = [page for page in shown if row.search(page)]
    assert len(with_rows) >= 2, "the long table should span two pages"
    for page in with_rows:
        assert TABLE_HEAD[lang] in page, page
    numbers = sorted({int(m.group(1) or m.group(4)) for page in with_rows for m in row.finditer(page)})
    assert numbers == list(range(1, 46))  # every row, none lost at the page break


@pytest.mark.parametrize("lang", LANGS)
def test_openxml_audit_finds_nothing(drafts, lang):
    """Word opens the report's draft cleanly: TOC field, bookmarks, tables and styles in the schema's order."""
    from tests.conftest import ROOT

    out = subprocess.run([str(ROOT / ".venv" / "bin" / "openxml-audit"), str(drafts[lang])], capture_output=True, text=True)
    assert "Errors: 0" in out.stdout and "no findings" in out.stdout, out.stdout + out.stderr


def test_continuous_notes_are_words_own_numbers(tmp_path):
    """`footnotes: continuous`: one sequence through the report and the included text, so Word
    numbers the notes itself (no custom marks), 1 to 4 in reading order."""
    content = tmp_path / "content"
    shutil.copytree(FOLDER, content)
    meta = content / "rep" / "document.yaml"
    meta.write_text(meta.read_text("utf-8").replace("footnotes: restart", "footnotes: continuous"), "utf-8")
    result = run_docgen("build", content / "rep", "--format", "docx", "--lang", "en", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    from lxml import etree

    with zipfile.ZipFile(tmp_path / "out" / "rep" / "rep.en.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    refs = list(body.iter(qn("w:footnoteReference")))
    assert len(refs) == 4 and all(r.get(qn("w:customMarkFollows")) is None for r in refs)
    real = [n for n in notes.iter(qn("w:footnote")) if n.get(qn("w:type")) is None]
    assert all(n.find(f".//{qn('w:footnoteRef')}") is not None for n in real)
    texts = ["".join(n.itertext()) for n in real]
    assert ["See below" in texts[0], "Treaty Series" in texts[1], "Secretariat" in texts[2], "annex" in texts[3]] == [True] * 4
