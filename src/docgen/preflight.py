"""Preflight: find, before rendering, whatever would make a writer fail, at its place in the source.

`docgen check` and the build's validation step both run `run()` after the reader and the
transforms, so that `check` passing means every format can be built. Each finding is a
Diagnostic with file:line:col of the value that causes it. The writers keep calling the same
functions as a safety net (the PDF writer re-checks glyphs before rendering).

Checks:
- glyphs: every character of the text has a glyph in the font the page will set it in
  (`face_for`: the same choice of face as the HTML/PDF writer's @font-face rules).
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Location
from .model import Document, Version, plain_text


def run(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every preflight check on every language version of doc; findings are appended."""
    for version in doc.versions.values():
        diagnostics.extend(glyphs(version))


# ---------------------------------------------------------------- glyphs

def _ranges(css_range: str) -> tuple[tuple[int, int], ...]:
    """'U+0000-024F, U+20AC' -> ((0, 0x24F), (0x20AC, 0x20AC))."""
    out = []
    for part in css_range.split(","):
        first, _, last = part.strip()[2:].partition("-")
        out.append((int(first, 16), int(last or first, 16)))
    return tuple(out)


def face_for(cp: int, cjk: bool) -> tuple[str, str]:
    """(face name, font file) the page sets code point cp in: what the HTML writer declares.

    A Chinese page declares the Latin face for `fonts.LATIN_RANGE` only (so that “ ” and CJK
    punctuation are the CJK face's) and sets dashes and ellipses in the CJK face; any other page
    declares the Latin face alone, for every character.
    """
    from .fonts import LATIN_RANGE

    if not cjk:
        return "Liberation Serif", "LiberationSerif-Regular.ttf"
    in_latin_range = any(lo <= cp <= hi for lo, hi in _ranges(LATIN_RANGE)) and cp not in (0x2014, 0x2026)
    if in_latin_range:
        return "Liberation Serif", "LiberationSerif-Regular.ttf"
    return "Noto Serif CJK SC", "NotoSerifCJKsc-Regular.otf"


def glyphs(version: Version) -> list[Diagnostic]:
    """A diagnostic per value and character without a glyph in the face meant for it."""
    from . import fonts, tables

    cjk = tables.language(version.lang).is_cjk
    found: list[Diagnostic] = []
    for name, inlines, loc in version.texts():
        seen: set[str] = set()
        for ch in plain_text(inlines):
            if ch in seen:
                continue
            seen.add(ch)
            face, file = face_for(ord(ch), cjk)
            try:
                table = fonts.cmap(file)
            except OSError:
                return [Diagnostic(Location(version.path), f"font file fonts/{file} is missing: "
                                   "run `make setup` (or `python -m docgen.fonts install`)")]
            if ord(ch) not in table:
                found.append(Diagnostic(
                    loc or Location(version.path),
                    f"{name}: character U+{ord(ch):04X} {_show(ch)} has no glyph in the font for "
                    f"{version.lang} text ({face}); it cannot be printed",
                ))
    return found


def _show(ch: str) -> str:
    return repr(ch) if ch.isprintable() else "(not printable)"
