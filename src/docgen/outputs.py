"""Writing results: all or nothing, so a failed build never leaves a partial file or destroys
the previous good output."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def output_path(out: Path, document: str, lang: str, extension: str) -> Path:
    return Path(out) / document / f"{document}.{lang}.{extension}"


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file beside the target, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_leftovers(out: Path) -> int:
    """Delete temporary files a killed build left behind (it could not clean up); returns how many."""
    count = 0
    for tmp in Path(out).glob("**/.*.part"):
        tmp.unlink(missing_ok=True)
        count += 1
    return count
