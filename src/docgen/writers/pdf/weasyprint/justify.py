"""Inter-character justification for WeasyPrint 70 (CSS Text 3 `text-justify: inter-character`).

WeasyPrint 70 justifies a line by widening its spaces only (`layout/inline.py`: `justify_line`,
`count_expandable_spaces`, `add_word_spacing`), so Chinese lines, which have no spaces, stay
ragged. This module replaces that step:

1. Opportunities. A line's justification opportunities are its spaces (as before) plus every
   gap between two adjacent letters of which at least one is a wide (CJK) character: Han, kana,
   CJK and full-width punctuation, and in CJK text the ambiguous-width punctuation “ ” ‘ ’ — ….
   Never inside a Latin word, never after the line's last letter, never before a raised letter
   (a footnote call stays on its character), never inside a run of the same dash or ellipsis
   (—— and …… stay whole), never next to an atomic box (the paragraph number's inline-block).
2. Distribution. Even spacing, unless that opens gaps between two Han characters wider than
   0.08 em: then spaces and Han/Latin boundaries take more first, up to 0.25 em each (JLREQ
   3.8.3 expands those first; and text extraction reads a gap over 0.1 em between Han
   characters as a word space). Spaces get their share as before (Pango letter-spacing on the
   space); a CJK gap gets it by widening the glyph before the gap when the text is drawn
   (`Layout.reactivate`, which only drawing calls), rounded so that the PDF's positions add
   up. The text layer gets no characters: the PDF shows the advance as a TJ adjustment.
3. Han/Latin spacing at line edges: docgen puts the quarter-em Han/Latin gap as a margin on
   the Latin run (`.gap-before`, `.gap-after`). A margin at the start or the end of a line is
   not between two letters any more, so it is removed before the line is aligned (CSS Text 4
   `text-autospace` does not apply at line edges either).

4. Right to left (Arabic). Spaces of right-to-left lines are widened the same way, by glyph
   widths; WeasyPrint's own way (Pango letter-spacing attributes) doubled the spaces at the
   edges of digit and Latin runs inside Arabic text. Glyphs of a right-to-left run come in
   visual order, their clusters backwards: a space is its own cluster and is widened once.

Everything here touches only the justification step and text drawing. The functions keep
WeasyPrint's names and signatures so that the change can be proposed upstream as a
`text-justify` implementation. `text_align` is the one patch of `inline.text_align`, for this
module (3.) and rtl.py (1.).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango

from docgen.writers.pdf.weasyprint import rtl
from docgen.writers.pdf.weasyprint.registry import patch, relies_on

GAP_BEFORE, GAP_AFTER = "gap-before", "gap-after"
_UNBREAKABLE_RUNS = frozenset("—…⋯―")
INTER_SOFT_LIMIT = 0.08  # em: widest even gap between two Han characters before boundaries take more
# em: most a word space widens in a Latin or Cyrillic line; Liberation Serif's space is 0.25 em,
# so a space stays under twice its width. What is left goes between letters (a few hundredths
# of a point each), as DTP programs' letter-spacing does when hyphenation could not help.
WORD_SPACE_LIMIT = 0.24
BOUNDARY_LIMIT = 0.25    # em: most a space or a Han/Latin boundary takes before Han gaps take the rest



# ---------------------------------------------------------------- opportunities


@lru_cache(maxsize=4096)
def is_wide(char: str, cjk_text: bool) -> bool:
    """A character around which inter-character justification may add space."""
    width = unicodedata.east_asian_width(char)
    if width in ("W", "F"):
        return not char.isspace()
    return cjk_text and width == "A" and unicodedata.category(char)[0] == "P"


def _is_cjk_lang(style) -> bool:
    lang = (style["lang"] or "").lower()
    return lang.startswith(("zh", "ja", "ko"))


def _letters(box, raised=False):
    """(text box, index, character, raised, CJK text) for each letter of a line, in order; None for an atomic box."""
    if isinstance(box, boxes.TextBox):
        cjk = _is_cjk_lang(box.style)
        for index, char in enumerate(box.text):
            yield box, index, char, raised, cjk
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        raised = raised or box.style["vertical_align"] != "baseline"
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _letters(child, raised)
    else:
        yield None


def _opportunity(before, after) -> str | None:
    """The kind of gap between two visible letters: "inter" (both wide), "boundary" (Han/Latin) or None."""
    if before is None or after is None:
        return None
    _, _, a, _, cjk_a = before
    _, _, b, raised_b, cjk_b = after
    if raised_b or a.isspace() or b.isspace():
        return None
    if a == b and a in _UNBREAKABLE_RUNS:
        return None
    wide_a, wide_b = is_wide(a, cjk_a), is_wide(b, cjk_b)
    if wide_a and wide_b:
        return "inter"
    return "boundary" if wide_a or wide_b else None


def _may_be_wide(box) -> bool:
    """Whether a letter of the line may be wide (`is_wide`): none below U+00A1 is; outside CJK
    text only a wide or full-width one (none below U+1100), which a Latin, Cyrillic or Arabic
    line's quotation marks, dashes and word joiners are not. Such a line has no CJK gap, and is
    known so without looking at each pair of letters (most of the time justification took)."""
    if isinstance(box, boxes.TextBox):
        if _is_cjk_lang(box.style):
            return bool(box.text) and max(box.text) >= "\u00a1"
        return any(is_wide(char, False) for char in set(box.text) if char >= "\u1100")
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return any(_may_be_wide(child) for child in box.children if child.is_in_normal_flow())
    return False


def mark_gaps(line) -> list:
    """The line's CJK gaps, as (text box, index of the letter before the gap, kind), in order."""
    if not _may_be_wide(line):
        return []
    letters = list(_letters(line))
    # Format characters (word joiner, zero-width space) are invisible: look through them.
    visible = [x for x in letters if x is None or unicodedata.category(x[2]) != "Cf"]
    gaps = []
    for before, after in zip(visible, visible[1:]):
        kind = _opportunity(before, after)
        if kind:
            gaps.append((before[0], before[1], kind))
    return gaps


