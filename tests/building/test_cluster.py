"""`docgen build --cluster` (#16) on a real Dask cluster of subprocesses on 127.0.0.1.

One scheduler and `docgen worker --nworkers 2` serve the module; a third worker has altered
templates and one altered font file and must never render (its outputs would differ). Every
build is the real command; the tests look at the files it left, byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, corpus, ctrl_c_as_at_a_terminal
from tests.building.test_many import complete, outputs, stamps

pytestmark = pytest.mark.slow  # real processes, many documents: `make test` runs it, `make test-fast` does not

distributed = pytest.importorskip("distributed", reason="the test extra installs docgen[cluster]")

TIMEOUT = 240  # seconds for any one command: a hang fails the test instead of the suite
ODD_FONT = "LiberationSerif-BoldItalic.ttf"


@dataclass
class Cluster:
    address: str
    client: object
    root: Path
    processes: list

    def ready(self, workers: int = 3) -> None:
        """Wait until every worker is back (the nanny restarts a killed one)."""
        self.client.wait_for_workers(workers, timeout=120)


def _spawn(args: list[str], log: Path, **env: str) -> subprocess.Popen:
    with open(log, "ab") as handle:
        return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
                                env={**os.environ, **env})


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the nannies and their workers
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _odd_folders(root: Path) -> tuple[Path, Path]:
    """Templates with a change that shows in the outputs, and fonts/ with one file altered."""
    templates, fonts = root / "templates", root / "fonts"
    shutil.copytree(ROOT / "templates", templates)
    css = templates / "resolution.css.j2"
    css.write_text(css.read_text("utf-8") + "\n/* altered on one worker */\n", "utf-8")
    fonts.mkdir()
    for file in (ROOT / "fonts").iterdir():
        (fonts / file.name).symlink_to(file)
    (fonts / ODD_FONT).unlink()
    (fonts / ODD_FONT).write_bytes((ROOT / "fonts" / ODD_FONT).read_bytes() + b"\0")  # same manifest, other file
    return templates, fonts


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    log = root / "cluster.log"
    env = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}  # KilledWorker after two deaths, not four
    processes = [_spawn([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                         "--no-dashboard", "--scheduler-file", str(root / "scheduler.json")], log, **env)]
    client = None
    try:
        deadline = time.monotonic() + 60
        while not (root / "scheduler.json").exists():
            assert time.monotonic() < deadline and processes[0].poll() is None, log.read_text()
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads((root / "scheduler.json").read_text())["address"]
        worker = [sys.executable, "-m", "docgen.cli", "worker", address, "--host", "127.0.0.1", "--no-dashboard",
                  "--local-directory", str(root / "scratch")]
        processes.append(_spawn(worker + ["--nworkers", "2", "--preload", str(ROOT / "tests" / "cluster_poison.py")], log))
        templates, fonts = _odd_folders(root)
        processes.append(_spawn(worker + ["--nworkers", "1", "--name", "odd"], log,
                                DOCGEN_TEMPLATES=str(templates), DOCGEN_FONTS=str(fonts)))
        client = distributed.Client(address, set_as_default=False, timeout=30)
        result = Cluster(address, client, root, processes)
        result.ready()
        yield result
    finally:
        if client is not None:
            client.close()
        for process in reversed(processes):
            _stop(process)


def test_workers_are_set_up_by_docgens_preload(cluster):
    """Warmed once, one document at a time under their identity, no profiler, Ctrl-C left to Dask."""
    from docgen.building import fingerprint
    from docgen.building.cluster import resource

    def look(dask_worker):
        import signal

        return {"resources": dict(dask_worker.state.total_resources), "profiler": "profile" in dask_worker.periodic_callbacks,
                "sigint ignored": signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
                "writers loaded": "docgen.writers.pdf" in sys.modules}

    cluster.ready()
    seen = cluster.client.run(look)
    assert len(seen) == 3
    mine = resource(fingerprint.identity())
    assert sorted(mine in s["resources"] for s in seen.values()) == [False, True, True]  # the odd one differs
    for state in seen.values():
        assert [n for n, q in state["resources"].items() if n.startswith("docgen-") and q == 1] != []
        assert not state["profiler"] and not state["sigint ignored"] and state["writers loaded"]


def docgen(*args, env: dict | None = None, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docgen.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=TIMEOUT, env={**os.environ, **(env or {})}, **popen)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, count=4, seed=3, notes=(2, 8))
    for document in CONTENT.iterdir():  # the real documents too: Chinese and English, every feature they use
        if document.is_dir():
            shutil.copytree(document, root / document.name)
    # the user's organ table beside the documents is one of their inputs: it must travel too
    (root / "organs.yaml").write_text(
        "un-ga:\n  akn_id: unGa\n  show_as: General Assembly\n  names:\n"
        + "".join(f"    {code}: [{name}]\n" for code, name in (("ar", "الجمعية العامة"), ("zh", "大会"),
                  ("en", "General Assembly of the Test"), ("fr", "Assemblée générale"),
                  ("ru", "Генеральная Ассамблея"), ("es", "Asamblea General"))), "utf-8")
    return root


def summary(stderr: str) -> str:
    return stderr[stderr.index("failure(s):"):] if "failure(s):" in stderr else ""


def test_cluster_build_is_the_local_build_and_a_no_op_sends_nothing(cluster, small_corpus, tmp_path):
    local = docgen("build", small_corpus, "--out", tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    cluster.ready()
    remote = docgen("build", small_corpus, "--out", tmp_path / "cluster", "--cluster", cluster.address)
    assert remote.returncode == 0, remote.stderr
    a, b = outputs(tmp_path / "local"), outputs(tmp_path / "cluster")
    assert a.keys() == b.keys() and ".docgen-state.json" in a  # state file included: same fingerprints
    versions = sum(len(list(folder.glob("??.yaml"))) for folder in small_corpus.iterdir() if folder.is_dir())
    versions += 6  # the specimen's six languages again, as its draft (specimen.draft.<lang>)
    assert len([name for name in a if name.endswith((".pdf", ".docx", ".xml", ".html"))]) == versions * 4
    assert [name for name in a if a[name] != b[name]] == []
    assert "General Assembly of the Test" in b["specimen/specimen.en.html"].decode()  # organs.yaml travelled
    # the odd worker was named and left out (had it rendered, its HTML and PDF would differ)
    refused = [line for line in remote.stderr.splitlines() if "worker refused" in line]
    assert len(refused) == 1 and "templates differ" in refused[0] and f"font {ODD_FONT} differs" in refused[0]
    assert "docgen's code" not in refused[0]

    # nothing to do: the cluster is not even asked (this address has no scheduler)
    before = stamps(tmp_path / "cluster")
    again = docgen("build", small_corpus, "--out", tmp_path / "cluster", "--cluster", "tcp://127.0.0.1:9")
    assert again.returncode == 0 and f"0 file(s) written, {versions * 4} up to date" in again.stdout, again.stdout + again.stderr
    assert stamps(tmp_path / "cluster") == before


def test_a_worker_killed_midway_still_gives_every_output(cluster, tmp_path):
    source, out = tmp_path / "corpus", tmp_path / "out"
    corpus.generate(source, count=6, seed=9, notes=(2, 10))
    cluster.ready()
    build = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", str(source), "--out", str(out),
                              "--format", "pdf", "--cluster", cluster.address],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        victim, deadline = None, time.monotonic() + TIMEOUT
        while victim is None and time.monotonic() < deadline and build.poll() is None:
            busy = [w for w, keys in cluster.client.processing().items() if any("docgen-render" in str(k) for k in keys)]
            if busy and list(out.rglob("*.pdf")):  # one document written, others under way
                victim = busy[0]
            time.sleep(0.05)
        assert victim, "no worker was seen rendering"
        pid = cluster.client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        stdout, stderr = build.communicate(timeout=TIMEOUT)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, stderr
    assert "6 file(s) written" in stdout
    finished = sorted(out.rglob("*.pdf"))
    assert len(finished) == 6 and all(complete(p) for p in finished)


@pytest.fixture
def loaded_machine():
    """Four processes that keep every core busy beside the test (#22: under load, results lost with
    a dying worker were reported as failures of innocent documents, "NoneType: None")."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(4)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def test_failures_stay_with_their_document(cluster, small_corpus, tmp_path, loaded_machine):
    """A YAML error (found here, nothing sent), a render failure on a worker, and a document that
    kills every worker that renders it (KilledWorker): each fails alone, the others are written,
    with the machine loaded. The last two are staged by the test preload (tests/cluster_poison.py)."""
    source, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(small_corpus, source)
    broken = next((source / "synthetic-002").glob("??.yaml"))
    broken.write_text(broken.read_text("utf-8").replace("operative:", "operative: [", 1), "utf-8")
    shutil.copytree(source / "synthetic-001", source / "poison")
    shutil.copytree(source / "synthetic-003", source / "unrenderable")
    cluster.ready()
    result = docgen("build", source, "--out", out, "--format", "pdf,akn", "--cluster", cluster.address)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in summary(result.stderr).splitlines() if line.startswith("  ") and line[2] != " "]
    assert any(line.startswith("  synthetic-002: ") and "not valid YAML" in line for line in lines), lines
    failed = [line for line in lines if line.startswith("  unrenderable  ")]
    language_file = next((source / "unrenderable").glob("??.yaml"))
    assert len(failed) == 1 and "  pdf: " in failed[0] and f"{language_file}: the footnotes could not" in failed[0]
    assert f"{os.sep}docgen-render-" not in result.stderr  # the worker's own folder is shown as the client's
    killed = [line for line in lines if line.startswith("  poison  ")]
    assert len(killed) == 2 and all("KilledWorker" in line for line in killed), lines
    assert "NoneType" not in result.stderr
    assert len(lines) == 4, lines
    written = sorted(p.name for p in out.rglob("*.*") if p.suffix in (".pdf", ".xml"))
    versions = sum(len(list(folder.glob("??.yaml"))) for folder in source.iterdir() if folder.is_dir())
    versions += 6  # the specimen's draft form
    assert len(written) == versions * 2 - 2 - 2 - 1 and f"unrenderable.{language_file.stem}.xml" in written
    assert not any(name.startswith(("synthetic-002", "poison", "unrenderable")) and not name.endswith(".xml")
                   or name.startswith(("synthetic-002", "poison")) for name in written)


