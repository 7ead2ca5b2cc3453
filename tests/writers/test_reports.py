"""Reports (#24), read from what the build produced: the CTOC report of the fifth session (zh, en),
which prints resolutions 5/1, 5/2 and decision 5/1 from their own folders, and the six-language
specimen report, which prints the specimen resolution.

Contents pages are compared with the pages the headings land on (found by their text on the
page), bookmarks with the same pages, paragraph numbers with a count, table header rows with the
pages the table spans; the notes of an included text restart at 1 where the report says so."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from lxml import html as lxml_html

from tests.conftest import CONTENT, run_docgen

REPORTS = [("ctoc-cop-5-report", "zh"), ("ctoc-cop-5-report", "en"),
           *(("specimen-report", lang) for lang in ("ar", "zh", "en", "fr", "ru", "es"))]
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2060\u00ad]")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for fmt in ("pdf", "html"):
        result = run_docgen("build", CONTENT / "ctoc-cop-5-report", CONTENT / "specimen-report", "--format", fmt,
                            "--out", out)
        assert result.returncode == 0, result.stderr
    return out


def squeezed(text: str) -> str:
    """Text without spaces, line breaks, leader dots' spacing or invisible marks: a heading that
    wraps differently in the contents and on its page still matches."""
    return re.sub(r"\s+", "", BIDI.sub("", text))


def pages_text(path: Path) -> list[str]:
    """Each page's text in reading order (pdftotext: Arabic in logical order, unlike pdfplumber)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def bookmarks(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every outline entry, in order."""
    found = []
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                found.append((depth, item.title, pdf.pages.index(pikepdf.Page(item.destination[0])) + 1))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return found


def pdf_of(reports, name, lang) -> Path:
    return reports / name / f"{name}.{lang}.pdf"


def letters(text: str) -> str:
    """Only the letters, in order: what pdftotext keeps whatever it does with numbers, punctuation
    and the order of runs in mixed-direction lines."""
    return re.sub(r"[\W\d_]+", "", text)


def contents_entries(path: Path, rtl: bool = False) -> list[tuple[str, int, int]]:
    """(target id, printed page, page the link leads to) of each contents entry on page 1: the
    words inside the entry's link boxes end with its page number."""
    with pikepdf.open(path) as pdf:
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        boxes: dict[str, list] = {}
        for annot in pdf.pages[0].obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                boxes.setdefault(str(annot.Dest), []).append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        target = {name: pdf.pages.index(pikepdf.Page(dests[name][0])) + 1 for name in boxes}
    found = []
    with pdfplumber.open(path) as plumb:
        page = plumb.pages[0]
        words = page.extract_words()
        for name, rects in boxes.items():
            # the entry's last line (lowest box) ends with the leaders and the page number
            x0, y0, x1, y1 = min(rects, key=lambda r: r[1])
            top, bottom = page.height - y1, page.height - y0
            line = [w for w in words if top - 2 <= (w["top"] + w["bottom"]) / 2 <= bottom + 2]
            last = min(line, key=lambda w: w["x0"]) if rtl else max(line, key=lambda w: w["x1"])
            assert re.fullmatch(r"\.*\d+", last["text"]), f"the contents entry of {name} ends in {last['text']!r}"
            found.append((name, int(last["text"].strip(".")), target[name]))
    return found


@pytest.mark.parametrize("name,lang", REPORTS, ids=[f"{n}-{l}" for n, l in REPORTS])
def test_every_contents_entry_gives_the_page_its_heading_lands_on(reports, name, lang):
    path = pdf_of(reports, name, lang)
    pages = [letters(p) for p in pages_text(path)]
    page = lxml_html.parse(str(reports / name / f"{name}.{lang}.html")).getroot()
    # each heading's parts (number, title): pdftotext may read a hanging number apart from its title
    headings = {e.get("id"): [p.text_content() for p in e.xpath("span")] or [e.text_content()]
                for e in page.xpath("//*[self::h2 or self::h3 or self::h4][@id]")}
    entries = contents_entries(path, rtl=lang == "ar")
    assert len(entries) == len(page.xpath("//nav[@role='doc-toc']//a")) >= 5
    for ident, printed, target in entries:
        assert printed == target, f"{ident}: the contents say page {printed}, the link leads to page {target}"
        for part in headings[ident]:
            assert letters(part) in pages[target - 1], f"{ident}: heading {headings[ident]!r} not on page {target}"
        assert target > 1


