"""The model holds the seed's text, character for character, footnotes included."""

from __future__ import annotations

import re

import pytest

from docgen import pipeline
from docgen.model import plain_text

from tests.conftest import SEED, ZH

FOOTNOTE_LINE = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$")


def seed_text() -> tuple[str, list[tuple[int, str]]]:
    """The seed without its page furniture: (body text, [(number, footnote text)])."""
    body, notes = [], []
    for line in SEED.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line == "---":
            continue
        if m := FOOTNOTE_LINE.match(line):
            notes.append((int(m.group(1)), m.group(2)))
            continue
        line = re.sub(r"^#+\s*", "", line)
        body.append(re.sub(r"<sup>(\d+)</sup>", r"\1", line))
    return "".join(body), notes


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def version():
    docs, diagnostics = pipeline.read_all([ZH])
    assert docs, diagnostics
    return docs[0].versions["zh"]


def model_body(version) -> str:
    parts = [version.heading, plain_text(version.title, True), plain_text(version.formula, True)]
    parts += [plain_text(p.text, True) for p in version.preamble]

    def items(its):
        for item in its:
            parts.append(item.num + plain_text(item.text, True))
            items(item.items)

    for p in version.operative:
        parts.append(p.num + plain_text(p.text, True))
        items(p.items)
    return "".join(parts)


needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the seed text {SEED} is not beside this checkout "
                                "(set DOCGEN_SHARED to the reference material to compare with it)")


@needs_seed
def test_body_text_equals_seed(version):
    expected, _ = seed_text()
    assert squeeze(model_body(version)) == squeeze(expected)


@needs_seed
def test_footnotes_equal_seed(version):
    _, expected = seed_text()
    assert [(n.number, squeeze(plain_text(n.text))) for n in version.footnotes] == \
        [(n, squeeze(t)) for n, t in expected]
    assert len(version.footnotes) == 7


def test_structure_of_the_resolution(version):
    assert len(version.preamble) == 11
    assert [p.number for p in version.operative] == list(range(1, 19))
    assert [i.num for i in version.operative[6].items] == ["(a)", "(b)", "(c)", "(d)", "(e)"]
    assert [i.num for i in version.operative[8].items] == ["(a)", "(b)"]


def test_han_latin_spaces_are_presentation(version):
    """The source types 第 32 条; the model holds 第32条 (writers draw the gap)."""
    text = plain_text(version.preamble[0].text)
    assert "第32条" in text
    assert not re.search(r"[\u4e00-\u9fff] [0-9A-Za-z]|[0-9A-Za-z] [\u4e00-\u9fff]", model_body(version))


def test_line_wrap_artefacts_removed(version):
    body = model_body(version)
    for joined in ("在适当情况下", "《人口贩运议定书》", "消极影响", "人口贩运活动的客户"):
        assert joined in body
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", body)
