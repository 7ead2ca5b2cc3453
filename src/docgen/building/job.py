"""The unit of work: one output of one language version of one document.

`run(job)` is a pure function of the job's fields (document folder, language, format,
settings) and returns the output's bytes or the failure; it writes nothing. The build writes
the bytes (atomically, in one process), so a worker can be killed at any moment without
leaving a partial file, and the same function could be handed to a distributed executor.

A process that runs many jobs keeps what is costly to make once: the imported writers, the
fonts, the WeasyPrint font configuration, the templates, and the last documents it read.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.diagnostics import errors


@dataclass(frozen=True)
class Job:
    folder: Path
    lang: str
    fmt: str
    pdfa: bool = False
    doc_hash: str = ""  # the folder's inputs as the build saw them; part of the read cache's key
    form: str = "adopted"  # model.FORMS: the adopted text, or its draft (<name>.draft.<lang>.<ext>)

    @property
    def label(self) -> str:
        return f"{self.folder.name}{'' if self.form == 'adopted' else ' ' + self.form} {self.lang} {self.fmt}"

    @property
    def document(self) -> tuple[Path, str]:
        """Which document the job renders: a folder, in one form (a folder with a draft makes two)."""
        return (self.folder, self.form)


@dataclass(frozen=True)
class Result:
    job: Job
    data: bytes | None        # the output file's bytes, or None on failure
    message: str = ""         # why it failed
    seconds: float = 0.0
    pid: int = 0
    max_rss_kb: int = 0       # the process's peak memory so far
    cpu_seconds: float = 0.0  # the process's CPU time so far (user + system)
    diagnostics: tuple = ()   # warnings from reading and checking the document (a pool worker checks it)
    invalid: bool = False     # the document has errors: none of its outputs can be built
    private_kb: int = 0       # memory the process shares with no other (a render process forked by the build)
    out_of_date: bool = False  # the translation's structure differs from the original's: not rendered, kept stale


def writer_failure(fmt: str, exc: Exception) -> str:
    """What a failed output says when a writer raised something else than RenderError: a bug."""
    import traceback

    detail = "".join(traceback.format_exception(exc)) if os.environ.get("DOCGEN_DEBUG") else ""
    return (f"internal error in the {fmt} writer: {type(exc).__name__}: {exc} "
            f"(a bug in docgen; please report it{'' if detail else '; rerun with --debug for the traceback'})"
            + ("\n" + detail if detail else ""))


class _ReadFailed(Exception):
    pass


@lru_cache(maxsize=8)
def _document(folder: Path, doc_hash: str, check: bool = False, form: str = "adopted"):
    """Read and transform a document once per process (its formats follow each other).

    `check`: also run the preflight; a pool worker is the first to read the document and checks
    it for the build (`building._validate` does it in the build's own process otherwise).
    Returns (the document or None, the diagnostics).
    """
    from docgen import pipeline

    doc, diagnostics = pipeline.read(folder, checks=check, form=form)
    return doc, tuple(diagnostics)


def run(job: Job, doc=None, check: bool = False) -> Result:
    """Render one output. Content and render problems come back as a failed Result, not raised.

    `doc`: the job's document when the caller has read it already (a serial build has, to
    check it); otherwise it is read here (once per process, see `_document`), and checked too
    with `check`: a document with errors gives an `invalid` Result carrying them.
    """
    from docgen.writers import RenderError, Settings, writer

    start = time.perf_counter()
    diagnostics, invalid = (), False
    try:
        if doc is None:
            doc, diagnostics = _document(Path(job.folder), job.doc_hash, check, job.form)
            if doc is None:
                invalid = True
                raise _ReadFailed("\n".join(str(d) for d in errors(diagnostics)) or f"{job.folder}: could not be read")
        version = doc.versions.get(job.lang)
        if version is None:
            raise _ReadFailed(f"{job.folder}: no {job.lang}.yaml")
        if version.out_of_date:  # never rendered: its last good outputs stay (the build lists them as stale)
            return Result(job, None, f"{version.path.name} is out of date with the original: "
                                     + "; ".join(version.out_of_date), time.perf_counter() - start,
                          **process_figures(), out_of_date=True,
                          diagnostics=tuple(d for d in diagnostics if d.severity != "error") if check else ())
        data = writer(job.fmt)(doc, version, Settings(pdfa=job.pdfa))
        message = ""
    except (_ReadFailed, RenderError) as exc:
        data, message = None, str(exc)
    except Exception as exc:  # a bug in docgen: this output fails, listed with the others; the worker lives on
        data, message = None, writer_failure(job.fmt, exc)
    return Result(job, data, message, time.perf_counter() - start, **process_figures(),
                  diagnostics=tuple(d for d in diagnostics if d.severity != "error") if check else (), invalid=invalid)


def default_jobs() -> int:
    """Worker processes when --jobs is not given: the CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def process_figures() -> dict:
    """Who rendered, as a Result says it: this process's id, peak memory and CPU time so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"pid": os.getpid(), "max_rss_kb": usage.ru_maxrss, "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}


def warm_up() -> None:
    """What a pool worker does once before its first job: leave Ctrl-C to the build, then load."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle, not each worker's
    load()


def load() -> None:
    """Import the writers and load what any document needs, once per process: the Latin-script
    font configuration, the compiled page templates, the AKN schema (~0.15 s to parse). Takes no
    signal (a Dask worker's are its own)."""
    from docgen.writers import FORMATS, pdf, writer
    from docgen.writers.akn import schema
    from docgen.writers.html import environment

    for fmt in FORMATS:
        writer(fmt)
    pdf.load()  # WeasyPrint and the Latin-script font configuration (nothing if WeasyPrint is unsupported)
    for name in ("resolution.html.j2", "report.html.j2", "resolution.css.j2"):
        environment().get_template(name)
    schema()


@contextmanager
def collect_between_jobs(freeze: bool = False):
    """Garbage collection for a process that runs jobs: between jobs, never inside one.

    Left automatic, Python's collector runs dozens of times inside each render (WeasyPrint
    allocates millions of objects) and walks every live object, the imported modules and the
    fonts included: 20-40 ms of a warm Chinese PDF. Here it is off while jobs run; the function
    yielded is called between jobs: one collection frees the last job's cycles. What is alive
    after the first collection (modules, fonts, templates: what a warm process keeps) is then
    frozen (`gc.freeze`), out of every later collection's walk, so a collection costs what the
    last job left, not the size of the process, and a forked worker's pages stay shared.
    `freeze=True` freezes at once (a worker that has just warmed up). The previous setting is
    restored on leaving.
    """
    enabled = gc.isenabled()
    gc.disable()
    frozen = freeze
    if freeze:
        gc.collect()
        gc.freeze()

    def collect() -> None:
        nonlocal frozen
        gc.collect()
        if not frozen:
            gc.freeze()
            frozen = True

    try:
        yield collect
    finally:
        if enabled:
            gc.enable()
