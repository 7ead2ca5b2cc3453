"""The frame-stack chunks CPython 3.11 maps and unmaps at a chunk boundary are kept for reuse
(docgen/_framestack.c): counted in page faults, which a fresh chunk takes and a kept one does not.

Calls that cross a boundary again and again (WeasyPrint's layout does) each map a new 16 KiB
chunk, zeroed by the kernel as it is touched, then unmap it. A child process calls a small
function from every depth up to 300 frames, many times at each; every chunk a call crosses
into is then fresh or kept. No time is measured: the kernel's count of minor page faults."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path
from shutil import which

import pytest

_CHILD = """
import resource, sys
sys.setrecursionlimit(10_000)
if sys.argv[1] == "keep":
    from docgen.framestack import keep_chunks
    assert keep_chunks(), "docgen._framestack is not built"

def leaf(a, b, c, d, e, f, g, h):
    return a

def down(depth, calls):
    if depth:
        return down(depth - 1, calls)
    for _ in range(calls):
        leaf(1, 2, 3, 4, 5, 6, 7, 8)

down(300, 1)  # the chunks reach this depth once before counting
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for depth in range(300):
    down(depth, 500)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def _buildable() -> bool:
    """Where `make setup` builds the module: a C compiler and this Python's headers."""
    return which("gcc") is not None and (Path(sysconfig.get_paths()["include"]) / "Python.h").exists()


@pytest.mark.skipif(sys.version_info >= (3, 12) or not _buildable(),
                    reason="the module is built for CPython 3.11 where a C compiler and Python.h are")
def test_kept_chunks_take_no_page_faults_at_a_boundary():
    fresh, kept = _faults("stock"), _faults("keep")
    assert fresh > 1000, f"the calls crossed no chunk boundary ({fresh} faults): the test no longer tests it"
    assert kept < fresh / 10, (fresh, kept)