def spacings(extra: float, spaces: int, boundaries: int, inter: int, font_size: float) -> tuple[float, float]:
    """Extra width per space or Han/Latin boundary, and per gap between two wide letters.

    Even spacing first. When that would open gaps between Han characters wider than
    INTER_SOFT_LIMIT (text extraction, pdftotext among others, reads a gap over 0.1 em as a
    word space), spaces and Han/Latin boundaries take more, up to BOUNDARY_LIMIT each (JLREQ
    3.8.3 expands those first), and only what is left goes between Han characters.
    """
    first, second = spaces + boundaries, inter
    if not second:
        return extra / first, 0.0
    if not first:
        return 0.0, extra / second
    even = extra / (first + second)
    soft = INTER_SOFT_LIMIT * font_size
    if even <= soft:
        return even, even
    per_first = (extra - second * soft) / first
    limit = BOUNDARY_LIMIT * font_size
    if per_first <= limit:
        return per_first, soft
    return limit, (extra - first * limit) / second


# ---------------------------------------------------------------- WeasyPrint's justification step


def letter_gaps(line) -> list:
    """Gaps between two letters of a line without CJK text, as `mark_gaps` gives them: never at
    a space, before a raised footnote number, next to an atomic box, or after the last letter."""
    letters = [x for x in _letters(line) if x is None or unicodedata.category(x[2]) != "Cf"]
    return [(a[0], a[1], "letter") for a, b in zip(letters, letters[1:])
            if a is not None and b is not None and not (a[2].isspace() or b[2].isspace() or a[3] or b[3])]


def justify_line(context, line, extra_width):
    """Share `extra_width` among the line's spaces and CJK gaps (WeasyPrint 70: spaces only)."""
    spaces = inline.count_expandable_spaces(line)
    gaps = mark_gaps(line)
    if not spaces and not gaps:
        return
    size = line.style["font_size"]
    if (not gaps and extra_width > spaces * WORD_SPACE_LIMIT * size and line.style["direction"] == "ltr"
            and not _is_cjk_lang(line.style)):
        # a Latin or Cyrillic line that spaces alone would open too wide: letters take the rest
        gaps = letter_gaps(line)
        if gaps:
            rest = (extra_width - spaces * WORD_SPACE_LIMIT * size) / len(gaps)
            gaps = [(box, index, rest) for box, index, _ in gaps]
            _set_gaps(gaps)
            add_word_spacing(context, line, WORD_SPACE_LIMIT * size, 0)
            return
    inter = sum(1 for _, _, kind in gaps if kind == "inter")
    per_space, per_inter = spacings(extra_width, spaces, len(gaps) - inter, inter, size)
    _set_gaps([(box, index, per_inter if kind == "inter" else per_space) for box, index, kind in gaps])
    add_word_spacing(context, line, per_space, 0)


def _set_gaps(gaps) -> None:
    per_box = {}
    for box, index, width in gaps:
        per_box.setdefault(box, []).append((index, width))
    for box, box_gaps in per_box.items():
        box.cjk_gaps = tuple(box_gaps)  # replaces any from an earlier layout of the same box


