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


def test_every_format_of_a_serial_build_goes_through_it(tmp_path):
    out, stats = _build(tmp_path, "all", str(SPECIMEN), "--lang", "fr", "--jobs", "1")
    [renderer] = stats["processes"]
    assert renderer["pid"] != stats["build_pid"] and renderer["outputs"] == 4  # html, pdf, docx, akn
    assert sorted(p.suffix for p in (out / "specimen").iterdir()) == [".docx", ".html", ".pdf", ".xml"]


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
    """Killed before its job: `run` says it is gone (None), and the build renders the job itself."""
    code = f"""
        import json, os, signal
        from pathlib import Path
        os.environ["DOCGEN_PREFORK"] = "1"
        from docgen import prefork
        prefork.start(["build", "content", "--format", "pdf"])
        early = prefork.take()
        os.kill(early.pid, signal.SIGKILL)
        from docgen.job import Job
        gone = early.run(Job(Path({str(ZH)!r}), "zh", "pdf"), None)
        print(json.dumps([gone is None, prefork.take() is None]))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True]
