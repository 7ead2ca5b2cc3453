"""The render process a one-shot serial `docgen build` forks as it starts (prefork.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from docgen import prefork

from .conftest import ROOT, SPECIMEN, ZH

DOCGEN = [sys.executable, "-c", "from docgen.cli import run; run()"]


def _build(tmp_path, name: str, *args: str, prefork_on: bool = True):
    out = tmp_path / name
    env = {**os.environ, "DOCGEN_PREFORK": "1" if prefork_on else "0"}
    result = subprocess.run(DOCGEN + ["build", *args, "--out", str(out), "--stats", str(out / "stats.json")],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "stats.json").read_text())


def test_a_serial_pdf_build_renders_in_the_forked_process_and_writes_the_same_file(tmp_path):
    out, stats = _build(tmp_path, "forked", str(ZH), "--lang", "zh", "--format", "pdf", "--jobs", "1")
    plain, plain_stats = _build(tmp_path, "plain", str(ZH), "--lang", "zh", "--format", "pdf", "--jobs", "1",
                                prefork_on=False)
    [renderer] = stats["processes"]
    assert renderer["pid"] != stats["build_pid"] and renderer["outputs"] == 1
    assert plain_stats["processes"][0]["pid"] == plain_stats["build_pid"]
    pdf = "ctoc-cop-5-2/ctoc-cop-5-2.zh.pdf"
    assert (out / pdf).read_bytes() == (plain / pdf).read_bytes()


def test_a_serial_build_of_every_format_typesets_only_the_pdf_there(tmp_path):
    out, stats = _build(tmp_path, "all", str(SPECIMEN), "--lang", "fr", "--jobs", "1")
    by_pid = {p["pid"]: p["outputs"] for p in stats["processes"]}
    assert by_pid.pop(stats["build_pid"]) == 3 and list(by_pid.values()) == [1]  # html, docx, akn here
    assert sorted(p.suffix for p in (out / "specimen").iterdir()) == [".docx", ".html", ".pdf", ".xml"]


def test_the_archive_pdf_is_typeset_there_with_its_attachments(tmp_path):
    out, stats = _build(tmp_path, "archive", str(ZH), "--lang", "zh", "--format", "pdf", "--pdfa", "--jobs", "1")
    plain, _ = _build(tmp_path, "archive-plain", str(ZH), "--lang", "zh", "--format", "pdf", "--pdfa", "--jobs", "1",
                      prefork_on=False)
    assert stats["processes"][0]["pid"] != stats["build_pid"]
    pdf = "ctoc-cop-5-2/ctoc-cop-5-2.zh.pdf"
    import pikepdf

    with pikepdf.open(out / pdf) as archive:
        assert sorted(archive.attachments) == ["ctoc-cop-5-2.document.yaml", "ctoc-cop-5-2.zh.xml",
                                               "ctoc-cop-5-2.zh.yaml"]
    assert (out / pdf).read_bytes() == (plain / pdf).read_bytes()


@pytest.mark.parametrize("argv, wanted", [
    (["build", "content"], True),
    (["--debug", "build", "content", "--format", "pdf,docx"], True),
    (["build", "content", "--format=docx"], False),
    (["build", "content", "--format", "akn", "--format", "html"], False),
    (["build", "content", "--cluster", "tcp://h:8786"], False),
    (["check", "content"], False),
    (["watch", "content"], False),
])
def test_only_a_build_that_may_render_a_pdf_forks(argv, wanted, monkeypatch):
    monkeypatch.delenv("DOCGEN_PREFORK", raising=False)
    assert prefork.wanted(argv) is wanted
    monkeypatch.setenv("DOCGEN_PREFORK", "0")
    assert prefork.wanted(argv) is False


def test_a_render_process_that_dies_fails_nothing():
    """Killed before its page: the page is typeset in the build's process, the same PDF."""
    code = f"""
        import hashlib, json, os, signal
        from pathlib import Path
        os.environ["DOCGEN_PREFORK"] = "1"
        from docgen import prefork
        prefork.start(["build", "content", "--format", "pdf"])
        early = prefork.take()
        os.kill(early.pid, signal.SIGKILL)
        import docgen.build
        from docgen.writers import Settings
        from docgen.writers.pdfpage import prepare
        docs, _ = docgen.build.load([Path({str(ZH)!r})])
        page = prepare(docs[0], docs[0].versions["zh"], Settings())
        data = early.typeset(page)
        from docgen.writers.pdf import typeset
        print(json.dumps([prefork.take() is None, early.usage is None, data == typeset(page), data[:5].decode()]))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True, True, "%PDF-"]


def test_a_render_error_there_is_the_outputs_failure(tmp_path):
    """What typesetting raises in the render process fails that output with its message."""
    code = f"""
        import json, os
        os.environ["DOCGEN_PREFORK"] = "1"
        from docgen import prefork
        prefork.start(["build", "content", "--format", "pdf"])
        from docgen.writers import RenderError
        from docgen.writers.pdfpage import Page
        try:
            prefork.take().typeset(Page("<html><body><p>Words.</p></body></html>", (), "x", ()))
        except RenderError as exc:
            print(json.dumps([str(exc), prefork.take() is not None]))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    message, alive = json.loads(result.stdout.strip().splitlines()[-1])
    assert "declares no font" in message and alive
