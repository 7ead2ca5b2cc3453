"""Right-to-left fixes for WeasyPrint 70, found laying out Arabic UN documents.

1. First-line indent on the wrong side. `get_next_linebox` (layout/inline.py) starts a line's
   content at the line box's start plus `text-indent`, then, for a right-to-left line, moves
   the content back by the line's width (which includes the indent). The content therefore
   ends at the right edge and the indent ends up on the left: an Arabic paragraph's first line
   starts flush right and stops short on the left. The fix shifts right-to-left lines by their
   indent once more when they are aligned, so the indent is at the start (the right).

2. Text layer of right-to-left ligatures. `draw_first_line` (draw/text.py) maps each glyph to
   the characters of its cluster, in logical order, in the font's ToUnicode table. The glyphs
   of a right-to-left run are written in visual order, and text extraction (pdftotext, copy and
   paste) reverses right-to-left runs character by character, so a glyph that stands for
   several characters comes out backwards: Noto Naskh's لله ligature (in الله) reads هلل. Glyphs
   of right-to-left clusters are mapped to their characters in visual order instead, which
   extraction turns back into the order typed.

3. Auto margins of right-to-left blocks. `block_level_width` (layout/block.py) moves a block in
   a right-to-left container to the right edge and then still shares the free space between
   `margin-left: auto` and `margin-right: auto`: a centred block (the 3 cm rule that ends a UN
   document) lands off the page on the right. The move is meant for over-constrained margins
   only; with an auto margin the margins place the block, so it is undone.

`apply()` refuses any WeasyPrint other than 70.x. The functions keep WeasyPrint's names and
signatures (`text_align`, `draw_first_line`, `block_level_width`), so the fixes can be
proposed upstream.
"""

from __future__ import annotations

import weasyprint
from weasyprint.draw import text as draw_text
from functools import partial

from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, inline
from weasyprint.text.ffi import pango

SUPPORTED = "70."

_wrapped_text_align = None
_original_draw_first_line = draw_text.draw_first_line


def text_align(context, line, available_width, last):
    """The offset WeasyPrint applies to the line, plus the indent for a right-to-left line.

    `get_next_linebox` turns the offset of a right-to-left line into `-offset - line.width`;
    adding the indent here moves the content left by the indent: the indent is on the right.
    """
    offset = _wrapped_text_align(context, line, available_width, last)
    if line.style["direction"] == "rtl":
        offset += getattr(line, "text_indent", 0) or 0
    return offset


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's `draw_first_line`, then right-to-left clusters' text mapped in visual order."""
    emojis = _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    if textbox.style["direction"] == "rtl":
        _visual_cluster_text(stream, textbox)
    return emojis


def _visual_cluster_text(stream, textbox) -> None:
    first_line, _ = textbox.pango_layout.get_first_line()
    utf8 = None
    run = first_line.runs[0] if first_line.runs else None
    while run:
        glyph_item = run.data
        run = run.next
        item = glyph_item.item
        if not item.analysis.level % 2:
            continue
        font, _ = stream.add_font(item.analysis.font)
        glyphs = glyph_item.glyphs
        clusters = glyphs.log_clusters
        for i in range(glyphs.num_glyphs):
            glyph = glyphs.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY or glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                continue
            end = item.length if i == 0 else clusters[i - 1]  # as draw_first_line cuts a cluster
            if end - clusters[i] < 2:
                continue  # one byte: one character
            utf8 = utf8 or textbox.pango_layout.text.encode()
            text = utf8[item.offset + clusters[i]:item.offset + end].decode()
            if len(text) > 1 and font.to_unicode.get(glyph) == text:
                font.to_unicode[glyph] = text[::-1]


_original_block_level_width = block.block_level_width


def block_level_width(box, containing_block, with_min_max=True):
    """WeasyPrint's `block_level_width`, without the right-edge move when a margin is auto."""
    rtl = isinstance(containing_block, boxes.Box) and containing_block.style["direction"] == "rtl"
    margins = (box.margin_left, box.margin_right)
    position_x = box.position_x
    _original_block_level_width(box, containing_block, with_min_max)
    if rtl and "auto" in margins and not box.is_column:
        fixed = sum(m for m in margins if m != "auto")
        padding_plus_border = (box.padding_left + box.padding_right
                               + box.border_left_width + box.border_right_width)
        if padding_plus_border + box.width + fixed <= containing_block.width:  # auto margins kept
            box.position_x = position_x


block_level_width.without_min_max = partial(block_level_width, with_min_max=False)


def apply() -> None:
    global _wrapped_text_align
    if not weasyprint.__version__.startswith(SUPPORTED):
        raise ImportError(f"docgen's right-to-left patch is written for WeasyPrint {SUPPORTED}x, "
                          f"not {weasyprint.__version__}")
    if _wrapped_text_align is None:
        _wrapped_text_align = inline.text_align
        inline.text_align = text_align
        draw_text.draw_first_line = draw_first_line
        block.block_level_width = block_level_width
