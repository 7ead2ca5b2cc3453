"""Contained patches of WeasyPrint 70, each small enough to propose upstream.

1. Footnote area: `LayoutContext._update_footnote_area` compares the last footnote's bottom
   with the area's bottom exactly; float rounding then reports an overflow that is not there,
   every footnote moves to the next page (repros/fn_rounding.html, upstream #2502). The fix
   uses the tolerance `LayoutContext.overflows` uses everywhere else.
2. Justification: inter-character justification for CJK lines and no Han/Latin margin at line
   edges (`justify.py`, its own module: it is the larger change).
"""

from __future__ import annotations

from math import inf

from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout

from . import justify

_applied = False


def _update_footnote_area(self):
    """Update the page bottom size and our footnote area height (WeasyPrint 70, tolerance fixed)."""
    if self.current_footnote_area.height != "auto" and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(self, footnote_area, -inf, None, self.current_footnote_area.page)[0]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = last_child.position_y + last_child.margin_height() - last_child.margin_bottom
        footnote_area_bottom = footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom
        return self.overflows(footnote_area_bottom, last_child_bottom)  # was: a > b, exactly
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


def apply() -> None:
    global _applied
    if _applied:
        return
    LayoutContext._update_footnote_area = _update_footnote_area
    justify.apply()
    _applied = True
