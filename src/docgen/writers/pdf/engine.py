"""WeasyPrint, checked and patched once per process.

docgen patches WeasyPrint internals, so it runs only on the version the patches were written
for. Patches live in `patches.py`; this module applies them and holds the one shared
FontConfiguration (engines.md: sharing it halves the per-document cost).
"""

from __future__ import annotations

import logging
from functools import cache

import weasyprint
from weasyprint import CSS, HTML  # noqa: F401  (re-exported: the patched engine)
from weasyprint.text.fonts import FontConfiguration

from .. import RenderError
from . import patches

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
def font_configuration() -> FontConfiguration:
    return FontConfiguration()