def test_bookmarks_lead_to_the_pages_of_their_headings(reports):
    for name, lang in REPORTS:
        path = pdf_of(reports, name, lang)
        pages = [letters(p) for p in pages_text(path)]
        for _, title, page in bookmarks(path):
            # label and title each (pdftotext may read a hanging number apart from its heading)
            label, _, rest = title.partition(" ")
            for part in (label, rest) if not rest.startswith("-") else (title,):
                assert letters(part) in pages[page - 1], f"{name} {lang}: bookmark {title!r} not on page {page}"


def test_bookmarks_nest_texts_and_sections_under_their_chapters(reports):
    marks = bookmarks(pdf_of(reports, "ctoc-cop-5-report", "en"))
    top = [t for d, t, _ in marks if d == 0]
    assert [t.split()[0] for t in top] == ["I.", "II.", "III.", "IV.", "Annex"]
    under_first = [t for d, t, _ in marks[1:4]]
    assert [" ".join(t.split()[:2]) for t in under_first] == ["Resolution 5/1", "Resolution 5/2", "Decision 5/1"]
    assert [t.split()[0] for d, t, _ in marks if d == 1 and not t.startswith(("Resolution", "Decision"))] \
        == ["A.", "B.", "C.", "D.", "E."]


def test_chapter_numbers_are_printed_the_languages_way(reports):
    zh = [t for d, t, _ in bookmarks(pdf_of(reports, "ctoc-cop-5-report", "zh")) if d == 0]
    assert [t.split(".")[0] for t in zh[:4]] == ["一", "二", "三", "四"]
    assert zh[4].startswith("附件")
    ar = [t for d, t, _ in bookmarks(pdf_of(reports, "specimen-report", "ar")) if d == 0]
    assert [t.split(" -")[0] for t in ar[:3]] == ["أولا", "ثانيا", "ثالثا"]
    assert ar[3].startswith("المرفق")


@pytest.mark.parametrize("name,lang", REPORTS, ids=[f"{n}-{l}" for n, l in REPORTS])
def test_paragraph_numbers_run_through_the_report_and_skip_the_included_texts(reports, name, lang):
    page = lxml_html.parse(str(reports / name / f"{name}.{lang}.html")).getroot()
    chapters = page.xpath("//section[contains(@class,'chapter')]//p[contains(@class,'report-paragraph')]"
                          "/span[@class='num']/text()")
    numbers = [int(re.search(r"\d+", n).group()) for n in chapters]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    # the included texts keep their own operative numbers, which start again at 1
    included = page.xpath("//section[@class='included']//p[@class='operative']/span[@class='num']/text()")
    assert included and re.search(r"\d+", included[0]).group() == "1"


def test_the_ctoc_report_restarts_the_notes_of_each_resolution_and_ibid_follows_the_one_before(reports):
    """CTOC/COP/2010/17 (footnotes: restart): 5/2 numbers its notes from 1 and its first says
    "Ibid.", after 5/1's last note, the Convention's Treaty Series entry."""
    text = "\n".join(pages_text(pdf_of(reports, "ctoc-cop-5-report", "en")))
    ibid = re.search(r"^1 Ibid\., vol\. 2225, No\. 39574\.", text, re.M)
    treaty = re.search(r"^(\d+) United Nations, Treaty Series, vol\. 2225, No\. 39574\.", text, re.M)
    assert ibid and treaty and treaty.start() < ibid.start()
    assert int(treaty.group(1)) > 1  # 5/1's last note; 5/2 then starts again at 1
    zh = "\n".join(pages_text(pdf_of(reports, "ctoc-cop-5-report", "zh")))
    assert re.search(r"^1 ?同上，第 ?2225 ?卷", zh, re.M)


def test_the_specimen_report_numbers_its_notes_through_the_included_resolution(reports):
    """specimen-report (footnotes: continuous): the resolution's notes follow the report's."""
    page = lxml_html.parse(str(reports / "specimen-report" / "specimen-report.en.html")).getroot()
    calls = [int(n) for n in page.xpath("//sup[@class='noteref']/a/text()")]
    assert calls == list(range(1, len(calls) + 1)) and len(calls) > 3
    ids = page.xpath("//aside[@role='doc-footnote']/@id")
    assert len(ids) == len(set(ids)) == len(calls)


