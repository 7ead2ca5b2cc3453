"""Building many documents (#6): parallel = serial, incremental, failures isolated, kill-safe.

Every test runs the real command on a synthetic corpus (scripts/corpus.py) and looks at the
files it left: bytes, modification times, what parses.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.building.progress import Progress

from tests.conftest import CONTENT, ROOT, corpus, ctrl_c_as_at_a_terminal, run_docgen

pytestmark = pytest.mark.slow  # real processes, many documents: `make test` runs it, `make test-fast` does not


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, count=6, seed=3, notes=(2, 10))
    return root


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def stamps(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.*") if p.name != ".docgen-state.json"}


def complete(path: Path) -> bool:
    """The file is whole: it opens as what its name says."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        import pikepdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages) > 0 and data.rstrip().endswith(b"%%EOF")
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.testzip() is None and "word/document.xml" in z.namelist()
    if path.suffix in (".xml", ".html"):
        (etree.fromstring(data) if path.suffix == ".xml" else etree.HTML(data))
        return len(data) > 100
    return path.name == ".docgen-state.json"


def test_corpus_is_deterministic(tmp_path):
    corpus.generate(tmp_path / "a", count=3, seed=5)
    corpus.generate(tmp_path / "b", count=3, seed=5)
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")
    assert outputs(tmp_path / "a") != outputs(corpus.generate(tmp_path / "c", count=3, seed=6)[0].parent)


def test_parallel_and_serial_builds_are_byte_identical(small_corpus, tmp_path):
    serial = run_docgen("build", small_corpus, CONTENT, "--out", tmp_path / "serial", "--jobs", "1")
    parallel = run_docgen("build", small_corpus, CONTENT, "--out", tmp_path / "parallel", "--jobs", "2",
                          "--worker-limit", "5")  # workers replaced several times on the way
    assert serial.returncode == 0 and parallel.returncode == 0, serial.stderr + parallel.stderr
    a, b = outputs(tmp_path / "serial"), outputs(tmp_path / "parallel")
    documents = [name for name in a if not name.startswith("fonts/")]  # fonts/: what the HTML outputs name
    # 6 corpus documents + 30 outputs per format from content/ (24 versions, the specimen's 6 drafts)
    assert len(documents) == (6 + 30) * 4 + 1 and a.keys() == b.keys()
    assert "fonts/NotoSerifCJKsc-Regular.otf" in a and "fonts/LiberationSerif-Regular.ttf" in a
    assert [name for name in a if a[name] != b[name]] == []


def test_unchanged_corpus_rebuilds_nothing(small_corpus, tmp_path):
    out = tmp_path / "out"
    first = run_docgen("build", small_corpus, "--out", out, "--format", "akn,docx,html")
    assert first.returncode == 0, first.stderr
    before = stamps(out)
    again = run_docgen("build", small_corpus, "--out", out, "--format", "akn,docx,html")
    assert again.returncode == 0 and "0 file(s) written, 18 up to date" in again.stdout, again.stdout
    assert stamps(out) == before
    forced = run_docgen("build", small_corpus, "--out", out, "--format", "akn", "--force")
    assert "6 file(s) written" in forced.stdout


