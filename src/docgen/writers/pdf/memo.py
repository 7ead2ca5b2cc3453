"""Work a warm process does once per distinct input instead of once per render.

A worker or `docgen watch` renders the same paragraphs over and over: the same document
again after an edit elsewhere, the same footnotes each time WeasyPrint lays out a page's
footnote area again, the same boilerplate in every document. The steps memoised here are
pure: their result is a function of the arguments listed in their key, nothing else, so a
result computed earlier is the result, byte for byte. Each memo is bounded (least recently
used entries go first), so a long-lived worker's memory stays flat; and what is remembered of
one document (its lines, drawn text, font subsets) is dropped when the process goes on to
another (`document`): a build's worker renders each document once, where they would not be
used again, while `docgen watch` renders the same one again and again. Stylesheets, shared by
every document in a language, are kept.

1. Line splitting (`split_first_line`): Pango shapes a paragraph's text and finds where its
   first line ends, for a text, a width and the style properties Pango and WeasyPrint's line
   breaking read (`_LINE_STYLE`). The result holds a *deactivated* Layout (plain values: the
   text, the first line's direction, font metrics; drawing makes a new Pango layout from
   them), so a hit hands out a fresh copy of it: a caller that changes its layout changes
   nothing in the memo. Fonts matter too: the key holds the FontConfiguration and how many
   faces it has registered (`patches.add_font_face` counts them). The same for the layout
   justify.py gives a justified box (`deactivated_layout`), which Pango made only to drop.
2. Font subsets and their compression: HarfBuzz subsets a face for the set of glyphs a document
   uses (23 ms for the Chinese resolution's two CJK faces), then pydyf deflates the result
   (15 ms). Both are pure functions of the face, the glyph set and the flags. The deflated
   subset is kept (bytes budget `FONT_BYTES`) and inflated when a render asks for the same
   subset again: pydyf deflates a font file as one `compress` call on exactly those bytes,
   and when the bytes are a remembered subset (the same object) the remembered stream is
   handed back (deflate is deterministic: the same stream as deflating again). The key holds
   the HarfBuzz face's address, and the entry a reference to the face, so the address can
   not be reused by another face while the entry lives.
3. Stylesheets: the `<style>` text docgen's template writes (~8 KB of CSS) is parsed, its
   selectors compiled and its declarations validated on every render (~8 ms). WeasyPrint
   already reuses its own user-agent stylesheets across documents; the document's stylesheet
   is now reused the same way, per exact text, base URL, media type and FontConfiguration
   (with its registered faces: the @font-face rules were registered when the text was first
   parsed, and stay registered). It stays an author stylesheet (its place in the cascade is
   unchanged). Its one per-render effect, the @page rules it adds to the render's list, is
   recorded and replayed. A text with `@import`, `@layer`, `@counter-style`, `@color-profile`
   or `var(` (more state than that) is parsed as before.
4. Drawing text: for every text box, drawing makes a new Pango layout, shapes the line again
   (and justify.py settles its glyph widths), then `draw_first_line` turns the glyphs into
   the TJ strings of the content stream, registering fonts, glyph widths and each glyph's text
   (ToUnicode) on the way. All of that is a function of the layout's text, its justification
   (spacing, CJK gaps), the style properties of 1. and the FontConfiguration. What drawing
   writes is remembered per those inputs as operations (font and size, TJ string, text rise)
   plus the glyphs' widths and texts, and replayed: the fonts, widths and texts are given to
   the document's fonts in the order drawing would give them (a glyph's first text wins, as
   in `draw_first_line`; right-to-left clusters then reversed as rtl.py does). So that nothing
   is shaped for a box that is replayed, `Layout.reactivate` only notes the style; the Pango
   layout is made when something needs it. A line whose fonts the document has not
   registered yet, with an emoji font, a missing glyph or an ellipsis is drawn as before.
6. Faces subset side by side: WeasyPrint subsets and deflates a document's faces one after the
   other, while the main thread waits (~40 ms of a cold zh render, two CJK faces and the Latin
   ones). HarfBuzz and zlib release the GIL, so the faces are subset and their streams deflated
   on two threads, longest first (`SUBSET_THREADS`; 1 in a --jobs worker, whose sibling has the
   other core), before WeasyPrint's own loop, which then finds each face done. The streams are
   deflated exactly as pydyf would (same compressor, same bytes): the memo of 2. hands them
   over, as it does for a remembered subset.
5. Struts: WeasyPrint remembers a style's strut (line height and baseline) per
   FontConfiguration already, under a key it makes by formatting 16 style values into a
   string, on every call (~5 ms of a zh render). The same values as a tuple are the key here.
"""

