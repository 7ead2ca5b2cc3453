"""`docgen watch`: rebuild what an edit changed, at once, with an optional live preview.

One warm process: the writers, fonts and templates are loaded by the first build and stay
loaded, so a saved YAML file costs one render per output it affects (about 0.2 s for a Chinese
PDF), not a cold start. What to rebuild is the incremental build's answer (`building.plan`, the
fingerprints of `fingerprint.py`, the same state file as `docgen build`): an edit to one
document rebuilds that document's outputs only, a template edit every PDF and HTML.

After the first build, an output that took over half a second (an 80-page report's PDF takes
seconds) is made in a child forked from that process, warm as it is: the watch keeps looking at
the sources meanwhile, and a save stops a PDF that is being made for the text before it, so
that the new text's preview comes at once (`rebuild`, `_beside`).

What changed is found by comparing the modification times and sizes of the YAML files under
the watched paths and of the templates (a few hundred `stat` calls cost well under a
millisecond). When to compare: on Linux, as soon as the kernel says a file there was written,
renamed or removed (inotify, through ctypes: no delay and no CPU while idle; an editor's save
wakes the watch within a millisecond, where a 50 ms poll cost 25 ms on average), and once a
second anyway; elsewhere, or with DOCGEN_WATCH_POLL=1, every 50 ms. A document that does not read (a YAML error, a broken
reference) is reported as `docgen check` reports it, `file:line:col: error: message`, and its
outputs are left as they were: the last good PDF stays on disk and in the preview.

`--serve [PORT]` serves the output folder on 127.0.0.1 with a preview page at `/`: each
language version's HTML with links to its PDF, Word draft and XML, and the current errors.
The page listens for server-sent events (`/events`) and reloads itself when a rebuild ends.
The standard library's http.server does it; nothing listens beyond the loopback interface.
"""

from __future__ import annotations

import ctypes
import html
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

from docgen import building, pipeline, readers
from docgen.building import fingerprint
from docgen.building.job import Result, collect_between_jobs
from docgen.building.job import run as run_job
from docgen.building.outputs import Escapes, OutputError, lock, output_path, prepare
from docgen.building.pool import died
from docgen.data import tables
from docgen.diagnostics import Diagnostic, errors
from docgen.paths import TEMPLATES
from docgen.writers import FORMATS, forget_templates

POLL_SECONDS = 0.05  # without inotify
SETTLE_SECONDS = 1.0  # with inotify: compare anyway this often (an event missed, a network folder)
# Rebuilt first: the HTML preview (tens of milliseconds, even for an 80-page report), which the
# preview page shows at once, then the PDF; the Word draft and the XML after them.
FIRST = ("html", "pdf")
# an output whose last making took longer is made beside the watch (`_beside`), so that a save
# stops it; a shorter one is made in the watch's process, where forking would add ~40 ms to it
# (a Chinese resolution's PDF: 0.22 s to 0.26 s), and a save waits no longer than this for it
BESIDE_SECONDS = 0.5
_took: dict[str, float] = {}  # each output's job label -> the seconds its last making took


@dataclass
class Status:
    """What the preview shows; shared between the rebuilding thread and the server's threads."""

    generation: int = 0  # one more after every rebuild
    problems: list[str] = field(default_factory=list)  # the current errors, as `check` prints them
    versions: list[tuple[str, str]] = field(default_factory=list)  # (document folder name, language)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[str], versions: list[tuple[str, str]]) -> None:
        with self.changed:
            self.problems, self.versions = problems, versions
            self.generation += 1
            self.changed.notify_all()


