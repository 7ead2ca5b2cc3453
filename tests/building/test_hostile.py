"""Hostile and broken input (#22): each case ends in one clear error naming the file and the
reason, in bounded time and memory, with nothing written where it should not be, and a bad
document fails alone."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPECIMEN, ZH

MEMORY = 1536 * 2**20  # address space a command may use: a bomb that expands fails here, not the machine


def docgen(*args, cwd: Path | None = None, limit: bool = True) -> subprocess.CompletedProcess:
    """The real command, its memory bounded (RLIMIT_AS) and its time too (a hang fails the test)."""
    def bounded():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run([sys.executable, "-m", "docgen.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120, preexec_fn=bounded if limit else None)


@pytest.fixture
def content(tmp_path) -> Path:
    """Two documents: a good one (ctoc-cop-5-2) and one to break (specimen)."""
    root = tmp_path / "content"
    shutil.copytree(SPECIMEN, root / "specimen")
    shutil.copytree(ZH, root / ZH.name)
    return root


def _bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    return "\n".join(lines) + "\ntitle: *j\n"


YAML_CASES = [
    ("alias-bomb", _bomb(), "alias bomb", ":1:"),
    ("recursion", "title: &a [*a]\n", "a value contains itself", ":1:"),
    ("deep-flow", "title: " + "[" * 5000 + "]" * 5000 + "\n", "nested thousands deep", "fr.yaml"),
    ("deep-block", "title:\n" + "".join(" " * i + "- \n" for i in range(3000)), "nested thousands deep", "fr.yaml"),
    ("deep-mapping", "title:\n" + "".join(" " * i + "a:\n" for i in range(0, 200)), "nested more than 40 deep", "fr.yaml:"),
]


@pytest.mark.parametrize("name,text,message,where", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_hostile_yaml_fails_alone_with_one_clear_error(name, text, message, where, content, tmp_path):
    (content / "specimen" / "fr.yaml").write_text(text, "utf-8")
    check = docgen("check", content)
    assert check.returncode == 1 and "Traceback" not in check.stderr and "internal error" not in check.stderr
    errors = [line for line in check.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and message in errors[0] and where in errors[0], check.stderr
    out = tmp_path / "out"
    build = docgen("build", content, "--out", out, "--format", "akn")
    assert build.returncode == 1 and "internal error" not in build.stderr, build.stderr
    assert (out / ZH.name / f"{ZH.name}.zh.xml").exists()  # the good document is built
    assert not (out / "specimen").exists()


# ---------------------------------------------------------------- paths


def test_output_names_never_escape_out_when_building_dot_or_dot_dot(tmp_path):
    doc = tmp_path / "content" / "specimen"
    shutil.copytree(SPECIMEN, doc)
    (doc / "notes").mkdir()
    out = tmp_path / "box" / "out"
    assert docgen("build", "..", "--out", out, "--format", "akn", "--lang", "en", cwd=doc / "notes").returncode == 0
    assert docgen("build", ".", "--out", out, "--format", "akn", "--lang", "fr", cwd=doc).returncode == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.xml"))
    assert written == ["box/out/specimen/specimen.draft.en.xml", "box/out/specimen/specimen.draft.fr.xml",
                       "box/out/specimen/specimen.en.xml", "box/out/specimen/specimen.fr.xml"], written


def test_prune_deletes_only_outputs_docgen_wrote_inside_out(tmp_path):
    """A state file that names files outside --out (edited, or copied from elsewhere) deletes nothing there."""
    import json

    content = tmp_path / "content"
    shutil.copytree(SPECIMEN, content / "specimen")
    out = tmp_path / "out"
    assert docgen("build", content, "--out", out, "--format", "akn").returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("not docgen's", "utf-8")
    state = json.loads((out / ".docgen-state.json").read_text("utf-8"))
    state["outputs"]["../victim.txt"] = {"fingerprint": "x", "size": 12, "source": "../content/specimen/xx.yaml"}
    state["outputs"][str(victim)] = {"fingerprint": "x", "size": 12, "source": "../content/specimen/xx.yaml"}
    (out / ".docgen-state.json").write_text(json.dumps(state), "utf-8")
    (content / "specimen" / "fr.yaml").unlink()
    result = docgen("build", content, "--out", out, "--format", "akn", "--prune")
    assert result.returncode == 0, result.stderr
    assert victim.read_text("utf-8") == "not docgen's"
    assert not (out / "specimen" / "specimen.fr.xml").exists()  # docgen's own stale outputs are pruned
    assert not (out / "specimen" / "specimen.draft.fr.xml").exists()
    assert "pruned 2 stale output(s)" in result.stdout, result.stdout


def test_leftover_cleaning_deletes_only_docgen_temporary_files(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SPECIMEN, content / "specimen")
    out = tmp_path / "out"
    mine = [out / "specimen" / ".specimen.en.xml.abcd_123.part", out / ".docgen-state.json.x1y2z3w4.part"]
    theirs = [out / "specimen" / ".notes.part", out / ".download.part", out / "other" / ".x.y.part",
              out / "deep" / "specimen" / ".specimen.en.xml.abcd_123.part"]
    for path in mine + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", "utf-8")
    assert docgen("build", content, "--out", out, "--format", "akn", "--lang", "en").returncode == 0
    assert [p for p in mine if p.exists()] == []
    assert [p for p in theirs if not p.exists()] == []


# ---------------------------------------------------------------- the preview server


@pytest.fixture
def preview(tmp_path):
    """`docgen watch --serve`'s server on a free port, over an output folder with a state file."""
    from docgen.building import watch

    out = tmp_path / "out"
    evil = 'x"><img src=x onerror=alert(1)>'
    (out / evil).mkdir(parents=True)
    (out / evil / f"{evil}.en.pdf").write_bytes(b"%PDF-")
    (out / "specimen").mkdir()
    (out / "specimen" / "specimen.en.html").write_text("<p>ok</p>", "utf-8")
    (out / ".docgen-state.json").write_text("{}", "utf-8")
    status = watch.Status()
    status.publish(["<b>problem</b>"], [(evil, "en"), ("specimen", "en")])
    server = watch._start_server(out, 0, status, ["pdf", "html"])
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_the_preview_escapes_every_name(preview):
    status, page = _get(preview, "/")
    assert status == 200
    assert "<img" not in page and "<b>problem" not in page
    assert "x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text
    assert 'href="/x%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/' in page, page  # linked, percent-encoded