from __future__ import annotations

import os
import threading
import zlib
from array import array
from itertools import chain
from operator import itemgetter

import pydyf
from weasyprint import css as wp_css
from weasyprint.css import computed_values as wp_computed_values
from weasyprint.css import units as wp_units
from weasyprint.draw import text as draw_text
from weasyprint.layout import inline, preferred
import weasyprint.pdf as wp_pdf
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text import line_break
from weasyprint.text.ffi import FROM_UNITS, ffi, pango
from weasyprint.text.fonts import get_pango_font_key

LINE_ENTRIES = 1024  # lines; the Chinese resolution makes ~460 (~0.9 KB each: its key holds the text)

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


def _style_values(style) -> tuple:
    """The `_LINE_STYLE` values of a style, hashable (`text-decoration-line` is a set)."""
    values = _line_style(style)
    if type(values[_DECORATION]) is set:
        values = values[:_DECORATION] + (frozenset(values[_DECORATION]),) + values[_DECORATION + 1:]
    return values


_line_style = itemgetter(*_LINE_STYLE)  # in C: a third of the time of a comprehension
_DECORATION = _LINE_STYLE.index("text_decoration_line")
_original_split_first_line = line_break.split_first_line
_Layout = line_break.Layout
_lines: dict = {}
stats = {"line hits": 0, "line misses": 0, "font hits": 0, "font misses": 0, "deflate hits": 0,
         "stylesheet hits": 0, "text hits": 0, "text misses": 0, "faces side by side": 0}


def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
    """WeasyPrint's `split_first_line`, remembered per text, width and style (see 1. above)."""
    font_config = style.font_config
    try:
        key = (text, max_width, justification_spacing, is_line_start, minimum, font_config,
               font_config.__dict__.get("_docgen_faces", 0), style["tab_size"] if "\t" in text else None,
               *_style_values(style))
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


_blank: dict = {}


def deactivated_layout(text, style, context):
    """`create_layout(text, style, context, None, 0)`, deactivated at once: what justify.py gives a
    justified box to draw with. Its Pango layout was made only to be dropped; the values left
    (the text as set, font metrics) are remembered per text and style, as lines are (1.)."""
    font_config = style.font_config
    key = (text, font_config, font_config.__dict__.get("_docgen_faces", 0),
           style["tab_size"] if "\t" in text else None, *_style_values(style))
    try:
        found = _blank.pop(key, None) if _applied else None
    except TypeError:  # an unhashable style value: not remembered
        found, key = None, None
    if found is None:
        layout = line_break.create_layout(text, style, context, max_width=None, justification_spacing=0)
        layout.deactivate()
        found = dict(layout.__dict__)
        if len(_blank) >= LINE_ENTRIES:
            del _blank[next(iter(_blank))]
    if key is not None:
        _blank[key] = found
    layout = _Layout.__new__(_Layout)
    layout.__dict__.update(found)
    return layout


# ---------------------------------------------------------------- struts (5.)

# WeasyPrint 70's `_font_style_cache_key(style, include_size=True)`: these values, in a string
_STRUT_STYLE = itemgetter(
    "font_family", "font_style", "font_stretch", "font_weight", "font_variant_ligatures", "font_variant_position",
    "font_variant_caps", "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings", "font_variation_settings", "font_language_override", "lang", "font_size",
    "line_height")
_original_strut = line_break.strut


def strut(style):
    """WeasyPrint's `strut`, remembered per FontConfiguration under a tuple of the values its own
    cache formats into a string (see 5. above)."""
    struts = style.font_config.__dict__.setdefault("_docgen_struts", {})
    try:
        key = _STRUT_STYLE(style)
        return struts[key]
    except KeyError:
        result = struts[key] = _original_strut(style)
        return result
    except TypeError:  # an unhashable value: WeasyPrint's own key
        return _original_strut(style)


# ---------------------------------------------------------------- font subsets (2.)

FONT_BYTES = 2**20  # deflated subsets; the Chinese resolution's take 0.4 MB (2.1 MB inflated)


