"""Worker processes for `docgen build --jobs N`: warm once, replaced after a number of jobs.

Why not concurrent.futures: its `max_tasks_per_child` hangs the pool on CPython 3.11 when a
worker retires (seen here: a 100-document build stopped after 80 with both workers gone), and
its manager thread keeps an interrupted build alive. This pool is a loop over pipes: each
worker warms up (imports, fonts, WeasyPrint's font configuration), runs up to `limit` jobs,
then exits and is replaced; a worker that dies (killed, out of memory) fails only the job it
held. Workers are forked from a forkserver that has imported the writers already, so a
replacement starts in milliseconds, not seconds.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from multiprocessing.connection import wait

from .job import Job, Result, collect_between_jobs, run, warm_up

PRELOAD = ["docgen.job", "docgen.writers.pdf", "docgen.writers.docx", "docgen.writers.akn"]


def _serve(conn, limit: int) -> None:
    warm_up()
    with collect_between_jobs(freeze=True) as collect:
        try:
            for _ in range(limit):
                job = conn.recv()
                if job is None:
                    break
                conn.send(run(job))
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

    def give(self, job: Job) -> None:
        self.job = job
        self.left -= 1
        self.conn.send(job)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.terminate()
        elif self.process.is_alive() and self.left > 0:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=None if not kill else 5)
        self.conn.close()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start(processes: int, limit: int) -> list[_Worker]:
    """Start workers now, before there is work for them: they import and warm up (about a second)
    while the build reads and checks the documents, instead of after it."""
    context = _context()
    return [_Worker(context, limit) for _ in range(processes)]


def results(jobs: list[Job], processes: int, limit: int, started: list[_Worker] | None = None):
    """Run every job in up to `processes` workers (`started` ones first); yield each Result as it arrives."""
    context = _context()
    pending = deque(jobs)
    workers: list[_Worker] = []
    try:
        for worker in started or []:
            if pending:
                worker.give(pending.popleft())
                workers.append(worker)
            else:
                worker.stop()
        while pending and len(workers) < processes:
            worker = _Worker(context, limit)
            worker.give(pending.popleft())
            workers.append(worker)
        while workers:
            for conn in wait([w.conn for w in workers]):
                worker = next(w for w in workers if w.conn is conn)
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    worker.process.join()
                    result = Result(worker.job, None, f"worker process died (exit code {worker.process.exitcode})")
                    worker.left = 0
                # The worker's next job first, the result after: the build writes the file
                # (and syncs it) while the worker is already rendering again.
                if worker.left > 0 and pending:
                    worker.give(pending.popleft())
                else:
                    worker.stop()
                    workers.remove(worker)
                    if pending:
                        replacement = _Worker(context, limit)
                        replacement.give(pending.popleft())
                        workers.append(replacement)
                yield result
    except BaseException:
        for worker in workers:
            worker.stop(kill=True)
        raise
