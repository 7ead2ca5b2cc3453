"""The Word draft's page geometry and type sizes: templates/layout.yaml, the PDF's table.

The draft takes the PDF's sizes of its language, then the file's `word:` section, which holds only
what Word alone has (its Normal style, the chapter heading, the leadings of the masthead lines);
leadings the CSS gives as multiples of a size (`*_line_height`) are the same products here. No size
is a constant in the writer.
"""

from __future__ import annotations

import re

from docx.shared import Cm, Inches, Length, Mm, Pt

from docgen.data import layout

_UNITS = {"cm": Cm, "mm": Mm, "in": Inches, "pt": Pt}
_LENGTH = re.compile(r"(-?[0-9.]+)(cm|mm|in|pt)")


# leading = size x the CSS's line-height ratio
_RATIOS = {"heading_leading": ("heading_font", "heading_line_height"),
           "organ_leading": ("organ_font", "organ_line_height"),
           "organ_font_long_leading": ("organ_font_long", "organ_line_height")}


def sizes(lang: str) -> dict[str, str]:
    """Every size of the draft in `lang`, as layout.yaml writes them ("10pt", "2cm")."""
    word = layout.table().get("word", {})
    return {**layout.settings_for(lang), **word.get("default", {})}


def lengths(lang: str) -> dict[str, Length]:
    """`sizes` that are lengths (not hyphenate_limit_chars), as python-docx takes them, and the
    leadings the CSS writes as ratios."""
    table = sizes(lang)
    found = _lengths(table)
    for key, (size, ratio) in _RATIOS.items():
        found.setdefault(key, Pt(round(found[size].pt * float(table[ratio]), 2)))
    return found


def paper(name: str) -> dict[str, Length]:
    """A paper's width, height and margins ("A4", "Letter": the duty station names it)."""
    return _lengths(layout.paper(name))


def _lengths(table: dict) -> dict[str, Length]:
    found = {}
    for key, value in table.items():
        if m := _LENGTH.fullmatch(str(value)):
            found[key] = _UNITS[m.group(2)](float(m.group(1)))
    return found
