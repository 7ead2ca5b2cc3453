"""The PDF as a reader gets it: opened with pdfplumber, pdftotext and pdffonts."""

from __future__ import annotations

import io
import re
import subprocess

import pdfplumber
import pytest

from docgen import pipeline
from docgen.data.fonts import FONTS_TABLE
from docgen.data.fonts import path as font_path
from docgen.writers.pdf import checks, render
from docgen.writers.pdf.weasyprint import HTML, font_configuration

from tests.conftest import EN, REPROS, ZH

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def pdf_text(path, page=None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def zh_pdf(built):
    return built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.pdf"


@pytest.fixture(scope="module")
def en_pdf(built):
    return built / "specimen" / "specimen.en.pdf"


def test_paper_follows_duty_station(zh_pdf, en_pdf):
    with pdfplumber.open(zh_pdf) as pdf:
        assert all((round(p.width, 1), round(p.height, 1)) == (595.3, 841.9) for p in pdf.pages)
    with pdfplumber.open(en_pdf) as pdf:
        assert all((p.width, p.height) == LETTER for p in pdf.pages)


def test_only_declared_fonts_embedded_and_subset(zh_pdf, en_pdf):
    for path in (zh_pdf, en_pdf):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows
        for row in rows:
            name = row.split()[0]
            assert re.match(r"^[A-Z]{6}\+docgen-(Song-SC|Hei-SC|Times|Kai-SC)(-Bold|-Italic|-BoldItalic)?$", name), row
            assert " yes yes yes " in row, row  # embedded, subset, ToUnicode
    with pdfplumber.open(zh_pdf) as pdf:
        han_fonts = {c["fontname"].split("+")[1] for p in pdf.pages for c in p.chars if "\u4e00" <= c["text"] <= "\u9fff"}
        assert han_fonts <= {"docgen-Song-SC", "docgen-Hei-SC-Bold", "docgen-Song-SC-Bold"}, han_fonts
        quotes = {c["fontname"].split("+")[1] for p in pdf.pages for c in p.chars if c["text"] in "“”"}
        assert not quotes or quotes <= {"docgen-Song-SC"}


def test_text_layer_gives_back_the_text(zh_pdf):
    """No spaces between Chinese characters; the body and footnotes read back in order."""
    docs, _ = pipeline.read_all([ZH])
    version = docs[0].versions["zh"]
    text = pdf_text(zh_pdf)
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text.replace("联 合 国", ""))
    flat = re.sub(r"\s+", "", text)
    from docgen.model import plain_text

    position = 0
    for name, inlines, _ in version.blocks():
        piece = re.sub(r"\s+", "", plain_text(inlines, with_calls=True))[:20]
        found = flat.find(piece, position)
        assert found >= 0, (name, piece)
        position = found
    for note in version.footnotes:
        assert re.sub(r"\s+", "", plain_text(note.text)) in flat


def test_footnotes_on_their_call_page(zh_pdf, en_pdf):
    """Every body once, on the page of its call (from the rendered pages' text)."""
    for path, folder, lang in ((zh_pdf, ZH, "zh"), (en_pdf, EN, "en")):
        docs, _ = pipeline.read_all([folder])
        version = docs[0].versions[lang]
        from docgen.model import plain_text

        with pdfplumber.open(path) as pdf:
            pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
        for note in version.footnotes:
            body = re.sub(r"\s+", "", plain_text(note.text))
            hits = [i for i, t in enumerate(pages) if f"{note.number}{body}" in t]
            assert len(hits) == 1, (note.key, hits)


