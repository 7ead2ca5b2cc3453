"""Worker processes for `docgen build --jobs N`: warm once, replaced after a number of jobs.

Why not concurrent.futures: its `max_tasks_per_child` hangs the pool on CPython 3.11 when a
worker retires (seen here: a 100-document build stopped after 80 with both workers gone), and
its manager thread keeps an interrupted build alive. This pool is a loop over pipes: each
worker warms up (imports, fonts, WeasyPrint's font configuration), runs up to `limit` jobs,
then exits and is replaced; a worker that dies (killed, out of memory) fails only the job it
held. Workers are forked from a forkserver that has imported the writers already, so a
replacement starts in milliseconds, not seconds.

The forkserver loads for about half a second before it can fork the first worker (prewarm.py);
the build reads and checks the first documents meanwhile, on the core that would be idle
(`Starting`), and hands each worker such a document with its first job of it. Workers read and
check the others themselves (the build reading them all would be work the workers wait for, on
a machine whose every core is a worker's), and a worker keeps to one document's outputs, one
after the other, so that each document is read once (`_Queue`).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from multiprocessing.connection import wait

from docgen.building.job import Job, Result, collect_between_jobs, run, warm_up

PRELOAD = ["docgen.building.prewarm"]  # the writers imported, and what every worker needs loaded (prewarm.py)


def _serve(conn, limit: int) -> None:
    warm_up()
    given = None  # (folder, document): the document the build read and sent with a job of it
    with collect_between_jobs(freeze=True) as collect:
        try:
            for _ in range(limit):
                message = conn.recv()
                if message is None:
                    break
                job, doc = message
                if doc is not None:
                    given = (job.document, doc)
                doc = given[1] if given is not None and given[0] == job.document else None
                conn.send(run(job, doc, check=True))  # checked by the build when given, read and checked here if not
                collect()  # while the build takes the result and picks the next job
        except (EOFError, OSError):
            pass  # the build is gone (killed): nothing to report to, nothing to clean up
    conn.close()


class _Worker:
    def __init__(self, context, limit: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, limit), daemon=True)
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.left = limit
        self.holds = None  # the folder of the last document sent with a job: the worker keeps it

    def give(self, job: Job, documents: dict) -> None:
        """Send a job, with its document when the build has read it and the worker does not hold it."""
        doc = documents.get(job.document) if job.document != self.holds else None
        if doc is not None:
            self.holds = job.document
        self.job = job
        self.left -= 1
        self.conn.send((job, doc))

    def stop(self, kill: bool = False, wait: bool = True) -> None:
        """Tell the worker to end (or kill it); `wait`: until it has (`join` later otherwise)."""
        if kill:
            self.process.terminate()
        elif self.process.is_alive() and self.left > 0:
            try:
                self.conn.send(None)
            except OSError:
                pass
        if wait:
            self.join(kill)

    def join(self, kill: bool = False) -> None:
        self.process.join(timeout=None if not kill else 5)
        self.conn.close()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start(processes: int, limit: int) -> list[_Worker]:
    """Start workers now; returns once they are forked (the forkserver's loading first, ~0.5 s)."""
    context = _context()
    return [_Worker(context, limit) for _ in range(processes)]


class Starting:
    """Workers being started in a thread, so that the build can work while the forkserver loads.

    `ready()` says when they are forked (the build then stops reading and hands them jobs);
    `workers()` waits for them; `stop()` stops those forked and any forked later, without
    waiting for the forkserver (the build was interrupted: it ends now).
    """

    def __init__(self, processes: int, limit: int):
        self._workers: list[_Worker] = []
        self._error: BaseException | None = None
        self._stopped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._start, args=(processes, limit), daemon=True,
                                        name="docgen pool start")
        self._thread.start()

    def _start(self, processes: int, limit: int) -> None:
        try:
            context = _context()
            for _ in range(processes):
                worker = _Worker(context, limit)
                with self._lock:
                    if self._stopped:
                        worker.stop(kill=True)
                        return
                    self._workers.append(worker)
        except BaseException as exc:  # noqa: BLE001 - raised in the build's thread by workers()
            self._error = exc

    def ready(self) -> bool:
        return not self._thread.is_alive()

    def workers(self) -> list[_Worker]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._workers

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            workers = list(self._workers)
        for worker in workers:
            worker.stop(kill=True)


