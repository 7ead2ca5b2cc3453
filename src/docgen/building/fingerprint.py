"""What makes an output up to date: a hash of everything it is made from, and the build state.

An output's inputs are its document folder's YAML files (all of them: footnote numbers and the
structure check read the other languages too), the code (docgen's own files, the versions of
the Python engines it drives and of the native libraries under WeasyPrint: Pango, HarfBuzz,
Fontconfig, zlib), the settings, and, for the formats drawn through the templates (PDF, HTML),
the templates and the font manifest (whose SHA-256s pin the font files); for the Word draft,
templates/layout.yaml and the font manifest. The
state file in the output folder records, per output, the fingerprint it was built from and
its size; an output whose fingerprint and file match is not rebuilt.

Computing fingerprints reads small files only and imports no writer: a no-op build of a
hundred documents stays well under a second.

`identity()` spells the same inputs out one by one, so that a build sending work to other
machines (`cluster.py`) can compare each worker with itself and say what differs.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass
import sys
from functools import cache
from pathlib import Path

from docgen import __version__
from docgen.paths import FONTS, TEMPLATES
from docgen.writers import FORMATS  # the registry only: no writer is imported

STATE_FILE = ".docgen-state.json"  # and .docgen-state.journal while a build runs
ENGINES = ("weasyprint", "python-docx", "lxml", "jinja2", "pyyaml", "cobalt", "pikepdf", "fonttools", "python-barcode")


def _hash_files(paths, root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@cache
def own_files() -> str:
    """docgen's own files: code and tables."""
    return hashlib.sha256(f"docgen {__version__}\n".encode() + _hash_files(own_paths(), PACKAGE).encode()).hexdigest()


PACKAGE = Path(__file__).resolve().parent.parent  # src/docgen (this module is in building/)


def own_paths() -> list[Path]:
    """Every file of docgen whose change can change an output: its code, tables and schemas."""
    return [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".xsd", ".json")]


@cache
def engines() -> dict[str, str]:
    """Versions of the Python packages behind the writers ("-" when one is not installed)."""
    found = {}
    for name in ENGINES:
        found[name] = engine_version(name)
    return found


# The names WeasyPrint's ffi.py tries for each library, in its order; ctypes opens the same file
# (a name the loader does not know fails at once: no compiler or ldconfig is run).
_LIBRARIES = {
    "pango": (("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib",
               "libpango-1.0-0.dll"), "pango_version_string"),
    "harfbuzz": (("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib",
                  "libharfbuzz-0.dll"), "hb_version_string"),
    "fontconfig": (("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib",
                    "libfontconfig-1.dll"), "FcGetVersion"),
}


@cache
def libraries() -> dict[str, str]:
    """Versions of the native libraries that lay out, shape and find fonts, and of zlib (PDF and DOCX bytes)."""
    found = {"zlib": zlib.ZLIB_RUNTIME_VERSION}
    for name, (files, function) in _LIBRARIES.items():
        found[name] = "-"
        for file in files:
            try:
                library = ctypes.CDLL(file)
            except OSError:
                continue
            call = getattr(library, function)
            if name == "fontconfig":  # an int: 21401 is 2.14.1
                number = call()
                found[name] = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
            else:
                call.restype = ctypes.c_char_p
                found[name] = call().decode()
            break
    return found


@cache
def code() -> str:
    """docgen's own files and the versions of the engines and libraries behind the writers."""
    h = hashlib.sha256(own_files().encode())
    for name, version in {**engines(), **libraries()}.items():
        h.update(f"{name} {version}\n".encode())
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
def template_files() -> str:
    return _hash_files([p for p in TEMPLATES.rglob("*") if p.is_file()], TEMPLATES)


def _manifest() -> bytes:
    manifest = FONTS / "MANIFEST.json"
    return manifest.read_bytes() if manifest.exists() else b""


@cache
def templates() -> str:
    return hashlib.sha256(template_files().encode() + _manifest()).hexdigest()


@cache
def layout() -> str:
    """templates/layout.yaml, which the Word writer reads too, and the font manifest: the Word
    draft's line spacing is the PDF's line height, which the faces' metrics set (fonts.line_box)."""
    path = TEMPLATES / "layout.yaml"
    return hashlib.sha256((path.read_bytes() if path.exists() else b"") + _manifest()).hexdigest()


def forget_templates() -> None:
    """After an edit under templates/ (docgen watch): every cached hash, or the edit goes unseen."""
    template_files.cache_clear()
    templates.cache_clear()
    layout.cache_clear()


