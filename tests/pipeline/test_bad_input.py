"""Broken sources give one clear message (file, line, what was expected), exit 1, no traceback,
and never touch the previous good output."""

from __future__ import annotations

from pathlib import Path

import pytest

import shutil

from tests.conftest import EN, run_docgen

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
    ("wrong-type", lambda c: replace(_meta(c), "footnotes_start: 1 ", "footnotes_start: first "),
     "field 'footnotes_start' must be a whole number, found text ('first')", "document.yaml:14:"),
    ("session-of-two-words", lambda c: replace(_meta(c), "session: 5", "session: fifth session"),
     "session", "document.yaml:7:"),
    ("session-list", lambda c: replace(_meta(c), "session: 5", "session: [5]"),
     "field 'session' must be", "document.yaml:7:"),
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
    ("not-utf8", lambda c: _zh(c).write_bytes(_zh(c).read_text("utf-8").encode("gb18030")), "not UTF-8", "zh.yaml:1:"),
    ("not-yaml", lambda c: _zh(c).write_bytes(b"%PDF-1.7\n\x00\x01binary\n"), "not a YAML text file", "zh.yaml:2:1"),
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
    ("impossible-date", lambda c: replace(_meta(c), "adopted: 2010-10-22", "adopted: 2025-13-40"),
     "'2025-13-40' is not a valid date (month must be in 1..12)", "document.yaml:8:10"),
    ("impossible-reference-date", lambda c: replace(_meta(c), "adopted: 2008-10-17}", "adopted: 2008-02-30}"),
     "'2008-02-30' is not a valid date (day is out of range for month)", "document.yaml:19:74"),
    # preflight: what would make a writer fail is found by check, at the value's place
    ("missing-glyph", lambda c: replace(_zh(c), "formula: 《", "formula: \U0001F600《"),
     "formula: character U+1F600 '\U0001F600' has no glyph in the fonts of Chinese text (docgen Times, docgen Song SC)", "zh.yaml:10:"),
    ("missing-glyph-footnote", lambda c: replace(_zh(c), "untoc: 同上", "untoc: 同上\u0915"),
     "character U+0915", "zh.yaml:"),
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
    assert result.returncode == 0  # the translation lags the original: out of date, a warning (test_out_of_date.py)
    assert "zh.yaml: warning: out of date" in result.stderr
    assert "preamble: en.yaml:4 has 1 paragraph, zh.yaml:" in result.stderr and "has 11" in result.stderr, result.stderr


def test_structure_differences_name_both_files_lines_and_labels(tmp_path):
    doc = tmp_path / "content" / "specimen"
    shutil.copytree(EN, doc)
    fr = (doc / "en.yaml").read_text("utf-8")
    fr = fr.replace("          - in a word-processing format that editors can continue to revise;\n", "")
    fr = fr.replace(';[^agenda]"', ';"')
    fr = fr.replace("  agenda: For the list of items, see A/99/150, annex.\n", "")
    (doc / "fr.yaml").write_text(fr, "utf-8")
    result = run_docgen("check", doc)
    assert result.returncode == 0 and result.stderr.count("fr.yaml: warning: out of date") == 1, result.stderr
    en_lines = (doc / "en.yaml").read_text("utf-8").splitlines()
    fr_lines = fr.splitlines()
    b_en = next(i for i, l in enumerate(en_lines, 1) if "to publish each document" in l)
    b_fr = next(i for i, l in enumerate(fr_lines, 1) if "to publish each document" in l)
    agenda = next(i for i, l in enumerate(en_lines, 1) if "[^agenda]" in l)
    assert (f"operative paragraph 2 (b): en.yaml:{b_en} has 3 sub-items, fr.yaml:{b_fr} has 2"
            in result.stderr), result.stderr
    assert f"footnote [^agenda]: called in operative paragraph 5 of en.yaml:{agenda}, not in fr.yaml" in result.stderr
    assert "[[" not in result.stderr


def test_check_reports_every_problem_in_one_run(content_copy):
    replace(_meta(content_copy), "footnotes_start: 1 ", "footnotes_start: first ")
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


def test_impossible_date_does_not_stop_other_documents(content_copy, tmp_path):
    replace(_meta(content_copy), "adopted: 2010-10-22", "adopted: 2025-13-40")
    result = run_docgen("build", content_copy, "--format", "akn", "--out", tmp_path / "out")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert (tmp_path / "out" / "specimen" / "specimen.en.xml").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_is_accepted_by_every_subcommand(where):
    from docgen.cli import parser

    for command in ("check", "build"):
        args = parser().parse_args(["--debug", command] if where == "before" else [command, "--debug"])
        assert args.debug is True
    assert not getattr(parser().parse_args(["check"]), "debug", False)