@pytest.mark.parametrize("path", ["/.docgen-state.json", "/%2edocgen-state.json", "/%2Edocgen-state.json",
                                  "/specimen/%2e%2e/%2edocgen-state.json", "/specimen/", "/specimen"])
def test_the_preview_serves_no_dotfile_and_no_listing(preview, path):
    status, body = _get(preview, path)
    assert status in (301, 404) and "docgen-state" not in body and "specimen.en.html" not in body, (status, body)


def test_the_preview_checks_the_host_header(preview):
    assert _get(preview, "/specimen/specimen.en.html")[0] == 200
    assert _get(preview, "/specimen/specimen.en.html", host=f"localhost:{preview}")[0] == 200
    assert _get(preview, "/specimen/specimen.en.html", host="attacker.example")[0] == 403
    assert _get(preview, "/", host=f"rebound.example:{preview}")[0] == 403


# ---------------------------------------------------------------- the environment


def _two_documents(tmp_path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    shutil.copytree(SPECIMEN, content / "specimen")
    shutil.copytree(ZH, content / ZH.name)
    return content, tmp_path / "out"


def _edit_everything(content: Path) -> None:
    for meta in content.glob("*/document.yaml"):
        meta.write_text(meta.read_text("utf-8") + "# edited\n", "utf-8")


def _outputs(out: Path) -> dict:
    return {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix in (".xml", ".html")}


def test_an_out_that_is_a_file_is_one_clear_error(tmp_path):
    content, _ = _two_documents(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("mine", "utf-8")
    for out in (afile, afile / "below"):
        result = docgen("build", content, "--out", out, "--format", "akn")
        assert result.returncode == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert f"{afile}" in result.stderr and ("is a file, not a folder" in result.stderr
                                                or "Not a directory" in result.stderr), result.stderr
    assert afile.read_text("utf-8") == "mine"


def test_a_file_too_large_for_the_disk_fails_that_output_alone(tmp_path):
    """RLIMIT_FSIZE (EFBIG, as a quota or a full disk would refuse a write): the outputs that fit are
    written, the others fail naming the file and the reason, the previous ones are kept, the state is valid."""
    import json

    content, out = _two_documents(tmp_path)
    assert docgen("build", content, "--out", out, "--format", "akn,html").returncode == 0
    before = _outputs(out)
    _edit_everything(content)
    limit = 12 * 1024  # the XML outputs fit, the HTML ones do not

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, "-m", "docgen.cli", "build", str(content), "--out", str(out), "--format",
                             "akn,html", "-j", "1"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            preexec_fn=small_files)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    big = [p for p, data in before.items() if len(data) > limit]
    assert big
    for path in big:
        assert f"cannot write {path}: File too large" in result.stderr, result.stderr
        assert path.read_bytes() == before[path]  # the last good one
    state = json.loads((out / ".docgen-state.json").read_text("utf-8"))  # valid
    assert not list(out.rglob("*.part"))
    again = docgen("build", content, "--out", out, "--format", "akn,html")
    assert again.returncode == 0 and f"{len(big)} file(s) written" in again.stdout, again.stdout  # only those
    assert state["outputs"]


def test_a_full_disk_stops_the_build_with_one_clear_message(tmp_path, monkeypatch, capsys):
    """ENOSPC (simulated: fsync fails as a full disk makes it): the build stops at the first output it
    cannot write, names it and the reason, keeps every previous output and a valid state."""
    import errno
    import json
    import os

    from docgen import building

    content, out = _two_documents(tmp_path)
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 0
    before = _outputs(out)
    _edit_everything(content)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "cannot write" in err and "No space left on device" in err and "build stopped" in err, err
    assert err.count("cannot write") == 1
    assert _outputs(out) == before and not list(out.rglob("*.part"))
    json.loads((out / ".docgen-state.json").read_text("utf-8"))


def test_an_unwritable_out_is_one_clear_message(tmp_path, monkeypatch, capsys):
    """EACCES (simulated: running as root, permissions would not stop the test's own writes)."""
    import errno
    import os
    import tempfile

    from docgen import building

    content, out = _two_documents(tmp_path)
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 0
    before = _outputs(out)
    _edit_everything(content)

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs.get("dir", "?")))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "Permission denied" in err and "build stopped" in err and "internal error" not in err, err
    assert _outputs(out) == before


