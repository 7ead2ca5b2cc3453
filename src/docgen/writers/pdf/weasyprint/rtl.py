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

1. is applied by justify.py's `text_align` (the one patch of that function), which adds
`indented`. `draw_first_line` and `block_level_width` keep WeasyPrint's names and
signatures, so the fixes can be proposed upstream.
"""

from __future__ import annotations

from functools import partial

from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, inline
from weasyprint.text.ffi import pango

from docgen.writers.pdf.weasyprint.registry import patch, relies_on


def indented(line, offset: float) -> float:
    """The offset WeasyPrint aligns a line by, plus the indent for a right-to-left line (1.).

    `get_next_linebox` turns the offset of a right-to-left line into `-offset - line.width`;
    adding the indent moves the content left by the indent: the indent is on the right.
    """
    if line.style["direction"] == "rtl":
        offset += getattr(line, "text_indent", 0) or 0
    return offset


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's `draw_first_line`, then right-to-left clusters' text mapped in visual order."""
    emojis = _stock_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
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


def block_level_width(box, containing_block, with_min_max=True):
    """WeasyPrint's `block_level_width`, without the right-edge move when a margin is auto."""
    rtl = isinstance(containing_block, boxes.Box) and containing_block.style["direction"] == "rtl"
    margins = (box.margin_left, box.margin_right)
    position_x = box.position_x
    _stock_block_level_width(box, containing_block, with_min_max)
    if rtl and "auto" in margins and not box.is_column:
        fixed = sum(m for m in margins if m != "auto")
        padding_plus_border = (box.padding_left + box.padding_right
                               + box.border_left_width + box.border_right_width)
        if padding_plus_border + box.width + fixed <= containing_block.width:  # auto margins kept
            box.position_x = position_x


block_level_width.without_min_max = partial(block_level_width, with_min_max=False)


_stock_draw_first_line = patch("rtl", draw_text, "draw_first_line", draw_first_line, "94c3e8bf3845482c")
_stock_block_level_width = patch("rtl", block, "block_level_width", block_level_width, "c737e43e7bbae7f7")
relies_on("rtl", inline, "get_next_linebox", "7d00aeeee04b3665")  # how it places a right-to-left line (1.)