def add_word_spacing(context, box, justification_spacing, x_advance):
    """WeasyPrint 70's `add_word_spacing`, widening spaces and CJK gaps by widening glyphs.

    WeasyPrint widens spaces with Pango letter-spacing attributes; those split each space into
    a run of its own, which loses the kerning between a space and its neighbours (space-A,
    space-T in Times: 0.5 pt each), so the drawn line comes out up to 1.6 pt longer than the
    laid-out one. Here the layout is shaped exactly as it was measured and the extra width
    goes onto the glyphs when they are drawn (`reactivate`).
    """
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = justification_spacing
        box.position_x += x_advance
        widths = dict(getattr(box, "cjk_gaps", ()))
        for index, char in enumerate(box.text):
            if char in " \u00a0":
                widths[index] = justification_spacing
        if widths:
            layout = line_break.create_layout(box.text, box.style, context, max_width=None, justification_spacing=0)
            layout.deactivate()  # made again for drawing, widened (`reactivate`)
            layout.cjk_gaps = _byte_offsets(box.text, widths.items())
            layout.justified = True
            extra_space = sum(widths.values())
            x_advance += extra_space
            box.width += extra_space
            box.pango_layout = layout
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        previous_x_advance = x_advance
        children = box.children
        if box.style["direction"] == "rtl":
            children = children[::-1]
        for child in children:
            if child.is_in_normal_flow():
                x_advance = add_word_spacing(context, child, justification_spacing, x_advance)
        box.width += x_advance - previous_x_advance
    else:
        box.translate(x_advance, 0)
    return x_advance


def _byte_offsets(text: str, gaps) -> tuple[tuple[int, float], ...]:
    """(UTF-8 offset, width in Pango units) per gap: Pango's glyph clusters are byte offsets."""
    widths = dict(gaps)
    if text.isascii():  # a character is a byte
        return tuple((index, widths[index] * TO_UNITS) for index in sorted(widths))
    # a character is a byte but for the few others (quotation marks, word joiners, letters
    # outside ASCII): each adds its UTF-8 length less one to the offsets after it
    wide = [(m.start(), len(m.group().encode()) - 1) for m in _NON_ASCII.finditer(text)]
    offsets, extra, k = [], 0, 0
    for index in sorted(widths):
        while k < len(wide) and wide[k][0] < index:
            extra += wide[k][1]
            k += 1
        offsets.append((index + extra, widths[index] * TO_UNITS))
    return tuple(offsets)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def reactivate(self, style):
    """Prepare a justified box's layout for drawing: widen its CJK gaps, settle its positions."""
    _stock_reactivate(self, style)
    if getattr(self, "justified", False):
        # draw_first_line sets single-paragraph mode; set it first so Pango keeps these lines.
        pango.pango_layout_set_single_paragraph_mode(self.layout, True)
        first_line, _ = self.get_first_line()
        _settle(first_line, dict(getattr(self, "cjk_gaps", ())))


def _settle(line, gaps: dict[int, float]) -> None:
    """Give each glyph the width that makes the PDF put the next one where Pango laid it out.

    Adds each CJK gap's width to the last glyph of the cluster before the gap. Then, because
    WeasyPrint writes a glyph's advance as the font's width (rounded to 1/1000 em) plus a TJ
    adjustment truncated to a whole thousandth, a long line drifts by up to 1/1000 em per
    glyph (0.6 pt at the end of an English footnote line): each width is set so that the
    truncated adjustment lands on the exact cumulative position (error diffusion), keeping
    every glyph within half a thousandth of an em of where the layout put it.
    """
    run = line.runs
    exact = drawn = 0.0  # cumulative advance in thousandths of an em: laid out, as the PDF draws it
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item = glyph_item.item
        rtl = item.analysis.level % 2  # glyphs in visual order: clusters run backwards
        seen = set()
        font = item.analysis.font
        size = _font_size(font)
        per_thousandth = size * TO_UNITS / 1000  # Pango units per thousandth of an em
        glyphs = glyph_item.glyphs
        clusters = glyphs.log_clusters
        infos = glyphs.glyphs
        start, end, count = item.offset, item.offset + item.length, glyphs.num_glyphs
        widths = _logical_widths.setdefault(int(ffi.cast("uintptr_t", font)), {})  # glyph -> its width
        for i in range(count):
            info = infos[i]
            geometry = info.geometry
            width = geometry.width
            if gaps:
                cluster_start = start + clusters[i]
                if rtl:
                    # A gap (a space) is a cluster of its own: widen its first glyph once.
                    if cluster_start not in seen:
                        seen.add(cluster_start)
                        width += gaps.get(cluster_start, 0)
                else:
                    cluster_end = end if i == count - 1 else start + clusters[i + 1]
                    if cluster_end == cluster_start + 1:  # one byte (ASCII): most glyphs
                        width += gaps.get(cluster_start, 0)
                    else:
                        width += sum(gaps.get(offset, 0) for offset in range(cluster_start, cluster_end))
            exact += width / per_thousandth
            glyph = info.glyph
            geometry.width = round(width)
            if glyph == _EMPTY:
                drawn += geometry.width / size  # draw_first_line moves by width / font size
                continue
            if glyph & _UNKNOWN:
                drawn += geometry.width / per_thousandth
                continue
            # draw_first_line: offset = x_offset / size; kerning = logical + offset - width in
            # thousandths; the pen moves by offset + logical - int(kerning).
            offset = geometry.x_offset / size
            logical = widths.get(glyph)
            if logical is None:
                logical = widths[glyph] = _logical_width(font, glyph, size)
            truncated = round(offset + logical - (exact - drawn))  # the int(kerning) that lands right
            kerning = truncated + (0.25 if truncated >= 0 else -0.25)
            geometry.width = round((logical + offset - kerning) * per_thousandth)
            drawn += offset + logical - truncated


