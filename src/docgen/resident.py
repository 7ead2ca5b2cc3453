"""The resident process: a warm docgen that `docgen build|check|import` hand their work to.

A cold `docgen build` spends most of its time before and after the work: starting Python,
importing WeasyPrint and the writers, loading the fonts. The resident process (a "fork server",
like Python's multiprocessing forkserver, the Gradle daemon or dmypy) has done that once and
waits on a Unix socket. The `docgen` command is then a small client (this module's top half,
which imports nothing but built-in modules): it connects and sends its arguments, working
folder, environment, umask and its standard input, output and error (the file descriptors
themselves, SCM_RIGHTS). The resident process forks a child per request; the child takes the
client's descriptors, folder and environment and runs the ordinary `cli.main`, exactly as the
command would have in its own process: same output, same terminal detection, same exit status,
which goes back to the client, which exits with it. Ctrl-C, SIGTERM and SIGHUP sent to the
client are passed on to the child, Ctrl-Z stops it with the client; a child whose client
disappears is stopped as by SIGTERM.

When no resident process answers, the command runs in its own process as it always did, then
starts one in the background for next time (one line on stderr says so, except with --quiet).
It stops after `IDLE` seconds without a request (DOCGEN_RESIDENT_IDLE), or with
`docgen resident stop`. DOCGEN_RESIDENT=0 or --no-resident: never used, never started.

Never stale: the socket's name is a hash of what the warm process was made from (the
interpreter, docgen's own files as their sizes and modification times, the installed
distributions, the environment variables read at import time), so changed code has no server
until a new one starts. At each request the server also checks these again, and every file it
has mapped in memory (Python's and the native libraries, fonts) and the font manifest: if any
changed, it refuses (the client runs the command itself) and exits. Templates, content and
organ tables are read by each request's child: the warm parent holds no cache of them.

Security: the socket is in a folder only the user can open (0700, under $XDG_RUNTIME_DIR or
/tmp/docgen-<uid>), and both ends check the other's user id (SO_PEERCRED).
"""

from __future__ import annotations

import os
import sys

ROUTED = ("build", "check", "import")  # the commands a resident process runs
SWITCH = "DOCGEN_RESIDENT"             # "0": no resident process, used or started
FLAG = "--no-resident"
IDLE = 900                             # seconds without a request before the resident process exits
CHECK = 5                              # seconds between two checks, while waiting, that it may still serve
_HELLO = b"docgen-resident-1"         # protocol version: a server of another version is not spoken to


# ---------------------------------------------------------------- the client (cheap imports only)


