"""`docgen import`: an edited Word draft (or an Akoma Ntoso file) back into `<lang>.yaml`.

read (readers/docx.py, readers/akn.py) -> align with the base YAML (align.py: paragraph lists by
text similarity, footnotes by text with call order as tie-break) -> rebuild the YAML (merge.py,
yamlout.py: ruamel.yaml, keeping the base's own nodes for everything unchanged: exact source
strings, comments, key order, quoting, verb keys, footnote keys, line ends) -> the invariant
(invariant.py: the result, rendered back to a draft, shows exactly the draft's visible text) ->
check the result with the normal reader and transforms (folder.py) -> write atomically, or only
show it (--dry-run). Any problem: one clear message, nothing written.

Rules (issues #13, #22): structural edits (paragraphs, items, footnotes added or deleted) are
taken in the original language; in a translation only when the result has the original's
structure (translations lag the original), otherwise refused naming the paragraph. When the YAML
changed since the draft was made (the draft carries the SHA-256 of the text it came from), edits
are merged paragraph by paragraph against that state, found in the folder's git history
(threeway.py); a paragraph changed on both sides is a conflict and nothing is written.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path

from docgen.files import write_atomic
from docgen.importing import invariant
from docgen.importing.folder import check_result, folder_of_work, named_folder, read_base
from docgen.importing.merge import merge, shape  # noqa: F401 (shape: the package's API)
from docgen.importing.report import ImportFailure, Result, Summary
from docgen.importing.text import no_italics
from docgen.importing.threeway import three_way
from docgen.importing.yamlout import keep_layout, read_text, round_trip
from docgen.readers.docx import DraftError, read_docx, short  # noqa: F401  (DraftError: the package's API)


def import_file(path: Path, into: Path | None = None, changes: str | None = None, content: Path = Path("content")):
    """Compute the import of one draft; returns a Result (nothing is written here)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    akn = path.suffix.lower() == ".xml" or head.lstrip().startswith(b"<")  # decided once
    if akn:
        from docgen.readers.akn import read_akn

        draft = read_akn(path)
    else:
        draft = read_docx(path, changes)
    folder = Path(into) if into else None
    if folder is None and draft.work_iri:
        folder = folder_of_work(Path(content), draft.work_iri)
    if folder is None:
        if not draft.document:
            raise ImportFailure(f"{path}: the draft does not name its document (no docgen properties: made by another "
                                "tool or an older docgen); give the document folder with --into FOLDER")
        folder = named_folder(Path(content), draft.document, path)
    if not (folder / "document.yaml").exists():
        raise ImportFailure(f"{folder}: not a document folder (no document.yaml)"
                            + ("" if into else f"; the draft names document '{draft.document}': give --into FOLDER"))
    doc = read_base(folder, draft.lang)
    lang = draft.lang or (next(iter(doc.versions)) if len(doc.versions) == 1 else "")
    if not lang:
        raise ImportFailure(f"{path}: the draft does not say its language and {folder} holds several; "
                            "import a draft made by docgen")
    if lang not in doc.versions:
        raise ImportFailure(f"{folder}: no {lang}.yaml to import the {lang} draft into "
                            "(a new language version starts as a copy of the original's YAML)")
    if not draft.lang and not akn:
        draft = read_docx(path, changes, lang=lang)  # the folder gave the language: read with its labels
    draft.version.lang = lang
    base = doc.versions[lang]
    target = base.path
    old, newline = read_text(target)
    summary = Summary(comments=[str(c) for c in draft.comments], changes=[f"{draft.resolved}ed: {c}" for c in draft.changes])
    current_data = round_trip().load(old)
    if draft.source_sha256 and draft.source_sha256 != base.source_sha256:
        new, applied = three_way(folder, doc, current_data, draft, summary)
    else:
        new = applied = keep_layout(old, merge(doc, base, current_data, draft.version, summary, draft.carries_session,
                                                getattr(doc, "original_version", None)))
    if not akn:  # the invariant: the draft applied to its own base says exactly what the draft shows
        flat = no_italics(lang)
        italics = invariant.check(path, changes, folder, lang, applied, flat)
        if italics:
            summary.ignored.append(f"italics on \u201c{short(', '.join(italics), 80)}\u201d: {lang} drafts show no "
                                   "emphasis, so the draft's italics are not read; mark emphasis in the YAML (*...*)")
    if new != old:
        check_result(folder, lang, new)
    return Result(target, old, new, summary, newline)


def run(path: Path, into: Path | None, changes: str | None, dry_run: bool, content: Path = Path("content")) -> Result:
    """Import one draft; SIGTERM during it ends it like Ctrl-C, so no scratch copy or partial file is left."""
    with _terminate_cleanly():
        result = import_file(path, into, changes, content)
        if not dry_run and result.new != result.old:
            mode = result.target.stat().st_mode & 0o7777
            write_atomic(result.target, result.new.replace("\n", result.newline).encode("utf-8"), mode=mode)
    return result


@contextlib.contextmanager
def _terminate_cleanly():
    """SIGTERM raises SystemExit in the main thread while importing: `finally` blocks and
    TemporaryDirectory remove what they made; the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
