"""The document folder an import reads and writes: which one, its scratch copies, its checks."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from docgen import pipeline
from docgen.data import frbr
from docgen.diagnostics import errors
from docgen.importing.report import ImportFailure


def read_base(folder: Path, lang: str = ""):
    """The folder's document; when it has errors and `lang` is a translation that reads alone (it
    lags the original's structure), that version alone, with the original's structure beside it."""
    doc, diagnostics = pipeline.read(folder)
    if doc is None and lang:
        alone = _read_alone(folder, lang)
        original = alone.meta.original if alone is not None else ""
        other = _read_alone(folder, original) if original and original != lang else None
        if alone is not None and other is not None:
            alone.folder = folder
            alone.original_version = other.versions[original]
            return alone
    if doc is None:
        listing = "\n".join(f"  {d}" for d in errors(diagnostics))
        raise ImportFailure(f"the document folder {folder} has errors; fix them before importing:\n{listing}")
    return doc


def _read_alone(folder: Path, lang: str):
    """One language version of a folder read on its own (None if it does not read)."""
    if not (folder / f"{lang}.yaml").is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp), lambda n: not n.endswith(".yaml") or n[:-5] in (lang, "document", "organs"))
        doc, _ = pipeline.read(copy, checks=False)
    if doc is None or lang not in doc.versions:
        return None
    doc.versions[lang].path = folder / f"{lang}.yaml"
    return doc


def check_result(folder: Path, lang: str, text: str) -> None:
    """`docgen check` on the result, in a scratch copy of the folder: refuse to write a broken file."""
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp))
        (copy / f"{lang}.yaml").write_text(text, encoding="utf-8")
        doc, diagnostics = pipeline.read(copy)
        # errors in the imported file itself; a translation whose structure now differs is the
        # summary's business (and check's), not a reason to refuse the original's edit
        failed = [d for d in errors(diagnostics) if Path(d.location.path).name in (f"{lang}.yaml", "document.yaml")]
        if doc is None and failed:
            listing = "\n".join(f"  {str(d).replace(str(copy), str(folder))}" for d in failed)
            raise ImportFailure(f"the imported {lang}.yaml would not pass docgen check; nothing written:\n{listing}")


def folder_of_work(content: Path, iri: str) -> Path | None:
    """The document folder under content/ whose facts give this Work IRI (for AKN files)."""
    import datetime as dt

    import yaml

    for document in sorted(content.glob("*/document.yaml")):
        try:
            meta = yaml.safe_load(document.read_text(encoding="utf-8"))
            if isinstance(meta.get("adopted"), dt.date) and \
                    frbr.work_iri(meta["organ"], meta["adopted"], str(meta["number"]), meta.get("type", "")) == iri:
                return document.parent
        except (yaml.YAMLError, OSError, AttributeError, KeyError, TypeError, ValueError):
            continue  # a broken folder is not the one; `docgen check` reports it
    return None


def named_folder(content: Path, name: str, path: Path) -> Path:
    """The folder a draft's metadata names: one document folder directly under the content folder,
    never a path that leaves it (the metadata is whatever the file says)."""
    folder = content / name
    if (not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", name) or name in (".", "..")
            or folder.resolve().parent != content.resolve()):
        raise ImportFailure(f"{path}: the draft names document {name!r}, which is not a folder of {content}: "
                            "refused (give the document folder with --into FOLDER)")
    return folder


def copy_for_check(folder: Path, tmp: Path, keep=lambda name: True) -> Path:
    """A scratch copy of a document folder, with the content folder's organs.yaml beside it (the
    organs it defines are known there too)."""
    copy = Path(tmp) / folder.name
    shutil.copytree(folder, copy, ignore=lambda where, names: [n for n in names if n == ".git" or
                                                                   (Path(where) == folder and not keep(n))])
    organs = folder.parent / "organs.yaml"
    if organs.is_file():
        shutil.copy(organs, Path(tmp) / "organs.yaml")
    return copy