def test_a_second_build_on_the_same_out_is_refused_while_the_first_runs(tmp_path):
    import os

    from docgen.building.outputs import lock

    content, out = _two_documents(tmp_path)
    out.mkdir()
    held = lock(out)  # the first build, as far as the second can tell
    try:
        result = docgen("build", content, "--out", out, "--format", "akn")
        assert result.returncode == 1 and f"another docgen build or watch is writing into {out}" \
            in result.stderr, result.stderr
        assert not (out / "specimen").exists() and not (out / ".docgen-state.json").exists()
    finally:
        held.close()
    assert docgen("build", content, "--out", out, "--format", "akn").returncode == 0


# ---------------------------------------------------------------- smaller things


def test_new_writes_each_language_formula_with_its_article(tmp_path):
    """Not "Conseil économique et social," but "Le Conseil économique et social,": the article by the
    gender of the organ's first word, the language's comma; a name docgen cannot tell gets a TO DO."""
    from docgen.authoring.new import formula

    assert formula("fr", ("Conseil économique", "et social")) == "Le Conseil économique et social,"
    assert formula("es", ("Consejo Económico y Social",)) == "El Consejo Económico y Social,"
    assert formula("fr", ("Assemblée générale",)) == "L’Assemblée générale,"
    assert formula("zh", ("预防犯罪和", "刑事司法委员会")) == "预防犯罪和刑事司法委员会，"
    assert formula("ar", ("الجمعية العامة",)) == "إن الجمعية العامة،"
    assert formula("fr", ("Haut-Commissariat",)).startswith("TO DO")
    (tmp_path / "organs.yaml").write_text(
        "un-ecosoc:\n  akn_id: unEcosoc\n  show_as: Economic and Social Council\n  names:\n"
        "    ar: [المجلس الاقتصادي والاجتماعي]\n    zh: [经济及社会理事会]\n    en: [Economic and Social Council]\n"
        "    fr: [Conseil économique et social]\n    ru: [Экономический и Социальный Совет]\n"
        "    es: [Consejo Económico y Social]\n", "utf-8")
    folder = tmp_path / "ecosoc-1"
    result = docgen("new", folder, "--type", "resolution", "--langs", "fr,es,en", "--organ", "un-ecosoc")
    assert result.returncode == 0, result.stderr
    assert 'formula: "Le Conseil économique et social,"' in (folder / "fr.yaml").read_text("utf-8")
    assert 'formula: "El Consejo Económico y Social,"' in (folder / "es.yaml").read_text("utf-8")
    assert 'formula: "The Economic and Social Council,"' in (folder / "en.yaml").read_text("utf-8")


