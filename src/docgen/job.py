"""The unit of work: one output of one language version of one document.

`run(job)` is a pure function of the job's fields (document folder, language, format,
settings) and returns the output's bytes or the failure; it writes nothing. The build writes
the bytes (atomically, in one process), so a worker can be killed at any moment without
leaving a partial file, and the same function could be handed to a distributed executor.

A process that runs many jobs keeps what is costly to make once: the imported writers, the
fonts, the WeasyPrint font configuration, the templates, and the last documents it read.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import errors


@dataclass(frozen=True)
class Job:
    folder: Path
    lang: str
    fmt: str
    pdfa: bool = False
    doc_hash: str = ""  # the folder's inputs as the build saw them; part of the read cache's key

    @property
    def label(self) -> str:
        return f"{self.folder.name} {self.lang} {self.fmt}"


@dataclass(frozen=True)
class Result:
    job: Job
    data: bytes | None        # the output file's bytes, or None on failure
    message: str = ""         # why it failed
    seconds: float = 0.0
    pid: int = 0
    max_rss_kb: int = 0       # the process's peak memory so far


class _ReadFailed(Exception):
    pass


@lru_cache(maxsize=8)
def _document(folder: Path, doc_hash: str):
    """Read and transform a document once per process (its formats often follow each other)."""
    from .build import read_one

    doc, diagnostics = read_one(folder, preflight_checks=False)  # the build ran it
    if doc is None:
        raise _ReadFailed("\n".join(str(d) for d in errors(diagnostics)) or f"{folder}: could not be read")
    return doc


def run(job: Job) -> Result:
    """Render one output. Content and render problems come back as a failed Result, not raised."""
    from .writers import RenderError, Settings, writer

    start = time.perf_counter()
    try:
        doc = _document(Path(job.folder), job.doc_hash)
        version = doc.versions.get(job.lang)
        if version is None:
            raise _ReadFailed(f"{job.folder}: no {job.lang}.yaml")
        data = writer(job.fmt)(doc, version, Settings(pdfa=job.pdfa))
        message = ""
    except (_ReadFailed, RenderError) as exc:
        data, message = None, str(exc)
    except Exception as exc:  # a bug in docgen: this output fails, listed with the others; the worker lives on
        import traceback

        detail = "".join(traceback.format_exception(exc)) if os.environ.get("DOCGEN_DEBUG") else ""
        data, message = None, (f"internal error in the {job.fmt} writer: {type(exc).__name__}: {exc} "
                               f"(a bug in docgen; please report it{'' if detail else '; rerun with --debug for the traceback'})"
                               + ("\n" + detail if detail else ""))
    return Result(job, data, message, time.perf_counter() - start, os.getpid(),
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def warm_up() -> None:
    """What a worker does once before its first job: import the writers, load the fonts."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle, not each worker's
    from .writers import writer
    from .writers.pdf.engine import font_configuration

    for fmt in ("pdf", "docx", "akn"):
        writer(fmt)
    font_configuration()
