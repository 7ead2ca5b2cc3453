"""The resident process (resident.py): the real command, a real server, a private socket folder.

Every test here runs `python -m docgen.cli` in subprocesses, as a user would, with its own
socket folder (DOCGEN_RESIDENT_DIR) and the switch on; the rest of the suite runs with
DOCGEN_RESIDENT=0 (conftest.py). Whether a command was served by the resident process is read
from `docgen resident status --json` (its request count) and from the line a command prints
when it starts one. No resident process outlives the tests: each folder's servers are stopped
and any process still carrying the folder in its environment is killed, and that is asserted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import CONTENT, ROOT, SPECIMEN, ZH

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the resident process is Linux-only")

STARTING = "docgen: starting a resident process"
TIMING = re.compile(r" in \d+\.\d s$", re.M)  # the build summary's elapsed time


class Resident:
    """A socket folder of its own, the environment that uses it, and helpers to run commands."""

    def __init__(self, **env: str):
        self.dir = Path(tempfile.mkdtemp(prefix="dgr", dir="/tmp"))  # short: a socket path has ~107 bytes
        self.env = {**os.environ, "DOCGEN_RESIDENT": "1", "DOCGEN_RESIDENT_DIR": str(self.dir / "s"),
                    "DOCGEN_RESIDENT_IDLE": "120", **env}

    def run(self, *args, resident: bool = True, cwd: Path = ROOT, env: dict | None = None, **kw):
        environment = {**self.env, **(env or {}), **({} if resident else {"DOCGEN_RESIDENT": "0"})}
        return subprocess.run([sys.executable, "-m", "docgen.cli", *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, env=environment, timeout=120, **kw)

    def status(self, env: dict | None = None) -> list[dict]:
        result = self.run("resident", "status", "--json", env=env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def current(self, env: dict | None = None) -> dict | None:
        return next((s for s in self.status(env) if s["current"]), None)

    def start(self, env: dict | None = None) -> dict:
        result = self.run("resident", "start", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        server = self.current(env)
        assert server is not None
        return server

    def wait_for_server(self, env: dict | None = None, seconds: float = 60) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            server = self.current(env)
            if server is not None:
                return server
            time.sleep(0.1)
        raise AssertionError("no resident process answered")

    def processes(self) -> list[int]:
        """Processes of this user whose environment names this folder (the servers and their children)."""
        marker = f"DOCGEN_RESIDENT_DIR={self.dir}/".encode()
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != os.getpid():
                try:
                    if any(v.startswith(marker) for v in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")):
                        found.append(int(entry))
                except OSError:
                    continue
        return found

    def close(self) -> None:
        for folder in self.dir.iterdir():
            self.run("resident", "stop", env={"DOCGEN_RESIDENT_DIR": str(folder)})
        deadline = time.monotonic() + 10
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.05)
        left = self.processes()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        assert not left, f"resident processes left running: {left}"


@pytest.fixture(scope="module")
def resident():
    """One resident process shared by the tests that only use it (starting one costs ~2 s)."""
    r = Resident()
    r.start()
    yield r
    r.close()


@pytest.fixture
def fresh():
    """A socket folder with nothing running, for tests about starting and stopping."""
    r = Resident()
    yield r
    r.close()


def _same(served, local) -> None:
    assert served.returncode == local.returncode, (served.stderr, local.stderr)
    assert TIMING.sub("", served.stdout) == TIMING.sub("", local.stdout)
    assert TIMING.sub("", served.stderr) == TIMING.sub("", local.stderr)


def test_commands_are_served_and_their_outputs_are_identical(resident, tmp_path):
    before = resident.current()["requests"]
    runs = {}
    for name, is_resident in (("served", True), ("local", False)):
        out = tmp_path / name
        runs[name] = [
            resident.run("build", ZH, "--format", "pdf,html", "--out", out, resident=is_resident, cwd=tmp_path),
            resident.run("build", SPECIMEN, "--lang", "en,ar", "--format", "docx,akn", "--out", out, "--jobs", "1",
                         resident=is_resident, cwd=tmp_path),
            resident.run("check", CONTENT, resident=is_resident),
        ]
    assert resident.current()["requests"] == before + 3
    for served, local in zip(runs["served"], runs["local"]):
        assert served.returncode == 0, served.stderr
        _same(served, local.__class__(local.args, local.returncode, local.stdout.replace("/local/", "/served/"),
                                      local.stderr))
        assert STARTING not in served.stderr
    files = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*") if p.is_file()
                   and not p.name.startswith(".docgen-state"))
    assert len([f for f in files if f.parts[0] != "fonts"]) == 2 + 4  # HTML brings its fonts/ folder
    for name in files:
        assert (tmp_path / "served" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_bad_input_usage_errors_and_help_are_identical(resident, content_copy):
    zh = content_copy / "ctoc-cop-5-2" / "zh.yaml"
    zh.write_text(zh.read_text("utf-8").replace("\n", "\n  : ][\n", 3), "utf-8")
    before = resident.current()["requests"]
    for args in (("check", content_copy / "ctoc-cop-5-2"),
                 ("build", content_copy / "ctoc-cop-5-2", "--format", "html", "--out", content_copy.parent / "out"),
                 ("build", "--format", "nope"), ("check", "--help"), ("import", content_copy / "missing.docx")):
        served, local = resident.run(*args), resident.run(*args, resident=False)
        _same(served, local)
        assert served.returncode in (0, 1, 2)
    served = resident.run("check", content_copy / "ctoc-cop-5-2")
    assert served.returncode == 1 and re.search(r"zh\.yaml:\d+:\d+: error: ", served.stderr), served.stderr
    assert "Traceback" not in served.stderr
    assert resident.current()["requests"] == before + 6


def test_a_terminal_is_seen_as_a_terminal(resident, tmp_path):
    """Progress redraws its line on a terminal and prints `wrote` lines elsewhere: the child sees the client's tty."""
    import pty

    def on_tty(is_resident: bool) -> bytes:
        leader, follower = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", ZH, "--format", "html", "--force",
                                    "--out", tmp_path / "out"], stdout=follower, stderr=follower, cwd=ROOT,
                                   env={**resident.env, "DOCGEN_RESIDENT": "1" if is_resident else "0"})
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(60) == 0
        os.close(leader)
        return re.sub(rb"\d+\.\d s", b"", b"".join(chunks))

    served, local = on_tty(True), on_tty(False)
    assert b"\r\x1b[K" in local and b"wrote " not in local  # the terminal mode of progress.py
    assert served == local


