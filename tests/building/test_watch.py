"""`docgen watch --serve` seen by a real browser: headless Chromium, driven over its DevTools protocol.

The test edits a YAML file and waits (bounded) for the page in the browser to show the new
text by itself (the page reloads on the server's event; the test never reloads it), checks the
PDF on disk was rewritten with that text, then saves a broken file and waits for the error to
appear on the page while the last good PDF stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, ZH, pdf_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (scripts/system-packages test)")]
websocket = pytest.importorskip("websocket", reason="needs websocket-client (the test extra)")

TIMEOUT = 60.0  # seconds for any one expected change: generous for a busy 2-core machine


# what Chromium answers when the page navigates (reloads) while an expression is evaluated in it
_RELOADING = re.compile(r"navigated or closed|[Ee]xecution context was destroyed|Cannot find context")


class _Reloading(Exception):
    """The page was reloading: ask again."""


class Browser:
    """The few DevTools protocol calls the test needs: navigate, evaluate."""

    def __init__(self, profile: Path):
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline and self.process.poll() is None, "Chromium did not start"
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=TIMEOUT, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if _RELOADING.search(message.get("error", {}).get("message", "")):
                    raise _Reloading(message["error"]["message"])
                assert "error" not in message, message
                return message["result"]

    def evaluate(self, expression: str):
        """The expression's value in the page; asked again while the page reloads itself (the
        preview does on each new build: Chromium then answers "Inspected target navigated or
        closed", seen once in a full run on a busy machine)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
                return result["result"].get("value")
            except _Reloading:
                assert time.monotonic() < deadline, "the page kept reloading"
                time.sleep(0.1)

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)


def wait_for(what: str, condition):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


FRAME_TEXT = "(() => { const f = document.querySelector('iframe'); return f && f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : ''; })()"
ERRORS = "document.getElementById('errors') ? document.getElementById('errors').innerText : ''"


def test_preview_follows_edits_and_shows_errors(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ZH, content / ZH.name)
    out = tmp_path / "out"
    source = content / ZH.name / "zh.yaml"
    watcher = subprocess.Popen([sys.executable, "-m", "docgen.cli", "watch", str(content), "--format", "pdf,html",
                                "--out", str(out), "--serve", "0"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = None
    try:
        url = None
        deadline = time.monotonic() + TIMEOUT
        while url is None and time.monotonic() < deadline:
            line = watcher.stdout.readline()
            assert line, f"docgen watch ended: {watcher.stderr.read()}"
            if "preview at " in line:
                url = line.split("preview at ", 1)[1].strip()
        assert url and url.startswith("http://127.0.0.1:"), url
        pdf = out / ZH.name / f"{ZH.name}.zh.pdf"
        first_pdf = pdf.read_bytes()

        browser = Browser(tmp_path / "profile")
        browser.call("Page.navigate", url=url)
        wait_for("the first preview", lambda: "联合国" in (browser.evaluate(FRAME_TEXT) or ""))
        assert browser.evaluate(ERRORS) == ""
        # the page's fonts are served too (the HTML names them by relative URL, ../fonts/<file>)
        faces = browser.evaluate("(async () => { const d = document.querySelector('iframe').contentDocument;"
                                 " await d.fonts.ready; return [...d.fonts].filter(f => f.status === 'loaded')"
                                 ".map(f => f.family); })()")
        assert any("Song SC" in f for f in faces), faces
        loaded_generation = browser.evaluate("document.body.dataset.generation")

        marker = "观察模式测试文字"
        text = source.read_text("utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))
        source.write_text(text.replace(title, title + marker, 1), "utf-8")

        wait_for("the new text in the browser, without a reload from the test",
                 lambda: marker in (browser.evaluate(FRAME_TEXT) or ""))
        assert browser.evaluate("document.body.dataset.generation") != loaded_generation  # the page reloaded itself
        good_pdf = wait_for("the rewritten PDF", lambda: pdf.read_bytes() != first_pdf and pdf.read_bytes())
        assert marker in pdf_text(pdf).replace("\n", "")

        source.write_text(source.read_text("utf-8") + "title: again\n", "utf-8")  # a duplicate key
        broken_line = source.read_text("utf-8").count("\n")
        errors = wait_for("the error on the page", lambda: browser.evaluate(ERRORS))
        assert f"zh.yaml:{broken_line}:1: error: duplicate key 'title'" in errors, errors
        assert pdf.read_bytes() == good_pdf  # the last good PDF is kept
        # and so is the last good preview (the reloaded page's frame may still be loading: wait for it)
        wait_for("the last good preview under the error", lambda: marker in (browser.evaluate(FRAME_TEXT) or ""))
    finally:
        if browser is not None:
            browser.close()
        watcher.terminate()
        try:
            output, errors_printed = watcher.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            watcher.kill()
            output, errors_printed = watcher.communicate()
    assert watcher.returncode == 0, errors_printed
    assert "error" in errors_printed and "zh.yaml:" in errors_printed  # the terminal says it too, file:line
    assert "the last good outputs are kept" in output


def _wakes_on(wait, action) -> bool:
    """Whether wait() returns because of action (run 0.2 s after it starts), not its own timeout."""
    import threading

    timer = threading.Timer(0.2, action)
    timer.start()
    try:
        started = time.monotonic()
        wait()
        return time.monotonic() - started < 25
    finally:
        timer.cancel()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_save_wakes_the_watch_at_once(tmp_path, monkeypatch):
    """Without inotify the watch compares snapshots every 50 ms; with it, a saved file, a file
    renamed into place (an editor's atomic save), a removed file and a file in a folder made after
    the watch started each wake it: the once-a-second comparison is set to 30 s here, so returning
    early means the kernel's event did it."""
    from docgen.building import watch

    monkeypatch.setattr(watch, "SETTLE_SECONDS", 30.0)
    doc = tmp_path / "content" / "doc"
    doc.mkdir(parents=True)
    (doc / "en.yaml").write_text("title: a\n", "utf-8")
    wait = watch._wakeup([tmp_path / "content"])
    assert hasattr(wait, "fd"), "inotify was not used"
    assert _wakes_on(wait, lambda: (doc / "en.yaml").write_text("title: b\n", "utf-8"))

    def atomic_save():
        (doc / ".en.yaml.tmp").write_text("title: c\n", "utf-8")
        os.replace(doc / ".en.yaml.tmp", doc / "en.yaml")
    assert _wakes_on(wait, atomic_save)
    assert _wakes_on(wait, lambda: (doc / "en.yaml").unlink())
    assert _wakes_on(wait, lambda: (tmp_path / "content" / "new").mkdir())
    assert _wakes_on(wait, lambda: (tmp_path / "content" / "new" / "fr.yaml").write_text("title: d\n", "utf-8"))
    os.close(wait.fd)


def test_polling_remains_where_inotify_is_not_wanted(tmp_path, monkeypatch):
    from docgen.building import watch

    monkeypatch.setenv("DOCGEN_WATCH_POLL", "1")
    wait = watch._wakeup([tmp_path])
    assert not hasattr(wait, "fd")
    started = time.monotonic()
    wait()
    assert time.monotonic() - started >= watch.POLL_SECONDS * 0.9


def test_a_report_edit_is_in_the_html_preview_before_the_pdf_is_laid_out(tmp_path):
    """#24: an edit of one paragraph of a report reaches its HTML (and the preview page) first; the
    PDF follows. Read from what watch says and writes, in order: no timing."""
    from tests.conftest import CONTENT

    content = tmp_path / "content"
    for name in ("ctoc-cop-5-report", "ctoc-cop-5-1", "ctoc-cop-5-2", "ctoc-cop-5-decision-5-1"):
        shutil.copytree(CONTENT / name, content / name)
    out = tmp_path / "out"
    watcher = subprocess.Popen([sys.executable, "-m", "docgen.cli", "watch", str(content / "ctoc-cop-5-report"),
                                "--format", "pdf,html", "--out", str(out), "--lang", "en"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []

    def until(words):
        while True:
            line = watcher.stdout.readline()
            assert line, f"docgen watch ended: {watcher.stderr.read()}"
            lines.append(line)
            if words in line:
                return line

    try:
        until("Ctrl-C to stop")
        source = content / "ctoc-cop-5-report" / "en.yaml"
        text = source.read_text("utf-8")
        marker = "Watchedmarkerword"
        source.write_text(text.replace("The Conference of the Parties", f"{marker} The Conference of the Parties", 1),
                          "utf-8")
        preview = until("docgen watch: preview")
        html = out / "ctoc-cop-5-report" / "ctoc-cop-5-report.en.html"
        assert "ctoc-cop-5-report.en.html" in preview and ".pdf" not in preview
        assert marker in html.read_text("utf-8")
        done = until("written in")
        assert "ctoc-cop-5-report.en.pdf" in done and lines.index(preview) < lines.index(done)
        assert marker in pdf_text(out / "ctoc-cop-5-report" / "ctoc-cop-5-report.en.pdf").replace("\n", "")
    finally:
        watcher.terminate()
        try:
            watcher.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.communicate()


def test_the_edited_language_is_rebuilt_first(tmp_path):
    """An edit of zh.yaml rebuilds every output of the document (each depends on all of its
    files), but the Chinese PDF before the English one: the version the user is editing is not
    kept waiting behind the others. Read from the order watch writes in: no timing."""
    content = tmp_path / "content"
    shutil.copytree(ZH, content / ZH.name)
    langs = sorted(p.stem for p in (content / ZH.name).glob("*.yaml") if p.stem != "document")
    assert langs == ["en", "zh"]  # English would come first in the usual order
    out = tmp_path / "out"
    watcher = subprocess.Popen([sys.executable, "-m", "docgen.cli", "watch", str(content), "--format", "pdf,html",
                                "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def until(words):
        while True:
            line = watcher.stdout.readline()
            assert line, f"docgen watch ended: {watcher.stderr.read()}"
            if words in line:
                return line

    try:
        until("Ctrl-C to stop")
        source = content / ZH.name / "zh.yaml"
        text = source.read_text("utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))
        source.write_text(text.replace(title, f"{title}（第二稿）", 1), "utf-8")
        until("docgen watch: preview")  # the HTML first (the preview), then the rest
        done = until("written in")
        names = done.split(": ", 1)[1].split(" written in")[0].split(", ")
        pdfs = [name for name in names if name.endswith(".pdf")]
        assert pdfs == [f"{ZH.name}.zh.pdf", f"{ZH.name}.en.pdf"], done
        assert "第二稿" in pdf_text(out / ZH.name / f"{ZH.name}.zh.pdf").replace("\n", "")
    finally:
        watcher.terminate()
        try:
            watcher.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.communicate()
