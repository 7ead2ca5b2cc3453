"""Where docgen finds the project's templates and fonts (the repository's folders)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(os.environ.get("DOCGEN_TEMPLATES", ROOT / "templates"))
FONTS = Path(os.environ.get("DOCGEN_FONTS", ROOT / "fonts"))