def test_the_annex_table_repeats_its_header_on_every_page_and_never_splits_a_row(reports):
    path = pdf_of(reports, "ctoc-cop-5-report", "en")
    pages = pages_text(path)
    annex = next(i for i, t in enumerate(pages) if "ListofdocumentsbeforetheConference" in squeezed(t) and i > 0)
    table_pages = [t for t in pages[annex:] if re.search(r"CTOC/COP/2010/\S+", t)]
    assert len(table_pages) >= 2, "the fixture's table should run over two pages"
    for text in table_pages:
        assert "Document symbol" in text and "Agenda" in text
    # every row's symbol is whole, and each row is on one page with the first words of its title
    body = "\n".join(table_pages)
    assert "CTOC/COP/2010/INF/2/Rev.1" in body.splitlines()  # on one line of its own: not broken in its cell
    for page in table_pages:
        for line in page.splitlines():
            if line.startswith("CTOC/COP/2010/") and " " in line:
                assert len(line.split()) >= 2


def test_an_arabic_table_reads_right_to_left(reports):
    """The first column (its header, in the HTML's order) is the right-most on the page."""
    page = lxml_html.parse(str(reports / "specimen-report" / "specimen-report.ar.html")).getroot()
    heads = [th.text_content().split()[0] for th in page.xpath("(//table)[last()]//th")]
    path = pdf_of(reports, "specimen-report", "ar")
    annex = len(pages_text(path))  # the annex table is on the last page
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(annex), "-l", str(annex), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = {m.group(2): float(m.group(1)) for m in re.finditer(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', xml)}
    xs = [words[h[::-1]] for h in heads]  # -bbox gives Arabic words as drawn, letters left to right
    assert xs == sorted(xs, reverse=True), (heads, xs)


def test_the_html_contents_links_to_every_heading(reports):
    page = lxml_html.parse(str(reports / "ctoc-cop-5-report" / "ctoc-cop-5-report.en.html")).getroot()
    links = page.xpath("//nav[@role='doc-toc']//a/@href")
    assert len(links) >= 10
    for href in links:
        target = page.xpath(f"//*[@id='{href[1:]}']")
        assert len(target) == 1 and target[0].tag in ("h2", "h3", "h4"), href


def test_report_check_catches_a_translation_whose_structure_differs(content_copy):
    en = content_copy / "ctoc-cop-5-report" / "en.yaml"
    text = en.read_text("utf-8")
    cut = text.index("- section:", text.index("chapters:"))
    en.write_text(text[:cut] + text[cut:].replace("- section:", "- section:", 1).replace(
        "    - table:", "    - Added paragraph.\n    - table:", 1), "utf-8")
    result = run_docgen("check", content_copy / "ctoc-cop-5-report")
    assert "out of date" in result.stdout + result.stderr or result.returncode != 0, result.stdout + result.stderr


def test_an_include_that_names_no_folder_is_an_error_naming_it(content_copy):
    zh = content_copy / "ctoc-cop-5-report" / "zh.yaml"
    zh.write_text(zh.read_text("utf-8").replace("include: ctoc-cop-5-1", "include: ctoc-cop-5-9", 1), "utf-8")
    result = run_docgen("check", content_copy / "ctoc-cop-5-report")
    assert result.returncode != 0
    assert "include 'ctoc-cop-5-9'" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_report_cannot_include_a_report(content_copy):
    zh = content_copy / "ctoc-cop-5-report" / "zh.yaml"
    zh.write_text(zh.read_text("utf-8").replace("include: ctoc-cop-5-1", "include: specimen-report", 1), "utf-8")
    result = run_docgen("check", content_copy / "ctoc-cop-5-report")
    assert result.returncode != 0 and "not another report" in result.stdout + result.stderr


def test_a_report_including_itself_is_said_so_at_once(content_copy):
    """Said before reading it: reading a report that includes itself would never end."""
    zh = content_copy / "ctoc-cop-5-report" / "zh.yaml"
    zh.write_text(zh.read_text("utf-8").replace("include: ctoc-cop-5-1", "include: ctoc-cop-5-report", 1), "utf-8")
    result = run_docgen("check", content_copy / "ctoc-cop-5-report")
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "include 'ctoc-cop-5-report'" in out and "(nor itself)" in out, out
    assert "Traceback" not in out and "nested" not in out


def test_editing_an_included_resolution_makes_the_report_out_of_date(content_copy, tmp_path):
    out = tmp_path / "out"
    first = run_docgen("build", content_copy, "--format", "pdf", "--out", out)
    assert first.returncode == 0, first.stderr
    report = out / "ctoc-cop-5-report" / "ctoc-cop-5-report.en.pdf"
    before = report.read_bytes()
    en = content_copy / "ctoc-cop-5-1" / "en.yaml"
    en.write_text(en.read_text("utf-8").replace("Ensuring effective implementation", "Ensuring the effective implementation", 1), "utf-8")
    again = run_docgen("build", content_copy, "--format", "pdf", "--out", out)
    assert again.returncode == 0, again.stderr
    assert report.read_bytes() != before
    assert "Ensuringtheeffective" in squeezed(subprocess.run(["pdftotext", str(report), "-"], capture_output=True,
                                                              text=True).stdout)


def test_ibid_is_checked_across_the_parts_of_a_report(tmp_path):
    """"Ibid." (同上) as the report's first note has nothing before it: check warns. As the first
    note of 5/2 printed after 5/1 (whose last note it points at), it is right: no warning."""
    import shutil

    content = tmp_path / "content"
    for name in ("ctoc-cop-5-1", "ctoc-cop-5-2", "ctoc-cop-5-decision-5-1", "ctoc-cop-5-report"):
        shutil.copytree(CONTENT / name, content / name)
    clean = run_docgen("check", content / "ctoc-cop-5-report")
    assert clean.returncode == 0 and "ibid-first" not in clean.stdout + clean.stderr, clean.stdout + clean.stderr
    report = content / "ctoc-cop-5-report"
    (report / "en.yaml").unlink()  # one language is enough here
    (report / "zh.yaml").write_text("title: 测试报告\nchapters:\n  - title: 决议\n    body:\n"
                                    "      - include: ctoc-cop-5-2\n      - include: ctoc-cop-5-1\n", "utf-8")
    warned = run_docgen("check", report)
    out = warned.stdout + warned.stderr
    assert "ibid-first" in out and "report's first note" in out, out


def test_a_contents_title_that_fills_its_line_takes_its_last_word_down_with_the_leader(tmp_path):
    """Titles of every length from 9 to 20 words: one that ends at the edge of its line would leave
    the dot leader alone on the next line, a line of dots and a page number (in the 80-page report,
    ten entries did); its last word goes down with the leader instead. No line of the contents is
    dots alone, and each entry's last line has a word before its dots and number."""
    import yaml

    from docgen import pipeline
    from docgen.writers import Settings, pdf
    from tests.conftest import corpus

    folder = corpus.generate_long(tmp_path, 12, kind="report")
    source = folder / "en.yaml"
    data = yaml.safe_load(source.read_text("utf-8"))
    words = ("The internationalization of standards for the archiving of official records and of the "
             "documents cited therein at the same time").split()
    sections = [section for chapter in data["chapters"] for section in chapter["body"] if "section" in section]
    assert len(sections) >= 12
    for n, section in enumerate(sections[:12]):
        section["section"] = " ".join(words[:9 + n])
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    doc, _ = pipeline.read(folder)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.write(doc, doc.versions["en"], Settings()))
    with pdfplumber.open(path) as document:
        first = document.pages[0]
        lines: dict[int, list] = {}
        for word in first.extract_words():
            lines.setdefault(round(word["top"]), []).append(word["text"])
    contents = [line for top, line in sorted(lines.items()) if line and re.fullmatch(r"\.*\d+", line[-1])]
    assert len(contents) >= 12
    for line in contents:
        assert any(re.search(r"[A-Za-z]", word) for word in line), f"a contents line of dots alone: {line}"
    assert not [line for line in lines.values() if all(re.fullmatch(r"\.+", w) for w in line)]
