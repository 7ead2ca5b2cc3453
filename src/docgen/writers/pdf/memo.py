"""Work a warm process does once per distinct input instead of once per render.

A worker or `docgen watch` renders the same paragraphs over and over: the same document
again after an edit elsewhere, the same footnotes each time WeasyPrint lays out a page's
footnote area again, the same boilerplate in every document. The steps memoised here are
pure: their result is a function of the arguments listed in their key, nothing else, so a
result computed earlier is the result, byte for byte. Each memo is bounded (least recently
used entries go first), so a long-lived worker's memory stays flat.

1. Line splitting (`split_first_line`): Pango shapes a paragraph's text and finds where its
   first line ends, for a text, a width and the style properties Pango and WeasyPrint's line
   breaking read (`_LINE_STYLE`). The result holds a *deactivated* Layout (plain values: the
   text, the first line's direction, font metrics; drawing makes a new Pango layout from
   them), so a hit hands out a fresh copy of it: a caller that changes its layout changes
   nothing in the memo. Fonts matter too: the key holds the FontConfiguration and how many
   faces it has registered (`patches.add_font_face` counts them).
"""

from __future__ import annotations

from weasyprint.layout import inline, preferred
from weasyprint.text import line_break

LINE_ENTRIES = 2048  # lines; the Chinese resolution makes ~460 (~0.9 KB each: its key holds the text)

# Everything `split_first_line` reads from the style, through `Layout.setup`, `set_text`,
# `get_font_description`, `font_features`, `first_line_metrics`, `line_size` and `percentage`
# (WeasyPrint 70). `tab_size` is read only for a text with a tab: added to the key then.
_LINE_STYLE = (
    "white_space", "font_size", "hyphens", "lang", "hyphenate_limit_chars", "hyphenate_limit_zone",
    "hyphenate_character", "overflow_wrap", "word_break", "letter_spacing", "word_spacing",
    "direction", "font_language_override", "font_family", "font_style", "font_stretch", "font_weight",
    "font_variant_caps", "font_variation_settings", "text_decoration_line", "font_kerning",
    "font_variant_ligatures", "font_variant_position", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
)

_original_split_first_line = line_break.split_first_line
_Layout = line_break.Layout
_lines: dict = {}
stats = {"line hits": 0, "line misses": 0}


def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
    """WeasyPrint's `split_first_line`, remembered per text, width and style (see 1. above)."""
    font_config = style.font_config
    try:
        key = (text, max_width, justification_spacing, is_line_start, minimum, font_config,
               font_config.__dict__.get("_docgen_faces", 0), style["tab_size"] if "\t" in text else None,
               *[style[name] for name in _LINE_STYLE])
        found = _lines.pop(key, None)
    except TypeError:  # an unhashable style value: not remembered
        return _original_split_first_line(text, style, context, max_width, justification_spacing,
                                          is_line_start, minimum)
    if found is None:
        stats["line misses"] += 1
        result = _original_split_first_line(text, style, context, max_width, justification_spacing,
                                            is_line_start, minimum)
        found = (dict(result[0].__dict__),) + tuple(result[1:])
        if len(_lines) >= LINE_ENTRIES:
            del _lines[next(iter(_lines))]
        _lines[key] = found
        return result
    stats["line hits"] += 1
    _lines[key] = found  # now the most recently used
    layout = _Layout.__new__(_Layout)
    layout.__dict__.update(found[0])
    return (layout,) + found[1:]


def clear() -> None:
    _lines.clear()


_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    line_break.split_first_line = split_first_line
    inline.split_first_line = split_first_line
    preferred.split_first_line = split_first_line
    _applied = True


def restore() -> None:
    """WeasyPrint's own functions again (tests compare with and without the memos)."""
    global _applied
    line_break.split_first_line = _original_split_first_line
    inline.split_first_line = _original_split_first_line
    preferred.split_first_line = _original_split_first_line
    clear()
    _applied = False