_font_sizes: dict = {}
_logical_widths: dict = {}  # font address -> {glyph: width in 1/1000 em} (`_settle`; the size is the font's)
_EMPTY, _UNKNOWN = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG


def _font_size(font) -> float:
    """The size WeasyPrint's PDF stream uses for this Pango font (`get_pango_font_key`)."""
    key = int(ffi.cast("uintptr_t", font))
    if key not in _font_sizes:
        description = pango.pango_font_describe_with_absolute_size(font)
        _font_sizes[key] = pango.pango_font_description_get_size(description) * FROM_UNITS
        pango.pango_font_description_free(description)
    return _font_sizes[key]


def _logical_width(font, glyph: int, size: float) -> int:
    """The glyph's width as WeasyPrint writes it in the PDF (`draw_first_line`), in 1/1000 em."""
    ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
    pango.pango_font_get_glyph_extents(font, glyph, ink, logical)
    return round(logical.width * 1000 * FROM_UNITS / size)


# ---------------------------------------------------------------- Han/Latin margins at line edges


def _has_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    if element is None or box.element_tag != getattr(element, "tag", None):
        return False  # anonymous or pseudo-element box
    return name in (element.get("class") or "").split()


def _edge_path(line, last: bool):
    """The inline boxes from the line down to its first (or last) letter."""
    path = []
    box = line
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        path.append(box)
        children = [c for c in box.children if c.is_in_normal_flow()]
        if last:
            children = [c for c in children if not (isinstance(c, boxes.InlineBox) and c.width == 0
                                                   and not c.children)]
        if not children:
            break
        box = children[-1] if last else children[0]
    return path


def drop_edge_gaps(line) -> None:
    """Remove a Han/Latin margin that ends up at the start or the end of a line."""
    path = _edge_path(line, last=False)
    for depth, box in enumerate(path[1:], start=1):
        if box.margin_left and _has_class(box, GAP_BEFORE):
            dx = box.margin_left
            for child in line.children:
                child.translate(-dx, 0)
            for ancestor in path[1:depth + 1]:
                ancestor.position_x += dx
            box.margin_left = 0
            for ancestor in path[:depth]:
                ancestor.width -= dx
    path = _edge_path(line, last=True)
    for depth, box in enumerate(path[1:], start=1):
        if box.margin_right and _has_class(box, GAP_AFTER):
            dx = box.margin_right
            box.margin_right = 0
            for ancestor in path[:depth]:
                ancestor.width -= dx


def text_align(context, line, available_width, last):
    """WeasyPrint's `text_align` between docgen's two changes, in this order: 1. Han/Latin margins
    at the line's edges dropped (3. above: the line's width changes, so before aligning); 2.
    WeasyPrint's offset; 3. a right-to-left line's first-line indent added (rtl.py, 1.)."""
    drop_edge_gaps(line)
    return rtl.indented(line, _stock_text_align(context, line, available_width, last))


patch("justify", inline, "justify_line", justify_line, "a438e57b6b147b67")
patch("justify", inline, "add_word_spacing", add_word_spacing, "9fb83ee3c765f617")
relies_on("justify", inline, "count_expandable_spaces", "1fab5419e59e6e0f")
_stock_text_align = patch("justify", inline, "text_align", text_align, "96ea9433b3011cf9")
_stock_reactivate = patch("justify", line_break.Layout, "reactivate", reactivate, "7e823320345aa576")
