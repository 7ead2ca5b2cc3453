"""Shared fixtures: the repository's content, built once per test session into a temp folder."""

from __future__ import annotations

import atexit
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: a fixed, derandomized run in `make test` (the same examples every time);
# DOCGEN_HYPOTHESIS=long for a longer random run while developing (see tests/pipeline/test_property.py).
settings.register_profile("default", max_examples=25, derandomize=True, database=None, deadline=None)
settings.register_profile("long", max_examples=400, derandomize=False, deadline=None)
settings.load_profile(os.environ.get("DOCGEN_HYPOTHESIS", "default"))

# What docgen keeps between processes (compiled templates: paths.cache_folder) goes to a folder of
# this run's, removed at its end: a test never meets the developer's cache, nor leaves one.
os.environ["DOCGEN_CACHE"] = tempfile.mkdtemp(prefix="docgen-test-cache-")
atexit.register(shutil.rmtree, os.environ["DOCGEN_CACHE"], True)

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
# Outside reference texts, beside the checkout in CI; a user's clone has none: tests that compare
# with them skip, saying why. Everything else the tests read is in the repository (tests/fixtures/).
SHARED = Path(os.environ.get("DOCGEN_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_f82c1c91461c6f3d.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPROS = FIXTURES / "repros"  # WeasyPrint bug repros, copied from the reference material's repros/
ZH = CONTENT / "ctoc-cop-5-2"
SPECIMEN = CONTENT / "specimen"  # one document in every language (Arabic: the Arabic issue)
EN = SPECIMEN


def _script(name: str):
    """A module of scripts/ (not a package): the synthetic corpus generator, shared with `make bench`."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _script("corpus")


# `make test-fast` runs what is not marked slow: the stages in-process, and the checks of the outputs
# the session builds once (`built`). Besides the modules marked by hand, a test is slow when its own
# code runs the docgen command or another program that takes seconds (LibreOffice, Chromium), runs
# Hypothesis, or when it uses a fixture that builds a corpus or starts a cluster.
_SLOW_CODE = re.compile(r"run_docgen\(|\bdocgen\(|subprocess\.|soffice|libreoffice|LibreOffice|chromium|Popen|@given")
_SLOW_FIXTURES = {"cluster", "small_corpus", "stress_build", "libreoffice_pdf", "loaded_machine", "corpus", "preview"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function else ""
        except (OSError, TypeError):
            source = ""
        if _SLOW_CODE.search(source) or _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def run_docgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, in a subprocess: what a user sees."""
    return subprocess.run([sys.executable, "-m", "docgen.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """All formats of the repository's content, built once with the real command."""
    out = tmp_path_factory.mktemp("output")
    result = run_docgen("build", CONTENT, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def pdf_text(path: Path) -> str:
    """A PDF's text layer as pdftotext (poppler) reads it."""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the content folder, for tests that break things."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def specimen_facts_without_draft() -> str:
    """The specimen's document.yaml without its `draft:` block: for tests that pair its facts with a
    text of their own (which lists no sponsors, so its draft form could not be built)."""
    import re

    text = (SPECIMEN / "document.yaml").read_text("utf-8")
    return re.sub(r"(?ms)^draft:\n(?:[ #].*?\n)*", "", text)


def ctrl_c_as_at_a_terminal() -> None:
    """preexec_fn for a child a test will interrupt with SIGINT: the default handling, as at a
    terminal. A suite started in the background (`make test &`) inherits SIGINT ignored, and a
    program started with SIGINT ignored keeps ignoring it (the shell's convention, which Python
    follows): the build would then run to its end and the test see it finish (seen in a clean
    clone's `make test` run from a background job)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
