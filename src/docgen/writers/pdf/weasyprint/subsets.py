"""Font subsets: one HarfBuzz pass, remembered with their streams.

1. One pass. WeasyPrint 70's `Font._harfbuzz_subset` runs HarfBuzz's subsetter twice, the second
   time only to apply the no-hinting flag over the same glyphs; for a CJK face that doubles the
   cost. One pass with all the flags gives pixel-identical pages and fonts 2 % larger.
2. Remembered. HarfBuzz subsets a face for the glyphs a document uses (23 ms for the Chinese
   resolution's two CJK faces), then pydyf deflates it (15 ms): pure functions of the face, the
   glyph set and the flags. The deflated subset is kept (`FONT_BYTES`) and inflated when a render
   asks for the same subset again; pydyf deflates a font file as one `compress` call on exactly
   those bytes, and for a remembered subset (the same object) the remembered stream is handed
   back (deflate is deterministic). The key holds the HarfBuzz face's address and the entry the
   face, so the address cannot be reused while the entry lives. What is remembered of one
   document is dropped when the process goes on to another (`document`).
3. Deflate level: pydyf's level 9 becomes zlib's default, 6 (`_Zlib`).
"""

from __future__ import annotations

import zlib

import pydyf
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

from docgen.writers.pdf.weasyprint.registry import patch

stats = {"font hits": 0, "font misses": 0, "deflate hits": 0}
FONT_BYTES = 2**20  # deflated subsets; the Chinese resolution's take 0.4 MB (2.1 MB inflated)
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def _one_pass(self, to_unicode, hinting) -> bool:
    """WeasyPrint 70's HarfBuzz subset in one pass (1. above); False when HarfBuzz fails."""
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
        return True
    return False


class _Subset:
    """A remembered subset: its deflated stream, and while a render uses it, its bytes."""

    __slots__ = ("face", "data", "deflated")

    def __init__(self, face, data):
        self.face, self.data, self.deflated = face, data, None

    def size(self) -> int:  # what stays between renders (`data` is the render's, dropped once deflated)
        return len(self.deflated or b"")


_subsets: dict = {}  # (face address, glyphs, hinting, notdef outline) -> _Subset
_by_data: dict = {}  # id(subset bytes) -> _Subset, while the entry holds those bytes (`data`)


def _harfbuzz_subset(self, to_unicode, hinting):
    """WeasyPrint 70's `Font._harfbuzz_subset`: 1. a subset remembered for this face, glyph set and
    flags (between renders only its deflated stream is kept; a hit inflates it: 2 ms for the
    Chinese resolution's faces instead of 38 ms subsetting and deflating, and pydyf's compressor
    then hands the stream back for those bytes); else 2. HarfBuzz's subsetter in one pass
    (`_one_pass`), remembered; else 3. WeasyPrint's own way, not remembered."""
    face = self.hb_face
    key = (int(ffi.cast("uintptr_t", face)), tuple(sorted(to_unicode)), bool(hinting), bool(self.missing))
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
    if not _one_pass(self, to_unicode, hinting):
        _stock_harfbuzz_subset(self, to_unicode, hinting)
        return None
    data = self.file_content
    _subsets[key] = _by_data[id(data)] = _Subset(face, data)
    _trim_fonts()
    return True


def _deflate(data: bytes, make=None, *flush_args) -> bytes:
    """A font stream as pydyf deflates it: `make` is the compressor pydyf asked for (`_Compressor`),
    by default the one `Stream.data` asks for (`zlib.compressobj(level=9)`, made level 6: `_Zlib`)."""
    compressor = make() if make else _level_6()
    return compressor.compress(data) + compressor.flush(*flush_args)


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


def _level_6(*args, **kwargs):
    return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


class _Zlib:
    """pydyf's view of zlib: 1. level 9 made zlib's default, 6 (18 ms less per Chinese document
    for 0.2 % more bytes); 2. a remembered subset's stream handed back (`_Compressor`)."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return _Compressor(lambda: _level_6(*args, **kwargs))


_document = None


def document(name: str) -> None:
    """Say which document the next render is of: another one than the last drops what is
    remembered of the last (its subsets: a build's worker renders each document once)."""
    global _document
    if name != _document:
        _document = name
        _subsets.clear()
        _by_data.clear()


_stock_harfbuzz_subset = patch("subsets", pdf_fonts.Font, "_harfbuzz_subset", _harfbuzz_subset, "e509691c9bf5d276")
patch("subsets", pydyf, "zlib", _Zlib, "8b56b01f148ae20f")
