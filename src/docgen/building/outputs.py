"""Writing results: all or nothing, so a failed build never leaves a partial file or destroys
the previous good output."""

from __future__ import annotations

import os
import re
from pathlib import Path

from docgen.model import form_stem


def plain_name(name: str) -> bool:
    """A name that stays where it is put: one path component, not `.` or `..`."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def output_path(out: Path, document: str, lang: str, extension: str, form: str = "adopted") -> Path:
    """<out>/<document>/<document>.<lang>.<extension>, a draft's <document>.draft.<lang>.<extension>;
    never outside out."""
    if not plain_name(document):
        raise ValueError(f"a document folder's name cannot name an output: {document!r}")
    return Path(out) / document / f"{form_stem(document, form)}.{lang}.{extension}"


class Escapes(Exception):
    """An output would be written outside --out (a symbolic link in the way): this output fails, the
    build goes on."""


def check_inside(out: Path, target: Path) -> None:
    """Refuse to write target unless it and the folders between it and out are real, inside out."""
    folder = Path(target).parent
    if folder.is_symlink() or not inside(out, target):
        raise Escapes(f"{folder} is a symbolic link out of --out {out}; docgen writes only inside --out")


def inside(out: Path, target: Path) -> bool:
    """target is a file under out, even once symbolic links in between are followed."""
    try:
        return Path(target).parent.resolve().is_relative_to(Path(out).resolve())
    except (OSError, RuntimeError):
        return False


# the temporary files docgen writes: files.write_atomic's (.<name>.<mkstemp's 8 characters>.part)
# and install_fonts' (.<name>.part)
_LEFTOVER = re.compile(r"\.(?P<name>.+?)(?:\.[a-z0-9_]{8})?\.part")


def remove_leftovers(out: Path) -> int:
    """Delete temporary files a killed build left behind (it could not clean up); returns how many.

    Only docgen's own: in --out itself and the folders docgen writes in it (one per document,
    fonts/), never deeper and never through a symbolic link, a file named as docgen names its
    temporary files for what belongs there (`.<document>.<lang>.<ext>.xxxxxxxx.part` in a
    document's folder)."""
    out = Path(out)
    count = 0
    try:
        folders = [out] + [d for d in out.iterdir() if d.is_dir() and not d.is_symlink()]
    except OSError:
        return 0
    for folder in folders:
        try:
            entries = list(folder.glob(".*.part"))
        except OSError:
            continue
        for tmp in entries:
            match = _LEFTOVER.fullmatch(tmp.name)
            if not match or tmp.is_symlink() or not tmp.is_file():
                continue
            owner = "docgen-state." if folder == out else "" if folder.name == "fonts" else folder.name + "."
            if not match["name"].startswith(owner):
                continue
            tmp.unlink(missing_ok=True)
            count += 1
    return count


def install_fonts(out: Path, files: list[str], source: Path) -> int:
    """Put the font files HTML outputs refer to into <out>/fonts/ (hard links when possible); returns how many.

    The HTML output names them by relative URL (../fonts/<file>), so the output folder works
    wherever it is copied or served. A file already there with the right size is kept.
    """
    folder = Path(out) / "fonts"
    check_inside(out, folder / "x")
    count = 0
    for name in files:
        src, target = source / name, folder / name
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


class OutputError(Exception):
    """--out cannot take this build: not a folder, not writable, or another build is writing there."""


def problem(error: OSError, path: Path | None = None) -> str:
    """An OSError as one line: the path and the reason (no traceback, no class name)."""
    where = error.filename or path or "?"
    return f"{where}: {error.strerror or error}"


def prepare(out: Path) -> None:
    """Make the output folder (and its parents), or say in one line why it cannot be."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder; choose a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the output folder {problem(exc, out)}") from None


def lock(out: Path):
    """Hold the output folder for this process: a second build (or watch) on the same --out would
    interleave the state file and the outputs. The lock is the kernel's on the folder itself
    (flock), so no file is added and a killed build's lock goes with it. Returns the open folder
    (closing it, or the process ending, releases the lock)."""
    import fcntl

    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f"cannot use the output folder {problem(exc, out)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(f"another docgen build or watch is writing into {Path(out)}; wait for it to end, "
                          "or choose another --out") from None
    return _Held(fd)


class _Held:
    """An open folder whose lock this process holds."""

    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self):
        self.close()
