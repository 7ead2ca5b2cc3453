"""The Word draft's page geometry and type sizes: templates/layout.yaml, the PDF's table.

The draft takes the PDF's sizes of its language, then the file's `word:` section, which holds only
what Word alone has (its Normal style, the leadings of the masthead lines);
leadings the CSS gives as multiples of a size (`*_line_height`) are the same products here. No size
is a constant in the writer.

A leading is the height the PDF's lines have, which is not always layout.yaml's line-height: a
Chinese line holds a box in Times (the strut) and one in the CJK face, offset by their metrics,
and is 16.6 pt high on a 15.6 pt line-height (`fonts.line_box`). Word's exact line spacing is set
to that height, for the text of the styles that set the language's own letters.
"""

from __future__ import annotations

import re

from docx.shared import Cm, Inches, Length, Mm, Pt

from docgen.data import fonts, layout

_UNITS = {"cm": Cm, "mm": Mm, "in": Inches, "pt": Pt}
_LENGTH = re.compile(r"(-?[0-9.]+)(cm|mm|in|pt)")


# leading = size x the CSS's line-height ratio
_RATIOS = {"heading_leading": ("heading_font", "heading_line_height"),
           "organ_leading": ("organ_font", "organ_line_height"),
           "organ_font_long_leading": ("organ_font_long", "organ_line_height")}


# leading -> (size, line-height, the faces' role, weight): the text whose lines the PDF sets in
# the language's faces. H23(G) (session lines, sub-headings) is body size in the heading face, bold.
_LINE_BOXES = {"body_leading": ("body_font", "body_leading", "body", 400),
               "footnote_leading": ("footnote_font", "footnote_leading", "body", 400),
               "heading_leading": ("heading_font", "heading_leading", "heading", 700),
               "subheading_leading": ("body_font", "body_leading", "heading", 700),
               # HCh(G), an annex's label: heading size on the body's line-height (the CSS's .annex-label)
               "annex_leading": ("heading_font", "body_leading", "heading", 700)}


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
    lines = {key: fonts.line_box(lang, role, found[size].pt, found[leading].pt, weight)
             for key, (size, leading, role, weight) in _LINE_BOXES.items()}
    # in twentieths of a point, as Word stores it: the same sizes give the same bytes
    found.update({key: Pt(round(height * 20) / 20) for key, height in lines.items()})
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