def test_broken_document_yaml_gives_no_follow_on_reference_errors(content_copy):
    replace(_meta(content_copy), "adopted: 2008-10-17}", "adopted: 2008-02-30}")
    result = run_docgen("check", content_copy / DOC)
    assert result.returncode == 1 and "not a valid date" in result.stderr
    assert "not declared" not in result.stderr, result.stderr
    _meta(content_copy).unlink()
    result = run_docgen("check", content_copy / DOC)
    assert result.returncode == 1 and "no document.yaml" in result.stderr
    assert "not declared" not in result.stderr, result.stderr


def test_colon_space_in_a_value_gets_the_quoting_hint(content_copy):
    replace(content_copy / "specimen" / "en.yaml", "title: Specimen resolution", "title: Mise en œuvre : résolution")
    result = run_docgen("check", content_copy / "specimen")
    assert result.returncode == 1 and "en.yaml:3:" in result.stderr, result.stderr
    assert "a value that contains ': '" in result.stderr and "quote the text" in result.stderr


def test_encoding_error_column_counts_from_1(content_copy):
    path = content_copy / "specimen" / "en.yaml"
    path.write_bytes(path.read_bytes().replace(b"title: Specimen", b"title: Sp\xe9cimen", 1))
    result = run_docgen("check", content_copy / "specimen")
    assert "en.yaml:3:10: error: not UTF-8" in result.stderr, result.stderr


def test_distributed_before_adopted_is_a_warning(content_copy):
    replace(content_copy / "specimen" / "document.yaml", "distributed: 2044-11-20", "distributed: 2044-11-01")
    result = run_docgen("check", content_copy / "specimen")
    assert result.returncode == 0
    assert "document.yaml:11:14: warning: distributed (2044-11-01) is earlier than adopted (2044-11-14)" in result.stderr


def test_a_warning_is_acknowledged_at_its_place(content_copy):
    zh = _zh(content_copy)
    result = run_docgen("check", content_copy)  # the shipped documents: no warning
    assert result.returncode == 0 and ": warning: " not in result.stderr and "0 warning(s)" in result.stdout
    replace(zh, "  # docgen: ok ibid-first", "  # (acknowledgement removed)")
    result = run_docgen("check", content_copy)
    assert "warning: footnote 1 ('untoc') says '同上'" in result.stderr
    assert "acknowledge it with '# docgen: ok ibid-first' on that line" in result.stderr
    replace(zh, "untoc: 同上，第 2225 卷，第 39574 号。", "untoc: 同上，第 2225 卷，第 39574 号。  # docgen: ok ibid-first")
    assert ": warning: " not in run_docgen("check", content_copy).stderr
    replace(zh, "# docgen: ok ibid-first", "# docgen: ok han-space")  # another warning's code does not hide it
    assert "warning: footnote 1" in run_docgen("check", content_copy).stderr


def test_libyaml_gives_the_same_locations_as_the_python_parser():
    """The reader composes with libyaml for speed (yamlsource.FAST_LOADER); every line:col a
    diagnostic prints comes from its marks. Compare them node by node with the Python parser's
    on every YAML file shipped (content, language tables, organs, test data)."""
    import yaml

    from docgen.readers import source as yamlsource

    assert yamlsource.FAST_LOADER is yaml.CSafeLoader, "PyYAML without libyaml: the reader is slow"

    def nodes(node, out):
        out.append((type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column,
                    node.end_mark.line, node.end_mark.column, node.value if isinstance(node, yaml.ScalarNode) else None))
        children = node.value if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) else []
        for child in children:
            for n in (child if isinstance(child, tuple) else (child,)):
                nodes(n, out)
        return out

    root = Path(__file__).resolve().parents[2]
    files = [p for folder in ("content", "src/docgen", "tests/data", "templates") for p in (root / folder).rglob("*.yaml")]
    assert len(files) > 20
    for path in files:
        text = path.read_text("utf-8").lstrip("\ufeff")
        fast = nodes(yaml.compose(text, Loader=yamlsource.FAST_LOADER), [])
        assert fast == nodes(yaml.compose(text, Loader=yaml.SafeLoader), []), path


@pytest.mark.parametrize("old,new,field", [
    ("committee: third, documents", "committee: hird, documents", "adoption: field 'committee' is 'hird'"),
    ("  committee: third\n", "  committee: thrd\n", "draft: field 'committee' is 'thrd'"),
])
def test_a_nested_field_outside_its_choices_is_one_error_not_a_crash(content_copy, old, new, field):
    """Fixed-choice fields are checked where every field is taken (found by the fuzz test: an
    unknown Main Committee in 'adoption:' reached the masthead as a KeyError)."""
    replace(content_copy / "specimen" / "document.yaml", old, new)
    result = run_docgen("check", content_copy / "specimen")
    assert result.returncode == 1 and field in result.stderr and "not one of: first, second" in result.stderr
    assert "internal error" not in result.stderr, result.stderr