def font_files(actual: bool) -> dict[str, str]:
    """SHA-256 of each font file the outputs use: of the file present (`actual`, reads ~140 MB),
    or as the manifest pins it (what this machine's outputs are fingerprinted with)."""
    try:
        pinned = {name: entry.get("sha256", "") for name, entry in json.loads(_manifest()).get("fonts", {}).items()}
    except ValueError:
        pinned = {}
    if not actual:
        return dict(sorted(pinned.items()))
    from docgen.data.fonts import sha256

    return {name: sha256(FONTS / name) if (FONTS / name).is_file() else "missing" for name in sorted(pinned)}


def identity(actual_fonts: bool = False) -> dict[str, str]:
    """What outputs are made from besides the content, item by item, for comparing two machines."""
    return {"docgen": own_files(), "templates": template_files(),
            **{f"Python package {name}": version for name, version in engines().items()},
            **{f"library {name}": version for name, version in libraries().items()},
            **{f"font {name}": sha for name, sha in font_files(actual_fonts).items()}}


PARENT_ORGANS = "../organs.yaml"  # organs.USER_FILE beside the document folders (organs.py is not imported here)


_REPORT = re.compile(rb"^type[ \t]*:[ \t]*['\"]?report\b", re.M)
_INCLUDE = re.compile(rb"\binclude[ \t]*:[ \t]*['\"]?([\w.-]+)")


def included_folders(folder: Path, files: list[tuple[str, bytes]]) -> list[str]:
    """The folders (beside it) whose texts a report prints: `include: <name>` in its language files,
    found without parsing YAML (like `readers.yaml.forms`); a name that is no folder is the reader's
    error to report."""
    facts = dict(files).get("document.yaml", b"")
    if not _REPORT.search(facts):
        return []
    names = sorted({m.decode() for name, data in files if name != "document.yaml" for m in _INCLUDE.findall(data)})
    return [n for n in names if n not in (".", "..") and (Path(folder).parent / n).is_dir()]


def read_document_files(folder: Path) -> list[tuple[str, bytes]]:
    """Every input file of a document, as (name, bytes): its folder's YAML files, those of the
    folders a report includes as "../<folder>/<file>", and the user's organs.yaml beside the folder
    as "../organs.yaml"."""
    folder = Path(folder)
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.yaml"))]
    for name in included_folders(folder, files):
        files += [(f"../{name}/{p.name}", p.read_bytes()) for p in sorted((folder.parent / name).glob("*.yaml"))]
    organs = folder.parent / "organs.yaml"
    if organs.is_file():
        files.append((PARENT_ORGANS, organs.read_bytes()))
    return files


def document_files(files: list[tuple[str, bytes]]) -> str:
    """The hash of a document's input files given as (name, bytes): `document()` of their folder."""
    own = hashlib.sha256()
    for name, data in sorted(f for f in files if f[0] != PARENT_ORGANS):
        own.update(name.encode() + b"\0" + data + b"\0")
    h = hashlib.sha256(own.hexdigest().encode())
    for name, data in files:
        if name == PARENT_ORGANS:
            h.update(b"organs\0" + data)
    return h.hexdigest()


def document(folder: Path) -> str:
    """The document's own inputs: every YAML file of its folder, and the user's organs.yaml beside it."""
    return document_files(read_document_files(folder))


def of(doc_hash: str, lang: str, fmt: str, settings_key: str) -> str:
    """The fingerprint of one output."""
    reads = FORMATS[fmt].looks
    looks = templates() if reads == "templates" else layout() if reads == "layout" else ""
    parts = [code(), doc_hash, lang, fmt, settings_key, looks]
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
        from docgen.files import write_atomic

        data = json.dumps({"docgen": __version__, "outputs": dict(sorted(self.entries.items()))}, indent=1)
        write_atomic(self.path, data.encode() + b"\n", sync=False)
        self.journal.unlink(missing_ok=True)

    def _key(self, target: Path) -> str:
        return os.path.relpath(target, self.path.parent)


def load_state(out: Path) -> State:
    path = Path(out) / STATE_FILE
    try:
        entries = json.loads(path.read_text("utf-8")).get("outputs", {})
    except (FileNotFoundError, NotADirectoryError, ValueError, AttributeError):
        entries = {}  # no state or an unreadable one: everything is rebuilt
    entries = entries if isinstance(entries, dict) else {}
    # only entries as docgen writes them: a damaged or edited state file rebuilds, never misleads
    state = State(path, {k: v for k, v in entries.items() if isinstance(v, dict) and isinstance(v.get("fingerprint"), str)})
    try:
        lines = state.journal.read_text("utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
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