def test_concurrent_commands(resident, tmp_path):
    before = resident.current()["requests"]
    processes = [subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", SPECIMEN, "--format", "html,akn",
                                   "--out", tmp_path / str(n), "--jobs", "1"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=ROOT, env=resident.env) for n in range(3)]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert resident.current()["requests"] == before + 3
    outputs = [sorted((p.name, p.read_bytes()) for p in (tmp_path / str(n)).rglob("*.*") if p.suffix in (".html", ".xml"))
               for n in range(3)]
    assert len(outputs[0]) == 12 and outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_client_interrupts_the_build(resident, tmp_path, signum):
    """Ctrl-C (SIGINT) or `kill` (SIGTERM) on the client: the child stops as the command would (status 130,
    the same message), no partial file is left, and nothing keeps running."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", CONTENT, "--out", out, "--jobs", "1",
                                "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=resident.env)
    assert process.stdout.readline().startswith("wrote ")  # the build is under way in the child
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "docgen: interrupted; no partial output was written" in stderr
    assert not [p for p in out.rglob("*") if ".part" in p.name or p.name.startswith(".tmp")]
    deadline = time.monotonic() + 10
    while resident.current()["running"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert resident.current()["running"] == 0


def test_captured_output_does_not_wait_for_the_started_server(fresh, tmp_path):
    """No server: the command runs in its own process, starts one in the background and says so;
    a caller capturing its output (pipes) gets EOF when the command ends, not when the server does."""
    started = time.monotonic()
    first = fresh.run("build", ZH, "--format", "html", "--out", tmp_path / "a", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(STARTING) == 1
    assert time.monotonic() - started < 60
    server = fresh.wait_for_server()
    assert server["requests"] == 0
    second = fresh.run("build", ZH, "--format", "html", "--out", tmp_path / "b", cwd=tmp_path)
    assert STARTING not in second.stderr and fresh.current()["requests"] == 1
    assert (tmp_path / "a/ctoc-cop-5-2/ctoc-cop-5-2.zh.html").read_bytes() == \
        (tmp_path / "b/ctoc-cop-5-2/ctoc-cop-5-2.zh.html").read_bytes()
    quiet = fresh.run("build", ZH, "--format", "html", "--out", tmp_path / "c", "--quiet", resident=True,
                      env={"DOCGEN_RESIDENT_DIR": str(fresh.dir / "other")})
    assert quiet.returncode == 0 and STARTING not in quiet.stderr  # --quiet: no line, but one was started
    assert fresh.wait_for_server(env={"DOCGEN_RESIDENT_DIR": str(fresh.dir / "other")})


def test_switched_off_nothing_is_used_or_started(fresh, tmp_path):
    for args, env in ((("--no-resident",), {}), ((), {"DOCGEN_RESIDENT": "0"})):
        result = fresh.run("build", ZH, "--format", "html", "--out", tmp_path / "x", *args, env=env)
        assert result.returncode == 0 and STARTING not in result.stderr
    time.sleep(0.5)
    assert fresh.status() == [] and fresh.processes() == []


def test_two_starts_one_server_and_a_stale_socket_is_replaced(fresh, tmp_path):
    folder = fresh.dir / "s"
    folder.mkdir(mode=0o700)
    key = subprocess.run([sys.executable, "-c", "from docgen import resident; print(resident.key())"],
                         capture_output=True, text=True, env=fresh.env, check=True).stdout.strip()
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(folder / f"{key}.sock"))  # a server that died without removing its socket
    dead.close()
    runs = [subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", ZH, "--format", "html", "--out",
                              tmp_path / str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                             env=fresh.env) for n in range(2)]
    for run in runs:
        assert run.wait(120) == 0
    fresh.wait_for_server()
    deadline = time.monotonic() + 15  # the loser of the race gives up after waiting 5 s for the lock
    while len(fresh.processes()) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(fresh.processes()) == 1 and len(fresh.status()) == 1
    assert fresh.run("build", ZH, "--format", "html", "--out", tmp_path / "2").returncode == 0
    assert fresh.current()["requests"] == 1


def test_edits_are_seen_and_changed_code_or_fonts_are_not_served(fresh, tmp_path):
    """Templates and content edited between two commands: the second, served by the same process, sees
    both. A changed font manifest: the server refuses, the command runs in its own process, the
    server exits. Changed docgen code: the command does not reach the old server at all."""
    templates, fonts, package = tmp_path / "templates", tmp_path / "fonts", tmp_path / "lib"
    shutil.copytree(ROOT / "templates", templates)
    fonts.mkdir()
    for font in (ROOT / "fonts").iterdir():
        if font.is_file():
            (fonts / font.name).symlink_to(font) if font.name != "MANIFEST.json" else shutil.copy(font, fonts)
    shutil.copytree(ROOT / "src" / "docgen", package / "docgen", ignore=shutil.ignore_patterns("__pycache__"))
    content = tmp_path / "content"
    shutil.copytree(ZH, content / "ctoc-cop-5-2")
    env = {"DOCGEN_TEMPLATES": str(templates), "DOCGEN_FONTS": str(fonts)}
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(package)!r}); "
               "from docgen.cli import run; sys.argv[0] = 'docgen'; run()"]

    def build(out: str):
        result = subprocess.run([*command, "build", content, "--format", "html", "--out", tmp_path / out, "--force"],
                                capture_output=True, text=True, cwd=tmp_path, env={**fresh.env, **env}, timeout=120)
        assert result.returncode == 0, result.stderr
        return result, (tmp_path / out / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.html").read_text("utf-8")

    def status() -> dict | None:
        found = subprocess.run([*command, "resident", "status", "--json"], capture_output=True, text=True,
                               env={**fresh.env, **env}, check=True)
        return next((s for s in json.loads(found.stdout) if s["current"]), None)

    def wait() -> dict | None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (server := status()) is not None:
                return server
            time.sleep(0.1)
        return None

    build("0")
    server = wait()
    assert server and server["docgen"] == str(package / "docgen")
    html = templates / "resolution.html.j2"
    html.write_text(html.read_text("utf-8").replace("</body>", "<p>TEMPLATE-MARK</p></body>"), "utf-8")
    emblem = templates / "emblem.svg"  # read once per process by the HTML writer, not by Jinja
    emblem.write_text(emblem.read_text("utf-8").rstrip() + "<!-- EMBLEM-MARK -->\n", "utf-8")
    zh = content / "ctoc-cop-5-2" / "zh.yaml"
    text = zh.read_text("utf-8")
    word = re.search(r"[\u4e00-\u9fff]{4}", text.split("paragraphs", 1)[-1]).group()
    zh.write_text(text.replace(word, "内容已改", 1), "utf-8")
    result, page = build("1")
    assert STARTING not in result.stderr and status()["requests"] == 1
    assert "TEMPLATE-MARK" in page and "EMBLEM-MARK" in page and "内容已改" in page

    (fonts / "MANIFEST.json").write_text((fonts / "MANIFEST.json").read_text("utf-8") + "\n", "utf-8")
    result, _ = build("2")
    assert STARTING in result.stderr  # refused: run here, and a new one started
    deadline = time.monotonic() + 10
    while server["pid"] in fresh.processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server["pid"] not in fresh.processes()
    assert wait() is not None

    with open(package / "docgen" / "build.py", "a", encoding="utf-8") as source:
        source.write("\n# changed\n")
    result, _ = build("3")
    assert STARTING in result.stderr  # the new code's socket has no server yet
    assert status() is None or status()["requests"] == 0


def test_the_client_imports_almost_nothing(resident):
    """What the command imports when a resident process serves it: docgen's package, the client,
    built-in modules; not argparse, pathlib, the build, WeasyPrint (python -X importtime)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "docgen.cli", "check", ZH], capture_output=True,
                            text=True, cwd=ROOT, env=resident.env, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    baseline = subprocess.run([sys.executable, "-X", "importtime", "-c", "import runpy"], capture_output=True,
                              text=True, env=resident.env).stderr
    imported -= {line.split("|")[-1].strip() for line in baseline.splitlines() if line.startswith("import time:")}
    assert imported <= {"docgen", "docgen.resident", "__future__", "gc", "zlib", "_socket", "marshal"}, imported
    assert "docgen" in imported and "docgen.resident" in imported


