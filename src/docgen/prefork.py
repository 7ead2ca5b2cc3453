"""A render process forked as a one-shot `docgen build` starts, to import while the build plans.

A cold `docgen build` of one PDF did its work in one line on one core: import docgen's reader
and the build (~0.1 s), plan and read and check the document (~0.03 s), then import WeasyPrint
and the writers (~0.15 s), then render. The imports of the render side do not depend on the
document. So the command forks at once, before importing anything heavy: the child imports
WeasyPrint and the typesetting half of the PDF writer, while the parent imports the build,
plans, reads and checks and makes the page to typeset (`writers/pdfpage.prepare`: the HTML, the fonts, the
options); then it hands the child the page (pickled over a pipe) and writes the PDF that comes
back, as it would have written its own. The child imports only the typesetting half of the PDF
writer (`writers.pdf.typeset`: WeasyPrint, not docgen's reader, model or templates), so on two
cores the two halves overlap without doing the same imports twice. Other formats are written
by the build's own process, as before.

Only a serial build uses it (`--jobs 1`, or a build of one output); a parallel build closes it
at once (its workers come from pool.py). A render process that cannot start or dies fails
nothing: the pages it did not typeset are typeset in the build's own process. It exits when the
build closes its pipe (also when the build is killed: the pipe closes with it). `DOCGEN_PREFORK=0`
turns it off. Linux only, as the resident process (resident.py).
"""

from __future__ import annotations

import os
import sys

SWITCH = "DOCGEN_PREFORK"
# Imported before forking: what both processes import (docgen's light modules, the standard
# library's under them: ~25 ms of imports, -X importtime), so that neither does it twice. The
# render process starts that much later, and is still ready before the build hands it the page.
SHARED = ("docgen.job", "docgen.writers.pdfpage", "docgen.fonts", "ast", "ctypes", "datetime", "enum", "html",
          "inspect", "shutil", "tempfile", "threading", "typing", "urllib.parse", "zipfile")
_process = None  # the render process of this command, while it serves


class _RenderProcess:
    def __init__(self, pid: int, to_child: int, from_child: int):
        self.pid, self.to_child, self.from_child = pid, to_child, from_child
        self.served = 0
        self.usage = None  # its Result figures after its last page (job.process_figures, private_kb)

    def typeset(self, page) -> bytes:
        """`writers.pdf.typeset(page)` in the render process; here if it is gone (then closed)."""
        import pickle

        try:
            _send(self.to_child, pickle.dumps(page, pickle.HIGHEST_PROTOCOL))
            reply = _receive(self.from_child)
        except OSError:
            reply = None
        if reply is None:
            close()
            self.usage = None
            from .writers.pdf import typeset

            return typeset(page)
        self.served += 1
        data, message, self.usage = pickle.loads(reply)
        if data is None:
            from .writers import RenderError

            raise RenderError(message)
        return data


def wanted(argv: list[str]) -> bool:
    """A one-shot `docgen build` that may render a PDF (the writers worth importing early)."""
    from .resident import command_of, switched_off

    if switched_off(SWITCH) or not sys.platform.startswith("linux"):
        return False
    if command_of(argv) != "build" or "--cluster" in argv or any(a.startswith("--cluster=") for a in argv):
        return False
    formats = _option(argv, "--format")
    return not formats or any("pdf" in f.split(",") for f in formats)


def _option(argv: list[str], name: str) -> list[str]:
    values = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == name]
    return values + [a.split("=", 1)[1] for a in argv if a.startswith(name + "=")]


def start(argv: list[str]) -> None:
    """Fork the render process (call before importing the build: what it imports is its head start)."""
    global _process
    if _process is not None or not wanted(argv):
        return
    import importlib

    for name in SHARED:
        importlib.import_module(name)
    down_read, down_write = os.pipe()
    up_read, up_write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (down_read, down_write, up_read, up_write):
            os.close(fd)
        return
    if pid == 0:  # the render process
        os.close(down_write)
        os.close(up_read)
        code = 0
        try:
            _serve(down_read, up_write, "--debug" in argv)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(down_read)
    os.close(up_write)
    _process = _RenderProcess(pid, down_write, up_read)


def take():
    """The render process, if one was started and still serves: its `typeset` lays out PDF pages."""
    return _process


def close(kill: bool = False) -> None:
    """No more jobs: the render process exits; it is waited for, so its figures join the command's.
    Killed at once (`kill`, as after Ctrl-C) even mid-render, and when it has served nothing: it may
    still be importing (a build with nothing to render does not wait for that)."""
    global _process
    process, _process = _process, None
    if process is None:
        return
    if kill or not process.served:
        import signal

        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for fd in (process.to_child, process.from_child):
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.waitpid(process.pid, 0)
    except ChildProcessError:
        pass


def _serve(pages: int, results: int, debug: bool) -> None:
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's; the closed pipe ends this process
    if debug:
        os.environ["DOCGEN_DEBUG"] = "1"
    sys.stdin = sys.stdout = None  # nothing to say: results go up the pipe, errors in them
    from .job import collect_between_jobs, load_typesetting, process_figures, writer_failure
    from .resident import private_kb
    from .writers import RenderError

    typeset = load_typesetting()
    with collect_between_jobs() as collect:  # as the build's own process would between its jobs
        served = 0
        while (data := _receive(pages)) is not None:
            if served:
                collect()
            try:
                reply, message = typeset(pickle.loads(data)), ""
            except RenderError as exc:
                reply, message = None, str(exc)
            except Exception as exc:  # a bug in docgen: reported as job.run reports it
                reply, message = None, writer_failure("pdf", exc)
            figures = {**process_figures(), "private_kb": private_kb()}
            _send(results, pickle.dumps((reply, message, figures), pickle.HIGHEST_PROTOCOL))
            served += 1


def _send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> bytes | None:
    """One message, or None at the end of the pipe."""
    head = _read(fd, 8)
    if head is None:
        return None
    return _read(fd, int.from_bytes(head, "little"))


def _read(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
