"""What makes an output up to date: a hash of everything it is made from, and the build state.

An output's inputs are its document folder's YAML files (all of them: footnote numbers and the
structure check read the other languages too), the code (docgen's own files and the versions
of the engines it drives), the settings, and, for the formats drawn through the templates
(PDF, HTML), the templates and the font manifest (whose SHA-256s pin the font files). The
state file in the output folder records, per output, the fingerprint it was built from and
its size; an output whose fingerprint and file match is not rebuilt.

Computing fingerprints reads small files only and imports no writer: a no-op build of a
hundred documents stays well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
import sys
from functools import cache
from pathlib import Path

from . import __version__
from .paths import FONTS, TEMPLATES

STATE_FILE = ".docgen-state.json"  # and .docgen-state.journal while a build runs
ENGINES = ("weasyprint", "python-docx", "lxml", "jinja2", "pyyaml", "cobalt", "pikepdf", "fonttools", "python-barcode")
TEMPLATED = {"pdf", "html"}  # formats drawn through templates/ with the fonts of fonts/


def _hash_files(paths, root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@cache
def code() -> str:
    """docgen's own files (code and tables) and the versions of the engines behind the writers."""
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".xsd", ".json")]
    h = hashlib.sha256(f"docgen {__version__}\n".encode())
    h.update(_hash_files(files, package).encode())
    for name in ENGINES:
        h.update(f"{name} {engine_version(name)}\n".encode())
    return h.hexdigest()


def engine_version(name: str) -> str:
    """An installed distribution's version, "-" when it is not installed.

    Read from the name of its `.dist-info` folder (`python_docx-1.2.0.dist-info`, as installers
    name it, PEP 427/PEP 503 normalised) rather than through importlib.metadata, whose import
    and metadata parsing cost a no-op build ~40 ms; importlib.metadata answers the rare
    distribution installed another way.
    """
    wanted = name.lower().replace("-", "_").replace(".", "_")
    for entry in _dist_infos():
        stem = entry[: -len(".dist-info")]
        distribution, _, version = stem.partition("-")
        if distribution.lower().replace("-", "_").replace(".", "_") == wanted and version:
            return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@cache
def _dist_infos() -> list[str]:
    found = []
    for folder in sys.path:
        try:
            found += [e for e in os.listdir(folder or ".") if e.endswith(".dist-info")]
        except OSError:
            continue
    return found


@cache
def templates() -> str:
    files = [p for p in TEMPLATES.rglob("*") if p.is_file()]
    manifest = FONTS / "MANIFEST.json"
    fonts = manifest.read_bytes() if manifest.exists() else b""
    return hashlib.sha256(_hash_files(files, TEMPLATES).encode() + fonts).hexdigest()


def document(folder: Path) -> str:
    """The document's own inputs: every YAML file of its folder, and the user's organs.yaml beside it."""
    folder = Path(folder)
    h = hashlib.sha256(_hash_files(list(folder.glob("*.yaml")), folder).encode())
    organs = folder.parent / "organs.yaml"  # organs.USER_FILE (organs.py is not imported here: planning stays light)
    if organs.is_file():
        h.update(b"organs\0" + organs.read_bytes())
    return h.hexdigest()


def of(doc_hash: str, lang: str, fmt: str, settings_key: str) -> str:
    """The fingerprint of one output."""
    parts = [code(), doc_hash, lang, fmt, settings_key, templates() if fmt in TEMPLATED else ""]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------- the state file


@dataclass
class State:
    """Fingerprint and size of every output built into one output folder.

    Each output written is appended at once to a journal beside the state file, so that a
    build killed midway (even by SIGKILL) still knows what it finished; `save()` folds the
    journal into the state file at the end of the build.
    """

    path: Path
    entries: dict

    @property
    def journal(self) -> Path:
        return self.path.with_suffix(".journal")

    def up_to_date(self, target: Path, fingerprint: str) -> bool:
        entry = self.entries.get(self._key(target))
        if not entry or entry.get("fingerprint") != fingerprint:
            return False
        try:
            return target.stat().st_size == entry.get("size")
        except FileNotFoundError:
            return False

    def record(self, target: Path, fingerprint: str, size: int, source: Path | None = None) -> None:
        """Note an output written; `source`, its language file, is kept relative to the state file
        (so that a build can tell the output is stale once the source is gone)."""
        key = self._key(target)
        entry = {"fingerprint": fingerprint, "size": size}
        if source is not None:
            entry["source"] = os.path.relpath(source, self.path.parent)
        self.entries[key] = entry
        with open(self.journal, "a", encoding="utf-8") as journal:
            journal.write(json.dumps([key, fingerprint, size, entry.get("source")]) + "\n")

    def forget(self, target: Path) -> None:
        if self.entries.pop(self._key(target), None) is not None:
            with open(self.journal, "a", encoding="utf-8") as journal:
                journal.write(json.dumps([self._key(target), None, 0]) + "\n")

    def save(self) -> None:
        from .outputs import write_atomic

        data = json.dumps({"docgen": __version__, "outputs": dict(sorted(self.entries.items()))}, indent=1)
        write_atomic(self.path, data.encode() + b"\n", sync=False)
        self.journal.unlink(missing_ok=True)

    def _key(self, target: Path) -> str:
        return os.path.relpath(target, self.path.parent)


def load_state(out: Path) -> State:
    path = Path(out) / STATE_FILE
    try:
        entries = json.loads(path.read_text("utf-8")).get("outputs", {})
    except (FileNotFoundError, ValueError, AttributeError):
        entries = {}  # no state or an unreadable one: everything is rebuilt
    state = State(path, entries if isinstance(entries, dict) else {})
    try:
        lines = state.journal.read_text("utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:  # what a killed build finished; a torn last line is skipped
        try:
            key, fingerprint, size, *source = json.loads(line)
        except (ValueError, TypeError):
            continue
        if fingerprint is None:
            state.entries.pop(key, None)
        else:
            state.entries[key] = {"fingerprint": fingerprint, "size": size}
            if source and source[0]:
                state.entries[key]["source"] = source[0]
    return state
