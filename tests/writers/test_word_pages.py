"""The Word draft is the PDF's document (#25): every document and language under content/, the draft
laid out by LibreOffice with the font substitution docgen ships (fonts/fontconfig-word-aliases.conf)
next to docgen's PDF, page 1 and the last page measured with pdfplumber."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from docgen import pipeline
from docgen.data import layout

from tests.conftest import CONTENT, ROOT

ALIASES = ROOT / "fonts" / "fontconfig-word-aliases.conf"
PAIRS = [(folder.name, lang) for folder in sorted(CONTENT.iterdir()) if (folder / "document.yaml").is_file()
         for lang in sorted(p.stem for p in folder.glob("*.yaml") if p.stem != "document")]
# the draft (L. document) forms too, named as their outputs are: specimen.draft
FORMS = PAIRS + [(f"{name}.draft", lang) for name, lang in PAIRS
                 if re.search(r"(?m)^draft:", (CONTENT / name / "document.yaml").read_text("utf-8"))]
# Known differences, left open (#25), strict: each fails the run when it starts passing.
KNOWN: dict = {}
NOTES_KNOWN: dict = {}


def _marked(pairs, known):
    return [pytest.param(n, l, id=f"{n}-{l}", marks=pytest.mark.xfail(reason=known[n, l], strict=True))
            if (n, l) in known else pytest.param(n, l, id=f"{n}-{l}") for n, l in pairs]


def libreoffice(docx: list[Path], out: Path) -> None:
    """Word drafts to PDF with LibreOffice, a profile of this run's and docgen's font substitution."""
    env = {**os.environ, "FONTCONFIG_FILE": str(ALIASES)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, docx)], check=True, capture_output=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def drafts_as_pdf(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("word-pages")
    libreoffice([built / name.split(".")[0] / f"{name}.{lang}.docx" for name, lang in FORMS], out)
    return out


def rows(page, size: float, below: float = 0) -> list[tuple[float, float]]:
    """(top, baseline) of each line of the page's text in the body size (±0.6 pt) under `below`:
    body text and session lines, not the masthead, headings, calls, footnotes or footer. A line is
    the glyphs on one baseline (the text matrix's origin, within 1 pt): glyphs of two faces on one
    line (Naskh and Times in Arabic, Song and Times in Chinese) have tops and bottoms apart by
    their faces' ascent and descent (5 pt in Arabic), never their baselines."""
    chars = sorted((c for c in page.chars if c["text"].strip() and abs(c["size"] - size) <= 0.6
                    and c["top"] > below), key=lambda c: -c["matrix"][5])
    lines: list[list] = []
    for c in chars:
        if lines and lines[-1][0]["matrix"][5] - c["matrix"][5] <= 1:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [(min(c["top"] for c in line), page.height - line[0]["matrix"][5]) for line in lines]


def measure(path: Path, size: float, masthead: float, pitch_page: int = 0) -> dict:
    """Pages; page 1's body lines, the first one's baseline ("top") and the line pitch: the most
    common distance between baselines of lines of one paragraph (those within 3 pt of the
    smallest distance: the next paragraph is paragraph_after further); the baseline of the last
    page's first line. Baselines, not glyph tops: a glyph's top is its face's ascent as the PDF's
    font descriptor gives it, which WeasyPrint and LibreOffice write differently (Naskh: 4.4 pt
    and 12 pt above the same baseline). `pitch_page`: the page whose text gives the pitch (a
    report's page 1 is its contents, whose entries wrap where their page numbers allow: the draft
    leaves those to Word; its text starts on page 2)."""
    with pdfplumber.open(path) as pdf:
        first, last = pdf.pages[0], pdf.pages[-1]
        body = rows(first, size, masthead)
        text = body if pitch_page == 0 else rows(pdf.pages[pitch_page], size)
        gaps = [b2 - b1 for (_, b1), (_, b2) in zip(text, text[1:])]
        pitch = Counter(round(g) for g in gaps if g <= min(gaps) + 3).most_common(1)[0][0]
        tail = rows(last, size)
        return {"pages": len(pdf.pages), "lines": len(body), "top": round(body[0][1], 1),
                "last_top": round(tail[0][1], 1) if tail else None, "pitch": pitch,
                "images": [(round(im["top"]), round(im["bottom"])) for im in first.images], "height": first.height}


@pytest.mark.slow
@pytest.mark.parametrize("name,lang", _marked(FORMS, KNOWN))
def test_draft_pages_are_the_pdfs(drafts_as_pdf, built, name, lang):
    sizes = layout.settings_for(lang)
    size = float(sizes["body_font"][:-2])
    # the masthead's lines (line 1 and the right-hand block) end above first_page_top + masthead_height
    masthead = (float(sizes["first_page_top"][:-2]) + float(sizes["masthead_height"][:-2])) * 72 / 2.54
    report = "type: report" in (CONTENT / name.split(".")[0] / "document.yaml").read_text("utf-8")
    pdf = measure(built / name.split(".")[0] / f"{name}.{lang}.pdf", size, masthead, 1 if report else 0)
    draft = measure(drafts_as_pdf / f"{name}.{lang}.pdf", size, masthead, 1 if report else 0)
    report = f"draft {draft}\npdf {pdf}"
    slack = 1 if pdf["pages"] > 3 else 0
    assert abs(draft["pages"] - pdf["pages"]) <= slack, report
    assert abs(draft["lines"] - pdf["lines"]) <= 2, report
    assert abs(draft["top"] - pdf["top"]) <= 0.03 * pdf["top"], report
    assert abs(draft["pitch"] - pdf["pitch"]) <= 0.03 * pdf["pitch"], report
    if pdf["last_top"] is not None and pdf["pages"] > 1:
        assert draft["last_top"] is not None and abs(draft["last_top"] - pdf["last_top"]) <= 0.03 * pdf["last_top"], report
    height = draft["height"]
    assert any(bottom < height / 3 for _, bottom in draft["images"]), "no emblem in the masthead: " + report
    assert any(top > height * 0.85 for top, _ in draft["images"]), "no barcode in the first page's footer: " + report


def sides(path: Path) -> tuple[str | None, str]:
    """The side of the footnote separator on the first page that has one (the lowest rule wider than
    20 pt in the page's lower part: the barcode's bars are narrower, the end rule is above it; a
    report's page 1 is its contents, without notes; None without one) and of page 1's barcode
    (pictures and bars over 10 pt high in the bottom 15 % of the page): "left" or "right" of the
    page's middle."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        middle = page.width / 2
        rule = None
        for each in pdf.pages:
            rules = [o for o in each.lines + each.rects + each.edges if o["x1"] - o["x0"] > 20 and
                     o["bottom"] - o["top"] < 2 and o["top"] > each.height * 0.6 and o["x1"] - o["x0"] < each.width / 3]
            rule = max(rules, key=lambda o: o["top"], default=None)
            if rule is not None:
                break
        # the draft's barcode is a picture, the PDF's the bars of its SVG
        bars = [o for o in page.images + page.rects if o["top"] > page.height * 0.85 and o["bottom"] - o["top"] > 10]
        side = lambda x0, x1: "left" if (x0 + x1) / 2 < middle else "right"  # noqa: E731
        return ((side(rule["x0"], rule["x1"]) if rule else None),
                side(min(o["x0"] for o in bars), max(o["x1"] for o in bars)))


@pytest.mark.slow
@pytest.mark.parametrize("name,lang", [pytest.param(n, l, id=f"{n}-{l}") for n, l in FORMS])
def test_separator_and_barcode_on_the_pdfs_side(drafts_as_pdf, built, name, lang):
    """The separator and the barcode on the PDF's side: the right in Arabic. LibreOffice 7.4 takes
    its separator's side from the default paragraph style's direction, nothing else (its length,
    a quarter of the column, and its place at the margin it keeps whatever the draft says)."""
    pdf = sides(built / name.split(".")[0] / f"{name}.{lang}.pdf")
    docs, _ = pipeline.read_all([CONTENT / name.split(".")[0]])
    assert (pdf[0] is not None) == bool(docs[0].versions[lang].all_footnotes())  # a separator where notes are
    assert pdf == sides(drafts_as_pdf / f"{name}.{lang}.pdf")
    if lang == "ar":
        assert pdf == ("right", "right")


def end_rule(path: Path, width: float) -> tuple[float, float] | None:
    """The end rule on the last page (a rule `width` wide, ±1 pt): its left edge, and its distance
    under the baseline of the last line above it."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[-1]
        rules = [o for o in page.lines + page.rects + page.edges
                 if abs(o["x1"] - o["x0"] - width) <= 1 and o["bottom"] - o["top"] < 2]
        if not rules:
            return None
        rule = min(rules, key=lambda o: o["top"])
        above = max(page.height - c["matrix"][5] for c in page.chars
                    if c["text"].strip() and page.height - c["matrix"][5] < rule["top"])
        return rule["x0"], rule["top"] - above


@pytest.mark.slow
@pytest.mark.parametrize("name,lang", [pytest.param(n, l, id=f"{n}-{l}") for n, l in FORMS])
def test_end_rule_as_the_pdfs(drafts_as_pdf, built, name, lang):
    """The end rule: end_rule wide, centred, end_rule_before under the text (within 3 pt: the
    PDF's last line may be higher, two faces' boxes, fonts.line_box)."""
    width = float(layout.settings_for(lang)["end_rule"][:-2]) * 72 / 2.54
    pdf = end_rule(built / name.split(".")[0] / f"{name}.{lang}.pdf", width)
    draft = end_rule(drafts_as_pdf / f"{name}.{lang}.pdf", width)
    assert pdf is not None and draft is not None, f"draft {draft}, pdf {pdf}"
    assert abs(draft[0] - pdf[0]) <= 1 and abs(draft[1] - pdf[1]) <= 3, f"draft {draft}, pdf {pdf}"


def calls_shown(path: Path, lang: str) -> list[str]:
    """The footnote numbers at the calls, in reading order: runs of digits of the call's size (the
    PDF's footnote_call, LibreOffice's superscript of the body size: within 0.6 pt; the job number
    is 8 pt) that do not stand beside footnote text (the notes' own numbers do). Not "beside body
    text": LibreOffice 7.4 sets a call alone on a line after a full-width semicolon it hangs in the
    margin and does not draw (ctoc-cop-5-2 zh, paragraph 5: "建议；" then call 7 on the next line;
    README, "Checking a Word draft in LibreOffice")."""
    sizes = layout.settings_for(lang)
    call, note = float(sizes["footnote_call"][:-2]), float(sizes["footnote_font"][:-2])
    numbers = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            notes = [c for c in page.chars if abs(c["size"] - note) <= 0.3]
            small = sorted((c for c in page.chars if c["text"].isdigit() and abs(c["size"] - call) <= 0.6
                            and not any(abs(n["top"] - c["top"]) < note for n in notes)),
                           key=lambda c: (round(c["top"] / note), c["x0"]))
            run, last = "", None
            for c in small:
                if last is not None and (abs(c["top"] - last["top"]) > 2 or c["x0"] - last["x1"] > 1.5):
                    numbers.append(run)
                    run = ""
                run += c["text"]
                last = c
            if run:
                numbers.append(run)
    return numbers


@pytest.mark.slow
@pytest.mark.parametrize("name,lang", _marked(PAIRS, NOTES_KNOWN))
def test_libreoffice_shows_the_pdfs_footnote_numbers(drafts_as_pdf, built, name, lang):
    expected = calls_shown(built / name / f"{name}.{lang}.pdf", lang)
    docs, _ = pipeline.read_all([CONTENT / name])
    model = [str(c.number) for c in docs[0].versions[lang].all_calls()]  # a report's: its included texts' too
    assert expected == model  # the PDF prints the model's numbers
    assert calls_shown(drafts_as_pdf / f"{name}.{lang}.pdf", lang) == expected


@pytest.mark.slow
def test_libreoffice_shows_out_of_order_marks(tmp_path):
    """A translation calling its notes out of order, numbered from 10: LibreOffice shows the model's
    numbers at the calls (not its own number followed by the mark: "110")."""
    from docgen.writers import Settings, writer
    from tests.pipeline.test_model import make

    docs, _ = pipeline.read_all([make(tmp_path, start=10)])
    fr = docs[0].versions["fr"]
    path = tmp_path / "doc.fr.docx"
    path.write_bytes(writer("docx")(docs[0], fr, Settings()))
    libreoffice([path], tmp_path)
    from docgen.model import calls

    model = [str(c.number) for _, t, _ in fr.blocks() for c in calls(t)]
    assert model == ["11", "10", "12"]
    assert calls_shown(tmp_path / "doc.fr.pdf", "fr") == model
