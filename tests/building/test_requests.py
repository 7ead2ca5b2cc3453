"""Requests that cannot be served say so and exit non-zero; stale outputs are listed or pruned;
user organs; errors are printed once."""

from __future__ import annotations

import shutil

from tests.conftest import CONTENT, run_docgen


def test_yml_file_name_is_an_error(tmp_path):
    doc = tmp_path / "content" / "d"
    shutil.copytree(CONTENT / "specimen", doc)
    (doc / "en.yaml").rename(doc / "en.yml")
    for command in (["check", doc.parent], ["build", doc.parent, "--out", tmp_path / "out"]):
        result = run_docgen(*command)
        assert result.returncode == 1, result
        assert "rename en.yml to en.yaml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_or_absent_language_is_refused(tmp_path):
    result = run_docgen("build", CONTENT, "--lang", "de", "--out", tmp_path / "out")
    assert result.returncode == 2 and "unknown language 'de'" in result.stderr
    result = run_docgen("build", CONTENT / "ctoc-cop-5-2", "--lang", "fr", "--out", tmp_path / "out")
    assert result.returncode == 1 and "no document here has a version in fr" in result.stderr
    assert not (tmp_path / "out").exists()


def test_nonexistent_path_creates_nothing(tmp_path):
    result = run_docgen("build", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.returncode == 1 and "no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_errors_are_printed_once(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    en = content / "specimen" / "en.yaml"
    en.write_text(en.read_text("utf-8").replace("title: ", "titel: ", 1), "utf-8")
    result = run_docgen("build", content, "--format", "akn", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.count("unknown field 'titel'") == 1, result.stderr
    # the specimen fails, and the report that prints it says why it cannot, naming it, not repeating its errors
    assert "2 failure(s):" in result.stderr and "include 'specimen': that text has 2 error(s)" in result.stderr


def test_stale_outputs_are_listed_then_pruned(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(CONTENT, content)
    doc = content / "hrc-specimen"  # no report prints it (the specimen-report prints the specimen in fr)
    shutil.copy(doc / "en.yaml", doc / "fr.yaml")
    assert run_docgen("build", content, "--format", "akn", "--out", out).returncode == 0
    (doc / "fr.yaml").unlink()
    shutil.rmtree(content / "ecosoc-decision")  # a folder no report includes (removing one that is, is an error)
    result = run_docgen("build", content, "--format", "akn", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "3 stale output(s)" in result.stderr  # hrc-specimen fr, ecosoc-decision en and zh
    assert "hrc-specimen.fr.xml" in result.stderr and "ecosoc-decision.zh.xml" in result.stderr
    assert (out / "hrc-specimen" / "hrc-specimen.fr.xml").exists()  # listed, not deleted
    # building one document says nothing about the others: only its own stale outputs
    result = run_docgen("build", doc, "--format", "akn", "--out", out)
    assert "1 stale output(s)" in result.stderr and "ecosoc-decision" not in result.stderr
    # another content tree built into the same folder does not make these stale
    other = tmp_path / "other"
    shutil.copytree(CONTENT / "specimen", other / "specimen-two")
    result = run_docgen("build", other, "--format", "akn", "--out", out)
    assert result.returncode == 0 and "stale" not in result.stderr, result.stderr
    result = run_docgen("build", content, "--format", "akn", "--out", out, "--prune")
    assert result.returncode == 0 and "pruned 3 stale output(s)" in result.stdout
    assert not (out / "hrc-specimen" / "hrc-specimen.fr.xml").exists()
    assert not (out / "ecosoc-decision" / "ecosoc-decision.zh.xml").exists()
    assert (out / "specimen" / "specimen.en.xml").exists()
    result = run_docgen("build", content, "--format", "akn", "--out", out)
    assert "stale" not in result.stderr
    assert (out / "specimen-two" / "specimen-two.en.xml").exists()  # the other tree's output is kept


ORGAN = """\
un-hrc:
  akn_id: unHrc
  show_as: Human Rights Council
  names:
    ar: [مجلس حقوق الإنسان]
    zh: [人权理事会]
    en: [Human Rights Council]
    fr: [Conseil des droits de l’homme]
    ru: [Совет по правам человека]
    es: [Consejo de Derechos Humanos]
"""


def test_user_organ_beside_the_documents(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(CONTENT, content)
    (content / "organs.yaml").write_text(ORGAN, "utf-8")
    meta = content / "specimen" / "document.yaml"
    meta.write_text(meta.read_text("utf-8").replace("organ: un-ga", "organ: un-hrc"), "utf-8")
    result = run_docgen("build", content / "specimen", "--format", "html", "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / "specimen" / "specimen.en.html").read_text("utf-8")
    assert "Human Rights Council" in html
    # the organ table is an input of the incremental build
    (content / "organs.yaml").write_text(ORGAN.replace("[Human Rights Council]", "[Human Rights, Council]"), "utf-8")
    result = run_docgen("build", content / "specimen", "--format", "html", "--out", out)
    assert "12 file(s) written" in result.stdout, result.stdout  # the specimen's six versions, adopted and draft


def test_organ_without_a_name_in_a_language_is_a_check_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "organs.yaml").write_text(ORGAN.replace("    zh: [人权理事会]\n", ""), "utf-8")
    result = run_docgen("check", content)
    assert result.returncode == 1
    assert "organs.yaml:5:5: error: organ 'un-hrc' has no name in zh (Chinese) in organs.yaml" in result.stderr
    assert result.stderr.count("has no name in zh") == 1, result.stderr  # once, not once per document


def test_shipped_organs_have_names_in_all_six_languages():
    from docgen.readers import organs
    from docgen.data import tables

    diagnostics = []
    table = organs.table(CONTENT / "specimen", diagnostics)
    assert not diagnostics, diagnostics
    assert {"un-ga", "un-cnd", "un-ccpcj", "un-ctoc-cop"} <= set(table)
    for organ in table.values():
        assert set(organ.names) == set(tables.CODES) and all(organ.names.values()), organ
    assert all("organs" not in (tables.language(c).__dict__) for c in tables.CODES)


def test_help_says_what_path_defaults_to():
    for command in ("check", "build"):
        result = run_docgen(command, "--help")
        assert result.returncode == 0 and "(default: content" in " ".join(result.stdout.split()), result.stdout
