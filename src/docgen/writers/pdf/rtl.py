"""Right-to-left fixes for WeasyPrint 70, found laying out Arabic UN documents.

1. First-line indent on the wrong side. `get_next_linebox` (layout/inline.py) starts a line's
   content at the line box's start plus `text-indent`, then, for a right-to-left line, moves
   the content back by the line's width (which includes the indent). The content therefore
   ends at the right edge and the indent ends up on the left: an Arabic paragraph's first line
   starts flush right and stops short on the left. The fix shifts right-to-left lines by their
   indent once more when they are aligned, so the indent is at the start (the right).

`apply()` refuses any WeasyPrint other than 70.x. The function keeps WeasyPrint's name and
signature (`text_align`), so the fix can be proposed upstream as a change of one line there.
"""

from __future__ import annotations

import weasyprint
from weasyprint.layout import inline

SUPPORTED = "70."

_wrapped_text_align = None


def text_align(context, line, available_width, last):
    """The offset WeasyPrint applies to the line, plus the indent for a right-to-left line.

    `get_next_linebox` turns the offset of a right-to-left line into `-offset - line.width`;
    adding the indent here moves the content left by the indent: the indent is on the right.
    """
    offset = _wrapped_text_align(context, line, available_width, last)
    if line.style["direction"] == "rtl":
        offset += getattr(line, "text_indent", 0) or 0
    return offset


def apply() -> None:
    global _wrapped_text_align
    if not weasyprint.__version__.startswith(SUPPORTED):
        raise ImportError(f"docgen's right-to-left patch is written for WeasyPrint {SUPPORTED}x, "
                          f"not {weasyprint.__version__}")
    if _wrapped_text_align is None:
        _wrapped_text_align = inline.text_align
        inline.text_align = text_align