def test_a_client_unlike_every_worker_is_refused(cluster, small_corpus, tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for file in (ROOT / "fonts").iterdir():
        if file.name != "MANIFEST.json":
            (fonts / file.name).symlink_to(file)
    manifest = json.loads((ROOT / "fonts" / "MANIFEST.json").read_text("utf-8"))
    manifest["fonts"]["LiberationSerif-Regular.ttf"]["sha256"] = "0" * 64
    (fonts / "MANIFEST.json").write_text(json.dumps(manifest), "utf-8")
    cluster.ready()
    result = docgen("build", small_corpus / "specimen", "--out", tmp_path / "out", "--format", "akn", "--lang", "en",
                    "--cluster", cluster.address, env={"DOCGEN_FONTS": str(fonts)})
    assert result.returncode == 1
    message = summary(result.stderr)
    assert "no worker renders like this machine" in message
    assert message.count("font LiberationSerif-Regular.ttf differs") == 3, message  # every worker, named
    assert not (tmp_path / "out" / "specimen").exists()


def test_interrupting_a_cluster_build_cancels_its_work_and_keeps_what_is_done(cluster, tmp_path):
    source, out = tmp_path / "corpus", tmp_path / "out"
    corpus.generate(source, count=10, seed=9, notes=(5, 20))
    cluster.ready()
    build = subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", str(source), "--out", str(out),
                              "--format", "pdf", "--cluster", cluster.address],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             preexec_fn=ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and len(list(out.rglob("*.pdf"))) < 2 and build.poll() is None:
        time.sleep(0.05)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr
    assert "Traceback" not in stderr
    finished = list(out.rglob("*.pdf"))
    assert 2 <= len(finished) < 10 and all(complete(p) for p in finished)
    assert not list(out.rglob("*.part"))

    def left() -> list:
        return cluster.client.run_on_scheduler(
            lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks if "docgen-render" in str(k)])

    deadline = time.monotonic() + 30
    while left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left() == []  # nothing of the build is queued or kept on the cluster
    state = json.loads((out / ".docgen-state.json").read_text("utf-8"))["outputs"]
    assert sorted(state) == sorted(str(p.relative_to(out)) for p in finished)  # the next build starts from there


