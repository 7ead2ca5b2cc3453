"""Chinese typesetting measured on the rendered pages: line ends, line starts, gaps, footnotes.

Geometry from un-layout.md: the text column is 2 cm inside a 2 cm page frame (A4 for Vienna,
US Letter with 60 pt side margins for New York); body 10.5 pt Chinese / 10 pt English,
footnotes 9 pt.
"""

from __future__ import annotations

import re

import pytest

from docgen import pipeline

from tests.conftest import EN, ZH
from tests.pdflines import body_chars, footnote_numbers, kinsoku, lines, ragged

CM = 72 / 2.54
A4_WIDTH, LETTER_WIDTH = 595.276, 612.0
ZH_COLUMN = (4 * CM, A4_WIDTH - 4 * CM)                      # 113.39 .. 481.89
EN_COLUMN = (60 + 2 * CM, LETTER_WIDTH - 60 - 2 * CM)        # 116.69 .. 495.31
HAN = re.compile(r"[\u4e00-\u9fff]")


def paragraphs(path, body_size, left):
    return lines(path, (body_size, 9.0), notes_size=9.0, min_x0=left - 20, top=72, bottom_margin=55, first_top=200)


@pytest.fixture(scope="module")
def zh(built):
    return paragraphs(built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.pdf", 10.5, ZH_COLUMN[0])


@pytest.fixture(scope="module")
def en(built):
    return paragraphs(built / "specimen" / "specimen.en.pdf", 10.0, EN_COLUMN[0])


def _adoption_lines() -> set[str]:
    doc, _ = pipeline.read(EN)
    return {" ".join(line.split()) for line in doc.versions["en"].masthead.adoption_lines}


def _justified(paras):
    """Paragraphs set justified: all but the closing lines, which are italic and ranged left, and
    the adoption line and its bracket above the heading, ranged left too (A/RES/…)."""
    adoption = _adoption_lines()
    return [p for p in paras if not all("Italic" in c["fontname"] for line in p for c in line.chars)
            and not any(" ".join(line.text.split()) in adoption for line in p)]


def test_the_measurement_sees_the_text(zh, en):
    """The line finder itself: it must see every paragraph and footnote, or the tests below prove nothing."""
    docs, _ = pipeline.read_all([ZH, EN])
    for paras, doc in ((zh, docs[0]), (en, docs[1])):
        version = doc.versions.get("en") or next(iter(doc.versions.values()))
        blocks = [b for b in version.blocks() if b[0] not in ("title", "heading")]
        body = [p for p in paras if p[0].size != 9.0]
        notes = [p for p in paras if p[0].size == 9.0]
        assert len(notes) == len(version.footnotes)  # every footnote found, set in 9 pt
        assert len(body) >= len(blocks) - 3  # session lines sit outside the column
        assert sum(len(p) for p in body) > 20


def test_chinese_lines_end_flush_with_the_column(zh):
    """Every line but a paragraph's last ends within 0.5 pt of the right edge (body and footnotes)."""
    assert ragged(_justified(zh), ZH_COLUMN[1]) == []
    multi = [p for p in zh if len(p) > 1]
    assert len(multi) >= 10 and any(p[0].size == 9.0 for p in multi)


def test_english_lines_end_flush_with_the_column(en):
    assert ragged(_justified(en), EN_COLUMN[1]) == []


def test_space_goes_between_characters_not_inside_latin_words(zh):
    """Justified lines spread the space between Han characters; digits and letters of one word stay together."""
    widened = 0
    for para in zh:
        for line in para[:-1]:
            for a, b in zip(line.chars, line.chars[1:]):  # raised calls included: no gap across them
                gap = b["x0"] - a["x1"]
                if a["text"].isascii() and a["text"].isalnum() and b["text"].isascii() and b["text"].isalnum():
                    assert gap < 0.05, (line.page, line.text, a["text"], b["text"], gap)  # kerning may close it
                if HAN.match(a["text"]) and HAN.match(b["text"]) and gap > 0.05:
                    widened += 1
                    assert gap < 0.1 * line.size, (line.page, line.text, gap)  # else extraction sees a space
    assert widened > 100


def test_last_lines_are_not_stretched(zh):
    for para in zh:
        letters = body_chars(para[-1])
        for a, b in zip(letters, letters[1:]):
            if HAN.match(a["text"]) and HAN.match(b["text"]):
                assert abs(b["x0"] - a["x1"]) < 0.05, (para[-1].page, para[-1].text)


def test_han_latin_gap_inside_lines_only(zh):
    """A quarter em between Han and Latin inside a line, none at a line start or end; no space characters."""
    inside = 0
    for para in zh:
        for i, line in enumerate(para):
            letters = body_chars(line)
            assert all(c["text"] != " " for c in letters), line.text
            if i > 0:
                assert abs(letters[0]["x0"] - ZH_COLUMN[0]) < 0.1, (line.page, line.text)
            for a, b in zip(letters, letters[1:]):
                if HAN.match(a["text"]) and b["text"].isascii() and b["text"].isalnum() and b in line.chars[
                        line.chars.index(a) + 1:line.chars.index(a) + 2]:
                    assert b["x0"] - a["x1"] >= 0.25 * line.size - 0.05, (line.page, line.text)
                    inside += 1
    assert inside > 20


def test_kinsoku_on_every_line(zh):
    """No line starts with closing punctuation or ends with opening punctuation; no call starts a line."""
    assert kinsoku(zh) == []


def test_footnote_numbers_on_the_page_of_their_calls(zh, en):
    for paras, folder in ((zh, ZH), (en, EN)):
        docs, _ = pipeline.read_all([folder])
        version = next(iter(docs[0].versions.values()))
        calls, bodies = footnote_numbers(paras, 9.0)
        numbers = sorted(n.number for n in version.footnotes)
        assert sorted(calls) == numbers and sorted(bodies) == numbers
        for n in numbers:
            assert len(calls[n]) == 1 and bodies[n] == calls[n], (n, calls[n], bodies.get(n))
