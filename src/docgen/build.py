"""The build: plan the outputs, skip those up to date, render the rest, write them atomically.

Planning hashes the inputs (`fingerprint.py`) without reading YAML; each document to build is
read and checked once here; the outputs are rendered by `job.run`, in this process
(`--jobs 1`) or in a pool of worker processes that are replaced after `worker_limit` jobs
(WeasyPrint's memory grows with every document). Only this process writes files.
One broken document does not stop the others: every failure is listed at the end and the exit
status is non-zero.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import fingerprint, readers, transforms
from .diagnostics import Diagnostic, errors
from .job import Job
from .job import collect_between_jobs
from .job import run as run_job
from .model import Document
from .outputs import output_path, remove_leftovers, write_atomic
from .progress import Progress
from .writers import extension


def read_one(folder: Path) -> tuple[Document | None, list[Diagnostic]]:
    """One document through the reader and the transforms; None when it has errors."""
    diagnostics: list[Diagnostic] = []
    doc = readers.read_document(folder, diagnostics)
    if doc is not None:
        transforms.apply_all(doc, diagnostics)
    return (None if doc is None or errors(diagnostics) else doc), diagnostics


def load(paths: list[Path]) -> tuple[list[Document], list[Diagnostic]]:
    """Read and transform every document under paths; documents with errors are left out."""
    diagnostics: list[Diagnostic] = []
    documents = []
    for folder in readers.find_documents(paths, diagnostics):
        doc, local = read_one(folder)
        if doc is not None:
            documents.append(doc)
        diagnostics.extend(local)
    return documents, diagnostics


def report(diagnostics: list[Diagnostic], notes: bool = True) -> None:
    for d in diagnostics:
        if notes or d.severity != "note":
            print(d, file=sys.stderr)


def check(paths: list[Path]) -> int:
    documents, diagnostics = load(paths)
    report(diagnostics)
    failed = errors(diagnostics)
    count = sum(len(d.versions) for d in documents)
    print(f"docgen check: {len(documents)} document(s), {count} language version(s) valid; "
          f"{len(failed)} error(s), {sum(d.severity == 'warning' for d in diagnostics)} warning(s)")
    return 1 if failed else 0


@dataclass
class Failure:
    document: str
    lang: str
    fmt: str
    message: str

    def __str__(self) -> str:
        where = "  ".join(x for x in (self.document, self.lang, self.fmt) if x)
        return f"{where}: {self.message}"


@dataclass
class Planned:
    job: Job
    target: Path
    fingerprint: str
    cost: int  # for the order of work: the longest jobs first keep every worker busy to the end


COST = {"pdf": 10, "html": 1, "docx": 2, "akn": 1}


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def plan(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None, pdfa: bool, force: bool,
         state: fingerprint.State, diagnostics: list[Diagnostic]) -> tuple[list[Planned], int]:
    """Every output to build, and how many are already up to date. Reads no YAML."""
    planned, current = [], 0
    settings_key = f"pdfa={pdfa}"
    for folder in readers.find_documents(paths, diagnostics):
        doc_hash = fingerprint.document(folder)
        files = readers.language_files(folder)
        size = sum(p.stat().st_size for p in files)
        for lang in (p.stem for p in files):
            if langs and lang not in langs:
                continue
            for fmt in formats:
                target = output_path(out, folder.name, lang, extension(fmt))
                fp = fingerprint.of(doc_hash, lang, fmt, settings_key)
                if not force and state.up_to_date(target, fp):
                    current += 1
                    continue
                planned.append(Planned(Job(folder, lang, fmt, pdfa, doc_hash), target, fp, COST[fmt] * size))
    return planned, current


def write_output(p: Planned, data: bytes, state: fingerprint.State) -> None:
    """Write one output atomically and record it as built (the build's and `docgen watch`'s)."""
    write_atomic(p.target, data)
    state.record(p.target, p.fingerprint, len(data))


def _validate(planned: list[Planned], failures: list[Failure], quiet: bool) -> tuple[list[Planned], dict]:
    """Read each document to build once, here: a broken one is reported once, not once per output.

    Returns the jobs of the good documents and the documents read (a serial build renders
    from them instead of reading each document a second time).
    """
    broken, documents = set(), {}
    for folder in sorted({p.job.folder for p in planned}):
        doc, local = read_one(folder)
        report([d for d in local if d.severity == "warning" and not quiet] + errors(local), notes=False)
        if doc is None:
            broken.add(folder)
            failures.append(Failure(folder.name, "", "", "\n".join(str(d) for d in errors(local))))
        else:
            documents[folder] = doc
    return [p for p in planned if p.job.folder not in broken], documents


def _results(planned: list[Planned], jobs: int, worker_limit: int, documents: dict):
    """Run the jobs, yielding (planned, result) as they finish: in this process, or in a pool."""
    if jobs <= 1 or len(planned) <= 1:
        with collect_between_jobs() as collect:
            for i, p in enumerate(planned):
                if i:
                    collect()  # not before the first: a one-output build never collects
                yield p, run_job(p.job, documents.get(p.job.folder))
        return
    documents.clear()  # workers read their own (a job is a pure function of its folder)
    from . import pool  # multiprocessing: only for builds that use workers

    by_job = {p.job: p for p in planned}
    for result in pool.results([p.job for p in planned], jobs, worker_limit):
        yield by_job[result.job], result


def build(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None = None,
          pdfa: bool = False, jobs: int | None = None, force: bool = False, quiet: bool = False,
          worker_limit: int = 100, stats: Path | None = None) -> int:
    """Build every output that is not up to date; report every failure at the end.

    `stats`: a JSON file to write the run's figures to (outputs, seconds per format, peak
    memory of each process that rendered), for `make bench`.
    """
    out = Path(out)
    started = time.monotonic()
    diagnostics: list[Diagnostic] = []
    state = fingerprint.load_state(out)
    planned, current = plan(paths, formats, out, langs, pdfa, force, state, diagnostics)
    report(diagnostics, notes=False)
    failures = [Failure(str(d.location), "", "", d.message) for d in errors(diagnostics)]
    planned, documents = _validate(planned, failures, quiet)
    planned.sort(key=lambda p: (-p.cost, str(p.target)))
    remove_leftovers(out)
    progress = Progress(len(planned), quiet)
    written = 0
    workers: dict[int, dict] = {}
    seconds: dict[str, float] = {}
    try:
        for p, result in _results(planned, jobs or default_jobs(), worker_limit, documents):
            worker = workers.setdefault(result.pid, {"outputs": 0, "peak_rss_mb": 0})
            worker["outputs"] += 1
            worker["peak_rss_mb"] = max(worker["peak_rss_mb"], round(result.max_rss_kb / 1024))
            seconds[p.job.fmt] = seconds.get(p.job.fmt, 0.0) + result.seconds
            if result.data is None:
                state.forget(p.target)
                failures.append(Failure(p.job.folder.name, p.job.lang, p.job.fmt, result.message))
                progress.failure(p.job.label, result.message)
                continue
            write_output(p, result.data, state)
            written += 1
            progress.written(p.target)
    finally:
        progress.close()
        if written or failures or state.journal.exists():
            state.save()
    elapsed = time.monotonic() - started
    if stats:
        figures = {"written": written, "up_to_date": current, "failures": len(failures), "seconds": round(elapsed, 3),
                   "jobs": jobs or default_jobs(), "render_seconds": {k: round(v, 3) for k, v in sorted(seconds.items())},
                   "processes": [workers[pid] for pid in sorted(workers)]}
        write_atomic(Path(stats), (json.dumps(figures, indent=1) + "\n").encode(), sync=False)
    print(f"docgen build: {written} file(s) written, {current} up to date, {len(failures)} failure(s) "
          f"in {elapsed:.1f} s", file=sys.stderr if quiet else sys.stdout)
    if failures:
        print(f"docgen build: {len(failures)} failure(s):", file=sys.stderr)
        for failure in failures:
            print("  " + str(failure).replace("\n", "\n    "), file=sys.stderr)
    return 1 if failures else 0
