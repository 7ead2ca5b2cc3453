"""Where docgen finds the project's templates and fonts (the repository's folders), and keeps its cache."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(os.environ.get("DOCGEN_TEMPLATES", ROOT / "templates"))
FONTS = Path(os.environ.get("DOCGEN_FONTS", ROOT / "fonts"))


def organ_tables(folder: Path) -> list[Path]:
    """The organ tables a document folder uses, later ones overriding earlier ones by key: docgen's
    own, then the user's `organs.yaml` beside the folder (the content folder's), then in it."""
    folder = Path(folder)
    users = [p for p in (folder.parent / "organs.yaml", folder / "organs.yaml") if p.is_file()]
    return [Path(__file__).resolve().parent / "data" / "organs.yaml", *users]


def cache_folder(name: str) -> Path:
    """A folder of the user's cache for what docgen may keep between processes (never an output):
    $DOCGEN_CACHE, else $XDG_CACHE_HOME/docgen, else ~/.cache/docgen."""
    base = os.environ.get("DOCGEN_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"
    return Path(base) / name
