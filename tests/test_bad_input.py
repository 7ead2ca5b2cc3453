"""Broken sources give one clear message (file, line, what was expected), exit 1, no traceback,
and never touch the previous good output."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_docgen

DOC = "ctoc-cop-5-2"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _zh(content: Path) -> Path:
    return content / DOC / "zh.yaml"


def _meta(content: Path) -> Path:
    return content / DOC / "document.yaml"


# (id, how to break the copy, text the message must contain, file:line it must name)
CASES = [
    ("yaml-syntax", lambda c: replace(_zh(c), "formula: 《", "formula: [《"), "not valid YAML", "zh.yaml:"),
    ("wrong-type", lambda c: replace(_meta(c), "session: 5", "session: fifth"),
     "field 'session' must be a whole number, found text ('fifth')", "document.yaml:7:"),
    ("wrong-date", lambda c: replace(_meta(c), "adopted: 2010-10-22", "adopted: 22 October 2010"),
     "field 'adopted' must be a date (YYYY-MM-DD)", "document.yaml:8:"),
    ("unknown-field", lambda c: replace(_zh(c), "formula:", "formulla:"), "unknown field 'formulla'", "zh.yaml:"),
    ("missing-field", lambda c: replace(_meta(c), "organ: un-ctoc-cop\n", ""), "missing field 'organ'", "document.yaml:"),
    ("call-without-body", lambda c: replace(_zh(c), "[^untoc]第", "[^untok]第"),
     "footnote call [^untok] has no body", "zh.yaml:13:"),
    ("body-never-called", lambda c: replace(_zh(c), "[^reports]", ""), "footnote 'reports' is never called", "zh.yaml:"),
    ("duplicate-key", lambda c: replace(_meta(c), "session: 5\n", "session: 5\nsession: 6\n"),
     "duplicate key 'session' (first given at line 7)", "document.yaml:8:"),
    ("empty-file", lambda c: _zh(c).write_text("", "utf-8"), "the file is empty", "zh.yaml"),
    ("empty-document", lambda c: replace(_zh(c), "operative:\n", "operative: []\nunused:\n"),
     "no operative paragraph", "zh.yaml:"),
    ("unknown-language", lambda c: (c / DOC / "zz.yaml").write_text("title: x\n", "utf-8"),
     "unknown language code 'zz'", "zz.yaml"),
    ("not-utf8", lambda c: _zh(c).write_bytes(_zh(c).read_text("utf-8").encode("gb18030")), "not UTF-8", "zh.yaml:"),
    ("not-yaml", lambda c: _zh(c).write_bytes(b"%PDF-1.7\n\x00\x01binary\n"), "not a YAML text file", "zh.yaml:2"),
    ("prose-not-yaml", lambda c: _zh(c).write_text("This is a letter, not a document.\n", "utf-8"),
     "expected a mapping of fields", "zh.yaml:1:1"),
    ("bad-markup", lambda c: replace(_zh(c), "[^protocol]并", "[^protocol并"), "footnote call at character", "zh.yaml:13:"),
    ("unknown-reference", lambda c: replace(_zh(c), "(ref:ga-63-14)", "(ref:ga-63-99)"),
     "reference to 'ga-63-99' is not declared", "zh.yaml:"),
    ("leading-asterisk", lambda c: replace(_zh(c), "formula: 《", "formula: *Recalling* 《"),
     "quote the text", "zh.yaml:"),
    ("control-character", lambda c: replace(_zh(c), "formula: 《联合国打击跨国有组织犯罪公约》缔约方会议，",
                                            'formula: "《联合国打击跨国有组织犯罪公约\\e》缔约方会议，"'),
     "character U+001B is not allowed in text", "zh.yaml:10:"),
]


@pytest.fixture
def good_output(content_copy, tmp_path):
    """A good build of the document, to show that a failed build leaves it untouched."""
    out = tmp_path / "out"
    result = run_docgen("build", content_copy / DOC, "--format", "html", "--out", out)
    assert result.returncode == 0, result.stderr
    files = sorted((out / DOC).iterdir())
    assert files
    return out, {f: f.read_bytes() for f in files}


@pytest.mark.parametrize("name,breaker,message,where", CASES, ids=[c[0] for c in CASES])
def test_broken_source(name, breaker, message, where, content_copy, good_output):
    out, before = good_output
    breaker(content_copy)
    for command in (["check", content_copy / DOC], ["build", content_copy / DOC, "--format", "html", "--out", out]):
        result = run_docgen(*command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert message in result.stderr, result.stderr
        assert where in result.stderr, result.stderr
    after = sorted((out / DOC).iterdir())
    assert {f: f.read_bytes() for f in after} == before  # untouched, no partial files


def test_structure_mismatch_names_both_files(content_copy):
    en = content_copy / DOC / "en.yaml"
    en.write_text(
        "title: Implementation\nformula: The Conference,\npreamble:\n  - recalling: \"*Recalling* x,\"\n"
        "operative:\n  - \"*Urges* y.\"\n", "utf-8")
    result = run_docgen("check", content_copy / DOC)
    assert result.returncode == 1
    assert "zh.yaml" in result.stderr and "structure differs from en.yaml" in result.stderr
    assert "preambular paragraphs (verb keys): 1 there, 11 here" in result.stderr


def test_check_reports_every_problem_in_one_run(content_copy):
    replace(_meta(content_copy), "session: 5", "session: fifth")
    replace(_zh(content_copy), "formula:", "formulla:")
    replace(_zh(content_copy), "[^untoc]第", "[^untok]第")
    (content_copy / "specimen" / "en.yaml").write_text("title: [\n", "utf-8")
    result = run_docgen("check", content_copy)
    assert result.returncode == 1
    for expected in ("must be a whole number", "unknown field 'formulla'", "[^untok] has no body",
                     "specimen/en.yaml", "not valid YAML"):
        assert expected in result.stderr, result.stderr


def test_one_broken_document_does_not_stop_the_others(content_copy, tmp_path):
    (content_copy / "specimen" / "en.yaml").write_text("title: [\n", "utf-8")
    out = tmp_path / "out"
    result = run_docgen("build", content_copy, "--format", "html", "--out", out)
    assert result.returncode == 1
    assert (out / DOC / f"{DOC}.zh.html").exists()
    assert not (out / "specimen").exists()


def test_missing_path_is_one_clear_error(tmp_path):
    result = run_docgen("check", tmp_path / "nowhere")
    assert result.returncode == 1 and "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
