"""The build: plan the outputs, skip those up to date, render the rest, write them atomically.

Planning hashes the inputs (`fingerprint.py`) without reading YAML; each document to build is
read and checked once: here (a parallel build: the first ones, while its workers start), or in
a pool by the worker that renders it (which keeps to one document's outputs, so each is read
once there too); the outputs are rendered by `job.run`, in this process
(`--jobs 1`), in a pool of worker processes that are replaced after `worker_limit` jobs
(a bound on WeasyPrint's memory, should it grow), or on a Dask cluster (`cluster.py`, imported
only for `--cluster`). Only this process writes files.
One broken document does not stop the others: every failure is listed at the end and the exit
status is non-zero.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from docgen import pipeline, readers
from docgen.building import fingerprint
from docgen.building.job import Job, collect_between_jobs, default_jobs
from docgen.building.job import run as run_job
from docgen.building.outputs import (Escapes, OutputError, check_inside, inside, install_fonts, lock, output_path,
                                     plain_name, prepare, problem, remove_leftovers)
from docgen.building.progress import Progress, say
from docgen.data.tables import CODES
from docgen.diagnostics import Diagnostic, Location, errors
from docgen.files import write_atomic
from docgen.writers import FORMATS


def _shown(path: Path) -> str:
    return str(Location(path))


def report(diagnostics: list[Diagnostic], notes: bool = True, said: set | None = None) -> None:
    """Print each diagnostic once (a problem in a shared file, such as organs.yaml, reaches every
    document; a folder's adopted and draft forms read the same files). `said`: what was printed
    before, in this build; what is printed now is added to it."""
    said = set() if said is None else said
    for d in dict.fromkeys(diagnostics):
        if (notes or d.severity != "note") and d not in said:
            said.add(d)
            print(d, file=sys.stderr)


def check(paths: list[Path]) -> int:
    """`docgen check`: every document through the pipeline, every problem reported; nothing rendered."""
    documents, diagnostics = pipeline.read_all(paths)
    diagnostics = list(dict.fromkeys(diagnostics))
    report(diagnostics)
    failed = errors(diagnostics)
    count = sum(len(d.versions) for d in documents)
    late = sum(bool(v.out_of_date) for d in documents for v in d.versions.values())
    say(f"docgen check: {len(documents)} document(s), {count} language version(s) valid"
        + (f" ({late} out of date with the original: not built)" if late else "") + "; "
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


def plan(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None, pdfa: bool, force: bool,
         state: fingerprint.State, diagnostics: list[Diagnostic]) -> tuple[list[Planned], int]:
    """Every output to build, and how many are already up to date. Reads no YAML."""
    planned, current = [], 0
    settings_key = f"pdfa={pdfa}"
    asked = dict.fromkeys(langs or [], 0)  # requested language -> documents that have it
    only = _language_files(paths)
    for folder in pipeline.find(paths, diagnostics):
        if not plain_name(folder.name):  # its outputs would be named after nothing, or outside --out
            diagnostics.append(Diagnostic(Location(folder), "a document folder needs a name of its own: its outputs "
                                                            "are named after it"))
            continue
        doc_hash = fingerprint.document(folder)
        files = readers.language_files(folder)
        for p in files:
            if p.stem in asked:
                asked[p.stem] += 1
        if not files:  # nothing to plan, but the author expected something: say why
            diagnostics.extend(readers.misnamed_files(folder))
            diagnostics.append(Diagnostic(Location(folder), "no language version to build: expected at least one of "
                                                           f"{', '.join(c + '.yaml' for c in CODES)}"))
        size = sum(p.stat().st_size for p in files)
        for lang in (p.stem for p in files):
            if langs and lang not in langs:
                continue
            if only.get(folder.resolve()) is not None and lang not in only[folder.resolve()]:
                continue  # a language file was named: that version is built, not its siblings
            for form, fmt in ((form, fmt) for form in readers.forms(folder) for fmt in formats):
                target = output_path(out, folder.name, lang, FORMATS[fmt].extension, form)
                fp = fingerprint.of(doc_hash, lang, fmt, settings_key + ("" if form == "adopted" else f" form={form}"))
                fonts_gone = fmt == "html" and not (out / "fonts").is_dir()  # an HTML output needs <out>/fonts/
                if not force and not fonts_gone and state.up_to_date(target, fp):
                    current += 1
                    continue
                planned.append(Planned(Job(folder, lang, fmt, pdfa, doc_hash, form), target, fp,
                                       FORMATS[fmt].cost * size))
    missing = [code for code, count in asked.items() if not count]
    if missing and not errors(diagnostics):  # the request itself asks for what is not there
        nothing = len(missing) == len(asked)
        diagnostics.append(Diagnostic(
            Location(Path("--lang")),
            f"no document here has a version in {', '.join(missing)} (no {', '.join(c + '.yaml' for c in missing)})"
            + ("; nothing to build" if nothing else ""),
            severity="error" if nothing else "warning"))
    return planned, current


def _language_files(paths: list[Path]) -> dict[Path, set[str] | None]:
    """Document folder -> the languages whose <lang>.yaml was named as a PATH (`build …/ru.yaml`
    builds the Russian version); None when the folder, or another of its files, was named: all."""
    only: dict[Path, set[str] | None] = {}
    for path in map(Path, paths):
        folder = (path.parent if path.is_file() else path).resolve()
        if path.is_file() and path.suffix == ".yaml" and path.stem in CODES:
            if folder not in only or only[folder] is not None:
                only.setdefault(folder, set()).add(path.stem)
        else:
            only[folder] = None
    return only


def write_output(p: Planned, data: bytes, out: Path, state: fingerprint.State) -> None:
    """Write one output atomically and record it as built (the build's and `docgen watch`'s).

    An HTML output names its fonts by relative URL (../fonts/<file>): they are put into
    <out>/fonts/ with it, so the output folder works wherever it is copied or served.
    """
    check_inside(out, p.target)
    if p.job.fmt == "html":  # the fonts first: an HTML output is never left without them
        from docgen.paths import FONTS
        from docgen.writers.html import fonts_used

        install_fonts(out, fonts_used(data), FONTS)
    write_atomic(p.target, data)
    state.record(p.target, p.fingerprint, len(data), p.job.folder / f"{p.job.lang}.yaml")


def stale_outputs(paths: list[Path], out: Path, state: fingerprint.State) -> list[Path]:
    """Outputs docgen built into out whose language file is gone (a language or a document removed).

    Only outputs the state file records with their source are considered (docgen never touches
    files it did not write), and only sources under the PATHs of this build (building one
    document, or another content tree into the same --out, says nothing about the others).
    """
    roots = [Path(p).resolve() for p in paths]
    roots = [r.parent if r.is_file() else r for r in roots]
    stale = []
    for key, entry in state.entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str) or not isinstance(key, str):
            continue
        target = out / key
        if Path(key).is_absolute() or ".." in Path(key).parts or not inside(out, target) or target.is_symlink():
            continue  # not an output docgen wrote into out (a state file edited, or from elsewhere)
        source = (state.path.parent / entry["source"]).resolve()
        covered = any(source == r or r in source.parents for r in roots)
        if covered and not source.exists() and target.is_file():
            stale.append(target)
    return sorted(stale)


def _validate(planned: list[Planned], failures: list[Failure], quiet: bool, said: set,
              until=None, behind: list[Planned] | None = None) -> tuple[list[Planned], dict]:
    """Read each document to build once, here: a broken one is reported once, not once per output.

    Returns the jobs of the good documents and the documents read (a serial build renders
    from them instead of reading each document a second time). The outputs of a translation
    found out of date are not among them: they go to `behind` (kept, listed as stale). `until`: read in the order of
    `planned` while it returns False (a parallel build, until its workers are forked: they read
    the rest); otherwise every document, in the order of their folders.
    """
    broken, documents = set(), {}
    keys = dict.fromkeys(p.job.document for p in planned) if until else sorted({p.job.document for p in planned})
    for key in keys:
        if until and until():
            break
        folder, form = key
        doc, local = pipeline.read(folder, form=form)
        report([d for d in local if d.severity == "warning" and not quiet], said=said)  # errors: in the summary
        if doc is None:
            broken.add(key)
            failure = Failure(folder.name, "", "", "\n".join(str(d) for d in errors(local)))
            if failure not in failures:  # a folder's two forms share most of their problems: said once
                failures.append(failure)
        else:
            documents[key] = doc
    late = {(key, lang) for key, doc in documents.items() for lang, v in doc.versions.items() if v.out_of_date}
    if behind is not None:
        behind.extend(p for p in planned if (p.job.document, p.job.lang) in late)
    return [p for p in planned if p.job.document not in broken and (p.job.document, p.job.lang) not in late], documents


def in_order(planned: list[Planned]) -> list[Planned]:
    """The order of work: the longest documents first, each document's outputs together, the longest
    first. The last jobs are short, so every worker stays busy to the end; a pool worker renders a
    document's outputs one after the other from one reading (`pool._Queue`)."""
    total: dict[tuple, int] = {}
    for p in planned:
        total[p.job.document] = total.get(p.job.document, 0) + p.cost
    return sorted(planned, key=lambda p: (-total[p.job.document], str(p.job.document), -p.cost, str(p.target)))


def _results(planned: list[Planned], jobs: int, worker_limit: int, documents: dict, cluster: str | None,
             pdfa: bool, started: list | None = None):
    """Run the jobs, yielding (planned, result) as they finish: in this process, in a pool, or on a cluster."""
    if cluster:
        documents.clear()  # workers read their own, from the bytes sent
        if planned:  # nothing to build: the cluster is not even asked
            from docgen.building import cluster as dask_cluster

            yield from dask_cluster.results(planned, cluster, pdfa)
        return
    if jobs <= 1 or len(planned) <= 1:
        for worker in started or []:  # started for a parallel build that broken documents left with one output
            worker.stop()
        with collect_between_jobs() as collect:
            for i, p in enumerate(planned):
                if i:
                    collect()  # not before the first: a one-output build never collects
                yield p, run_job(p.job, documents.get(p.job.document))
        return
    from docgen.building import pool  # multiprocessing: only for builds that use workers

    by_job = {p.job: p for p in planned}
    for result in pool.results([p.job for p in planned], jobs, worker_limit, started, documents):
        yield by_job[result.job], result


# a write that fails with these fails every later one too: the build stops at the first
STOPPING = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def build(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None = None,
          pdfa: bool = False, jobs: int | None = None, force: bool = False, quiet: bool = False,
          worker_limit: int = 300, stats: Path | None = None, prune: bool = False,
          cluster: str | None = None) -> int:
    """Build every output that is not up to date; report every failure at the end.

    `cluster`: the address of a Dask scheduler (tcp://HOST:PORT) whose workers render instead
    of local processes.

    `stats`: a JSON file to write the run's figures to (outputs, seconds per format, peak
    memory and CPU time of each process that rendered, this process's CPU time), for `make
    bench`. `prune`: delete the outputs whose source is gone (`stale_outputs`); without it they
    are listed.
    """
    out = Path(out)
    try:
        return _build(paths, formats, out, langs, pdfa, jobs, force, quiet, worker_limit, stats, prune, cluster)
    except OutputError as exc:
        print(f"docgen build: error: {exc}; nothing written", file=sys.stderr)
        return 1


def _build(paths, formats, out: Path, langs, pdfa, jobs, force, quiet, worker_limit, stats, prune, cluster) -> int:
    started = time.monotonic()
    diagnostics: list[Diagnostic] = []
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder; choose a folder")
    held = lock(out) if out.is_dir() else None  # one build at a time writes into an output folder
    state = fingerprint.load_state(out)
    planned, current = plan(paths, formats, out, langs, pdfa, force, state, diagnostics)
    report([d for d in diagnostics if d.severity == "warning"])  # errors: once, in the summary
    failures = [Failure(str(d.location), "", "", d.message) for d in errors(diagnostics)]
    remove_leftovers(out)
    parallel = not cluster and (jobs or default_jobs()) > 1 and len(planned) > 1
    warming, documents = [], {}
    behind: list[Planned] = []  # outputs of out-of-date translations: not rebuilt, the last good ones kept
    said: set[Diagnostic] = set()  # warnings printed: each once
    if parallel:  # read the first documents while the workers start; they read the others (pool.py)
        from docgen.building import pool

        starting = pool.Starting(min(jobs or default_jobs(), len(planned)), worker_limit)
        try:
            planned, documents = _validate(in_order(planned), failures, quiet, said, until=starting.ready, behind=behind)
            warming = starting.workers()
        except BaseException:
            starting.stop()
            raise
    else:
        planned, documents = _validate(planned, failures, quiet, said, behind=behind)
    planned = in_order(planned)
    progress = Progress(len(planned), quiet)
    written = 0
    checked, broken = set(documents), set()  # documents whose warnings are reported; found to have errors by a worker
    workers: dict[int, dict] = {}
    seconds: dict[str, float] = {}
    unsaved = ""  # why the state could not be saved, if it could not
    results = _results(planned, jobs or default_jobs(), worker_limit, documents, cluster, pdfa, warming)
    try:
        for p, result in results:
            if p.job.document not in checked:  # a pool worker checked it: reported once, as `_validate` does
                checked.add(p.job.document)
                # a folder's two forms read the same files: their warnings are said once
                report([d for d in result.diagnostics if d.severity == "warning" and not quiet], said=said)
            if result.out_of_date:  # a worker read it first: the same as `_validate` does
                behind.append(p)
                progress.dropped()
                continue
            if result.invalid:
                if p.job.document not in broken:
                    broken.add(p.job.document)
                    failures.append(Failure(p.job.folder.name, "", "", result.message))
                progress.dropped()
                continue
            worker = workers.setdefault(result.pid, {"pid": result.pid, "outputs": 0, "peak_rss_mb": 0, "cpu_seconds": 0.0})
            worker["outputs"] += 1
            worker["peak_rss_mb"] = max(worker["peak_rss_mb"], round(result.max_rss_kb / 1024))
            worker["cpu_seconds"] = max(worker["cpu_seconds"], result.cpu_seconds)
            if result.private_kb:
                worker["private_mb"] = max(worker.get("private_mb", 0), round(result.private_kb / 1024))
            seconds[p.job.fmt] = seconds.get(p.job.fmt, 0.0) + result.seconds
            if result.data is None:
                state.forget(p.target)
                failures.append(Failure(p.job.folder.name, p.job.lang, p.job.fmt, result.message))
                progress.failure(p.job.label, result.message)
                continue
            if held is None:  # the first output: --out is made now (a build that writes nothing makes none)
                prepare(out)
                held = lock(out)
                state = fingerprint.load_state(out)  # nothing recorded yet: what another build may have left
            try:
                write_output(p, result.data, out, state)
            except Escapes as exc:  # this output only; nothing was written
                failures.append(Failure(p.job.folder.name, p.job.lang, p.job.fmt, str(exc)))
                progress.failure(p.job.label, failures[-1].message)
                continue
            except OSError as exc:  # the environment, not the content: the previous output is kept
                failures.append(Failure(p.job.folder.name, p.job.lang, p.job.fmt, f"cannot write {_shown(p.target)}: {exc.strerror or exc}"
                                        "; the previous output, if any, is kept"))
                progress.failure(p.job.label, failures[-1].message)
                if exc.errno in STOPPING:  # every later write would fail the same way
                    failures.append(Failure(str(out), "", "", f"build stopped: nothing more can be written there "
                                            f"({exc.strerror}); what was written is kept and recorded"))
                    break
                continue
            written += 1
            progress.written(p.target)
    except Exception as exc:
        if not cluster:
            raise
        from docgen.building.cluster import ClusterError

        if not isinstance(exc, ClusterError):
            raise
        failures.append(Failure(f"--cluster {cluster}", "", "", str(exc)))  # what was written is kept
    finally:
        results.close()  # a build stopped early: the workers are stopped here
        progress.close()
        if written or state.journal.exists():  # a build of nothing (a wrong path) creates no --out
            try:
                state.save()
            except OSError as exc:  # the journal (or the last state) stays: the next build trusts what it recorded
                unsaved = problem(exc, state.path)
    if unsaved:
        failures.append(Failure(str(out), "", "", f"cannot save the build state {unsaved}; the outputs written "
                                "are kept, and the next build rebuilds what it cannot confirm"))
    elapsed = time.monotonic() - started
    if stats:
        figures = {"written": written, "up_to_date": current, "failures": len(failures), "seconds": round(elapsed, 3),
                   "jobs": jobs or default_jobs(), **({"cluster": cluster} if cluster else {}),
                   "render_seconds": {k: round(v, 3) for k, v in sorted(seconds.items())},
                   "build_cpu_seconds": round(time.process_time(), 3),  # this process's own
                   "build_pid": os.getpid(),
                   "build_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                   "processes": [workers[pid] for pid in sorted(workers)]}
        try:
            write_atomic(Path(stats), (json.dumps(figures, indent=1) + "\n").encode(), sync=False)
        except OSError as exc:
            failures.append(Failure("--stats", "", "", f"cannot write {problem(exc, Path(stats))}"))
    stale = stale_outputs(paths, out, state)
    if stale and prune:
        try:
            for target in stale:
                target.unlink()
                state.forget(target)
            state.save()
        except OSError as exc:
            failures.append(Failure("--prune", "", "", f"cannot delete {problem(exc)}"))
        say(f"docgen build: pruned {len(stale)} stale output(s): " + ", ".join(_shown(t) for t in stale))
    elif stale:
        print(f"docgen build: {len(stale)} stale output(s), whose document or language file is gone "
              "(--prune deletes them):\n" + "\n".join("  " + _shown(t) for t in stale), file=sys.stderr)
    if behind:
        print(f"docgen build: {len(behind)} output(s) not rebuilt, their translation out of date with the original; "
              "the last good ones are kept (stale):\n"
              + "\n".join(f"  {_shown(p.target)}" + ("" if p.target.exists() else " (none built yet)")
                          for p in sorted(behind, key=lambda p: str(p.target))), file=sys.stderr)
    summary = (f"docgen build: {written} file(s) written, {current} up to date, "
               + (f"{len(behind)} stale (out of date), " if behind else "")
               + f"{len(failures)} failure(s) in {elapsed:.1f} s")
    if quiet:
        print(summary, file=sys.stderr)
    else:
        say(summary)
    if failures:
        print(f"docgen build: {len(failures)} failure(s):", file=sys.stderr)
        for failure in failures:
            print("  " + str(failure).replace("\n", "\n    "), file=sys.stderr)
    return 1 if failures else 0
