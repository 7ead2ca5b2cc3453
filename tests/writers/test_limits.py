"""Values longer than a format allows still build: a title over Word's 255-character core
property limit is shortened there, and printed in full in every body."""

from __future__ import annotations

import shutil
import subprocess

import docx

from tests.conftest import EN, run_docgen

LONG = " ".join(["Implementation of the specimen resolution on the publication of official documents"] * 5)


def test_long_title_builds_every_format(tmp_path):
    doc = tmp_path / "content" / "long"
    shutil.copytree(EN, doc)
    en = doc / "en.yaml"
    en.write_text(en.read_text("utf-8").replace("title: Specimen resolution for the layout of official documents",
                                                f"title: {LONG}"), "utf-8")
    assert len(LONG) > 400
    assert run_docgen("check", doc).returncode == 0
    out = tmp_path / "out"
    result = run_docgen("build", doc, "--out", out, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    word = docx.Document(str(out / "long" / "long.en.docx"))
    title = word.core_properties.title
    assert len(title) <= 255 and title.endswith("…") and LONG.startswith(title[:-1])
    assert any(LONG in p.text for p in word.paragraphs)
    pdf = subprocess.run(["pdftotext", str(out / "long" / "long.en.pdf"), "-"], capture_output=True, text=True).stdout
    assert " ".join(LONG.split()[-8:]) in " ".join(pdf.split())
    assert LONG in (out / "long" / "long.en.xml").read_text("utf-8")
