"""What a build worker holds and how the parallel build hands it work (#14).

Memory and speed themselves are measured by `make bench`, not asserted here; these tests
check that the means used for them give the same answers as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.data import fonts

from tests.conftest import corpus, run_docgen


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
    from docgen.building.job import Job

    return [Job(Path(folder), "en", fmt) for folder, fmt in (item.split(".") for item in spec.split())]


def test_a_worker_keeps_to_its_document_and_helps_at_the_end():
    from docgen.building.pool import _Queue

    queue = _Queue(_jobs("a.pdf a.docx a.akn b.pdf b.docx c.pdf"))
    first = queue.take(None, set())
    second = queue.take(None, {first.document})  # another worker: the next document, not a's docx
    assert (first.folder.name, second.folder.name) == ("a", "b")
    assert queue.take(first, {second.document}).fmt == "docx"  # a's next output to a's worker
    third = queue.take(second, {first.document})
    assert (third.folder.name, third.fmt) == ("b", "docx")
    assert queue.take(third, {first.document}).folder.name == "c"  # b is done: the next free document
    assert queue.take(None, {first.document}).folder.name == "a"  # nothing free: help with a
    assert not queue


def test_a_document_with_errors_takes_its_waiting_outputs_with_it():
    from docgen.building.pool import _Queue

    queue = _Queue(_jobs("a.pdf a.docx a.akn b.pdf"))
    job = queue.take(None, set())
    assert [j.fmt for j in queue.drop(job.document)] == ["docx", "akn"]
    assert queue.take(job, set()).folder.name == "b" and not queue


def test_parallel_build_reports_a_documents_warning_once(tmp_path):
    """Read and checked by the build while its workers start, or by a worker: a warning comes once."""
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


def _with_warning(text: Path) -> None:
    """The first footnote says ibid: a warning, not an error."""
    lines = text.read_text("utf-8").splitlines()
    note = next(i for i, line in enumerate(lines) if line.startswith("footnotes:")) + 1
    lines[note] = lines[note].split(":")[0] + ": Ibid."
    text.write_text("\n".join(lines) + "\n", "utf-8")


def test_workers_render_the_documents_sent_and_check_the_others(tmp_path):
    """The build sends the documents it read while the workers started (they are not read again);
    a worker reads and checks the others: their warnings come back, a broken one takes its jobs."""
    from docgen.building import pool
    from docgen import pipeline
    from docgen.building.job import Job

    corpus.generate(tmp_path, count=3, seed=4, notes=(2, 4))
    sent, warned, broken = sorted(tmp_path.iterdir())
    lang = {folder: next(folder.glob("??.yaml")).stem for folder in (sent, warned, broken)}
    doc, diagnostics = pipeline.read(sent)
    assert doc is not None and not [d for d in diagnostics if d.severity != "note"]
    text = sent / f"{lang[sent]}.yaml"  # changed after the build read it: the worker must not read it again
    text.write_text(text.read_text("utf-8").replace("title: ", "title: CHANGED ", 1), "utf-8")
    _with_warning(warned / f"{lang[warned]}.yaml")
    text = broken / f"{lang[broken]}.yaml"
    text.write_text(text.read_text("utf-8").replace("operative:", "operative: [", 1), "utf-8")
    jobs = [Job(folder, lang[folder], fmt) for folder in (sent, warned, broken) for fmt in ("akn", "html")]

    results = {(r.job.folder, r.job.fmt): r for r in pool.results(jobs, 2, 100, documents={(sent, "adopted"): doc})}

    assert len(results) == 6
    for fmt in ("akn", "html"):
        assert results[sent, fmt].data and b"CHANGED" not in results[sent, fmt].data and not results[sent, fmt].diagnostics
        assert results[warned, fmt].data
        assert results[broken, fmt].invalid and "not valid YAML" in results[broken, fmt].message
    warnings = [d.message for r in (results[warned, "akn"], results[warned, "html"]) for d in r.diagnostics
                if d.severity == "warning"]
    assert warnings and all(m.startswith("footnote 1") for m in warnings)  # the worker that read it checked it


def test_the_build_reads_until_the_workers_are_ready(tmp_path):
    """A parallel build reads the documents in the order of work while its workers start, and
    leaves the rest to them."""
    from docgen.building import fingerprint
    from docgen.building import Failure, _validate, in_order, plan

    from tests.conftest import CONTENT

    diagnostics: list = []
    planned, _ = plan([CONTENT], ["akn"], tmp_path, None, False, True, fingerprint.load_state(tmp_path), diagnostics)
    planned = in_order(planned)
    folders = list(dict.fromkeys(p.job.document for p in planned))  # (folder, form)
    assert len(folders) >= 2
    asked = iter([False, True])
    failures: list[Failure] = []
    kept, documents = _validate(planned, failures, quiet=True, said=set(), until=lambda: next(asked))
    assert list(documents) == folders[:1] and kept == planned and not failures


def test_the_forkserver_loads_what_every_worker_needs_before_forking():
    """What pool workers are forked from (`prewarm`, preloaded by the forkserver): the AKN schema
    parsed, the templates compiled, the Latin-script font configuration made, the collector frozen."""
    import subprocess
    import sys

    from docgen.building import pool

    code = ("import gc, " + ", ".join(pool.PRELOAD) + "\n"
            "from docgen.writers.akn import schema\n"
            "from docgen.writers.html import environment\n"
            "from docgen.writers.pdf.weasyprint import font_configuration\n"
            "print(schema.cache_info().currsize, font_configuration.cache_info().currsize,\n"
            "      sorted(t for t in ('resolution.html.j2', 'resolution.css.j2')\n"
            "             if any(k[1] == t for k in environment().cache.keys())), gc.get_freeze_count() > 10000)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "['resolution.css.j2',", "'resolution.html.j2']", "True"]
