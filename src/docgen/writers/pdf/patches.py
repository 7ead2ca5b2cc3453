"""Contained patches of WeasyPrint 70, each small enough to propose upstream.

1. Footnote area: `LayoutContext._update_footnote_area` compares the last footnote's bottom
   with the area's bottom exactly; float rounding then reports an overflow that is not there,
   every footnote moves to the next page (repros/fn_rounding.html, upstream #2502). The fix
   uses the tolerance `LayoutContext.overflows` uses everywhere else.
2. Justification: inter-character justification for CJK lines and no Han/Latin margin at line
   edges (`justify.py`, its own module: it is the larger change).
3. Font faces from local files: `FontConfiguration.add_font_face` reads every @font-face file
   and writes a copy into a temporary folder for Fontconfig; docgen's CJK faces are 16-25 MB
   each, so a cold build spent 0.6 s copying files. A face whose only source is a local
   .otf/.ttf file is registered with Fontconfig at its own path instead (same configuration
   as WeasyPrint writes: family, style, weight, unicode-range); anything else goes the
   original way.
4. Font subsetting: `Font._harfbuzz_subset` runs HarfBuzz's subsetter twice, the second time
   only to apply the no-hinting flag over the same glyphs; for a CJK face that doubles the
   cost (0.07 s of a 0.38 s render). One pass with all the flags gives pixel-identical pages
   (pdftoppm) and fonts 2 % larger.
5. Stream compression: pydyf deflates every stream at level 9; level 6 (zlib's default) is
   18 ms faster per Chinese document for 0.2 % more bytes.
6. Tagged PDF (PDF/UA-1): margin boxes as Artifacts, footnotes as Reference + Note, list
   labels, elements across pages, /Lang on spans (`tagging.py`, its own module).
7. Hyphenation: WeasyPrint hands Pyphen a word with the word joiner docgen puts before a
   footnote call ("máquina\u2060"), which Pyphen counts as a letter, so a break could leave
   two letters where three are the minimum ("máqui-na"). `_Pyphen` ignores format characters.
8. Right to left: fixes for Arabic pages (`rtl.py`, its own module).
9. Font bytes read when asked: `pdf.fonts.Font.__init__` copies the whole font file out of
   HarfBuzz into Python bytes (`file_content`) for every face a page uses, 16-25 MB per CJK
   face; with HarfBuzz subsetting (4.) nothing ever reads that copy, it is replaced by the
   subset. `file_content` becomes a property that copies the face's bytes on first read (the
   fontTools fallbacks still get them); a cold zh render then allocates ~60 MB less, and a
   long-lived worker keeps no freed 20 MB blocks in its heap.
10. Memos: pure work done once per distinct input in a warm process (line splitting), bounded
   (`memo.py`, its own module).
11. No system fonts: `FontConfiguration()` loads the system's Fontconfig configuration and
   every installed font (FcInitLoadConfigAndFonts), and Pango then sorts all of them for every
   font it looks up. docgen sets text only in its own @font-face faces: a character none of them
   has is an error found before rendering (`preflight.glyphs`), and a system font in a PDF is
   one after (`checks.embedded_fonts`). docgen's configurations (`OwnFontsConfiguration`) start
   empty instead (FcConfigCreate): the same pages, ~30 ms less per cold build, and no machine's
   fonts can slip into a page. A character no face has is then drawn as .notdef, which
   `checks.embedded_fonts` reports. WeasyPrint's own FontConfiguration is left as it is.
"""

from __future__ import annotations

import unicodedata
import zlib
from functools import cache
from math import inf
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import Element, SubElement, tostring

import pydyf
import pyphen
from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text import fonts as text_fonts
from weasyprint.text import line_break
from weasyprint.text.constants import FONTCONFIG_STYLE, FONTCONFIG_WEIGHT
from weasyprint.text.ffi import ffi, fontconfig, harfbuzz, harfbuzz_subset, pangoft2

from . import justify, memo, rtl, tagging

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


_original_add_font_face = text_fonts.FontConfiguration.add_font_face