class _Subset:
    """A remembered subset: its deflated stream, and while a render uses it, its bytes."""

    __slots__ = ("face", "data", "deflated")

    def __init__(self, face, data):
        self.face, self.data, self.deflated = face, data, None

    def size(self) -> int:  # what stays between renders (`data` is the render's, dropped once deflated)
        return len(self.deflated or b"")


_subsets: dict = {}  # (face address, glyphs, hinting, notdef outline) -> _Subset
_lock = threading.Lock()  # the two dicts, when faces are subset side by side (6.)
_by_data: dict = {}  # id(subset bytes) -> _Subset, while the entry holds those bytes (`data`)
_previous_subset = None


def _harfbuzz_subset(self, to_unicode, hinting):
    """`Font._harfbuzz_subset` (patches.py's), remembered per face, glyph set and flags (2. above).

    Between renders only the deflated stream is kept; a hit inflates it (2 ms for the Chinese
    resolution's faces, instead of 38 ms subsetting and deflating), and pydyf's compressor then
    hands the stream back for those bytes."""
    face = self.hb_face
    key = (int(ffi.cast("uintptr_t", face)), tuple(sorted(to_unicode)), bool(hinting), bool(self.missing))
    with _lock:
        entry = _subsets.pop(key, None)
        if entry is not None:
            stats["font hits"] += 1
            _subsets[key] = entry
            if entry.data is None:
                entry.data = zlib.decompress(entry.deflated)
                _by_data[id(entry.data)] = entry
            self.file_content = entry.data
            return True
        stats["font misses"] += 1
    if _previous_subset(self, to_unicode, hinting) is not True:
        return None  # WeasyPrint's own way, not remembered
    data = self.file_content
    with _lock:
        _subsets[key] = _by_data[id(data)] = _Subset(face, data)
        _trim_fonts()
    return True


def _deflate(data: bytes, make=None, *flush_args) -> bytes:
    """A font stream as pydyf deflates it: `make` is the compressor pydyf asked for (`_Compressor`),
    by default the one `Stream.data` asks for (`zlib.compressobj(level=9)`, patches' level)."""
    compressor = make() if make else pydyf.zlib.zlib.compressobj(level=9)
    return compressor.compress(data) + compressor.flush(*flush_args)


SUBSET_THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
_previous_clean = None
_previous_build_fonts_dictionary = None


def _clean(self, to_unicode, hinting):
    """`Font.clean`, unless `build_fonts_dictionary` below did it already for these glyphs."""
    done = self.__dict__.pop("_docgen_cleaned", None)
    if done is not None and done[0] == to_unicode and done[1] == hinting:
        return None
    return _previous_clean(self, to_unicode, hinting)


def build_fonts_dictionary(pdf, fonts, compress, subset, options):
    """WeasyPrint's `build_fonts_dictionary`, the faces subset and deflated side by side first (6.)."""
    if SUBSET_THREADS > 1 and subset and compress:
        jobs = []
        for file_fonts in _by_file(fonts):  # as WeasyPrint groups them
            font = file_fonts[0]
            if font.bitmap or font.used_in_forms:
                continue
            to_unicode = {}
            for file_font in file_fonts:
                to_unicode = {**to_unicode, **file_font.to_unicode}
            jobs.append((font, to_unicode))
        if len(jobs) > 1:
            jobs.sort(key=lambda job: len(job[1]), reverse=True)
            stats["faces side by side"] += len(jobs)
            _side_by_side([_subset_job(font, to_unicode, options["hinting"]) for font, to_unicode in jobs])
    return _previous_build_fonts_dictionary(pdf, fonts, compress, subset, options)


def _by_file(fonts) -> list[list]:
    groups: dict = {}
    for font in fonts.values():
        groups.setdefault(font.hash, []).append(font)
    return list(groups.values())


def _subset_job(font, to_unicode, hinting):
    def job():
        _previous_clean(font, to_unicode, hinting)
        font._docgen_cleaned = (to_unicode, hinting)
        data = font.file_content
        with _lock:
            entry = _by_data.get(id(data))
            if entry is None or entry.data is not data or entry.deflated is not None:
                return
        deflated = _deflate(data)
        with _lock:
            if entry.deflated is None:
                entry.deflated = deflated
    return job


