"""Translations lag the original (#22): a translation whose structure no longer matches the
original's is *out of date*. `check` and `build` say so in one warning per translation naming
the paragraphs; the original and the matching translations build; the out-of-date one is never
rendered, its last good outputs stay and are listed as stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen import pipeline
from tests.conftest import SPECIMEN, run_docgen

LAST_FR = "  - \"*Prie* le Secrétaire général de lui présenter un rapport"


@pytest.fixture
def doc(tmp_path) -> Path:
    folder = tmp_path / "content" / "specimen"
    shutil.copytree(SPECIMEN, folder)
    return folder


def drop_last_paragraph(path: Path) -> str:
    """The French translation before the original's last operative paragraph was added."""
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(LAST_FR))
    path.write_text("".join(lines[:index] + lines[index + 1:]), "utf-8")
    return text


def test_a_lagging_translation_is_out_of_date_not_an_error(doc):
    drop_last_paragraph(doc / "fr.yaml")
    document, diagnostics = pipeline.read(doc)
    assert document is not None  # the document reads: the original and the others can be built
    assert document.versions["fr"].out_of_date and "operative: en.yaml" in document.versions["fr"].out_of_date[0]
    assert all(not v.out_of_date for lang, v in document.versions.items() if lang != "fr")
    result = run_docgen("check", doc)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "out of date" in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"{doc / 'fr.yaml'}: warning: out of date"), result.stderr
    assert "has 6 paragraphs, fr.yaml:" in warnings[0] and "has 5" in warnings[0]
    assert "1 out of date" in result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_keeps_the_last_good_outputs_of_an_out_of_date_translation(doc, tmp_path, jobs):
    out = tmp_path / "out"
    assert run_docgen("build", doc, "--out", out, "--format", "akn,html", "-j", jobs).returncode == 0
    before = {p.name: p.read_bytes() for p in (out / "specimen").iterdir()}
    original = doc / "en.yaml"
    original.write_text(original.read_text("utf-8").replace("14 November 2044", "15 November 2044"), "utf-8")
    drop_last_paragraph(doc / "fr.yaml")
    result = run_docgen("build", doc, "--out", out, "--format", "akn,html", "-j", jobs)
    assert result.returncode == 0, result.stderr
    after = {p.name: p.read_bytes() for p in (out / "specimen").iterdir()}
    assert set(after) == set(before)
    for fmt in ("xml", "html"):  # never rendered again: the last good ones, byte for byte
        assert after[f"specimen.fr.{fmt}"] == before[f"specimen.fr.{fmt}"]
        assert after[f"specimen.en.{fmt}"] != before[f"specimen.en.{fmt}"]  # the original is rebuilt
    assert "4 stale (out of date)" in result.stdout + result.stderr  # xml and html, adopted and draft
    assert f"  {out / 'specimen' / 'specimen.fr.xml'}\n" in result.stderr
    assert f"  {out / 'specimen' / 'specimen.draft.fr.xml'}\n" in result.stderr
    assert "Traceback" not in result.stderr
    # the translators' update that brings it to the original's structure is built again
    shutil.copy(SPECIMEN / "fr.yaml", doc / "fr.yaml")
    again = run_docgen("build", doc, "--out", out, "--format", "akn", "-j", jobs)
    assert again.returncode == 0 and "out of date" not in again.stderr, again.stderr
    assert f"wrote {out / 'specimen' / 'specimen.fr.xml'}" in again.stdout, again.stdout


def test_without_the_original_a_difference_stays_an_error(doc):
    """The original's language has no file here (document.yaml says original: en): docgen cannot
    tell which version lags, so differences between the others are errors, as before."""
    (doc / "en.yaml").unlink()
    drop_last_paragraph(doc / "fr.yaml")
    result = run_docgen("check", doc)
    assert result.returncode == 1
    assert "error: operative:" in result.stderr and "has no en.yaml here" in result.stderr, result.stderr


def test_writers_never_render_an_out_of_date_version(doc):
    from docgen.building.job import Job, run

    drop_last_paragraph(doc / "fr.yaml")
    document, _ = pipeline.read(doc)
    result = run(Job(doc, "fr", "akn"), document)
    assert result.data is None and result.out_of_date and "out of date" in result.message


def test_a_pool_worker_that_reads_the_document_first_keeps_it_stale_too(doc, tmp_path, monkeypatch, capsys):
    """The build's own process reads no document here (its workers are ready at once): the worker
    that reads it finds the translation out of date, and the build keeps its outputs the same way."""
    from docgen import building
    from docgen.building import pool

    out = tmp_path / "out"
    assert building.build([doc], ["akn"], out, jobs=1, quiet=True) == 0
    before = (out / "specimen" / "specimen.fr.xml").read_bytes()
    drop_last_paragraph(doc / "fr.yaml")
    monkeypatch.setattr(pool.Starting, "ready", lambda self: True)
    assert building.build([doc], ["akn"], out, jobs=2, force=True) == 0
    err = capsys.readouterr().err
    # its adopted and its draft form: both kept, the warning said once
    assert "2 output(s) not rebuilt" in err and err.count("fr.yaml: warning: out of date") == 1, err
    assert (out / "specimen" / "specimen.fr.xml").read_bytes() == before
