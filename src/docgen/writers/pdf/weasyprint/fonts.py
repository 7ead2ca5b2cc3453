"""docgen's fonts: registered where they are, read when asked, and no system font.

1. In place. WeasyPrint 70's `FontConfiguration.add_font_face` reads every @font-face file and
   writes a copy into a temporary folder for Fontconfig; docgen's CJK faces are 16-25 MB each
   (0.6 s of copying per cold build). A face whose only source is a local .otf/.ttf file is
   registered with Fontconfig at its own path, with the configuration WeasyPrint writes (family,
   style, weight, unicode-range); anything else goes WeasyPrint's way.
2. Read when asked. `Font.__init__` copies the whole font file out of HarfBuzz into Python bytes
   (`file_content`) for every face a page uses; with HarfBuzz subsetting nothing reads that copy
   (it is replaced by the subset). `file_content` becomes a property that copies the face's bytes
   on first read: ~60 MB less allocated by a cold Chinese render.
3. No system fonts. `FontConfiguration()` loads the system's Fontconfig configuration and every
   installed font, and Pango then sorts all of them for every font it looks up. docgen sets text
   only in its own faces (a character none has is found before rendering, `preflight.glyphs`, and
   after, `checks.embedded_fonts`): `OwnFontsConfiguration` starts empty (~30 ms less per cold
   build, and no machine's fonts can slip into a page).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import Element, SubElement, tostring

from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text import fonts as text_fonts
from weasyprint.text.constants import FONTCONFIG_STYLE, FONTCONFIG_WEIGHT
from weasyprint.text.ffi import ffi, fontconfig, gobject, pangoft2

from docgen.writers.pdf.weasyprint.registry import patch, relies_on
from docgen.writers import RenderError


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
    """Register a local font file where it is, without copying it (1. above).

    Counts the faces registered (`_docgen_faces`): the stylesheet memo keys on it."""
    path = _local_font_file(rule_descriptors)
    if path is None:
        self._docgen_faces = self.__dict__.get("_docgen_faces", 0) + 1
        return _stock_add_font_face(self, rule_descriptors, url_fetcher)
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
    return _stock_add_font_face(self, rule_descriptors, url_fetcher)


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


class OwnFontsConfiguration(text_fonts.FontConfiguration):
    """A FontConfiguration that knows no system font, only the faces pages declare (3. above).

    docgen's pages get it (`gate.font_configuration`); WeasyPrint's own default, for any other
    HTML, is unchanged (Pango would have no font at all for a page that declares none). Its
    `__init__` is WeasyPrint 70's with an empty Fontconfig configuration (FcConfigCreate) in place
    of the system's (FcInitLoadConfigAndFonts); `relies_on` below checks that one is unchanged."""

    def __init__(self):
        create = _empty_config_maker()
        self._config = create() if create is not None else fontconfig.FcInitLoadConfigAndFonts()
        self.font_map = ffi.gc(pangoft2.pango_ft2_font_map_new(), gobject.g_object_unref)
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), self._config)
        fontconfig.FcConfigDestroy(self._config)  # pango_fc_font_map_set_config keeps a reference
        self._folder = None
        self.strut_layouts = {}
        self.font_features = {}


_constructing = False


def _font_init(self, pango_font, description, font_size):
    """WeasyPrint's Font.__init__ without its copy of the font file (2. above); text that Pango
    found no font for at all (a page declaring no face, with docgen's configuration, 3.) is an
    error where WeasyPrint would crash on the null font."""
    global _constructing
    if pango_font == ffi.NULL:
        raise RenderError("text with no font at all: the page declares no face (@font-face) for it")
    _constructing = True
    try:
        _stock_font_init(self, pango_font, description, font_size)
    finally:
        _constructing = False


def _get_hb_object_data(hb_object, ot_color=None, glyph=None):
    if _constructing and ot_color is None:
        return None  # Font.__init__ asking for the whole file: read later, if ever (_file_content)
    return _stock_get_hb_object_data(hb_object, ot_color, glyph)


def _file_content_get(self):
    data = self.__dict__.get("_docgen_file_content")
    if data is None:
        data = self.__dict__["_docgen_file_content"] = _stock_get_hb_object_data(self.hb_face)
    return data


def _file_content_set(self, value):
    self.__dict__["_docgen_file_content"] = value


_stock_add_font_face = patch("fonts", text_fonts.FontConfiguration, "add_font_face", add_font_face, "337856886513a85b")
relies_on("fonts", text_fonts.FontConfiguration, "__init__", "7951db6489346ef0")  # OwnFontsConfiguration.__init__ is a copy
_stock_font_init = patch("fonts", pdf_fonts.Font, "__init__", _font_init, "aa4a5d9a87b6396b")
_stock_get_hb_object_data = patch("fonts", pdf_fonts, "get_hb_object_data", _get_hb_object_data, "f0510750525339bd")
patch("fonts", pdf_fonts.Font, "file_content", property(_file_content_get, _file_content_set), "")
