"""Where docgen finds the project's templates and fonts (the repository's folders), and keeps its cache."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(os.environ.get("DOCGEN_TEMPLATES", ROOT / "templates"))
FONTS = Path(os.environ.get("DOCGEN_FONTS", ROOT / "fonts"))


def cache_folder(name: str) -> Path:
    """A folder of the user's cache for what docgen may keep between processes (never an output):
    $DOCGEN_CACHE, else $XDG_CACHE_HOME/docgen, else ~/.cache/docgen."""
    base = os.environ.get("DOCGEN_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"
    return Path(base) / name