def test_headers_and_page_numbers(zh_pdf):
    with pdfplumber.open(zh_pdf) as pdf:
        first = pdf.pages[0].extract_text()
        assert "CTOC" in first and "/COP/2010/17" in first and "V.10-57396 (C)" in first
        for number, page in enumerate(pdf.pages[1:], 2):
            words = page.extract_words()
            top = [w for w in words if w["top"] < 70]  # above the 2.55 cm top margin
            bottom = [w for w in words if w["top"] > page.height - 60]
            assert any(w["text"] == "CTOC/COP/2010/17" for w in top), number
            assert [w["text"] for w in bottom] == [str(number)], number
            symbol = next(w for w in top if w["text"] == "CTOC/COP/2010/17")
            numeral = bottom[0]
            if number % 2 == 0:  # even: left
                assert symbol["x0"] < page.width / 2 and numeral["x0"] < page.width / 2
            else:
                assert symbol["x1"] > page.width / 2 and numeral["x1"] > page.width / 2


def test_first_page_barcode_decodes(zh_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", str(zh_pdf), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode39.enable", str(image)],
                         capture_output=True, text=True)
    assert out.stdout.strip() == "1057396", out.stderr


def test_document_symbols_never_break(zh_pdf):
    with pdfplumber.open(zh_pdf) as pdf:
        lines = [line for p in pdf.pages for line in (p.extract_text() or "").splitlines()]
    for symbol in ("CTOC/COP/2010/5", "CTOC/COP/2010/6", "CTOC/CP/2010/11", "E/CN.15/2006/10"):
        assert any(symbol in line.replace(" ", "") for line in lines), symbol
    assert not any(re.search(r"(CTOC|E)/[A-Z./0-9]*/$", line.strip()) for line in lines)


def test_pdf_properties(zh_pdf):
    import pikepdf

    with pikepdf.open(zh_pdf) as pdf:
        assert str(pdf.Root.Lang) == "zh-Hans"
        info = pdf.docinfo
        assert str(info.Subject) == "CTOC/COP/2010/17"
        assert str(info.Author).startswith("Conference of the Parties")
        assert str(info.CreationDate).startswith("D:20101201")


# ---------------------------------------------------------------- WeasyPrint's footnote bugs


def _stock_fonts():
    """WeasyPrint's own font configuration (system fonts), for pages that declare no face: docgen's
    knows only the faces a page declares (weasyprint/fonts.py, 3.)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def test_lost_footnote_repro_is_repaired():
    """repros/fn_lost.html loses body 2 in stock WeasyPrint 70; docgen's render repairs it."""
    html = (REPROS / "fn_lost.html").read_text("utf-8")
    html = html.replace('id="fn-1"', 'id="fn-1"').replace('<a id="fnref-1"></a>', '<a id="fnref-1"></a>')
    stock = HTML(string=html).render(font_config=_stock_fonts())
    assert checks.footnote_placement(stock), "the repro no longer reproduces: re-check the repair"
    html = html.replace("<p>", '<p class="x">')
    document = render(html, _stock_fonts())
    assert not checks.footnote_placement(document)


def test_symbol_break_repro_kept_whole():
    """repros/symbol_break.html breaks "A/70/" | "L.1" in stock WeasyPrint; the HTML writer's word joiners keep it whole."""
    from docgen.writers.html import _symbols

    html = (REPROS / "symbol_break.html").read_text("utf-8").replace('"Noto Serif CJK SC"', '"docgen Song SC"')
    fonts = "".join(f'@font-face {{ font-family: "{f.family}"; src: url("{font_path(f).as_uri()}"); }}'
                    for f in FONTS_TABLE if f.family == "docgen Song SC" and f.weight == 400)
    html = html.replace("<style>", f"<style>{fonts}")

    def lines_of(markup):
        out = io.BytesIO()
        HTML(string=markup).render(font_config=font_configuration()).write_pdf(out)
        with pdfplumber.open(out) as pdf:
            return [line.replace(" ", "") for line in pdf.pages[0].extract_text().splitlines()]

    stock = lines_of(html)
    assert any(line.endswith("A/70/") for line in stock), stock  # the repro still reproduces
    start = html.index('<div class="box">') + len('<div class="box">')
    end = html.index("</div>", start)
    fixed = lines_of(html[:start] + _symbols(html[start:end]) + html[end:])
    assert any("A/70/L.1" in line for line in fixed) and not any(line.endswith("A/70/") for line in fixed), fixed
