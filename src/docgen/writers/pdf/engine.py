"""WeasyPrint, checked and patched once per process.

docgen patches WeasyPrint internals, so it runs only on the version the patches were written
for. Patches live in `patches.py`; this module applies them and holds the one shared
FontConfiguration (engines.md: sharing it halves the per-document cost).
"""

from __future__ import annotations

import ctypes.util
import logging
from functools import cache


def _import_weasyprint():
    """Import WeasyPrint with a quicker library lookup.

    WeasyPrint 70 opens Pango, HarfBuzz and Fontconfig by trying several names each; cffi sends
    every name without a dot to ctypes.util.find_library, which on Linux runs gcc and ld for
    each one that is not in the linker cache: 0.25 s of every cold build. During the import
    only, look names up in the linker cache alone (`ldconfig -p`), which is where Debian's
    libraries are. And skip what docgen never uses (fontTools, Pillow, parsing the C
    declarations): `loading.py`.
    """
    from .loading import lean_imports

    original = ctypes.util.find_library
    ctypes.util.find_library = getattr(ctypes.util, "_findSoname_ldconfig", original)
    try:
        with lean_imports():
            import weasyprint
    finally:
        ctypes.util.find_library = original
    return weasyprint


weasyprint = _import_weasyprint()
__all__ = ["CSS", "HTML", "RenderError", "font_configuration", "weasyprint"]
from weasyprint import CSS, HTML  # noqa: E402, F401  (re-exported: the patched engine)
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from .. import RenderError  # noqa: E402
from . import patches  # noqa: E402

SUPPORTED = "70."
if not weasyprint.__version__.startswith(SUPPORTED):
    raise ImportError(f"docgen needs WeasyPrint {SUPPORTED}x (its internals are patched); found {weasyprint.__version__}")

patches.apply()


class _FallbackGuard(logging.Handler):
    """Turn WeasyPrint's fontTools-fallback warning into an error: it means 5-10 s per document."""

    def emit(self, record):
        message = record.getMessage()
        if "fontTools" in message and "HarfBuzz" in message:
            raise RenderError(f"{message} -- install Debian's libharfbuzz-subset0")


_guard = _FallbackGuard(level=logging.WARNING)
logging.getLogger("weasyprint").addHandler(_guard)


@cache
def font_configuration(ranges: tuple = ()) -> FontConfiguration:
    """One FontConfiguration per set of unicode-range limits (`fonts.range_key`).

    Fontconfig registers a font file once, with the charset of its first @font-face rule: a
    Chinese page limits Liberation Serif to Latin code points, an English page does not. Sharing
    one configuration made an English page rendered after a Chinese one in the same process
    (a build worker) fall back to a system font for “ ”.
    """
    return patches.OwnFontsConfiguration()  # docgen's faces only, no system font (patches.py, 11.)
