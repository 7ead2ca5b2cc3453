"""WeasyPrint, checked and patched once per process.

docgen patches WeasyPrint internals, so it runs only on the version the patches were written
for. Patches live in `patches.py`; this module applies them and holds the one shared
FontConfiguration (engines.md: sharing it halves the per-document cost).
"""

from __future__ import annotations

import logging
from functools import cache

from .weasyprint.cdef import precompiled_declarations

with precompiled_declarations():  # cffi's out-of-line mode: WeasyPrint's C declarations parsed once
    import weasyprint

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