def _side_by_side(jobs: list) -> None:
    """Run the jobs on this thread and one more, in their order; the first error is raised here."""
    errors = []

    def work():
        while True:
            try:
                job = jobs.pop(0)
            except IndexError:
                return
            try:
                job()
            except BaseException as exc:  # raised on the calling thread, as if run there
                errors.append(exc)
                del jobs[:]

    helper = threading.Thread(target=work, name="docgen-subset", daemon=True)
    helper.start()
    try:
        work()
    finally:
        helper.join()
    if errors:
        raise errors[0]


def _trim_fonts() -> None:
    while len(_subsets) > 1 and sum(entry.size() for entry in _subsets.values()) > FONT_BYTES:
        old = _subsets.pop(next(iter(_subsets)))
        if old.data is not None:
            _by_data.pop(id(old.data), None)


class _Compressor:
    """What pydyf's `zlib.compressobj()` gives: a remembered subset's stream comes from the memo."""

    __slots__ = ("_make", "_real", "_entry")

    def __init__(self, make):
        self._make, self._real, self._entry = make, None, None

    def compress(self, data):
        entry = _by_data.get(id(data)) if self._real is None else None
        if entry is not None and entry.data is data:
            self._entry = entry
            return b""
        out = b""
        if self._entry is not None:  # more data after a subset (not pydyf's way): deflate it all
            self._real = self._make()
            out, self._entry = self._real.compress(self._entry.data), None
        self._real = self._real or self._make()
        return out + self._real.compress(data)

    def flush(self, *args):
        entry = self._entry
        if entry is None:
            self._real = self._real or self._make()
            return self._real.flush(*args)
        if entry.deflated is None:
            entry.deflated = _deflate(entry.data, self._make, *args)
        else:
            stats["deflate hits"] += 1
        _by_data.pop(id(entry.data), None)  # the render has its bytes; the memo keeps the stream
        entry.data = None
        _trim_fonts()
        return entry.deflated


class _Zlib:
    """pydyf's view of zlib (patches.py's), with `_Compressor`."""

    def __init__(self, zlib):
        self.zlib = zlib
        self.compress = zlib.compress

    def compressobj(self, *args, **kwargs):
        return _Compressor(lambda: self.zlib.compressobj(*args, **kwargs))


# ---------------------------------------------------------------- stylesheets (3.)

STYLESHEETS = 4  # one per language's CSS text (~160 KB each)
_MORE_STATE = ("@import", "@layer", "@counter-style", "@color-profile", "var(")
_original_css = wp_css.CSS
_stylesheets: dict = {}  # (text, base URL, media type, FontConfiguration, faces) -> (CSS, its @page rules)


def stylesheet(string=None, base_url=None, media_type="print", font_config=None, page_rules=None, layers=None,
               **kwargs):
    """`CSS(...)` as `find_stylesheets` calls it for a `<style>` element, reused per exact text (3. above)."""
    if (not isinstance(string, str) or kwargs.keys() - {"url_fetcher", "counter_style", "color_profiles"}
            or page_rules is None or layers is None or layers or any(s in string for s in _MORE_STATE)):
        return _original_css(string=string, base_url=base_url, media_type=media_type, font_config=font_config,
                             page_rules=page_rules, layers=layers, **kwargs)
    key = (string, base_url, media_type, font_config, font_config.__dict__.get("_docgen_faces", 0))
    found = _stylesheets.pop(key, None)
    if found is None:
        before = len(page_rules)
        css = _original_css(string=string, base_url=base_url, media_type=media_type, font_config=font_config,
                            page_rules=page_rules, layers=layers, **kwargs)
        found = (css, tuple(page_rules[before:]))
        key = key[:-1] + (font_config.__dict__.get("_docgen_faces", 0),)  # its faces are registered now
        if len(_stylesheets) >= STYLESHEETS:
            del _stylesheets[next(iter(_stylesheets))]
    else:
        stats["stylesheet hits"] += 1
        css = found[0]
        page_rules.extend(found[1])
        css.page_rules, css.layers = page_rules, layers
    _stylesheets[key] = found
    return css


# ---------------------------------------------------------------- drawing text (4.)

TEXT_ENTRIES = 768  # drawn lines (~1.2 KB each, the key included); the Chinese resolution draws ~460
_drawn: dict = {}
_previous_reactivate = _previous_deactivate = _previous_draw_first_line = None


def reactivate(self, style):
    """`Layout.reactivate`, deferred: the Pango layout is made when needed (`_realise`)."""
    self._docgen_style = style