def _snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file a rebuild depends on (YAML sources, templates)."""
    seen = {}
    roots = [(Path(p), ".yaml") for p in paths] + [(TEMPLATES, "")]
    for root, suffix in roots:
        if root.is_file():
            walk = [(str(root.parent), [], [root.name])]
        else:
            walk = os.walk(root)
        for folder, dirs, files in walk:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.endswith(suffix) and not name.startswith("."):
                    full = os.path.join(folder, name)
                    try:
                        stat = os.stat(full)
                    except FileNotFoundError:
                        continue
                    seen[full] = (stat.st_mtime_ns, stat.st_size)
    return seen


def _folders(paths: list[Path]):
    """The folders whose files _snapshot reads (dot folders skipped, as there)."""
    for root in [Path(p) for p in paths] + [TEMPLATES]:
        if root.is_file():
            yield str(root.parent)
            continue
        for folder, dirs, _ in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            yield folder


# inotify(7): the events that end a save (written and closed, renamed into place, removed, touched)
# and those that change the folders to watch
_IN_ATTRIB, _IN_CLOSE_WRITE, _IN_MOVED_FROM, _IN_MOVED_TO = 0x4, 0x8, 0x40, 0x80
_IN_CREATE, _IN_DELETE, _IN_DELETE_SELF, _IN_MOVE_SELF, _IN_ISDIR = 0x100, 0x200, 0x400, 0x800, 0x40000000
_SAVED = _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_DELETE | _IN_DELETE_SELF | _IN_MOVE_SELF
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name


def _wakeup(paths: list[Path]):
    """A function that returns when it is time to compare snapshots again (see the module's text).

    A new file being created does not wake it (its content is not written yet: its close does);
    a new folder does, and is watched from then on.
    """
    libc = None
    if sys.platform.startswith("linux") and os.environ.get("DOCGEN_WATCH_POLL") != "1":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            fd = -1
        if fd < 0:
            libc = None
    if libc is None:
        return lambda: time.sleep(POLL_SECONDS)

    def watch_folders() -> None:
        for folder in _folders(paths):  # a folder watched already keeps its watch
            libc.inotify_add_watch(fd, os.fsencode(folder), _SAVED | _IN_CREATE)

    def wait() -> None:
        while True:
            ready, _, _ = select.select([fd], [], [], SETTLE_SECONDS)
            if not ready:
                return  # the once-a-second comparison
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            saved = new_folder = False
            offset = 0
            while offset < len(data):
                _, mask, _, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size + length
                saved |= bool(mask & _SAVED)
                new_folder |= bool(mask & _IN_CREATE and mask & _IN_ISDIR)
            if new_folder:
                watch_folders()
            if saved or new_folder:
                return

    watch_folders()
    wait.fd = fd  # for the tests
    return wait


def rebuild(paths: list[Path], formats: list[str], out: Path, langs: list[str], state,
            preview=None, edited=(), stale=None) -> tuple[list[str], list[str], list, str]:
    """Build what is out of date; returns (outputs written, problems, language versions, the
    label of the job a save stopped, or "").

    Every document's HTML is written first, then `preview(written, problems, versions)` is
    called (the preview page reloads: an edit is seen there before the PDFs are laid out), then
    the other outputs, PDFs first, and first of all those of the language versions whose file is
    among `edited` (the files that changed): a document's every output depends on all of its
    files, so an edit of zh.yaml rebuilds the English PDF too, but the Chinese one, which the
    user is looking at, is not kept waiting behind it.

    `stale`: a function that says whether the sources changed since this rebuild began. With it,
    an output after the HTML whose last making took over BESIDE_SECONDS (or that was never made)
    is made beside this process (`_beside`), and a save meanwhile stops the rebuild there: an
    80-page report's PDF takes seconds, and the next edit's preview does not wait for a PDF of
    a text that is no longer there."""
    first = {(Path(f).parent.resolve(), Path(f).stem) for f in edited if f.endswith(".yaml")}
    diagnostics: list[Diagnostic] = []
    planned, _ = building.plan(paths, formats, out, langs, False, False, state, diagnostics)
    problems = [str(d) for d in errors(diagnostics)]
    versions = []
    for folder in pipeline.find(paths, []):
        versions += [(folder.name, p.stem) for p in readers.language_files(folder) if not langs or p.stem in langs]
    versions = sorted(versions, key=lambda v: (v[0], _lang_key(v[1])))
    written = []
    said: set = set()  # a folder's two forms read the same files: each problem is said once
    docs = {}
    for folder, form in sorted({p.job.document for p in planned}):
        doc, local = pipeline.read(folder, form=form)
        problems += [str(d) for d in local if d.severity == "error" and d not in said]
        # an out-of-date translation among the warnings: its outputs are kept
        building.report([d for d in local if d.severity == "warning"], said=said)
        said.update(local)
        if doc is not None:  # else the last good outputs stay
            docs[folder, form] = doc
    order = lambda p: (FIRST.index(p.job.fmt) if p.job.fmt in FIRST else len(FIRST), p.job.lang)  # noqa: E731
    later = lambda p: (p.job.folder.resolve(), p.job.lang) not in first  # noqa: E731
    jobs = sorted((p for p in planned if p.job.document in docs),
                  key=lambda p: (order(p)[0] > 0, later(p), p.job.document, order(p)))
    previewed = False
    stopped = ""
    for p in jobs:
        if preview is not None and not previewed and p.job.fmt != "html":
            previewed = True
            if written:
                preview(written, problems, versions)
        try:
            took = _took.get(p.job.label)  # None: never made here
            if stale is not None and p.job.fmt != "html" and (took is None or took > BESIDE_SECONDS):
                result = _beside(p.job, docs[p.job.document], stale)
                if result is None:
                    stopped = p.job.label
                    break
            else:
                result = run_job(p.job, docs[p.job.document])
            _took[p.job.label] = result.seconds
        except Exception as exc:  # a bug, or a broken template: say so and keep watching
            problems.append(f"{p.job.label}: {type(exc).__name__}: {exc}")
            continue
        if result.out_of_date:
            continue  # said in the warning above; its last good outputs stay
        if result.data is None:
            problems.append(f"{p.job.label}: {result.message}")
            continue
        try:
            building.write_output(p, result.data, out, state)
        except (OSError, Escapes) as exc:  # the environment: say so and keep watching; the last output stays
            problems.append(f"{p.job.label}: cannot write {p.target}: {getattr(exc, 'strerror', None) or exc}")
            continue
        written.append(p.target.name)
    if written:
        try:
            state.save()
        except OSError as exc:
            problems.append(f"cannot save {state.path}: {exc.strerror or exc}; the next build checks every output again")
    return written, problems, versions, stopped


def _beside(job, doc, stale) -> Result | None:
    """`run_job` in a child forked from this warm process (its fonts, templates and the document
    it has read), the result sent back through a pipe; None if `stale()` is true before it is
    done (asked at once, then every POLL_SECONDS): the child is killed, its work was for a text
    no longer there.
    Where the system cannot fork, in this process, as before."""
    if not hasattr(os, "fork"):
        return run_job(job, doc)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the watch's loop, runs no exit handler of the parent's
        code = 1
        try:
            os.close(read)
            # fresh standard streams: a lock the preview server's thread held at the fork stays held here
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            data = pickle.dumps(run_job(job, doc), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    chunks, ended = [], False
    try:
        while not ended:
            if stale():
                return None
            ready, _, _ = select.select([read], [], [], POLL_SECONDS)
            if ready:
                chunk = os.read(read, 1 << 20)
                ended = not chunk
                chunks.append(chunk)
    finally:
        os.close(read)
        if not ended:  # stale, or the watch is stopping (Ctrl-C, SIGTERM): the child's work is not wanted
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:  # killed (out of memory) or broken off: what it sent, if anything, is not a whole result
        return Result(job, None, died(code))
    return pickle.loads(b"".join(chunks))


def _preview(status: Status, started: float, written: list[str], problems: list[str], versions: list) -> None:
    """The HTML of an edit is written: say so, and reload the preview page before the PDFs."""
    print(f"docgen watch: preview {', '.join(written)} written in {time.perf_counter() - started:.2f} s", flush=True)
    status.publish(problems, versions)


def _lang_key(lang: str) -> int:
    return tables.CODES.index(lang) if lang in tables.CODES else len(tables.CODES)


def _say(written: list[str], problems: list[str], seconds: float) -> None:
    for line in problems:
        print(line, file=sys.stderr, flush=True)
    if problems:
        what = f"{len(written)} file(s) written, " if written else ""
        print(f"docgen watch: {what}{len(problems)} error(s); the last good outputs are kept "
              f"({seconds:.2f} s)", flush=True)
    elif written:
        print(f"docgen watch: {', '.join(written)} written in {seconds:.2f} s", flush=True)
    else:
        print("docgen watch: everything up to date", flush=True)


def watch(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None = None,
          serve: int | None = None) -> int:
    """Build, then rebuild on every change until interrupted (Ctrl-C, SIGTERM)."""
    out = Path(out)
    langs = langs or []
    missing = [p for p in map(Path, paths) if not p.exists()]
    if missing:  # as build: nothing to watch is an error at once, not a wait for ever
        for path in missing:
            print(f"{path}: error: no such file or folder", file=sys.stderr)
        return 1
    try:
        prepare(out)
        held = lock(out)  # noqa: F841 - held while watching: a build into the same --out waits its turn
    except OutputError as exc:
        print(f"docgen watch: error: {exc}", file=sys.stderr)
        return 1
    state = fingerprint.load_state(out)
    status = Status()
    server = None
    if serve is not None:  # the port first: a busy one is said at once, not after the first build
        try:
            server = _start_server(out, serve, status, formats)
        except OSError as exc:
            print(f"docgen watch: cannot serve on 127.0.0.1:{serve}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    written, problems, versions, _ = rebuild(paths, formats, out, langs, state)  # here: the loop's process warms up
    _say(written, problems, time.perf_counter() - started)
    status.publish(problems, versions)
    if server is not None:
        print(f"docgen watch: preview at http://127.0.0.1:{server.server_address[1]}/", flush=True)
    print(f"docgen watch: watching {', '.join(str(p) for p in paths)} and the templates; Ctrl-C to stop", flush=True)
    seen = _snapshot(paths)
    wake = _wakeup(paths)
    try:
        with collect_between_jobs(freeze=True) as collect:
            stopped = ""
            while True:
                if not stopped:  # else the save that stopped the last rebuild is there already
                    wake()
                now = _snapshot(paths)
                if now == seen:
                    continue
                changed = {k for k in now.keys() | seen.keys() if now.get(k) != seen.get(k)}
                seen = now
                started = time.perf_counter()
                if any(Path(k).is_relative_to(TEMPLATES) for k in changed):
                    fingerprint.forget_templates()
                    forget_templates()
                written, problems, versions, stopped = rebuild(
                    paths, formats, out, langs, state, preview=partial(_preview, status, started), edited=changed,
                    stale=lambda: _snapshot(paths) != now)
                if stopped:
                    print(f"docgen watch: a save came while {stopped} was made: it starts again from the saved text",
                          flush=True)
                    continue
                _say(written, problems, time.perf_counter() - started)
                status.publish(problems, versions)
                collect()
    except KeyboardInterrupt:
        print("docgen watch: stopped", flush=True)
        return 0
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


# ---------------------------------------------------------------- the preview server

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>docgen preview</title>
<style>
body {{ font: 14px/1.4 sans-serif; margin: 0 1em; }}
#errors {{ background: #fee; border: 2px solid #c00; padding: .5em 1em; white-space: pre-wrap; }}
#errors:empty {{ display: none; }}
iframe {{ width: 100%; height: 75vh; border: 1px solid #999; background: #fff; }}
nav a {{ margin-right: 1em; }}
</style></head>
<body data-generation="{generation}">
<pre id="errors">{problems}</pre>
{versions}
<script>
const events = new EventSource("/events?since={generation}");
events.addEventListener("rebuild", () => {{ events.close(); location.reload(); }});
</script>
</body></html>
"""

VERSION = """<section id="{doc}-{lang}"><h2>{doc} ({lang})</h2>
<nav>{links}</nav>
<iframe title="{doc} {lang}" src="{src}?g={generation}"></iframe></section>
"""


def _href(doc: str, lang: str, extension: str) -> str:
    """An output's URL, percent-encoded and escaped for an attribute: a folder name is the author's text."""
    return html.escape("/" + quote(doc) + "/" + quote(f"{doc}.{lang}.{extension}"), quote=True)



def preview_page(status: Status, out: Path, formats: list[str]) -> str:
    with status.changed:
        generation, problems, versions = status.generation, list(status.problems), list(status.versions)
    sections = []
    for doc, lang in versions:
        links = " ".join(
            f'<a href="{_href(doc, lang, FORMATS[fmt].extension)}">{html.escape(FORMATS[fmt].label)}</a>'
            for fmt in FORMATS if fmt != "html" and fmt in formats
            and output_path(out, doc, lang, FORMATS[fmt].extension).exists())
        if "html" in formats:
            sections.append(VERSION.format(doc=html.escape(doc, quote=True), lang=html.escape(lang, quote=True),
                                           links=links, src=_href(doc, lang, "html"), generation=generation))
        else:
            sections.append(f"<section><h2>{html.escape(doc)} ({html.escape(lang)})</h2><nav>{links}</nav></section>")
    return PAGE.format(generation=generation, problems=html.escape("\n".join(problems)),
                       versions="\n".join(sections) or "<p>No document found.</p>")


def _hidden(path: str) -> bool:
    """A dotfile or a backslash anywhere in the decoded path: never served (GET and HEAD alike)."""
    return any(part.startswith(".") or "\\" in part for part in unquote(path).split("/"))


class _Handler(SimpleHTTPRequestHandler):
    status: Status
    formats: list[str]
    out: Path

    def do_GET(self):
        url = urlparse(self.path)
        if not self._host_allowed():
            self.send_error(403, "this preview answers on 127.0.0.1 and localhost only")
            return
        if url.path in ("/", "/index.html"):
            body = preview_page(self.status, self.out, self.formats).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif url.path == "/events":
            self._events(parse_qs(url.query).get("since", [""])[0])
        elif _hidden(url.path):
            self.send_error(404)  # the build's state files are not for the browser, nor what %2e spells
        else:
            super().do_GET()

    def do_HEAD(self):
        if not self._host_allowed():
            self.send_error(403, "this preview answers on 127.0.0.1 and localhost only")
        elif _hidden(urlparse(self.path).path):
            self.send_error(404)
        else:
            super().do_HEAD()

    def _host_allowed(self) -> bool:
        """The Host header names this server on the loopback: a page of another site that a DNS
        name rebinds to 127.0.0.1 is refused."""
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]
        return host in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def list_directory(self, path):
        self.send_error(404)  # no listings: only the outputs the page links to
        return None

    def _events(self, since: str) -> None:
        """Server-sent events: `rebuild` whenever a rebuild has ended since the page was made."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = int(since) if since.isdigit() else self.status.generation
        try:
            while True:
                with self.status.changed:
                    self.status.changed.wait_for(lambda: self.status.generation != seen, timeout=15)
                    generation = self.status.generation
                if generation != seen:
                    seen = generation
                    self.wfile.write(f"event: rebuild\ndata: {generation}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a reload shows the new outputs
        super().end_headers()

    def log_message(self, format, *args):
        pass  # the terminal is for rebuilds and errors


def _start_server(out: Path, port: int, status: Status, formats: list[str]) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"status": status, "formats": formats, "out": out})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="docgen preview", daemon=True).start()
    return server
