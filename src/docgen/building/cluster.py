"""`docgen build --cluster tcp://HOST:PORT`: the same build, its rendering done by Dask workers.

Why Dask (measured against Ray and docgen's own pool, shared/reference/distributed.md): its
futures map onto the work unit, a killed worker's task is run again elsewhere, and it costs a
few milliseconds a task. The client (the `docgen build` process) plans and checks as a local
build does and is the only one to write outputs and the state; workers only render.

What travels is bytes, not paths: a `Task` holds one document's name, its inputs hash and all
of its input files (every YAML file of its folder: footnote numbers and the structure check read
every language; and the content folder's organs.yaml), and the outputs wanted from it. The
worker writes the files into a folder of its own named after the document, renders through the
ordinary `job.run`, and returns the inputs hash of what it rendered; the client writes nothing
whose hash is not the one it planned with. (A prototype
that scattered a dict of files got every document rendered from the same YAML: Dask took the
file names for task keys.)

Workers: this module is their preload (`docgen worker tcp://…`, which runs `dask worker
--preload docgen.building.cluster`). It warms docgen once (imports, fonts) without taking any signal,
turns Dask's task profiler off (~10 % of a render), and works out the worker's identity: what
its outputs would be made from besides the content (`fingerprint.identity`, with the SHA-256 of
the font files actually present). The worker advertises that identity as a Dask resource of
which it has one unit, so it renders one document at a time (WeasyPrint is not made for
threads), and the client asks for its own identity's resource: a worker that differs never gets
work, and the client names what differs before it starts.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from docgen.building import fingerprint
from docgen.building.job import Job, Result, collect_between_jobs, load, run

INSTALL = "pip install 'docgen[cluster]'"
PROFILER = "distributed.worker.profile.enabled"
CONNECT_SECONDS = 10      # to reach the scheduler
WORKERS_SECONDS = 30      # for a first worker to join an empty cluster
ORPHANED_SECONDS = 60     # no fitting worker on the cluster for this long: stop instead of waiting forever
TASK_PREFIX = "docgen-render"
RETRIES = 1               # more tries for a document whose worker died under it (Dask's own tries each)


class ClusterError(Exception):
    """The cluster cannot take the build: Dask missing, scheduler unreachable, or no fitting worker."""


# ---------------------------------------------------------------- what travels


@dataclass(frozen=True)
class Task:
    """One document's outputs to render, with its inputs as bytes (the worker's disk is its own)."""

    name: str                                  # the document folder's name
    doc_hash: str                              # fingerprint.document() of the files, as the client planned
    files: tuple[tuple[str, bytes], ...]       # fingerprint.read_document_files(): (file name, bytes)
    outputs: tuple[tuple[str, str, str], ...]  # (language, format, form) to render
    pdfa: bool = False


@dataclass(frozen=True)
class Rendered:
    doc_hash: str                # the inputs the worker rendered, hashed from its own copy
    identity: str                # the worker's identity resource
    folder: str                  # where the worker put the files; its paths in messages become the client's
    results: tuple[Result, ...]  # one per Task.outputs, in order


# ---------------------------------------------------------------- the worker's side


_identity: dict[str, str] | None = None  # this worker's, once dask_setup has run


def resource(identity: dict[str, str]) -> str:
    """The Dask resource that stands for an identity: workers have one unit, each task asks for one."""
    return "docgen-" + hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]


def _safe_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and Path(name).name == name


def _included(name: str) -> bool:
    """"../<folder>/<file>": a file of a folder a report includes (fingerprint.read_document_files)."""
    parts = name.split("/")
    return len(parts) == 3 and parts[0] == ".." and _safe_name(parts[1]) and _safe_name(parts[2])


def render(task: Task) -> Rendered:
    """Render a document's outputs from the bytes that came with the task (runs on a worker)."""
    names = [name for name, _ in task.files if name != fingerprint.PARENT_ORGANS]
    names = [name[3:].split("/", 1)[1] if _included(name) else name for name in names]  # a report's included texts
    if not _safe_name(task.name) or not all(_safe_name(name) for name in names):
        raise ValueError(f"refusing file names that leave the document folder: {task.name!r}")
    base = Path(tempfile.mkdtemp(prefix=f"{TASK_PREFIX}-"))
    try:
        folder = base / task.name  # named after the document, as the reader and the writers expect
        folder.mkdir()
        for name, data in task.files:  # the content folder's organs.yaml goes beside the document, as it was
            if _included(name):  # ../<folder>/<file>: a text the report includes, beside it as it was
                (base / name[3:]).parent.mkdir(exist_ok=True)
                (base / name[3:]).write_bytes(data)
                continue
            (base / "organs.yaml" if name == fingerprint.PARENT_ORGANS else folder / name).write_bytes(data)
        rendered = fingerprint.document(folder)
        results: tuple[Result, ...] = ()
        if rendered == task.doc_hash:  # otherwise the client refuses the outputs: save the work
            # no automatic collection inside the renders, one after them, as in pool workers
            # (job.collect_between_jobs; its walks were 20-40 ms of each Chinese PDF here). Nothing
            # is frozen here: dask_setup froze the warm-up's objects once.
            with collect_between_jobs():
                results = tuple(run(Job(folder, lang, fmt, task.pdfa, rendered, form))
                                for lang, fmt, form in task.outputs)
            gc.collect()
        return Rendered(rendered, resource(_identity) if _identity else "", str(folder), results)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def worker_identity() -> dict[str, str] | None:
    """This worker's identity, for the client to compare (None: not started with docgen's preload)."""
    return _identity