def test_new_refuses_a_language_given_twice(tmp_path):
    result = docgen("new", tmp_path / "d", "--type", "resolution", "--langs", "fr,fr")
    assert result.returncode == 1 and "--langs names fr more than once" in result.stderr, result.stderr
    assert not (tmp_path / "d").exists()


def test_check_warns_about_the_placeholders_docgen_new_left(tmp_path):
    folder = tmp_path / "content" / "d"
    assert docgen("new", folder, "--type", "resolution", "--langs", "en,fr").returncode == 0
    check = docgen("check", folder)
    assert check.returncode == 0, check.stderr  # valid: a warning, not an error
    warnings = [line for line in check.stderr.splitlines() if ": warning: " in line and "TO DO" in line]
    assert len(warnings) == 3, check.stderr  # one per file: document.yaml, en.yaml, fr.yaml
    assert warnings[0].startswith(f"{folder / 'document.yaml'}:10: warning: 7 value(s) marked TO DO"), warnings
    assert "fr.yaml:" in warnings[2] and "title, preamble 1, paragraph 1" in warnings[2]


def test_watch_on_a_path_that_does_not_exist_ends_at_once(tmp_path):
    result = docgen("watch", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.returncode == 1 and f"{tmp_path / 'nowhere'}: error: no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_watch_serve_on_a_busy_port_says_so_before_building(tmp_path):
    import socket

    content = tmp_path / "content"
    shutil.copytree(SPECIMEN, content / "specimen")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        result = docgen("watch", content, "--out", tmp_path / "out", "--format", "akn",
                        "--serve", busy.getsockname()[1])
    finally:
        busy.close()
    assert result.returncode == 2 and "cannot serve on 127.0.0.1:" in result.stderr, result.stderr
    assert not list((tmp_path / "out").rglob("*.xml"))  # nothing was built first


def test_building_a_language_file_builds_that_language(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SPECIMEN, content / "specimen")
    out = tmp_path / "out"
    result = docgen("build", content / "specimen" / "ru.yaml", "--out", out, "--format", "akn")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.rglob("*.xml")) == ["specimen.draft.ru.xml", "specimen.ru.xml"]  # both forms
    result = docgen("build", content / "specimen" / "fr.yaml", content / "specimen" / "ru.yaml", "--out", out,
                    "--format", "akn")
    assert "2 file(s) written, 2 up to date" in result.stdout, result.stdout  # each once (in two forms)
    docgen("build", content / "specimen" / "document.yaml", "--out", out, "--format", "akn")
    assert len(list(out.rglob("*.xml"))) == 12  # the document's own file: every language, both forms


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, quote):
    doc = tmp_path / "specimen"
    shutil.copytree(SPECIMEN, doc)
    en = doc / "en.yaml"
    lines = en.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("formula: "))
    lines[at] = f"formula: {quote}The General Assembly,\n"
    en.write_text("".join(lines), "utf-8")
    result = docgen("check", doc)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"{en}:{at + 1}:10: error: "), result.stderr
    assert f"quote ({quote}) that opens this value is never closed" in errors[0]
    assert "alias" not in errors[0] and "*Recalling*" not in errors[0]  # not the advice for another mistake


# ---------------------------------------------------------------- the cluster