class _Queue:
    """The jobs waiting, by document, in the build's order (the longest documents first).

    A worker takes the next output of the document it is on (read already, in its cache);
    otherwise the first document no other worker is on; at the end, when every document left
    is being worked on, it helps with the first of them rather than wait.
    """

    def __init__(self, jobs: list[Job]):
        self.waiting: dict = {}
        for job in jobs:
            self.waiting.setdefault(job.document, deque()).append(job)

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def take(self, last: Job | None, others: set) -> Job:
        folder = last.document if last is not None and last.document in self.waiting else None
        if folder is None:
            folder = next((f for f in self.waiting if f not in others), next(iter(self.waiting)))
        jobs = self.waiting[folder]
        job = jobs.popleft()
        if not jobs:
            del self.waiting[folder]
        return job

    def drop(self, folder) -> list[Job]:
        """The jobs of a document found to have errors: none is run."""
        return list(self.waiting.pop(folder, ()))


def died(exitcode: int | None) -> str:
    """What a worker's end says: a signal by name (SIGKILL is most often the kernel's OOM killer)."""
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return (f"the worker process rendering it was killed by {name}"
                + (" (out of memory? the kernel's OOM killer sends it)" if name == "SIGKILL" else ""))
    return f"the worker process rendering it ended unexpectedly (exit code {exitcode})"


def results(jobs: list[Job], processes: int, limit: int, started: list[_Worker] | None = None,
            documents: dict | None = None):
    """Run every job in up to `processes` workers (`started` ones first); yield each Result as it arrives.

    `documents`: folder -> Document the build has read and checked already (sent with the jobs);
    the workers read and check the others. Every job gives one Result: a document a worker finds
    errors in gives an `invalid` one for each of its jobs (the rest are not sent).
    """
    context = _context()
    pending = _Queue(jobs)
    workers: list[_Worker] = []
    retired: list[_Worker] = []  # done, exiting: joined at the end (a worker takes ~30 ms to exit)
    documents = documents or {}

    def give(worker: _Worker, last: Job | None) -> None:
        worker.give(pending.take(last, {w.job.document for w in workers if w.job is not None and w is not worker}),
                    documents)

    try:
        for worker in started or []:
            if pending:
                give(worker, None)
                workers.append(worker)
            else:
                worker.stop()
        while pending and len(workers) < processes:
            worker = _Worker(context, limit)
            give(worker, None)
            workers.append(worker)
        while workers:
            for conn in wait([w.conn for w in workers]):
                worker = next(w for w in workers if w.conn is conn)
                last = worker.job
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    worker.process.join()
                    result = Result(worker.job, None, died(worker.process.exitcode))
                    worker.left = 0
                dropped = pending.drop(last.document) if result.invalid else []
                worker.job = None
                # The worker's next job first, the result after: the build writes the file
                # (and syncs it) while the worker is already rendering again.
                if worker.left > 0 and pending:
                    give(worker, last)
                else:
                    workers.remove(worker)
                    if pending:  # the replacement at once, not after the old one's exit
                        replacement = _Worker(context, limit)
                        give(replacement, None)
                        workers.append(replacement)
                    worker.stop(wait=False)
                    retired.append(worker)
                yield result
                for job in dropped:
                    yield Result(job, None, result.message, invalid=True)
        for worker in retired:
            worker.join()
    except BaseException:
        for worker in workers + retired:
            worker.stop(kill=True)
        raise