def dask_setup(worker) -> None:
    """Dask's preload hook, run once as a worker starts, before it joins the scheduler."""
    global _identity
    try:
        load()
        problem = ""
    except Exception as exc:  # noqa: BLE001 - joins anyway, refused with the reason, instead of a restart loop
        problem = f"{type(exc).__name__}: {exc}"
    _identity = fingerprint.identity(actual_fonts=True)
    gc.collect()
    gc.freeze()  # what warm-up made (modules, fonts, templates) is out of every later collection's walk, as in pool workers
    if problem:
        _identity["set-up failed:"] = problem
    worker.state.total_resources[resource(_identity)] = 1
    worker.state.available_resources[resource(_identity)] = 1


if sys.modules.get("distributed") is not None:  # imported as a worker's preload: before the worker reads this setting
    import dask

    dask.config.set({PROFILER: False})


def worker_command(scheduler: str, dask_args: list[str]) -> int:
    """`docgen worker tcp://HOST:PORT [dask worker options]`: `dask worker` with docgen's preload."""
    import os

    try:
        import distributed  # noqa: F401
    except ImportError:
        print(f"docgen worker needs Dask's distributed scheduler: {INSTALL}", file=sys.stderr)
        return 2
    args = [sys.executable, "-m", "distributed.cli.dask_worker", scheduler, "--preload", "docgen.building.cluster"]
    if not any(a.startswith("--nthreads") for a in dask_args):
        args += ["--nthreads", "1"]
    if not any(a.startswith("--nworkers") for a in dask_args):
        from docgen.building.job import default_jobs

        args += ["--nworkers", str(default_jobs())]
    env = {**os.environ, "DASK_" + PROFILER.upper().replace(".", "__").replace("-", "_"): "False"}
    sys.stdout.flush()
    os.execve(sys.executable, args + dask_args, env)
    return 0  # not reached


# ---------------------------------------------------------------- the client's side


