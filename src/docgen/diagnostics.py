"""Problems found in content, reported as `file:line:col: message` and never as a traceback.

Every stage appends to a list of Diagnostic instead of raising at the first problem,
so that `docgen check` can report everything it finds in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    path: Path
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0

    def __str__(self) -> str:
        path = _display(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.column}"
        return path


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def _display(path: Path) -> str:
    """A path relative to the working directory when possible: messages stay short."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