def _realise(layout) -> None:
    style = layout.__dict__.pop("_docgen_style", None)
    if style is not None:
        _previous_reactivate(layout, style)


def deactivate(self):
    if self.__dict__.pop("_docgen_style", None) is None:
        _previous_deactivate(self)


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """`draw_first_line` (rtl.py's), replayed from what an earlier drawing wrote (see 4. above)."""
    layout = textbox.pango_layout
    style = layout.__dict__.get("_docgen_style")
    if (style is None or style is not textbox.style or text_overflow == "ellipsis" or block_ellipsis != "none"
            or not textbox.text.strip() or style["font_size"] < 1e-6):
        _realise(layout)
        return _previous_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    font_config = style.font_config
    try:
        gaps = layout.__dict__.get("cjk_gaps")  # ((UTF-8 offset, width), ...): kept as 16 bytes a gap
        key = (layout.text, layout.justification_spacing, layout.__dict__.get("justified", False),
               array("d", chain.from_iterable(gaps)).tobytes() if gaps else gaps, font_config,
               font_config.__dict__.get("_docgen_faces", 0), *_style_values(style))
        entry = _drawn.pop(key, None)
    except TypeError:
        _realise(layout)
        return _previous_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    fonts = stream._fonts
    if entry is not None and all(font_key in fonts for font_key in entry[0]):
        stats["text hits"] += 1
    else:
        stats["text misses"] += 1
        _realise(layout)
        entry = _capture(stream, textbox, layout)
        if entry is None:  # emoji font, missing glyph...: WeasyPrint's way, not remembered
            return _previous_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        if len(_drawn) >= TEXT_ENTRIES:
            del _drawn[next(iter(_drawn))]
    _drawn[key] = entry
    _replay(stream, textbox, entry, matrix, fonts)
    return []