class _Future:
    """A Dask future as the build sees it when a worker dies after rendering it, holding its
    result: finished when the build looked, sent back to be computed again when it asks."""

    def __init__(self, statuses: list[str]):
        self.statuses = statuses

    @property
    def status(self):
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def exception(self):
        return None  # Future.exception() of a future no longer in error


def test_a_result_lost_with_a_dying_worker_is_waited_for_not_failed():
    from types import SimpleNamespace

    from docgen.building import cluster
    from docgen.building.job import Job

    planned = SimpleNamespace(job=Job(Path("doc"), "en", "akn"))
    task = cluster.Task("doc", "hash", (), (("en", "akn"),))
    fake = SimpleNamespace(KilledWorker=type("KilledWorker", (Exception,), {}))
    with pytest.raises(cluster._Again):
        cluster._collect(_Future(["pending"]), [planned], task, "need", fake)
    with pytest.raises(cluster._Again):  # what was reported as "NoneType: None"
        cluster._collect(_Future(["error", "pending"]), [planned], task, "need", fake)


def test_a_state_that_cannot_be_saved_is_said_and_the_journal_kept(tmp_path, monkeypatch, capsys):
    import errno
    import os

    from docgen import building
    from docgen.building import fingerprint

    content, out = _two_documents(tmp_path)

    def full(self):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))

    monkeypatch.setattr(fingerprint.State, "save", full)
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert f"cannot save the build state {out / '.docgen-state.json'}: No space left on device" in err, err
    # what was written is known from the journal: the next build rebuilds nothing
    # (specimen: six adopted and six draft outputs; ctoc-cop-5-2: one)
    assert len(fingerprint.load_state(out).entries) == 14
    assert building.build([content], ["akn"], out, jobs=1, quiet=True) == 0
    assert "0 file(s) written, 14 up to date" in capsys.readouterr().err


def test_a_dead_pool_worker_says_what_happened():
    from docgen.building.pool import died

    assert died(-9) == ("the worker process rendering it was killed by SIGKILL "
                        "(out of memory? the kernel's OOM killer sends it)")
    assert died(-11).endswith("killed by SIGSEGV") and "exit code 3" in died(3)


def test_a_yaml_file_of_any_size_is_read_in_bounded_memory(tmp_path):
    """A huge <lang>.yaml (here 9 MB of one comment) is refused by its size, before parsing, and alone."""
    from docgen import pipeline
    from docgen.readers.source import MAX_BYTES

    folder = tmp_path / "content" / "specimen"
    shutil.copytree(SPECIMEN, folder)
    with open(folder / "fr.yaml", "ab") as handle:
        handle.write(b"# " + b"x" * (MAX_BYTES + 10) + b"\n")
    doc, diagnostics = pipeline.read(folder)
    assert doc is None
    assert [str(d) for d in diagnostics if d.severity == "error"] == [
        f"{folder / 'fr.yaml'}: error: too large: over 8 MB (a document's text is well under 1 MB); is this the right file?"]


def test_fonts_are_never_written_through_a_link_out_of_the_output_folder(tmp_path):
    """<out>/fonts as a symbolic link to another folder: the HTML build says so and writes nothing there."""
    elsewhere, out = tmp_path / "elsewhere", tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    (out / "fonts").symlink_to(elsewhere)
    result = docgen("build", SPECIMEN, "--format", "html,akn", "--lang", "en,fr", "--out", out)
    assert result.returncode == 1 and "is a symbolic link out of --out" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert not list((out / "specimen").glob("*.html"))  # no HTML left without its fonts
    assert sorted(p.name for p in (out / "specimen").glob("*.xml")) == ["specimen.draft.en.xml", "specimen.draft.fr.xml",
                                                                        "specimen.en.xml", "specimen.fr.xml"]


def test_outputs_are_never_written_through_a_linked_document_folder(tmp_path):
    """<out>/<document> as a symbolic link elsewhere: those outputs fail, named, and nothing lands there."""
    elsewhere, out = tmp_path / "elsewhere", tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    (out / "specimen").symlink_to(elsewhere)
    result = docgen("build", SPECIMEN, "--format", "akn", "--lang", "en", "--out", out)
    assert result.returncode == 1 and "is a symbolic link out of --out" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []
