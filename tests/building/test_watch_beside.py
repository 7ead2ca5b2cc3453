"""`docgen watch` makes the outputs after the HTML in a forked child (`watch._beside`), so that a
save stops a PDF being made for the text before it. Driven in this process through `rebuild`
with the watch's own staleness test (a snapshot of the sources), so nothing here depends on
timing: the second save is on disk before the PDF is asked for."""

from __future__ import annotations

import os
import shutil

import pytest

from docgen.building import fingerprint, watch
from tests.conftest import ZH, pdf_text

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.isdir("/proc"), reason="the child is forked (POSIX); children are read in /proc")


def children() -> set[int]:
    """This process's child processes (Linux's /proc), zombies included: what other tests left
    running is there before and after, a child of the watch's only while it runs."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry))
    return found


def save(source, old: str, new: str) -> None:
    text = source.read_text("utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), "utf-8")


def title(source) -> str:
    return next(line for line in source.read_text("utf-8").splitlines() if line.startswith("title: "))


@pytest.fixture
def content(tmp_path):
    """A copy of the Chinese resolution's folder to edit."""
    shutil.copytree(ZH, tmp_path / "content" / ZH.name)
    return tmp_path / "content"


def test_a_save_stops_the_pdf_of_the_text_before_it_and_the_next_rebuild_makes_it(tmp_path, content, monkeypatch):
    monkeypatch.setattr(watch, "BESIDE_SECONDS", 0.0)  # every output beside: as an 80-page report's PDF is
    out = tmp_path / "out"
    paths, formats = [content], ["pdf", "html"]
    state = fingerprint.load_state(out)
    others = children()
    written, problems, _, stopped = watch.rebuild(paths, formats, out, [], state)  # the first build, in this process
    assert not problems and not stopped and f"{ZH.name}.zh.pdf" in written
    pdf, html = out / ZH.name / f"{ZH.name}.zh.pdf", out / ZH.name / f"{ZH.name}.zh.html"
    before = pdf.read_bytes()

    source = content / ZH.name / "zh.yaml"
    first = title(source)
    save(source, first, f"{first}（第二稿）")
    now = watch._snapshot(paths)  # what the watch saw when it began this rebuild
    save(source, "（第二稿）", "（第三稿）")  # the next save, before the PDF is made
    previews = []
    written, problems, _, stopped = watch.rebuild(
        paths, formats, out, [], state, preview=lambda names, *_: previews.append(list(names)),
        edited={str(source)}, stale=lambda: watch._snapshot(paths) != now)
    assert stopped == f"{ZH.name} zh pdf", stopped  # the edited language's PDF comes first, and is stopped
    assert previews and all(name.endswith(".html") for name in previews[0])
    assert "第三稿" in html.read_text("utf-8")  # the preview has the last save
    assert pdf.read_bytes() == before  # the last good PDF stays: nothing half-made is written
    assert children() == others

    now = watch._snapshot(paths)
    written, problems, _, stopped = watch.rebuild(paths, formats, out, [], state, edited={str(source)},
                                                  stale=lambda: watch._snapshot(paths) != now)
    assert not stopped and not problems
    assert [name for name in written if name.endswith(".pdf")] == [f"{ZH.name}.zh.pdf", f"{ZH.name}.en.pdf"]
    assert "第三稿" in pdf_text(pdf).replace("\n", "")  # made in the child, sent back, written by the watch
    assert children() == others


def test_a_child_that_dies_fails_its_output_with_the_reason(content, monkeypatch):
    """A render process killed from outside (out of memory) is one failed output, said, not a hang."""
    doc_folder = content / ZH.name
    from docgen import pipeline
    from docgen.building.job import Job

    doc, _ = pipeline.read(doc_folder)
    monkeypatch.setattr(watch, "run_job", lambda job, doc: os.kill(os.getpid(), 9))
    others = children()
    result = watch._beside(Job(doc_folder, "zh", "pdf"), doc, lambda: False)
    assert result.data is None and "killed by SIGKILL" in result.message, result
    assert children() == others


def test_a_short_output_is_made_in_the_watchs_process(tmp_path, content, monkeypatch):
    """An output whose last making took under BESIDE_SECONDS is not forked for (~40 ms more)."""
    out = tmp_path / "out"
    paths, state = [content], fingerprint.load_state(out)
    monkeypatch.setattr(watch, "BESIDE_SECONDS", 1e9)
    watch.rebuild(paths, ["pdf"], out, ["zh"], state)
    monkeypatch.setattr(watch, "_beside", lambda *args: pytest.fail("forked for a short output"))
    source = content / ZH.name / "zh.yaml"
    first = title(source)
    save(source, first, f"{first}（第二稿）")
    now = watch._snapshot(paths)
    written, problems, _, stopped = watch.rebuild(paths, ["pdf"], out, ["zh"], state, stale=lambda: watch._snapshot(paths) != now)
    assert written == [f"{ZH.name}.zh.pdf"] and not problems and not stopped
