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
6. Faces subset side by side: WeasyPrint subsets and deflates a document's faces one after the
   other, while the main thread waits (~40 ms of a cold zh render, two CJK faces and the Latin
   ones). HarfBuzz and zlib release the GIL, so the faces are subset and their streams deflated
   on two threads, longest first (`SUBSET_THREADS`; 1 in a --jobs worker, whose sibling has the
   other core), before WeasyPrint's own loop, which then finds each face done. The streams are
   deflated exactly as pydyf would (same compressor, same bytes): the memo of 2. hands them
   over, as it does for a remembered subset.
"""

from __future__ import annotations

import os
import threading
import zlib

import pydyf
from weasyprint import css as wp_css
import weasyprint.pdf as wp_pdf
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text.ffi import ffi

stats = {"font hits": 0, "font misses": 0, "deflate hits": 0, "stylesheet hits": 0, "faces side by side": 0}


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


_document = None


def document(name: str) -> None:
    """Say which document the next render is of: another one than the last drops the memos of
    the last (see the top of this module)."""
    global _document
    if name != _document:
        _document = name
        _forget_document()


def _forget_document() -> None:
    """What is remembered of one document: its font subsets."""
    for memo in (_subsets, _by_data):
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
    clear()
    _applied = False
