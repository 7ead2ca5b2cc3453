"""What a build shows while it runs.

On a terminal: one line redrawn in place (outputs done / total, failures, elapsed time).
Elsewhere (CI, a pipe): a plain line per output written or failed. Quiet: failures only.
Whatever the mode, the reasons for failures are printed once, together at the end, by the build.
"""

from __future__ import annotations

import os
import sys
import time


def say(text: str) -> None:
    """A line on standard output. If its reader has gone (`docgen build | head -1`), the build goes
    on without its list: what it writes is the files, not the lines (stdout then goes nowhere)."""
    try:
        print(text, file=sys.stdout, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


class Progress:
    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.quiet = total, quiet
        self.live = not quiet and self.stream.isatty()
        self.done = self.failed = 0
        self.start = time.monotonic()

    def written(self, target) -> None:
        self.done += 1
        if self.live:
            self._redraw()
        elif not self.quiet:
            say(f"wrote {target}")

    def dropped(self) -> None:
        """An output not attempted: its document has errors (listed in the summary)."""
        self.total -= 1
        if self.live:
            self._redraw()

    def failure(self, label: str, message: str) -> None:
        self.done += 1
        self.failed += 1
        if self.live:
            self.stream.write("\r\033[K")
        print(f"failed: {label} (why: in the summary at the end)", file=self.stream, flush=True)
        if self.live:
            self._redraw()

    def _redraw(self) -> None:
        elapsed = time.monotonic() - self.start
        failed = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r\033[Kdocgen: {self.done}/{self.total} outputs{failed}, {elapsed:.1f} s")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()
