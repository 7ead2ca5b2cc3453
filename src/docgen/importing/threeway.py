"""The YAML changed since the draft was made: a three-way merge against the state the draft
came from, found in the folder's git history."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from docgen import pipeline
from docgen.diagnostics import errors
from docgen.importing.folder import copy_for_check
from docgen.importing.merge import merge
from docgen.importing.report import ImportFailure, Summary
from docgen.importing.yamlout import keep_layout, read_text, round_trip
from docgen.model import Document


def _ancestor(folder: Path, lang: str, sha: str) -> str | None:
    """The `<lang>.yaml` whose SHA-256 the draft names, from the folder's git history."""
    path = folder / f"{lang}.yaml"
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
        rel = path.resolve().relative_to(Path(top).resolve()).as_posix()
        commits = subprocess.run(["git", "-C", top, "log", "--format=%H", "--", rel], capture_output=True,
                                 text=True, check=True).stdout.split()
    except (subprocess.CalledProcessError, OSError, ValueError):
        return None
    for commit in commits:
        blob = subprocess.run(["git", "-C", top, "show", f"{commit}:{rel}"], capture_output=True).stdout
        if hashlib.sha256(blob).hexdigest() == sha:
            return blob.decode("utf-8").replace("\r\n", "\n")
    return None


def three_way(folder: Path, doc: Document, current_data, draft, summary: Summary) -> str:
    """The YAML changed since the draft was made: apply the draft to the state it came from, then
    carry each paragraph the draft changed into the current YAML; both changed: a conflict."""
    lang = draft.version.lang
    text = _ancestor(folder, lang, draft.source_sha256)
    if text is None:
        raise ImportFailure(f"{folder / (lang + '.yaml')} changed since the draft was made, and the state the draft was "
                            f"made from (SHA-256 {draft.source_sha256[:12]}…) is not in the folder's git history: "
                            "cannot tell your edits from the YAML's; make a new draft, or import with --into a copy "
                            "of that state")
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp), lambda n: n in ("document.yaml", "organs.yaml"))
        (copy / f"{lang}.yaml").write_text(text, encoding="utf-8")
        ancestor_doc, diagnostics = pipeline.read(copy, checks=False)
        if ancestor_doc is None:
            raise ImportFailure(f"the state of {lang}.yaml the draft was made from no longer reads: "
                                + "; ".join(str(d) for d in errors(diagnostics)))
    ancestor_doc.folder = folder
    ancestor_doc.versions = {**doc.versions, lang: ancestor_doc.versions[lang]}
    base_data = round_trip().load(text)
    applied = merge(ancestor_doc, ancestor_doc.versions[lang], round_trip().load(text), draft.version, summary,
                    draft.carries_session)
    if summary.structural or not _same_shape(base_data, current_data):
        raise ImportFailure(f"{lang}.yaml changed since the draft was made, and paragraphs, items or footnotes were "
                            "added or deleted on one side: docgen then merges text edits only; make a new draft "
                            "from the current YAML and redo the edits there")
    conflicts: list[str] = []
    kept: list[str] = []
    _merge3(base_data, current_data, applied, (), conflicts, kept)
    if conflicts:
        raise ImportFailure(f"{lang}.yaml changed since the draft was made, and these paragraphs were changed in both "
                            "(nothing written; resolve by hand, or make a new draft):\n"
                            + "\n".join(f"  - {c}" for c in conflicts))
    summary.merged_from_yaml = kept
    return keep_layout(read_text(folder / f"{lang}.yaml")[0], current_data), keep_layout(text, applied)


def _same_shape(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_shape(x, y) for x, y in zip(a, b))
    return not isinstance(a, (dict, list)) and not isinstance(b, (dict, list))


def _merge3(base, mine, theirs, path: tuple, conflicts: list[str], kept: list[str]) -> None:
    """Three-way merge of YAML trees of one shape, leaf by leaf (a leaf is one paragraph's text).
    `mine` (the current YAML) is updated in place with what only `theirs` (the draft) changed."""
    for key in (list(base) if isinstance(base, dict) else range(len(base))):
        b, m, t = base[key], mine[key], theirs[key]
        if isinstance(b, (dict, list)):
            _merge3(b, m, t, path + (key,), conflicts, kept)
        elif str(t) != str(b):
            if str(m) != str(b) and str(m) != str(t):
                conflicts.append(_place(path + (key,)))
            else:
                mine[key] = t
        elif str(m) != str(b):
            kept.append(_place(path + (key,)))


def _place(path: tuple) -> str:
    """('operative', 1, 'items', 0) -> 'operative paragraph 2, item 1'."""
    words, i = [], 0
    while i < len(path):
        part = path[i]
        if part in ("preamble", "operative", "session", "closing") and i + 1 < len(path):
            names = {"preamble": "preamble paragraph", "operative": "operative paragraph",
                     "session": "session line", "closing": "closing line"}
            words.append(f"{names[part]} {path[i + 1] + 1}")
            i += 2
        elif part == "items" and i + 1 < len(path):
            words.append(f"item {path[i + 1] + 1}")
            i += 2
        elif part == "footnotes" and i + 1 < len(path):
            words.append(f"footnote [^{path[i + 1]}]")
            i += 2
        elif part == "text" or isinstance(part, str) and words and words[-1].startswith("preamble"):
            i += 1
        else:
            words.append(str(part))
            i += 1
    return ", ".join(words)
