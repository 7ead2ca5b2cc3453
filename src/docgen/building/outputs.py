"""Writing results: all or nothing, so a failed build never leaves a partial file or destroys
the previous good output."""

from __future__ import annotations

import os
from pathlib import Path


def output_path(out: Path, document: str, lang: str, extension: str) -> Path:
    return Path(out) / document / f"{document}.{lang}.{extension}"


def remove_leftovers(out: Path) -> int:
    """Delete temporary files a killed build left behind (it could not clean up); returns how many."""
    count = 0
    for tmp in Path(out).glob("**/.*.part"):
        tmp.unlink(missing_ok=True)
        count += 1
    return count


def install_fonts(out: Path, files: list[str], source: Path) -> int:
    """Put the font files HTML outputs refer to into <out>/fonts/ (hard links when possible); returns how many.

    The HTML output names them by relative URL (../fonts/<file>), so the output folder works
    wherever it is copied or served. A file already there with the right size is kept.
    """
    count = 0
    for name in files:
        src, target = source / name, Path(out) / "fonts" / name
        if target.exists() and target.stat().st_size == src.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{name}.part")
        tmp.unlink(missing_ok=True)
        try:
            os.link(src, tmp)
        except OSError:  # another file system, or links not allowed
            import shutil

            shutil.copyfile(src, tmp)
        os.replace(tmp, target)
        count += 1
    return count