def _local_font_file(rule_descriptors) -> Path | None:
    sources = rule_descriptors.get("src", [])
    if len(sources) != 1 or set(rule_descriptors) - {"src", "font_family", "font_style", "font_weight", "unicode_range"}:
        return None
    kind, url = sources[0]
    if kind != "external" or not url or not url.startswith("file://"):
        return None
    path = Path(unquote(urlparse(url).path))
    return path if path.suffix.lower() in (".otf", ".ttf") and path.is_file() else None


def add_font_face(self, rule_descriptors, url_fetcher):
    """Register a local font file where it is, without copying it (see 3. above).

    Counts the faces registered (`_docgen_faces`): what Pango shapes with changes when it grows,
    so the line-splitting memo keys on it (`memo.py`)."""
    path = _local_font_file(rule_descriptors)
    if path is None:
        self._docgen_faces = self.__dict__.get("_docgen_faces", 0) + 1
        return _original_add_font_face(self, rule_descriptors, url_fetcher)
    registered = self.__dict__.setdefault("_docgen_fonts", set())
    if str(path) in registered:
        return None
    root = Element("fontconfig")
    match = SubElement(root, "match", target="scan")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    edit = SubElement(match, "edit", name="family", mode="prepend")
    SubElement(edit, "string").text = rule_descriptors["font_family"]
    if "font_style" in rule_descriptors:
        edit = SubElement(match, "edit", name="slant", mode="assign_replace")
        SubElement(edit, "const").text = FONTCONFIG_STYLE[rule_descriptors["font_style"]]
    if "font_weight" in rule_descriptors:
        edit = SubElement(match, "edit", name="weight", mode="assign_replace")
        SubElement(edit, "int").text = str(FONTCONFIG_WEIGHT[rule_descriptors["font_weight"]])
    if unicode_ranges := rule_descriptors.get("unicode_range"):
        match = SubElement(root, "match", target="font")
        test = SubElement(match, "test", name="file", compare="eq")
        SubElement(test, "string").text = path.as_posix()
        edit = SubElement(match, "edit", name="charset", mode="assign_replace")
        plus = SubElement(edit, "plus")
        for unicode_range in unicode_ranges:
            range_ = SubElement(SubElement(plus, "charset"), "range")
            for value in (unicode_range.start, unicode_range.end):
                SubElement(range_, "int").text = f"0x{value:x}"
    xml = b'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n' + tostring(root, encoding="utf-8")
    fontconfig.FcConfigParseAndLoadFromMemory(self._config, xml, True)
    self._docgen_faces = self.__dict__.get("_docgen_faces", 0) + 1
    if fontconfig.FcConfigAppFontAddFile(self._config, str(path).encode()):
        registered.add(str(path))
        return pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))
    return _original_add_font_face(self, rule_descriptors, url_fetcher)


@cache
def _empty_config_maker():
    """FcConfigCreate, which WeasyPrint's C declarations lack (ctypes: cffi would parse C)."""
    import ctypes

    try:
        create = ctypes.CDLL("libfontconfig.so.1").FcConfigCreate
    except (OSError, AttributeError):
        return None
    create.restype = ctypes.c_void_p
    return lambda: ffi.cast("FcConfig *", create())


class _FontconfigWithoutSystemFonts:
    """Fontconfig as `FontConfiguration.__init__` sees it: a new configuration is empty (see 11. above)."""

    def __init__(self, create):
        self.FcInitLoadConfigAndFonts = create

    def __getattr__(self, name):
        return getattr(fontconfig, name)


class OwnFontsConfiguration(text_fonts.FontConfiguration):
    """A FontConfiguration that knows no system font, only the faces pages declare (see 11. above).

    docgen's pages get it (`engine.font_configuration`); WeasyPrint's own default, for any other
    HTML, is unchanged (Pango would have no font at all for a page that declares none)."""

    def __init__(self):
        create = _empty_config_maker()
        if create is not None:
            text_fonts.fontconfig = _FontconfigWithoutSystemFonts(create)
        try:
            super().__init__()
        finally:
            text_fonts.fontconfig = fontconfig


_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
_original_harfbuzz_subset = pdf_fonts.Font._harfbuzz_subset


