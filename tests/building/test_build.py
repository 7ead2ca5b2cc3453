"""The build as a user runs it: outputs where the README says, reproducible, all or nothing."""

from __future__ import annotations

import shutil

import subprocess

from docgen.files import write_atomic

from tests.conftest import CONTENT, ROOT, run_docgen


def test_check_passes_on_the_content():
    result = run_docgen("check", CONTENT)
    assert result.returncode == 0, result.stderr
    folders = [p.parent for p in CONTENT.glob("*/document.yaml")]  # reports and the texts they print, too
    versions = sum(1 for f in folders for y in f.glob("??.yaml"))
    assert (len(folders), versions) == (8, 24)
    assert f"{len(folders)} document(s), {versions} language version(s) valid; 0 error(s)" in result.stdout


def test_build_writes_every_format_where_documented(built):
    for doc, lang in (("ctoc-cop-5-2", "zh"), ("specimen", "en")):
        for ext in ("pdf", "docx", "xml", "html"):
            path = built / doc / f"{doc}.{lang}.{ext}"
            assert path.stat().st_size > 1000, path
    assert not list(built.rglob("*.part"))


def test_pdf_is_a_real_pdf_with_the_chinese_text(built):
    pdf = built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "缔约方会议" in text and "第5/2号决议" in "".join(text.split())


def test_same_sources_give_the_same_bytes(built, tmp_path):
    result = run_docgen("build", CONTENT, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    for first in built.rglob("*.*"):
        second = tmp_path / first.relative_to(built)
        assert first.read_bytes() == second.read_bytes(), first.name


def test_no_machine_paths_in_outputs(built):
    for path in built.rglob("*.*"):
        if path.suffix in (".pdf", ".docx", ".xml", ".html"):
            data = path.read_bytes()
            assert b"/work/" not in data and b"file://" not in data, path
            assert str(ROOT).encode() not in data and str(built).encode() not in data, path


def test_html_output_works_when_copied_elsewhere(built, tmp_path):
    """HTML finds its fonts by relative URL in <out>/fonts/, which the build fills: a copy of the
    output folder renders with docgen's fonts and no fallback (WeasyPrint stands in for a browser)."""
    import io

    from docgen.writers.pdf.checks import embedded_fonts
    from docgen.writers.pdf.weasyprint import HTML
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    copy = tmp_path / "published"
    shutil.copytree(built, copy)
    html = copy / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.html"
    assert 'url("../fonts/NotoSerifCJKsc-Regular.otf")' in html.read_text("utf-8")
    out = io.BytesIO()
    # a configuration of its own: the copied folder's faces registered in the shared one would
    # stay there and change the lines of every later render in this process
    document = HTML(filename=str(html)).render(font_config=OwnFontsConfiguration())
    document.write_pdf(out)
    names = embedded_fonts(document)  # raises on a font docgen did not declare
    assert any("Song-SC" in n for n in names) and any("Times" in n for n in names), names


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "a" / "doc.pdf"
    write_atomic(target, b"good")

    try:
        write_atomic(target, None)  # type: ignore[arg-type]  # fails inside the write
    except TypeError:
        pass
    assert target.read_bytes() == b"good"
    assert [p.name for p in target.parent.iterdir()] == ["doc.pdf"]


def test_a_build_whose_output_reader_goes_away_still_builds_everything(tmp_path):
    """`docgen build | head -1`: the list of files stops, the build does not (no internal error)."""
    import sys

    process = subprocess.Popen([sys.executable, "-c", "from docgen.cli import run; run()", "build", str(CONTENT),
                                "--format", "akn", "--out", str(tmp_path), "--jobs", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader has gone before the first line
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait() == 0, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    # content/: 24 language versions, and the specimen's six again as its draft
    assert len(list(tmp_path.glob("*/*.xml"))) == 30


def test_unknown_format_is_a_usage_error():
    result = run_docgen("build", "--format", "pdf,odt")
    assert result.returncode == 2 and "unknown format 'odt'" in result.stderr


def test_a_template_edit_changes_the_fingerprint_once_forgotten(tmp_path, monkeypatch):
    """`docgen watch` forgets the cached template hashes after an edit under templates/: both of
    them (the file hash was cached too, so the edit went unseen and nothing was rebuilt)."""
    from docgen.building import fingerprint

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    monkeypatch.setattr(fingerprint, "TEMPLATES", templates)
    fingerprint.forget_templates()
    before = fingerprint.templates()
    css = templates / "resolution.css.j2"
    css.write_text(css.read_text("utf-8") + "\n/* edited */\n", "utf-8")
    assert fingerprint.templates() == before  # cached until told
    fingerprint.forget_templates()
    assert fingerprint.templates() != before
    monkeypatch.undo()
    fingerprint.forget_templates()


def test_deleted_fonts_folder_is_put_back_by_the_next_build(tmp_path):
    """The HTML outputs name their faces in <out>/fonts/: deleting that folder makes them out of date."""
    out = tmp_path / "out"
    assert run_docgen("build", CONTENT / "specimen", "--format", "html,akn", "--lang", "en", "--out", out).returncode == 0
    shutil.rmtree(out / "fonts")
    again = run_docgen("build", CONTENT / "specimen", "--format", "html,akn", "--lang", "en", "--out", out)
    assert again.returncode == 0 and "2 file(s) written, 2 up to date" in again.stdout  # adopted and draft, again.stdout
    assert (out / "fonts" / "LiberationSerif-Regular.ttf").is_file()


def test_fingerprint_covers_all_of_docgen_not_only_the_build_package():
    """Outputs are rebuilt when docgen's code or tables change: the fingerprint hashes the whole
    package (it hashed only building/ after the module moved there, so a new language table or
    organ name left outputs "up to date")."""
    from docgen.building import fingerprint

    names = {p.relative_to(fingerprint.PACKAGE).as_posix() for p in fingerprint.own_paths()}
    for expected in ("data/organs.yaml", "data/languages/zh.yaml", "writers/pdf/__init__.py",
                     "transforms/masthead.py", "building/fingerprint.py"):
        assert expected in names
