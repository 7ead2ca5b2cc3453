"""Help for authors: `docgen new` writes a folder that passes check and builds; the JSON Schema
is made from the reader's field definitions and shipped; it agrees with the reader."""

from __future__ import annotations

import copy
import datetime as dt
import json

import jsonschema
import pytest
import yaml

from docgen.authoring import schema
from docgen.readers.yaml import DOCUMENT_FIELDS, ITEM_FIELDS, REFERENCE_FIELDS, VERSION_FIELDS

from tests.conftest import CONTENT, run_docgen


def test_new_document_passes_check_and_builds(tmp_path):
    folder = tmp_path / "content" / "cnd-1-1"
    result = run_docgen("new", folder, "--type", "decision", "--langs", "en,zh", "--organ", "un-cnd")
    assert result.returncode == 0, result.stderr
    document = (folder / "document.yaml").read_text("utf-8")
    assert document.startswith("# yaml-language-server: $schema=../.docgen/schema/document.schema.json\n")
    for name, field in DOCUMENT_FIELDS.items():  # every field explained in a comment (other forms': commented out)
        assert f"# {field.about}" in document and (f"\n{name}:" in document or f"\n# {name}:" in document), name
    assert (folder / "en.yaml").read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../.docgen/schema/language.schema.json\n")
    assert (tmp_path / "content" / ".docgen" / "schema" / "document.schema.json").read_text("utf-8") == \
        schema.text("document")
    check = run_docgen("check", tmp_path / "content")
    warnings = [line for line in check.stderr.splitlines() if ": warning: " in line]
    assert check.returncode == 0 and len(warnings) == 3, check.stderr  # valid; one per file: the TO DO values
    assert all("TO DO" in line for line in warnings), warnings
    out = tmp_path / "out"
    result = run_docgen("build", tmp_path / "content", "--out", out, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert len(list((out / "cnd-1-1").iterdir())) == 8
    assert "麻醉药品委员会" in (out / "cnd-1-1" / "cnd-1-1.zh.html").read_text("utf-8")  # the organ's masthead name


def test_new_refuses_what_it_cannot_do(tmp_path):
    assert run_docgen("new", tmp_path / "x", "--type", "decision", "--langs", "en", "--organ", "un-nope").returncode == 1
    assert run_docgen("new", tmp_path / "y", "--type", "decision", "--langs", "de").returncode == 2
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "en.yaml").write_text("title: mine\n", "utf-8")
    result = run_docgen("new", tmp_path / "z", "--type", "decision", "--langs", "en")
    assert result.returncode == 1 and "not empty" in result.stderr
    assert (tmp_path / "z" / "en.yaml").read_text("utf-8") == "title: mine\n"


@pytest.mark.parametrize("which", ["document", "language", "report", "report-language"])
def test_shipped_schema_is_the_generated_one(which):
    """The shipped copy must not drift from the reader's definitions (python -m docgen.authoring.schema rewrites it)."""
    assert schema.shipped(which) == schema.text(which)
    result = run_docgen("schema", which)
    assert result.returncode == 0 and json.loads(result.stdout) == schema.schemas()[which]


def test_schema_has_every_field_the_reader_defines():
    schemas = schema.schemas()
    for key, fields in (("document", DOCUMENT_FIELDS), ("language", VERSION_FIELDS)):
        props = schemas[key]["properties"]
        assert list(props) == list(fields)
        assert schemas[key]["required"] == [n for n, f in fields.items() if f.required]
    defs = schemas["document"]["$defs"]
    assert list(defs["reference"]["properties"]) == list(REFERENCE_FIELDS)
    assert list(schemas["language"]["$defs"]["itemWithItems"]["properties"]) == list(ITEM_FIELDS)


def _editor_view(value):
    """A value as an editor's YAML 1.2 schema sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): _editor_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_editor_view(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _plain(path):
    return _editor_view(yaml.safe_load(path.read_text("utf-8")))


def _validator(which):
    return jsonschema.Draft202012Validator(schema.schemas()[which], format_checker=jsonschema.FormatChecker())


def test_shipped_content_is_valid_against_the_schemas():
    for folder in sorted(p.parent for p in CONTENT.glob("*/document.yaml")):
        report = _plain(folder / "document.yaml")["type"] == "report"
        facts, text = ("report", "report-language") if report else ("document", "language")
        assert not list(_validator(facts).iter_errors(_plain(folder / "document.yaml"))), folder
        for path in folder.glob("??.yaml"):
            assert not list(_validator(text).iter_errors(_plain(path))), path


def test_report_schema_and_reader_reject_a_table_row_that_is_no_list(tmp_path):
    """A report's body as the schema and the reader see it: a table row must be a list of cells."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    en = content / "ctoc-cop-5-report" / "en.yaml"
    data = _plain(en)
    table = next(b["table"] for c in data["annexes"] for b in c["body"] if isinstance(b, dict) and "table" in b)
    table["rows"][0] = "not a row"
    assert list(_validator("report-language").iter_errors(data))
    en.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = run_docgen("check", content / "ctoc-cop-5-report")
    assert result.returncode == 1 and "must be a list of cells" in result.stdout + result.stderr


