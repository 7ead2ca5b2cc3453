"""Footnote area: WeasyPrint 70's overflow check, with the tolerance used everywhere else.

`LayoutContext._update_footnote_area` compares the last footnote's bottom with the area's bottom
exactly; float rounding then reports an overflow that is not there, every footnote moves to the
next page, and `footnote-policy: block` crashes (tests/fixtures/repros/fn_rounding.html, upstream
#2502). The copy below uses `self.overflows`, as the rest of the layout code does.
"""

from __future__ import annotations

from math import inf

from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout

from docgen.writers.pdf.weasyprint.registry import patch


def _update_footnote_area(self):
    """WeasyPrint 70's, comparing with `LayoutContext.overflows`'s tolerance (see above)."""
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


patch("footnotes", LayoutContext, "_update_footnote_area", _update_footnote_area, "414dfc8254961974")
