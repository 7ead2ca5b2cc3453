"""Checks on what WeasyPrint produced; each returns problems or raises RenderError."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.data import fonts
from docgen.writers import RenderError

_CALL = re.compile(r"fnref-(\d+)$")
_BODY = re.compile(r"fn-(\d+)$")


@dataclass
class Misplaced:
    call: int
    call_page: int
    body_pages: list[int]

    def __str__(self) -> str:
        where = f"on page {self.body_pages[0]}" if len(self.body_pages) == 1 else (
            "lost" if not self.body_pages else f"on pages {self.body_pages}")
        return f"footnote {self.call}: call on page {self.call_page}, body {where}"


def footnote_placement(document) -> list[Misplaced]:
    """Every footnote body exactly once, on its call's page (from the pages' anchors)."""
    call_page: dict[int, int] = {}
    body_pages: dict[int, list[int]] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            if m := _CALL.match(anchor):
                call_page[int(m.group(1))] = number
            elif m := _BODY.match(anchor):
                body_pages.setdefault(int(m.group(1)), []).append(number)
    problems = []
    for n, page in sorted(call_page.items()):
        found = body_pages.get(n, [])
        if found != [page]:
            problems.append(Misplaced(n, page, found))
    return problems


def embedded_fonts(document) -> list[str]:
    """Every font in the PDF is one docgen declared (no system fallback) and every character has a
    glyph; returns the fonts' names.

    WeasyPrint names a font after its family and style (`ABCDEF+docgen-Song-SC-Bold`); docgen's
    families exist only as @font-face rules on files in fonts/, so any other family name is a
    font fontconfig found on the system for a character docgen's fonts could not set.
    The names come from the fonts WeasyPrint wrote (`document.fonts`, after `write_pdf`: each
    becomes one /Font resource whose /BaseFont is its `name`), not from reopening the PDF
    (pikepdf: 19 ms and 6 MB per cold build); tests read them back from the file with pikepdf.
    """
    families = {f.family.replace(" ", "-") for f in fonts.FONTS_TABLE}
    names = {_name(font) for font in document.fonts.values()}
    stray = sorted(n for n in names if not any(n == f or n.startswith(f + "-") for f in families))
    if stray:
        raise RenderError(f"the PDF uses fonts docgen did not declare (a fallback for a missing glyph?): "
                          f"{', '.join(stray)}")
    # Fontconfig knows only docgen's faces (weasyprint/fonts.py, 3.): a character none of them has is drawn
    # as .notdef, and WeasyPrint records it in the font's `missing`
    missing = sorted({(codepoint, _name(font)) for font in document.fonts.values() for codepoint in font.missing})
    if missing:
        raise RenderError("no glyph in docgen's fonts for " + ", ".join(
            f"U+{codepoint:04X} {chr(codepoint)!r} (drawn as an empty box in {name})" for codepoint, name in missing[:10]))
    return sorted(names)


def _name(font) -> str:
    """The font's PDF name without its subset tag: `/ABCDEF+docgen-Song-SC-Bold` -> `docgen-Song-SC-Bold`."""
    return font.name.decode()[1:].split("+", 1)[-1]
