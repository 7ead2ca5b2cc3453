"""What a build worker holds and how the parallel build hands it work (#14).

Memory and speed themselves are measured by `make bench`, not asserted here; these tests
check that the means used for them give the same answers as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import fonts

from .conftest import corpus, run_docgen


@pytest.mark.parametrize("file", ["LiberationSerif-Regular.ttf", "NotoSerifCJKsc-Regular.otf"])
def test_code_points_as_ranges_answer_as_the_font_does(file):
    from fontTools.ttLib import TTFont

    with TTFont(str(fonts.FONTS / file), lazy=True) as font:
        expected = set(font.getBestCmap())
    codes = fonts.cmap(file)
    assert [cp for cp in range(0x30000) if (cp in codes) != (cp in expected)] == []
    assert 0x10FFFF not in codes and -1 not in codes


def test_code_point_ranges_out_of_order_or_overlapping_are_merged():
    codes = fonts.CodePoints([[50, 60], [1, 3], [4, 4], [55, 70], [100, 100]])
    assert [cp for cp in range(110) if cp in codes] == [1, 2, 3, 4, *range(50, 71), 100]


def _jobs(spec: str):
    from docgen.job import Job

    return [Job(Path(folder), "en", fmt) for folder, fmt in (item.split(".") for item in spec.split())]


def test_a_worker_keeps_to_its_document_and_helps_at_the_end():
    from docgen.pool import _Queue

    queue = _Queue(_jobs("a.pdf a.docx a.akn b.pdf b.docx c.pdf"))
    first = queue.take(None, set())
    second = queue.take(None, {first.folder})  # another worker: the next document, not a's docx
    assert (first.folder.name, second.folder.name) == ("a", "b")
    assert queue.take(first, {second.folder}).fmt == "docx"  # a's next output to a's worker
    third = queue.take(second, {first.folder})
    assert (third.folder.name, third.fmt) == ("b", "docx")
    assert queue.take(third, {first.folder}).folder.name == "c"  # b is done: the next free document
    assert queue.take(None, {first.folder}).folder.name == "a"  # nothing free: help with a
    assert not queue


def test_a_document_with_errors_takes_its_waiting_outputs_with_it():
    from docgen.pool import _Queue

    queue = _Queue(_jobs("a.pdf a.docx a.akn b.pdf"))
    job = queue.take(None, set())
    assert [j.fmt for j in queue.drop(job.folder)] == ["docx", "akn"]
    assert queue.take(job, set()).folder.name == "b" and not queue


def test_parallel_build_reports_a_documents_warning_once(tmp_path):
    """Workers read and check the documents (the build does not): warnings still come once per document."""
    source = tmp_path / "corpus"
    corpus.generate(source, count=3, seed=4, notes=(2, 4))
    text = next((source / "synthetic-001").glob("??.yaml"))
    lines = text.read_text("utf-8").splitlines()
    note = next(i for i, line in enumerate(lines) if line.startswith("footnotes:")) + 1
    key = lines[note].split(":")[0]
    lines[note] = f"{key}: Ibid."  # the first footnote says ibid: a warning, not an error
    text.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_docgen("build", source, "--out", tmp_path / "out", "--format", "docx,akn,html", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning: footnote 1") == 1 and "synthetic-001" in result.stderr, result.stderr
    assert "9 file(s) written" in result.stdout


def test_the_forkserver_loads_what_every_worker_needs_before_forking():
    """What pool workers are forked from (`prewarm`, preloaded by the forkserver): the AKN schema
    parsed, the templates compiled, the Latin-script font configuration made, the collector frozen."""
    import subprocess
    import sys

    from docgen import pool

    code = ("import gc, " + ", ".join(pool.PRELOAD) + "\n"
            "from docgen.writers.akn import schema\n"
            "from docgen.writers.html import environment\n"
            "from docgen.writers.pdf.engine import font_configuration\n"
            "print(schema.cache_info().currsize, font_configuration.cache_info().currsize,\n"
            "      sorted(t for t in ('resolution.html.j2', 'resolution.css.j2')\n"
            "             if any(k[1] == t for k in environment().cache.keys())), gc.get_freeze_count() > 10000)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "['resolution.css.j2',", "'resolution.html.j2']", "True"]