def test_changes_rebuild_exactly_what_depends_on_them(small_corpus, tmp_path):
    """A template change rebuilds every PDF and HTML (they use it) and nothing else; a change of the page sizes
    (layout.yaml) the Word drafts too; a content change one document."""
    source, templates, out = tmp_path / "corpus", tmp_path / "templates", tmp_path / "out"
    shutil.copytree(small_corpus, source)
    shutil.copytree(ROOT / "templates", templates)
    env = {**os.environ, "DOCGEN_TEMPLATES": str(templates)}

    def build(*extra):
        result = subprocess.run([sys.executable, "-m", "docgen.cli", "build", str(source), "--out", str(out),
                                 "--format", "html,akn,docx", *extra], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result

    build()
    before = stamps(out)
    css = templates / "resolution.css.j2"
    css.write_text(css.read_text("utf-8") + "\n/* a change */\n", "utf-8")
    build()
    after = stamps(out)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {name for name in before if name.endswith(".html")}

    layout = templates / "layout.yaml"  # the page sizes: read by the HTML and the Word writer alike
    layout.write_text(layout.read_text("utf-8") + "\n# a change\n", "utf-8")
    build()
    relaid = stamps(out)
    changed = {name for name in after if after[name] != relaid[name]}
    assert changed == {name for name in before if name.endswith((".html", ".docx"))}
    after = relaid

    text = next(source.glob("synthetic-001/*.yaml"))
    text.write_text(text.read_text("utf-8").replace("title:", "title: X", 1), "utf-8")
    build()
    changed = {name for name in after if after[name] != stamps(out)[name]}
    assert changed and all(name.startswith("synthetic-001/") for name in changed) and len(changed) == 3


def test_a_broken_document_fails_alone(small_corpus, tmp_path):
    source, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(small_corpus, source)
    broken = next((source / "synthetic-002").glob("??.yaml"))
    broken.write_text(broken.read_text("utf-8").replace("operative:", "operative: [", 1), "utf-8")
    glyphless = next((source / "synthetic-004").glob("??.yaml"))  # found by the preflight: no format is built
    glyphless.write_text(glyphless.read_text("utf-8").replace("title: ", "title: \U0001F600", 1), "utf-8")
    result = run_docgen("build", source, "--out", out, "--format", "pdf,akn", "--jobs", "2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    summary = result.stderr[result.stderr.index("failure(s):"):]
    assert "synthetic-002: " in summary and "not valid YAML" in summary
    assert "synthetic-004: " in summary and "U+1F600" in summary and "zh.yaml:" in summary
    assert len([line for line in summary.splitlines() if line.startswith("  synthetic")]) == 2
    written = {p.name for p in out.rglob("*.*") if p.suffix in (".pdf", ".xml")}
    assert len(written) == 6 * 2 - 2 - 2
    assert not any(name.startswith(("synthetic-002", "synthetic-004")) for name in written)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killing_a_build_leaves_no_partial_files(tmp_path, how):
    source, out = tmp_path / "corpus", tmp_path / "out"
    corpus.generate(source, count=12, seed=9, notes=(5, 20))
    process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", str(source), "--out", str(out),
                                "--format", "pdf", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT, preexec_fn=ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.pdf"))) < 2:
        time.sleep(0.05)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0, "the build finished before it was killed"
    assert "Traceback" not in stderr
    finished = list(out.rglob("*.pdf"))
    assert 2 <= len(finished) < 12
    assert all(complete(p) for p in finished)
    leftovers = list(out.rglob("*.part"))
    if how != signal.SIGKILL:
        assert leftovers == []  # a kill it can see, it cleans up after
    resumed = run_docgen("build", source, "--out", out, "--format", "pdf")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(finished)} up to date" in resumed.stdout  # what was written before the kill is kept
    assert not list(out.rglob("*.part")) and len(list(out.rglob("*.pdf"))) == 12


def test_progress_on_a_terminal_and_in_a_log():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    progress = Progress(3, stream=screen)
    progress.written("a.pdf")
    progress.failure("doc zh pdf", "footnote 3 lost\ndetail")
    progress.written("b.pdf")
    progress.close()
    text = screen.getvalue()
    assert "\r" in text and "3/3 outputs, 1 failed" in text and "failed: doc zh pdf (why: in the summary" in text
    assert "footnote 3 lost" not in text  # the reason is printed once, in the build's summary

    log = io.StringIO()
    quiet = Progress(2, quiet=True, stream=log)
    quiet.written("a.pdf")
    quiet.failure("doc zh pdf", "lost")
    assert log.getvalue() == "failed: doc zh pdf (why: in the summary at the end)\n"