def command_of(argv: list[str]) -> str | None:
    """The subcommand named in argv (the first word that is not an option), if any."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def switched_off(variable: str) -> bool:
    """An environment switch set to 0, no, off or false (DOCGEN_RESIDENT, prefork's DOCGEN_PREFORK)."""
    return os.environ.get(variable, "1") in ("0", "no", "off", "false")


def enabled(argv: list[str]) -> bool:
    return (not switched_off(SWITCH)
            and FLAG not in argv and command_of(argv) in ROUTED and sys.platform.startswith("linux"))


def folder() -> str | None:
    """The user's private folder for resident sockets, made if needed; None if it is not safe."""
    base = os.environ.get("DOCGEN_RESIDENT_DIR")
    if base:
        base = os.path.abspath(base)
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        base = os.path.join(runtime, "docgen") if runtime and os.path.isabs(runtime) else f"/tmp/docgen-{os.getuid()}"
    if len(os.fsencode(base)) + len("/0123456789abcdef.sock") >= 108:
        return None  # longer than a Unix socket's path may be
    try:
        os.mkdir(base, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        st = os.lstat(base)
    except OSError:
        return None
    import stat as _stat

    if not _stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None  # a symbolic link, someone else's, or open to others: not used
    return base


def _package() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def key_text() -> str:
    """What a warm process is made of, as text; cheap (stat calls and folder listings, no reading).

    docgen's own files as fingerprint.own_files sees them (.py .yaml .json .xsd, by size and
    modification time), the distributions installed on sys.path (their .dist-info names carry
    the versions), the interpreter and its flags, and the environment variables read when
    modules are imported (docgen's paths, Python's and the locale's, Fontconfig's).
    """
    flags = sys.flags
    parts = [os.path.realpath(sys.executable), sys.prefix, sys.version,
             repr((flags.optimize, flags.utf8_mode, flags.dev_mode, flags.no_user_site, flags.ignore_environment)),
             str(os.getuid()), _HELLO.decode()]
    package = _package()
    parts.append(package)
    pending = [package]
    files = []
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith((".py", ".yaml", ".json", ".xsd")):
                    st = entry.stat()
                    files.append(f"{entry.path} {st.st_size} {st.st_mtime_ns}")
    parts += sorted(files)
    for place in sys.path:
        if os.path.isdir(place or "."):
            try:
                parts += sorted(e for e in os.listdir(place or ".") if e.endswith(".dist-info"))
            except OSError:
                pass
    parts += sorted(f"{k}={v}" for k, v in os.environ.items()
                    if k.startswith(("PYTHON", "LC_", "FONTCONFIG", "DOCGEN_")) and not k.startswith(SWITCH)
                    or k in ("LANG", "LANGUAGE", "PATH", "LD_LIBRARY_PATH", "LD_PRELOAD"))
    return "\n".join(parts)


def key(again: bool = False) -> str:
    """key_text() hashed into the socket's name (computed once per command; `again`: now)."""
    global _key
    if again or not _key:
        import zlib

        text = key_text().encode("utf-8", "surrogateescape")
        _key = f"{zlib.crc32(text):08x}{zlib.adler32(text[::-1]):08x}"
    return _key


_key = ""


def _peer_uid(sock) -> int:
    import _socket

    cred = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)  # struct ucred: pid, uid, gid
    return int.from_bytes(cred[4:8], sys.byteorder)


def _connect(path: str):
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
        if _peer_uid(sock) != os.getuid():
            raise ConnectionRefusedError(f"{path}: not this user's")
    except OSError:
        sock.close()
        return None
    return sock


def _send(sock, payload: bytes, fds: list[int] = ()) -> None:
    import _socket

    data = len(payload).to_bytes(8, "little") + payload
    rights = b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds)  # an array of C ints
    ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)] if fds else []
    sent = sock.sendmsg([data], ancillary)
    while sent < len(data):
        sent += sock.send(data[sent:])