def test_ctrl_z_stops_the_child_with_the_client(resident, tmp_path):
    # eight copies of the six-language specimen: 48 PDFs, so that the build is still running when
    # Ctrl-Z arrives after the first (six took ~0.5 s warm: the client had sometimes ended already)
    for n in range(8):
        shutil.copytree(SPECIMEN, tmp_path / "content" / f"specimen-{n}")
    process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", tmp_path / "content", "--format", "pdf",
                                "--out", tmp_path / "out", "--jobs", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, env=resident.env,
                               # a process group of its own, whose parent (pytest) is in the same
                               # session: the kernel discards Ctrl-Z sent to an orphaned group, as
                               # pytest's own is when whatever started it has exited (a background job)
                               process_group=0)
    assert process.stdout.readline().startswith("wrote ")
    (child,) = resident.current()["children"]
    process.send_signal(signal.SIGTSTP)

    def state(pid: int) -> str:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]

    deadline = time.monotonic() + 10
    while not (state(process.pid) == "T" and state(child) == "T") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert state(process.pid) == "T" and state(child) == "T"
    process.send_signal(signal.SIGCONT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 48


def test_idle_timeout_and_stop(fresh):
    server = fresh.start(env={"DOCGEN_RESIDENT_IDLE": "1"})
    deadline = time.monotonic() + 15
    while server["pid"] in fresh.processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server["pid"] not in fresh.processes()
    assert not list((fresh.dir / "s").glob("*.sock"))  # it removed its socket
    server = fresh.start()
    stopped = fresh.run("resident", "stop")
    assert stopped.returncode == 0 and str(server["pid"]) in stopped.stdout
    assert fresh.status() == [] and "none running" in fresh.run("resident", "status").stdout
    server = fresh.start()
    (socket_file,) = (fresh.dir / "s").glob("*.sock")
    socket_file.unlink()  # as when the runtime folder is removed at logout: nobody can reach it, it exits
    deadline = time.monotonic() + 20
    while server["pid"] in fresh.processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server["pid"] not in fresh.processes()


def test_a_killed_client_stops_its_child(resident, tmp_path):
    """`kill -9` of the command (nothing can be passed on): the resident process sees the client's
    connection close and stops the child as SIGTERM would, leaving no partial file."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", CONTENT, "--out", out, "--jobs", "1",
                                "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=resident.env)
    assert process.stdout.readline().startswith("wrote ")
    (child,) = resident.current()["children"]
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 20
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() and resident.current()["running"] == 0
    assert not [p for p in out.rglob("*") if ".part" in p.name or p.name.startswith(".tmp")]