def _harfbuzz_subset(self, to_unicode, hinting):
    """WeasyPrint 70's HarfBuzz subset in one pass (see 4. above); the original on failure."""
    hs = harfbuzz_subset
    subset_input = ffi.gc(hs.hb_subset_input_create_or_fail(), hs.hb_subset_input_destroy)
    glyphs = ffi.new(f"hb_codepoint_t[{len(to_unicode)}]", sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(hs.hb_subset_input_glyph_set(subset_input), glyphs, len(to_unicode))
    flags = (hs.HB_SUBSET_FLAGS_RETAIN_GIDS | hs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | hs.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= hs.HB_SUBSET_FLAGS_NO_HINTING
    if self.missing:
        flags |= hs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hs.hb_subset_input_set_flags(subset_input, flags)
    tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(hs.hb_subset_input_set(subset_input, hs.HB_SUBSET_SETS_DROP_TABLE_TAG),
                                     ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = ffi.gc(hs.hb_subset_or_fail(self.hb_face, subset_input), harfbuzz.hb_face_destroy)
    data = pdf_fonts.get_hb_object_data(face) if face else None
    if data:
        self.file_content = data
        return True  # subset here (the memo keeps only these: `memo.py`)
    _original_harfbuzz_subset(self, to_unicode, hinting)
    return None


_original_font_init = pdf_fonts.Font.__init__
_constructing = False


def _font_init(self, pango_font, description, font_size):
    """WeasyPrint's Font.__init__ without its copy of the font file (see 7. above); text that
    Pango found no font for at all (a page declaring no face, with docgen's configuration, 11.)
    is an error where WeasyPrint would crash on the null font."""
    global _constructing
    if pango_font == ffi.NULL:
        from .. import RenderError

        raise RenderError("text with no font at all: the page declares no face (@font-face) for it")
    _constructing = True
    try:
        _original_font_init(self, pango_font, description, font_size)
    finally:
        _constructing = False


_original_get_hb_object_data = pdf_fonts.get_hb_object_data


def _get_hb_object_data(hb_object, ot_color=None, glyph=None):
    if _constructing and ot_color is None:
        return None  # Font.__init__ asking for the whole file: read later, if ever (_file_content)
    return _original_get_hb_object_data(hb_object, ot_color, glyph)


def _file_content_get(self):
    data = self.__dict__.get("_docgen_file_content")
    if data is None:
        data = self.__dict__["_docgen_file_content"] = _original_get_hb_object_data(self.hb_face)
    return data


def _file_content_set(self, value):
    self.__dict__["_docgen_file_content"] = value


class _Deflate:
    """pydyf's view of zlib, with its level 9 replaced by zlib's default (see 5. above)."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


class _Pyphen(pyphen.Pyphen):
    """Pyphen that does not count format characters as letters.

    docgen keeps a footnote call with the letter before it by a word joiner (U+2060); WeasyPrint
    hands Pyphen the word with it ("máquina\u2060"), which then counts as a letter: the break
    "máqui-na" passed the three-letters-after limit. Positions are computed on the word
    without format characters and mapped back.
    """

    def positions(self, word):
        kept = [i for i, ch in enumerate(word) if unicodedata.category(ch) != "Cf"]
        if len(kept) == len(word):
            return super().positions(word)
        bare = "".join(word[i] for i in kept)
        return [pyphen.DataInt(kept[position], reference=position) for position in super().positions(bare)]


class _PyphenModule:
    """What `weasyprint.text.line_break` sees as `pyphen`: the real module, with `_Pyphen`."""

    Pyphen = _Pyphen
    language_fallback = staticmethod(pyphen.language_fallback)
    LANGUAGES = pyphen.LANGUAGES


def apply() -> None:
    global _applied
    if _applied:
        return
    LayoutContext._update_footnote_area = _update_footnote_area
    text_fonts.FontConfiguration.add_font_face = add_font_face
    pydyf.zlib = _Deflate
    if "file_content" not in vars(pdf_fonts.Font):
        pdf_fonts.Font.__init__ = _font_init
        pdf_fonts.get_hb_object_data = _get_hb_object_data
        pdf_fonts.Font.file_content = property(_file_content_get, _file_content_set)
    if harfbuzz_subset is not None:
        pdf_fonts.Font._harfbuzz_subset = _harfbuzz_subset
    line_break.pyphen = _PyphenModule
    justify.apply()
    rtl.apply()  # after justify: it wraps the text_align justify installs
    tagging.apply()
    memo.apply()
    _applied = True