def test_dask_is_optional(tmp_path):
    """A local build never imports Dask; --cluster without it says how to install it."""
    probe = ("import sys\n"
             "from docgen.cli import main\n"
             "if sys.argv[1] == 'without': sys.modules['distributed'] = None  # as if not installed\n"
             "status = main(sys.argv[2:])\n"
             "print([name for name in ('dask', 'distributed') if sys.modules.get(name) is not None])\n"
             "sys.exit(status)\n")
    local = subprocess.run([sys.executable, "-c", probe, "with", "build", str(CONTENT / "specimen"), "--out",
                            str(tmp_path / "a"), "--format", "akn", "--jobs", "1"], capture_output=True, text=True,
                           cwd=ROOT, timeout=TIMEOUT)
    assert local.returncode == 0 and local.stdout.strip().endswith("[]"), local.stdout + local.stderr
    missing = subprocess.run([sys.executable, "-c", probe, "without", "build", str(CONTENT / "specimen"), "--out",
                              str(tmp_path / "b"), "--format", "akn", "--cluster", "tcp://127.0.0.1:9"],
                             capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT)
    assert missing.returncode == 1 and "pip install 'docgen[cluster]'" in missing.stderr, missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_task_carries_bytes_and_the_worker_returns_what_it_rendered():
    """The worker's side of a task, from the files' bytes alone (in a process of its own, as on a worker)."""
    probe = f"""
from pathlib import Path
from docgen.building import fingerprint
from docgen.building.cluster import Task, render
from docgen.building.job import Job, run

folder, other = Path({str(CONTENT / "specimen")!r}), Path({str(CONTENT / "ctoc-cop-5-2")!r})
files = tuple(fingerprint.read_document_files(folder))
doc_hash = fingerprint.document(folder)
rendered = render(Task("specimen", doc_hash, files, (("en", "akn", "adopted"), ("en", "docx", "draft"))))
assert rendered.doc_hash == doc_hash and Path(rendered.folder).name == "specimen"
assert not Path(rendered.folder).exists()  # the worker's copy is gone once rendered
assert [r.data for r in rendered.results] == [run(Job(folder, "en", fmt, False, doc_hash, form)).data
                                              for fmt, form in (("akn", "adopted"), ("docx", "draft"))]
# the bytes of another document under this one's hash: the worker says what it rendered, and stops
wrong = render(Task("specimen", doc_hash, tuple(fingerprint.read_document_files(other)), (("en", "akn", "adopted"),)))
assert wrong.doc_hash == fingerprint.document(other) != doc_hash and wrong.results == ()
try:
    render(Task("..", doc_hash, files, (("en", "akn", "adopted"),)))
except ValueError:
    print("ok")
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