def _capture(stream, textbox, layout):
    """What WeasyPrint 70's `draw_first_line` writes for this line, as data (None: not remembered).

    The operations are made as `draw_first_line` makes them; fonts are registered in the same
    order (`stream.add_font`), so replaying them registers nothing new. Glyphs are kept as
    five integers each (font, glyph, the UTF-8 span of its text in the line, width)."""
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _ = layout.get_first_line()
    operations, glyphs, reversible = [], array("i"), array("i")
    font_keys = {}
    previous_pango_font = None
    string = ""
    ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
    run = first_line.runs[0] if first_line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        item = glyph_item.item
        rtl = item.analysis.level % 2
        pango_font = item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)
            if font.svg or font.png or font.colr or font.bitmap:
                return None
            if pango.pango_version() < 14802:
                font_size = textbox.style["font_size"]
            font_index = font_keys.setdefault(get_pango_font_key(pango_font)[0], len(font_keys))
            if string:
                operations.append(string)
            string = ""
            operations.append((font_index, font_size))
        string += "<"
        for i in range(num_glyphs):
            glyph_info = glyphs_info[i]
            glyph_id = glyph_info.glyph
            geometry = glyph_info.geometry
            width = geometry.width
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f">{-width / font_size}<"
                continue
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                return None
            t1 = clusters[i]
            if rtl:
                t2 = item.length if i == 0 else clusters[i - 1]
            else:
                t2 = item.length if i == num_glyphs - 1 else clusters[i + 1]
            if glyph_id in font.widths:
                logical_width = font.widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(pango_font, glyph_id, ink, logical)
                logical_width = font.widths[glyph_id] = round(logical.width * 1000 * FROM_UNITS / font_size)
            if rtl and t2 - t1 >= 2:
                reversible.append(len(glyphs) // 5)
            glyphs.extend((font_index, glyph_id, item.offset + t1, item.offset + t2, logical_width))
            offset = geometry.x_offset / font_size
            rise = geometry.y_offset / 1000
            if rise:
                if string[-1] == "<":
                    string = string[:-1]
                else:
                    string += ">"
                if string:
                    operations.append(string)
                operations.append(-rise)
                string = ""
                if offset:
                    string = f"{-offset}"
                string += f"<{glyph_id:04x}>"
                operations.append(string)
                operations.append(0)
                string = "<"
            else:
                if offset:
                    string += f">{-offset}<"
                string += f"{glyph_id:04x}"
            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f">{int(kerning)}<"
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
    operations.append(string)
    ffi.release(ink)
    ffi.release(logical)
    return tuple(font_keys), tuple(operations), glyphs, reversible


def _replay(stream, textbox, entry, matrix, fonts) -> None:
    """Write a remembered line, and give its glyphs' widths and texts to the document's fonts
    (a glyph's text only when its font has none yet, as `draw_first_line` does)."""
    font_keys, operations, glyphs, reversible = entry
    line_fonts = [fonts[key] for key in font_keys]
    stream.set_text_matrix(*matrix.values)
    for operation in operations:
        if type(operation) is str:
            stream.show_text(operation)
        elif type(operation) is tuple:
            stream.set_font_size(line_fonts[operation[0]].hash, operation[1])
        else:
            stream.set_text_rise(operation)
    utf8 = None
    for i in range(0, len(glyphs), 5):
        font = line_fonts[glyphs[i]]
        glyph_id = glyphs[i + 1]
        font.widths.setdefault(glyph_id, glyphs[i + 4])
        if glyph_id not in font.to_unicode:
            utf8 = utf8 or textbox.pango_layout.text.encode()
            font.to_unicode[glyph_id] = utf8[glyphs[i + 2]:glyphs[i + 3]].decode()
    if reversible and textbox.style["direction"] == "rtl":  # rtl.py's `_visual_cluster_text`
        utf8 = utf8 or textbox.pango_layout.text.encode()
        for n in reversible:
            font_index, glyph_id, start, end = glyphs[5 * n:5 * n + 4]
            text = utf8[start:end].decode()
            to_unicode = line_fonts[font_index].to_unicode
            if len(text) > 1 and to_unicode.get(glyph_id) == text:
                to_unicode[glyph_id] = text[::-1]


_document = None


def document(name: str) -> None:
    """Say which document the next render is of: another one than the last drops the memos of
    the last (see the top of this module)."""
    global _document
    if name != _document:
        _document = name
        _forget_document()


def _forget_document() -> None:
    """What is remembered of one document: its lines, drawn text and font subsets."""
    for memo in (_lines, _blank, _drawn, _subsets, _by_data):
        memo.clear()


def clear() -> None:
    _stylesheets.clear()
    _forget_document()


_applied = False


def apply() -> None:
    """Install the memos, over patches.py's subsetting and compression (applied before)."""
    global _applied, _previous_subset
    if _applied:
        return
    _previous_subset = pdf_fonts.Font._harfbuzz_subset
    pdf_fonts.Font._harfbuzz_subset = _harfbuzz_subset
    global _previous_clean, _previous_build_fonts_dictionary
    _previous_clean, _previous_build_fonts_dictionary = pdf_fonts.Font.clean, wp_pdf.build_fonts_dictionary
    pdf_fonts.Font.clean, wp_pdf.build_fonts_dictionary = _clean, build_fonts_dictionary
    pydyf.zlib = _Zlib(pydyf.zlib)
    wp_css.CSS = stylesheet
    global _previous_reactivate, _previous_deactivate, _previous_draw_first_line
    _previous_reactivate, _previous_deactivate = line_break.Layout.reactivate, line_break.Layout.deactivate
    _previous_draw_first_line = draw_text.draw_first_line
    line_break.Layout.reactivate, line_break.Layout.deactivate = reactivate, deactivate
    draw_text.draw_first_line = draw_first_line
    line_break.split_first_line = split_first_line
    inline.split_first_line = split_first_line
    for module in (line_break, inline, wp_units, wp_computed_values):
        module.strut = strut
    preferred.split_first_line = split_first_line
    _applied = True


def restore() -> None:
    """WeasyPrint's own functions again (tests compare with and without the memos)."""
    global _applied
    if not _applied:
        return
    pdf_fonts.Font._harfbuzz_subset = _previous_subset
    pdf_fonts.Font.clean, wp_pdf.build_fonts_dictionary = _previous_clean, _previous_build_fonts_dictionary
    pydyf.zlib = pydyf.zlib.zlib
    wp_css.CSS = _original_css
    line_break.Layout.reactivate, line_break.Layout.deactivate = _previous_reactivate, _previous_deactivate
    draw_text.draw_first_line = _previous_draw_first_line
    line_break.split_first_line = _original_split_first_line
    inline.split_first_line = _original_split_first_line
    for module in (line_break, inline, wp_units, wp_computed_values):
        module.strut = _original_strut
    preferred.split_first_line = _original_split_first_line
    clear()
    _applied = False