def _receive_exactly(sock, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _stream_settings(stream) -> tuple:
    if stream is None:
        return ("utf-8", "strict", False, False)
    return (stream.encoding, stream.errors, getattr(stream, "line_buffering", False),
            getattr(stream, "write_through", False))


_pid = 0
_pending_signal = 0


def _forward(signum, frame) -> None:
    """Ctrl-C or SIGTERM on the client: the child gets it (or will, once it is known)."""
    global _pending_signal
    if _pid:
        try:
            os.kill(_pid, signum)
        except OSError:
            pass
    else:
        _pending_signal = signum


def _suspend(signum, frame) -> None:
    """Ctrl-Z on the client: the child stops too, and goes on when the client does (fg, bg)."""
    import _signal

    if _pid:
        try:
            os.kill(_pid, _signal.SIGSTOP)
        except OSError:
            pass
    _signal.signal(_signal.SIGTSTP, _signal.SIG_DFL)
    os.kill(os.getpid(), _signal.SIGTSTP)  # stops here until SIGCONT
    _signal.signal(_signal.SIGTSTP, _suspend)
    if _pid:
        try:
            os.kill(_pid, _signal.SIGCONT)
        except OSError:
            pass


def client(argv: list[str]) -> int | None:
    """Run argv in a resident process: its exit status, or None (none answered, or it stepped aside)."""
    global _pid
    import _signal
    import marshal

    place = folder()
    if place is None:
        return None
    sock = _connect(os.path.join(place, key() + ".sock"))
    if sock is None:
        return None
    previous = {}
    cwd = -1
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)  # a closed standard stream: run here, where Python handles it as always
        cwd = os.open(".", os.O_PATH | os.O_DIRECTORY)  # fchdir works on it even in a folder one cannot list
        umask = os.umask(0o22)
        os.umask(umask)
        request = {"op": "run", "hello": _HELLO, "argv": [sys.argv[0], *argv], "env": dict(os.environb),
                   "umask": umask, "nice": os.nice(0),
                   "streams": [_stream_settings(s) for s in (sys.stdin, sys.stdout, sys.stderr)]}
        previous = {s: _signal.signal(s, _forward) for s in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP)}
        previous[_signal.SIGTSTP] = _signal.signal(_signal.SIGTSTP, _suspend)
        _send(sock, marshal.dumps(request), [0, 1, 2, cwd])
        if _receive_exactly(sock, 1) != b"P":  # "R": the server's code or fonts changed: it steps aside
            raise EOFError
        _pid = int.from_bytes(_receive_exactly(sock, 8), "little")
        if _pending_signal:
            _forward(_pending_signal, None)
        if _receive_exactly(sock, 1) != b"X":
            raise ConnectionError
        status = int.from_bytes(_receive_exactly(sock, 8), "little", signed=True)
    except (OSError, EOFError):
        if _pid:  # it was running: what it did cannot be undone by running it again here
            print("docgen: the resident process stopped during the command; run it again "
                  f"(or with {SWITCH}=0)", file=sys.stderr)
            return 2
        if _pending_signal:
            print("docgen: interrupted", file=sys.stderr)
            return 130
        return None  # nothing was started: run it here
    finally:
        sock.close()
        if cwd >= 0:
            os.close(cwd)
        for signum, handler in previous.items():
            _signal.signal(signum, handler)
    if os.WIFSIGNALED(status):  # killed: die the same way, as the command itself would have
        signum = os.WTERMSIG(status)
        _signal.signal(signum, _signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum
    return os.waitstatus_to_exitcode(status)


def _lock_path(place: str, name: str) -> str:
    return os.path.join(place, name + ".lock")


def _starting(place: str, name: str) -> bool:
    """Whether a resident process holds this key's lock (starting, or running)."""
    import fcntl

    try:
        fd = os.open(_lock_path(place, name), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # releases the lock if it was taken
    return False


def start(quiet: bool = False) -> int:
    """Start a resident process in the background, detached (its own session, no inherited file,
    /dev/null for standard streams: a caller reading this command's output is not kept waiting).
    Returns its pid, or 0 when none was started (one is starting or running already)."""
    place = folder()
    if place is None:
        return 0
    name = key()
    if _starting(place, name):
        return 0
    flags = sys.flags
    if flags.optimize or flags.dev_mode or flags.isolated or flags.ignore_environment or flags.no_user_site:
        return 0
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from docgen.resident import serve; "
            "serve(sys.argv[2])")
    # Standard input and output: /dev/null; its own errors (a bug, a failed warm-up): <key>.log beside the socket.
    actions = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1)]
    actions.append((os.POSIX_SPAWN_OPEN, 2, os.path.join(place, name + ".log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                    0o600))
    try:
        actions += [(os.POSIX_SPAWN_CLOSE, int(fd)) for fd in os.listdir("/proc/self/fd") if int(fd) > 2]
    except OSError:
        pass
    try:
        pid = os.posix_spawn(sys.executable, [sys.executable, "-P", "-c", code, os.path.dirname(_package()), name],
                             os.environ, file_actions=actions, setsid=True)
    except OSError:
        return 0
    if not quiet:
        print("docgen: starting a resident process to make the next commands faster "
              f"(`docgen resident stop` stops it; {SWITCH}=0 turns this off)", file=sys.stderr)
    return pid


def _ask(path: str, op: str):
    """One question to the server at path (status, stop); its answer, or None."""
    import marshal

    sock = _connect(path)
    if sock is None:
        return None
    try:
        _send(sock, marshal.dumps({"op": op, "hello": _HELLO}))
        if _receive_exactly(sock, 1) != b"A":
            return None
        return marshal.loads(_receive_exactly(sock, int.from_bytes(_receive_exactly(sock, 8), "little")))
    except (OSError, EOFError, ValueError):
        return None
    finally:
        sock.close()


def servers() -> list[tuple[str, dict]]:
    """The resident processes answering in this user's folder: (socket name, status)."""
    place = folder()
    found = []
    if place:
        for entry in sorted(os.listdir(place)):
            if entry.endswith(".sock"):
                answer = _ask(os.path.join(place, entry), "status")
                if answer is not None:
                    found.append((entry[: -len(".sock")], answer))
    return found


def command(action: str, as_json: bool = False, wait: float = 30.0) -> int:
    """`docgen resident status|stop|start`."""
    import time

    place = folder()
    if place is None:
        print("docgen resident: no private folder for the socket (DOCGEN_RESIDENT_DIR, XDG_RUNTIME_DIR "
              "or /tmp/docgen-<uid> must be a folder of yours, closed to others, its path short enough "
              "for a socket)", file=sys.stderr)
        return 1
    mine = key()
    if action == "start":
        if any(name == mine for name, _ in servers()):
            print("docgen resident: already running")
            return 0
        pid = start(quiet=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if any(name == mine for name, _ in servers()):
                print(f"docgen resident: started (pid {pid})" if pid else "docgen resident: running")
                return 0
            time.sleep(0.05)
        print("docgen resident: did not start in time", file=sys.stderr)
        return 1
    if action == "stop":  # every one in the folder, those still starting too (once they listen)
        stopped: list[int] = []
        deadline = time.monotonic() + wait
        while True:
            stopped += [info["pid"] for name, _ in servers()
                        if (info := _ask(os.path.join(place, name + ".sock"), "stop")) is not None]
            starting = [entry for entry in os.listdir(place)
                        if entry.endswith(".lock") and _starting(place, entry[: -len(".lock")])]
            if not starting or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        print(f"docgen resident: stopped {', '.join(map(str, stopped))}" if stopped
              else "docgen resident: none running")
        if starting:
            print("docgen resident: one is still starting; run this again", file=sys.stderr)
            return 1
        return 0
    found = servers()
    if as_json:
        import json

        print(json.dumps([{**info, "key": name, "current": name == mine} for name, info in found], indent=1))
        return 0
    if not found:
        print(f"docgen resident: none running (socket folder {place})")
    for name, info in found:
        last = info.get("last") or {}
        which = "this docgen" if name == mine else "another docgen or environment"
        print(f"docgen resident: pid {info['pid']}, {which}, "
              f"up {info['uptime']:.0f} s, {info['requests']} requests served, "
              f"{info['rss_kb'] // 1024} MB resident, stops after {info['idle']:.0f} s idle"
              + (f"; last request: {last['wall']:.2f} s, its process's peak {last['peak_rss_kb'] // 1024} MB, "
                 f"{last['private_kb'] // 1024} MB of it not shared" if last else ""))
    return 0


# ---------------------------------------------------------------- the server


def warm_up() -> None:
    """What every request would otherwise do first: import the CLI, the build, the readers and
    the writers, load the fonts, hash docgen's code, and render a sample document (`docgen new`'s)
    in every language, so that each language's fonts, hyphenation patterns and compiled templates
    are ready (-60 ms for a child's first Chinese PDF). Nothing of a user's content is kept."""
    from . import build, cli, fingerprint, importer, job, progress  # noqa: F401
    from .readers import docx  # noqa: F401

    global _warm_templates
    _warm_templates = _templates()  # before anything reads them: an edit during the warm-up is seen
    cli.parser()
    job.load()
    fingerprint.code()
    try:
        _rehearse()
    except Exception:  # noqa: BLE001 -- only slower: each request loads what this would have
        import traceback

        traceback.print_exc()  # into the resident process's log


def _rehearse() -> None:
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    from . import build, scaffold, tables
    from .writers import Settings, writer

    with tempfile.TemporaryDirectory(prefix="docgen-resident-") as tmp:
        folder = Path(tmp) / "sample"
        with contextlib.redirect_stdout(io.StringIO()):
            scaffold.create(folder, "resolution", list(tables.CODES))
        doc, _ = build.read_one(folder)
        for n, lang in enumerate(tables.CODES):
            for fmt in ("pdf", "docx", "akn") if n == 0 else ("pdf",):
                writer(fmt)(doc, doc.versions[lang], Settings())


def _mapped_files() -> dict[str, tuple]:
    """Every file this process has mapped (the interpreter, extension modules, native libraries, fonts)."""
    found = {}
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="surrogateescape") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                path = fields[5].rstrip("\n") if len(fields) == 6 else ""
                if path.startswith("/") and path not in found and not path.endswith(" (deleted)"):
                    found[path] = None
    except OSError:
        return {}
    for path in found:
        found[path] = _identity(path)
    return found


def _identity(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class _Server:
    def __init__(self, place: str, name: str):
        import time

        self.place, self.name = place, name
        self.path = os.path.join(place, name + ".sock")
        self.started = time.monotonic()
        self.last_request = self.started
        self.requests = 0
        self.last: dict = {}
        self.children: dict[int, tuple] = {}  # pidfd -> (pid, connection, start time, report pipe)
        self.listener = None
        self.lock = -1
        self.socket = None  # the socket file's identity once bound
        self.files: dict[str, tuple] = {}
        self.idle = float(os.environ.get("DOCGEN_RESIDENT_IDLE", IDLE))

    def stale(self) -> str:
        """Why this process may no longer serve (changed code, libraries or fonts; its socket file
        removed, as when the runtime folder goes at logout), or ""."""
        if self.listener is not None and _identity(self.path) != self.socket:
            return f"{self.path} was removed"
        if key(again=True) != self.name:
            return "docgen's files, the installed packages or the environment changed"
        for path, identity in self.files.items():
            if _identity(path) != identity:
                return f"{path} changed"
        return ""

    def bind(self) -> None:
        import socket

        try:
            os.unlink(self.path)  # this process holds the lock: a socket file left here is a dead server's
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        listener.setblocking(False)
        self.listener = listener
        self.socket = _identity(self.path)

    def close(self) -> None:
        """Take no more requests: the socket goes (this process holds the lock: the file is its own),
        then the lock, so that a new resident process can start while running children finish."""
        if self.listener is not None:
            try:
                if _identity(self.path) == self.socket:  # not another one's, if ours was removed
                    os.unlink(self.path)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        if self.lock >= 0:
            os.close(self.lock)
            self.lock = -1

    def status(self) -> dict:
        import time

        rss = 0
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError):
            pass
        return {"pid": os.getpid(), "uptime": time.monotonic() - self.started, "requests": self.requests,
                "running": len(self.children), "children": sorted(c[0] for c in self.children.values()),
                "rss_kb": rss, "idle": self.idle, "last": self.last, "socket": self.path,
                "log": self.path[: -len(".sock")] + ".log", "python": sys.executable,
                "docgen": _package()}

    def loop(self) -> None:
        import select
        import signal
        import time

        poller = select.poll()
        poller.register(self.listener.fileno(), select.POLLIN)
        watched = {}  # fd -> pidfd of the child whose client connection it is
        next_check = time.monotonic() + CHECK
        while self.listener is not None or self.children:
            now = time.monotonic()
            if not self.children and self.listener is not None and now - self.last_request >= self.idle:
                break
            timeout = min(next_check, self.last_request + self.idle) - now
            events = poller.poll(max(timeout, 0) * 1000 + 1)
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + CHECK
                if self.listener is not None and self.stale():
                    poller.unregister(self.listener.fileno())
                    self.close()  # the running children finish; no new request comes here
            for fd, _ in events:
                if self.listener is not None and fd == self.listener.fileno():
                    self.accept(poller, watched)
                elif fd in self.children:
                    self.reap(fd, poller, watched)
                elif fd in watched:  # the client of a running child went away (killed): stop the child
                    pidfd = watched.pop(fd)
                    poller.unregister(fd)
                    try:
                        os.kill(self.children[pidfd][0], signal.SIGTERM)
                    except (OSError, KeyError):
                        pass

    def accept(self, poller, watched) -> None:
        import marshal

        try:
            conn, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        fds: list[int] = []
        try:
            if _peer_uid(conn) != os.getuid():
                conn.close()
                return
            conn.settimeout(5)
            request, fds = self._read_request(conn)
            if not isinstance(request, dict) or request.get("hello") != _HELLO:
                raise ValueError("not a docgen request")
            op = request.get("op")
            if op in ("status", "stop"):
                answer = marshal.dumps(self.status())
                conn.sendall(b"A" + len(answer).to_bytes(8, "little") + answer)
                conn.close()
                if op == "stop":
                    poller.unregister(self.listener.fileno())
                    self.close()
                return
            why = self.stale()
            if why or len(fds) != 4:
                conn.sendall(b"R")
                conn.close()
                if why:
                    poller.unregister(self.listener.fileno())
                    self.close()
                return
            self.fork(request, fds, conn, poller, watched)
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            conn.close()
        finally:
            for fd in fds:
                os.close(fd)

    @staticmethod
    def _read_request(conn) -> tuple[object, list[int]]:
        import marshal
        import _socket

        data, ancillary, _, _ = conn.recvmsg(1 << 16, _socket.CMSG_SPACE(4 * 8))
        fds = []
        for level, kind, payload in ancillary:
            if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
                fds += [int.from_bytes(payload[i:i + 4], sys.byteorder) for i in range(0, len(payload) - 3, 4)]
        if len(data) < 8:
            data += _receive_exactly(conn, 8 - len(data))
        size = int.from_bytes(data[:8], "little")
        body = data[8:]
        if len(body) < size:
            body += _receive_exactly(conn, size - len(body))
        return marshal.loads(body), fds

    def fork(self, request: dict, fds: list[int], conn, poller, watched) -> None:
        import select
        import time

        report, report_to = os.pipe()  # the child's private memory at its end, for `docgen resident status`
        pid = os.fork()
        if pid == 0:
            os.close(report)
            inherited = [self.listener.fileno(), self.lock]
            for pidfd, (_, other, _, child_report) in self.children.items():
                inherited += [pidfd, other.fileno(), child_report]
            _child(request, fds, conn, inherited, report_to)  # never returns
        os.close(report_to)
        self.requests += 1
        self.last_request = time.monotonic()
        pidfd = os.pidfd_open(pid)
        conn.settimeout(None)
        self.children[pidfd] = (pid, conn, time.monotonic(), report)
        poller.register(pidfd, select.POLLIN)  # readable: the child has ended
        watched[conn.fileno()] = pidfd
        poller.register(conn.fileno(), select.POLLIN)  # readable (end of file): the client has gone

    def reap(self, pidfd: int, poller, watched) -> None:
        import time

        pid, conn, began, report = self.children.pop(pidfd)
        poller.unregister(pidfd)
        os.close(pidfd)
        _, status, usage = os.wait4(pid, 0)
        try:
            private = int.from_bytes(os.read(report, 8), "little")
        except OSError:
            private = 0
        os.close(report)
        self.last = {"wall": time.monotonic() - began, "peak_rss_kb": usage.ru_maxrss, "private_kb": private,
                     "cpu": usage.ru_utime + usage.ru_stime}
        self.last_request = time.monotonic()
        if watched.pop(conn.fileno(), None) is not None:
            poller.unregister(conn.fileno())
        try:
            conn.sendall(b"X" + status.to_bytes(8, "little", signed=True))
        except OSError:
            pass
        conn.close()


def _child(request: dict, fds: list[int], conn, parent_fds: list[int], report: int) -> None:
    """The forked child: become the client's process (streams, folder, environment), run the command."""
    import signal

    code = 1
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_DFL)
        for fd in parent_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        conn.sendall(b"P" + os.getpid().to_bytes(8, "little"))
        conn.close()
        code = _run(request, fds)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 -- as Python would: the traceback, status 1
        import traceback

        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            os.write(report, private_kb().to_bytes(8, "little"))
        finally:
            os._exit(code)


def private_kb() -> int:
    """Memory this process does not share with the resident process (pages it wrote or mapped itself)."""
    total = 0
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    total += int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return total


def _run(request: dict, fds: list[int]) -> int:
    import io

    for target, fd in zip((0, 1, 2), fds):
        os.dup2(fd, target)
    os.fchdir(fds[3])
    for fd in fds:
        os.close(fd)
    os.environ.clear()
    os.environb.update(request["env"])
    os.umask(request["umask"])
    if request["nice"] > os.nice(0):
        os.nice(request["nice"] - os.nice(0))
    streams = []
    for fd, (encoding, errors, line_buffering, write_through) in zip((0, 1, 2), request["streams"]):
        raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
        buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
        streams.append(io.TextIOWrapper(buffered, encoding, errors, newline="\n" if fd else None,
                                        line_buffering=line_buffering, write_through=write_through))
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    sys.argv = list(request["argv"])
    _forget()
    from .cli import main

    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    return code


def _templates() -> dict[str, tuple]:
    """templates/ as it is now: each file's size and modification time."""
    from .paths import TEMPLATES

    found = {}
    for folder, _, files in os.walk(TEMPLATES):
        for name in files:
            path = os.path.join(folder, name)
            found[path] = _identity(path)
    return found


_warm_templates: dict[str, tuple] = {}  # templates/ when the warm-up read it


def _forget() -> None:
    """In a child: what the warm parent holds of templates/ is used only if templates/ is unchanged.

    The parent's rehearsal compiled the templates (Jinja), read the layout table and the emblem,
    and hashed templates/ for the fingerprints; if any file there was added, removed or changed
    since, all of it is dropped and read again. Content and organ tables are never cached by the
    parent (its sample document is its own), fonts and code are checked by `_Server.stale`."""
    if _templates() == _warm_templates:
        return
    from .writers import forget_templates

    forget_templates()


def _tidy(place: str, mine: str, age: float = 3600) -> None:
    """Remove the files of resident processes for other (older) code, gone for an hour: each key
    leaves a lock file and a log. One is removed only while this process holds its lock."""
    import fcntl
    import time

    for entry in os.listdir(place):
        name, dot, kind = entry.partition(".")
        if kind != "lock" or name == mine:
            continue
        path = os.path.join(place, entry)
        try:
            if time.time() - os.stat(path).st_mtime < age:
                continue
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for suffix in (".sock", ".log", ".lock"):
                try:
                    os.unlink(os.path.join(place, name + suffix))
                except OSError:
                    pass
        except OSError:
            pass  # in use
        finally:
            os.close(fd)


def serve(expected: str = "") -> None:
    """The resident process: take the key's lock, warm up, listen until idle or stale."""
    import fcntl
    import gc
    import signal
    import time

    os.chdir("/")  # keeps no user folder busy
    place = folder()
    name = key()
    if place is None or (expected and name != expected):
        return  # another docgen than the client's, or no safe folder: nobody would connect
    try:
        os.close(os.pidfd_open(os.getpid()))  # how children are waited for (Linux 5.3)
    except (AttributeError, OSError):
        return
    lock = os.open(_lock_path(place, name), os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + 5  # a stale server that refused a request is on its way out
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() > deadline:
                return  # another one won the race
            time.sleep(0.05)
    _tidy(place, name)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    server = _Server(place, name)
    server.lock = lock
    signal.signal(signal.SIGTERM, lambda *_: (server.close(), os._exit(0)))
    gc.disable()
    warm_up()
    gc.collect()
    gc.freeze()  # what the warm process holds stays out of every child's collections; pages stay shared
    server.files = _mapped_files()
    from .paths import FONTS

    manifest = str(FONTS / "MANIFEST.json")
    server.files[manifest] = _identity(manifest)
    if server.stale():
        return  # changed while warming up
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing of the warm-up's may reach a child's (the client's) streams
    server.bind()
    server.last_request = time.monotonic()  # idle from now, not from before the warm-up
    try:
        server.loop()
    finally:
        server.close()
