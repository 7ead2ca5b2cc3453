"""Problems found in content, reported as `file:line:col: message` and never as a traceback.

Every stage appends to a list of Diagnostic instead of raising at the first problem,
so that `docgen check` can report everything it finds in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    path: Path
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0

    def __str__(self) -> str:
        path = _display(self.path)
        if self.line:  # lines and columns count from 1; an unknown column is left out
            return f"{path}:{self.line}:{self.column}" if self.column else f"{path}:{self.line}"
        return path


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    message: str
    severity: str = "error"  # "error", "warning" or "note"
    code: str = ""  # names a warning an author can acknowledge in the source (see acknowledged)

    def __str__(self) -> str:
        if self.code and self.severity == "warning":
            return (f"{self.location}: {self.severity}: {self.message} "
                    f"[{self.code}; if intended, acknowledge it with '# docgen: ok {self.code}' on that line]")
        return f"{self.location}: {self.severity}: {self.message}"


_ACK = re.compile(r"#\s*docgen:\s*ok\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")


def acknowledged(diagnostic: Diagnostic) -> bool:
    """A warning the author acknowledged at its place: `# docgen: ok <code>` in a comment on the
    warned line or on the line before it (docs/content-format.md, "Warnings")."""
    loc = diagnostic.location
    if diagnostic.severity != "warning" or not diagnostic.code or not loc.line:
        return False
    lines = _lines(Path(loc.path))
    for line in lines[max(loc.line - 2, 0): loc.line]:
        if (m := _ACK.search(line)) and diagnostic.code in {c.strip() for c in m.group(1).split(",")}:
            return True
    return False


def without_acknowledged(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], int]:
    """The diagnostics left once acknowledged warnings are taken out, and how many were."""
    kept = [d for d in diagnostics if not acknowledged(d)]
    return kept, len(diagnostics) - len(kept)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def _display(path: Path) -> str:
    """A path relative to the working directory when possible: messages stay short."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
