"""Stress: hundreds of generated documents, dozens of footnotes each, every one on its page.

The corpus (scripts/corpus.py) draws its text from the real and the specimen content, with
10 to 45 footnotes per document of lengths from "同上。" to eight clauses, calls at random
positions, items, symbols, “quotes”, —— and ……. The real command renders it in parallel; the
build itself verifies and repairs footnote placement, and fails a document it cannot repair.
Then each PDF is read back independently: every footnote number's call and body on one and
the same page, each body once, clreq's line rules on every line, justified lines flush, ——
and …… full width in the CJK face, no symbol split. DOCGEN_STRESS sets the number of documents
(default 200), DOCGEN_STRESS_SEED the corpus (default 2026).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.conftest import corpus, run_docgen
from tests.pdflines import footnote_numbers, kinsoku, ragged
from tests.writers.test_typesetting import EN_COLUMN, ZH_COLUMN, paragraphs

pytestmark = pytest.mark.slow  # real processes, many documents: `make test` runs it, `make test-fast` does not

COUNT = int(os.environ.get("DOCGEN_STRESS", "200"))
SEED = int(os.environ.get("DOCGEN_STRESS_SEED", "2026"))


def examine(pdf: str, expected: int) -> list[str]:
    """Everything wrong with one rendered document, read from the PDF alone."""
    path = Path(pdf)
    zh = path.name.endswith(".zh.pdf")
    left, right = ZH_COLUMN if zh else EN_COLUMN
    paras = paragraphs(path, 10.5 if zh else 10.0, left)
    problems = []
    calls, bodies = footnote_numbers(paras, 9.0)
    for n in range(1, expected + 1):
        if calls.get(n, []) == [] or len(calls[n]) != 1:
            problems.append(f"{path.name}: footnote {n}: call found on pages {calls.get(n, [])}")
        elif bodies.get(n) != calls[n]:
            problems.append(f"{path.name}: footnote {n}: call on page {calls[n][0]}, body on {bodies.get(n, [])}")
    if sorted(bodies) != list(range(1, expected + 1)):
        problems.append(f"{path.name}: footnote bodies {sorted(bodies)}, expected 1..{expected}")
    problems += [f"{path.name}: {p}" for p in kinsoku(paras) + ragged(paras, right)]
    if zh:
        import pdfplumber

        with pdfplumber.open(path) as pdf_file:
            for page in pdf_file.pages:
                for c in page.chars:
                    if c["text"] and set(c["text"]) <= set("—…") and c["size"] > 8:  # —— may be one glyph
                        wide = abs(c["width"] - c["size"] * len(c["text"])) <= 0.02
                        if not wide or "Song-SC" not in c["fontname"] and "Hei-SC" not in c["fontname"]:
                            problems.append(f"{path.name}: {c['text']} {c['width']:.2f} pt wide in {c['fontname']}")
    return problems


@pytest.fixture(scope="module")
def stress_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("stress")
    folders = corpus.generate(root / "content", count=COUNT, seed=SEED, notes=(10, 45))
    result = run_docgen("build", root / "content", "--out", root / "out", "--format", "pdf", "--jobs", "2", "--quiet")
    return folders, root / "out", result


def test_every_document_renders(stress_build):
    folders, out, result = stress_build
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list(out.rglob("*.pdf"))) == COUNT >= 1


def test_no_footnote_lost_or_misplaced_and_every_line_set_right(stress_build):
    folders, out, result = stress_build
    work = []
    for folder in folders:
        (lang_file,) = [p for p in folder.glob("*.yaml") if p.name != "document.yaml"]
        expected = len(yaml.safe_load(lang_file.read_text("utf-8")).get("footnotes") or {})
        work.append((str(out / folder.name / f"{folder.name}.{lang_file.stem}.pdf"), expected))
    assert sum(n for _, n in work) >= COUNT * 10
    with ProcessPoolExecutor(2) as pool:
        problems = [p for found in pool.map(examine, *zip(*work)) for p in found]
    assert problems == [], "\n".join(problems[:40])
