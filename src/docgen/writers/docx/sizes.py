"""The Word draft's page geometry and type sizes: templates/layout.yaml, the PDF's table.

The draft takes the PDF's sizes of its language, then the file's `word:` section (what only Word
has, and where today's draft still differs from the PDF); no size is a constant in the writer.
"""

from __future__ import annotations

import re

from docx.shared import Cm, Inches, Length, Mm, Pt

from docgen.data import layout

_UNITS = {"cm": Cm, "mm": Mm, "in": Inches, "pt": Pt}
_LENGTH = re.compile(r"(-?[0-9.]+)(cm|mm|in|pt)")


def sizes(lang: str) -> dict[str, str]:
    """Every size of the draft in `lang`, as layout.yaml writes them ("10pt", "2cm")."""
    word = layout.table().get("word", {})
    return {**layout.settings_for(lang), **word.get("default", {}), **word.get(lang, {})}


def lengths(lang: str) -> dict[str, Length]:
    """`sizes` that are lengths (not hyphenate_limit_chars), as python-docx takes them."""
    return _lengths(sizes(lang))


def paper(name: str) -> dict[str, Length]:
    """A paper's width, height and margins ("A4", "Letter": the duty station names it)."""
    return _lengths(layout.paper(name))


def _lengths(table: dict) -> dict[str, Length]:
    found = {}
    for key, value in table.items():
        if m := _LENGTH.fullmatch(str(value)):
            found[key] = _UNITS[m.group(2)](float(m.group(1)))
    return found