def test_new_report_passes_check_and_builds_every_format(tmp_path):
    folder = tmp_path / "content" / "rep"
    assert run_docgen("new", folder, "--type", "report", "--langs", "en,ar,zh").returncode == 0
    for name in ("document.yaml", "en.yaml"):
        text = (folder / name).read_text("utf-8")
        assert text.startswith("# yaml-language-server: $schema=../.docgen/schema/report")
    assert not list(_validator("report").iter_errors(_plain(folder / "document.yaml")))
    assert not list(_validator("report-language").iter_errors(_plain(folder / "zh.yaml")))
    check = run_docgen("check", folder)
    assert check.returncode == 0, check.stdout + check.stderr
    out = tmp_path / "out"
    build = run_docgen("build", folder, "--out", out)
    assert build.returncode == 0, build.stderr
    assert len(list((out / "rep").glob("rep.*.*"))) == 3 * 4  # pdf docx xml html, three languages
    assert run_docgen("new", tmp_path / "x", "--type", "report", "--langs", "en", "--form", "draft").returncode == 1


MUTATIONS = [
    ("document", lambda d: d.update(session="fifth session")),  # a named session is one word ("2026")
    ("document", lambda d: d.update(number="t%")),  # the property test found it: invalid in AKN identifiers
    ("document", lambda d: d.update(type="report")),
    ("document", lambda d: d.pop("organ")),
    ("document", lambda d: d.update(extra=1)),
    ("document", lambda d: d.update(duty_station="paris")),
    ("document", lambda d: d.update(adopted="22 October 2010")),
    ("document", lambda d: next(iter(d["references"].values())).pop("adopted")),
    ("language", lambda d: d.pop("operative")),
    ("language", lambda d: d.update(operative=[])),
    ("language", lambda d: d.update(formulla="x")),
    ("language", lambda d: d["preamble"].append({"recalling": "a", "noting": "b"})),
    ("language", lambda d: d["preamble"].append({"Recalling": "a"})),
    ("language", lambda d: d["operative"].append({"text": "x", "items": [], "extra": 1})),
]


@pytest.mark.parametrize("which,mutate", MUTATIONS)
def test_schema_and_reader_reject_the_same_mistakes(which, mutate, tmp_path):
    source = CONTENT / "specimen"
    folder = tmp_path / "specimen"
    folder.mkdir()
    data = {"document": yaml.safe_load((source / "document.yaml").read_text("utf-8")),
            "language": yaml.safe_load((source / "en.yaml").read_text("utf-8"))}

    def write(data):
        for name, key in (("document.yaml", "document"), ("en.yaml", "language")):
            (folder / name).write_text(yaml.safe_dump(data[key], allow_unicode=True), "utf-8")

    write(data)
    assert run_docgen("check", folder).returncode == 0  # the unbroken copy passes
    broken = copy.deepcopy(data[which])
    mutate(broken)
    assert list(_validator(which).iter_errors(_editor_view(broken))), "the schema accepts it"
    write({**data, which: broken})
    result = run_docgen("check", folder)
    assert result.returncode == 1 and ": error: " in result.stderr, "the reader accepts it"


@pytest.mark.parametrize("form,doc_type,organ,outputs", [
    ("draft", "resolution", "un-ga", ["d.draft.en", "d.draft.ar"]),
    ("narrative", "decision", "un-ecosoc", ["d.en", "d.ar"]),
    ("in-report", "resolution", "un-ctoc-cop", ["d.en", "d.ar"]),
])
def test_new_offers_the_forms(tmp_path, form, doc_type, organ, outputs):
    """`docgen new --form`: each form passes check (its TO DO values warned about) and builds what it
    should: a draft only its L. document, a narrative decision no formula."""
    folder = tmp_path / "content" / "d"
    result = run_docgen("new", folder, "--type", doc_type, "--langs", "en,ar", "--organ", organ, "--form", form)
    assert result.returncode == 0, result.stderr
    check = run_docgen("check", folder)
    assert check.returncode == 0 and "error" not in check.stderr, check.stderr
    out = tmp_path / "out"
    assert run_docgen("build", folder, "--out", out, "--format", "akn,html").returncode == 0
    assert sorted(p.name for p in (out / "d").glob("*.xml")) == sorted(f"{name}.xml" for name in outputs)
    html = (out / "d" / f"{outputs[0]}.html").read_text("utf-8")
    if form == "draft":
        assert "Distr.: Limited" in html and "TO DO: the first sponsor" in html
    if form == "narrative":
        assert "\nformula:" not in (folder / "en.yaml").read_text("utf-8")  # written commented out
        assert "<formula" not in (out / "d" / "d.en.xml").read_text("utf-8")


def test_new_refuses_a_narrative_resolution(tmp_path):
    result = run_docgen("new", tmp_path / "x", "--type", "resolution", "--langs", "en", "--form", "narrative")
    assert result.returncode == 1 and "--type decision" in result.stderr and not (tmp_path / "x").exists()
