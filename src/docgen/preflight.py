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

from functools import cache

from .diagnostics import Diagnostic, Location
from .model import Document, Version, plain_text


def run(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every preflight check on every language version of doc; findings are appended."""
    for version in doc.versions.values():
        diagnostics.extend(glyphs(version, doc))


# ---------------------------------------------------------------- glyphs

@cache
def _ranges(css_range: str) -> tuple[tuple[int, int], ...]:
    """'U+0000-024F, U+20AC' -> ((0, 0x24F), (0x20AC, 0x20AC))."""
    out = []
    for part in css_range.split(","):
        first, _, last = part.strip()[2:].partition("-")
        out.append((int(first, 16), int(last or first, 16)))
    return tuple(out)


def face_for(cp: int, cjk: bool) -> tuple[str, str] | None:
    """(face name, font file) the page sets code point cp in, per the HTML writer's @font-face
    rules; None when the page declares no face for it (WeasyPrint would fall back to a system font).

    The Latin face is declared for `fonts.LATIN_RANGE` only (“ ” and CJK punctuation are kept for
    the CJK face); a Chinese page sets everything else, and its dashes and ellipses, in the CJK
    face; other pages declare the Latin face alone. Fonts by language (#10) change this here.
    """
    from .fonts import LATIN_RANGE

    in_latin_range = any(lo <= cp <= hi for lo, hi in _ranges(LATIN_RANGE))
    if cjk and cp in (0x2014, 0x2026):
        in_latin_range = False  # the HTML writer sets Chinese dashes and ellipses in the CJK face
    if in_latin_range:
        return "Liberation Serif", "LiberationSerif-Regular.ttf"
    if cjk:
        return "Noto Serif CJK SC", "NotoSerifCJKsc-Regular.otf"
    return None


def glyphs(version: Version, doc: Document | None = None) -> list[Diagnostic]:
    """A diagnostic per value whose characters have no glyph in the face meant for them.

    The version's text, and, given the document, what the page prints around it: session and
    closing lines, heading, masthead (organ name, symbol, job line, the language table's words).
    """
    from . import fonts, tables

    cjk = tables.language(version.lang).is_cjk
    values = [(name, plain_text(inlines), loc) for name, inlines, loc in version.texts()]
    if doc is not None:
        values += _page_furniture(doc, version)
    found: list[Diagnostic] = []
    for name, text, loc in values:
        unset, missing, seen = [], {}, set()
        for ch in text:
            if ch in seen:
                continue
            seen.add(ch)
            chosen = face_for(ord(ch), cjk)
            if chosen is None:
                unset.append(ch)
                continue
            face, file = chosen
            try:
                table = fonts.cmap(file)
            except OSError:
                return [Diagnostic(Location(version.path), f"font file fonts/{file} is missing: "
                                   "run `make setup` (or `python -m docgen.fonts install`)")]
            if ord(ch) not in table:
                missing.setdefault(face, []).append(ch)
        where = loc or Location(version.path)
        if unset:
            found.append(Diagnostic(where, f"{name}: {_characters(unset)} no font on a {version.lang} page "
                                           f"(docgen declares the fonts of {tables.language(version.lang).name} "
                                           "pages for Latin characters only, yet); it cannot be printed"))
        for face, chars in missing.items():
            found.append(Diagnostic(where, f"{name}: {_characters(chars)} no glyph in the font for "
                                           f"{version.lang} text ({face}); it cannot be printed"))
    return found


def _page_furniture(doc: Document, version: Version) -> list[tuple[str, str, Location]]:
    """(what, text, where it comes from) for the words a page prints besides the version's text."""
    from . import organs, tables
    from .writers.masthead import masthead

    here, meta_file = Location(version.path), Location(doc.folder / "document.yaml")
    head = masthead(doc, version)
    table = f"docgen's {version.lang} language table"
    organ_files = " or ".join(str(p.name) for p in organs.files(doc.folder))
    return [
        *((f"session line {i}", line, here) for i, line in enumerate(version.session, 1)),
        *((f"closing line {i}", line, here) for i, line in enumerate(version.closing, 1)),
        ("the heading (document number)", version.heading, meta_file),
        ("the symbol", doc.meta.symbol, meta_file),
        ("the job number", head.job_line, meta_file),
        (f"the {version.lang} name of organ '{doc.meta.organ}' (in {organ_files})", " ".join(head.organ_lines),
         meta_file),
        (f"'United Nations' from {table}", tables.language(version.lang).united_nations, here),
    ]


def _characters(chars: list[str]) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {_show(c)}" for c in chars[:8]) + (", ..." if len(chars) > 8 else "")
    return f"character {shown} has" if len(chars) == 1 else f"characters {shown} have"


def _show(ch: str) -> str:
    return repr(ch) if ch.isprintable() else "(not printable)"