def differences(mine: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """What differs between two identities, in words (hashes are named, versions shown)."""
    said = []
    for key in sorted(set(mine) | set(theirs)):
        here, there = mine.get(key, "absent"), theirs.get(key, "absent")
        if here == there:
            continue
        if key in ("docgen", "templates"):
            said.append(f"{key} differ" if key == "templates" else "docgen's code differs")
        elif key.startswith("font "):
            said.append(f"{key} " + ("is missing" if there in ("missing", "absent") else
                                     "is not here" if here == "absent" else "differs"))
        elif key == "set-up failed:":
            said.append(f"{key} {there}")
        else:
            said.append(f"{key} {there} (here {here})")
    return said


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster needs Dask's distributed scheduler: {INSTALL}") from None
    return distributed


def _fitting_workers(client, address: str, mine: dict[str, str], need: str) -> int:
    """How many workers render like this machine; says which others are refused and why."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except TimeoutError:
        raise ClusterError(f"no worker joined the scheduler at {address} in {WORKERS_SECONDS} s; "
                           f"start some with `docgen worker {address}`") from None
    identities = client.run(worker_identity, on_error="return")
    fitting, refused = 0, []
    for worker, theirs in sorted(identities.items()):
        if isinstance(theirs, BaseException) or theirs is None:
            refused.append(f"{worker}: not started with docgen's preload (start workers with `docgen worker {address}`)")
        elif resource(theirs) != need:
            refused.append(f"{worker}: " + "; ".join(differences(mine, theirs)))
        else:
            fitting += 1
    if not fitting:
        raise ClusterError("no worker renders like this machine, none used:\n" + "\n".join(refused))
    for line in refused:
        print(f"docgen build: worker refused, {line}", file=sys.stderr)
    return fitting


def _fitting_now(client, need: str) -> int:
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return sum(1 for w in workers.values() if need in (w.get("resources") or {}))


def _task(name: str, group: list, pdfa: bool) -> tuple[Task, str]:
    """The task for one document's planned outputs, read now; and a failure message if it changed since planning."""
    folder = group[0].job.folder
    files = tuple(fingerprint.read_document_files(folder))
    doc_hash = fingerprint.document_files(list(files))
    changed = "" if doc_hash == group[0].job.doc_hash else f"{folder} changed during the build; run it again"
    return Task(name, doc_hash, files, tuple((p.job.lang, p.job.fmt, p.job.form) for p in group), pdfa), changed


class _Again(Exception):
    """The task is not done after all: its result was lost with the worker that held it (a worker
    that died later, rendering another document) and Dask runs it again. Wait for it."""


class _Died(Exception):
    """The worker rendering this document died (KilledWorker): it may be the document's doing, or not."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _collect(future, group: list, task: Task, need: str, distributed):
    """(planned, Result) for each output of a finished task: its bytes, or why there are none.

    Raises _Again when the future is no longer finished (its result lost with a worker, computed
    again), _Died when its worker died under it: the caller decides, a document is never failed
    for what happened to another."""
    def failed(message: str):
        return [(p, Result(p.job, None, message)) for p in group]

    try:
        return _unpack(future, group, task, need, distributed, failed)
    except (_Again, _Died):
        raise
    except Exception as exc:  # noqa: BLE001 - an answer that cannot be read fails its document, not the build
        if isinstance(exc, distributed.KilledWorker):
            raise _Died(_killed(exc)) from None
        return failed(f"the cluster's answer could not be read: {type(exc).__name__}: {exc or 'no reason given'}")


def _killed(exc) -> str:
    tries = getattr(exc, "allowed_failures", None)
    return (f"the worker rendering this document died{f' all {tries + 1} times' if tries is not None else ''} "
            "it was tried (Dask's KilledWorker: out of memory, or a crash in a native library)")


def _unpack(future, group: list, task: Task, need: str, distributed, failed):
    status = future.status  # read once: another worker's death can send it back to pending at any time
    if status not in ("finished", "error", "cancelled"):
        raise _Again()
    if status == "finished":
        rendered = future.result()
        if rendered.doc_hash != task.doc_hash:
            return failed(f"the worker rendered other inputs than were sent (hash {rendered.doc_hash[:12]}, "
                          f"sent {task.doc_hash[:12]}): nothing written")
        if rendered.identity != need or len(rendered.results) != len(group):
            return failed("a worker that does not render like this machine answered: nothing written")
        local = str(group[0].job.folder)
        return [(p, replace(r, job=p.job, message=r.message.replace(rendered.folder, local)))
                for p, r in zip(group, rendered.results)]
    if status == "cancelled":
        return failed("cancelled on the cluster" + (" (the scheduler is gone)" if future.client.status != "running" else ""))
    exc = future.exception()
    if exc is None:  # no longer an error: sent back to be run again (what "NoneType: None" reported)
        raise _Again()
    if isinstance(exc, distributed.KilledWorker):
        raise _Died(_killed(exc))
    return failed(f"{type(exc).__name__}: {exc or 'the worker gave no reason'}")


def results(planned: list, address: str, pdfa: bool):
    """Render the planned outputs on the cluster; yield (planned, Result) as documents finish.

    One document per fitting worker is out at a time: the client reads each document's files as
    it sends them, so a corpus of any size takes little memory here or on the scheduler; and when
    a worker dies, Dask counts every task it held as a suspect (KilledWorker after
    `distributed.scheduler.allowed-failures`): documents queued behind one that crashes its
    worker would be blamed with it.
    Interrupted (Ctrl-C, SIGTERM), it cancels what it sent and what it was about to send.
    """
    distributed = _distributed()
    mine = fingerprint.identity()
    need = resource(mine)
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    groups: dict[Path, list] = {}
    for p in planned:  # in the plan's order: the longest documents first
        groups.setdefault(p.job.folder, []).append(p)
    waiting = iter(groups.values())
    out: dict = {}   # future -> (its outputs planned, its task)
    ready: list = []  # (planned, Result) known without the cluster: documents changed since planning
    try:
        window = _fitting_workers(client, address, mine, need)
        tried: dict[str, int] = {}  # document -> tries after its worker died under it

        def submit(task: Task, attempt: int):
            key = f"{TASK_PREFIX}-{task.name}-" + hashlib.sha256(
                f"{task.doc_hash} {task.outputs} {pdfa} {need} {attempt}".encode()).hexdigest()[:16]
            return client.submit(render, task, key=key, resources={need: 1}, pure=False)

        def fill() -> None:
            while len(out) < window:
                group = next(waiting, None)
                if group is None:
                    return
                task, changed = _task(group[0].job.folder.name, group, pdfa)
                if changed:
                    ready.extend((p, Result(p.job, None, changed)) for p in group)
                    continue
                out[submit(task, 0)] = (group, task)

        fill()
        seen = next_look = time.monotonic()
        while out or ready:
            while ready:
                yield ready.pop(0)
            batch = [future for future in out if future.status in ("finished", "error", "cancelled")]  # one per worker
            if not batch:
                now = time.monotonic()
                if out and now >= next_look:  # workers come and go: size the window, notice when none is left
                    fitting = _fitting_now(client, need)
                    if fitting:
                        seen, window = now, fitting
                        fill()
                    elif now - seen > ORPHANED_SECONDS:
                        raise ClusterError(f"no worker that renders like this machine has been on the cluster "
                                           f"for {ORPHANED_SECONDS} s; {len(out)} document(s) left unrendered")
                    next_look = now + 5
                time.sleep(0.02)
                continue
            done = [(future, *out.pop(future)) for future in batch]
            fill()  # the next documents go out before these results are fetched and written
            for future, group, task in done:
                try:
                    collected = _collect(future, group, task, need, distributed)
                except _Again:
                    out[future] = (group, task)  # Dask runs it again: wait for that
                    continue
                except _Died as died:
                    # Workers die for other reasons than the document (the machine's memory, a
                    # nanny's restart under load): one more try, on a fresh key, before
                    # the document is failed. A document that kills its worker dies again.
                    future.release()
                    if tried.get(task.name, 0) >= RETRIES:
                        yield from ((p, Result(p.job, None, died.message + f"; tried {RETRIES + 1} times")) for p in group)
                        continue
                    tried[task.name] = tried.get(task.name, 0) + 1
                    out[submit(task, tried[task.name])] = (group, task)
                    continue
                future.release()  # the worker frees the bytes
                yield from collected
    except BaseException as exc:
        lost = isinstance(exc, (OSError, distributed.client.ClosedClientError)) or (
            isinstance(exc, Exception) and not isinstance(exc, ClusterError) and client.status != "running")
        if lost:
            raise ClusterError(f"lost the Dask scheduler at {address} ({type(exc).__name__}: {exc}); "
                               "what was written is kept") from None
        if out:  # Ctrl-C, SIGTERM, or an error: the cluster stops this build's work
            try:
                client.cancel(list(out), force=True)
            except Exception:  # noqa: BLE001 - the scheduler may be gone already
                pass
        raise
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001
            pass
