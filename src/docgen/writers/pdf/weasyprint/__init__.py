"""The gate: the only place WeasyPrint (and pydyf) are imported and patched.

docgen changes WeasyPrint 70's internals (one module per concern, below), so it runs only on the
version they were written for: `engine()` reads the installed version, imports WeasyPrint (its C
declarations precompiled, `cdef.py`), checks `SUPPORTED` again, then applies the registry
(`registry.py`: every replaced object's fingerprint is checked first, then the patches are applied
in the order the concerns are imported here). Another version, or a changed function, raises `UnsupportedWeasyPrint`, a RenderError: the
build lists the PDF outputs as failed with its message and builds the other formats. WeasyPrint is
not imported before the first PDF (or `docgen.writers.pdf.load()`, a worker's warm-up).

Concerns: footnotes (the footnote area's overflow check), fonts (faces in place, read when asked,
no system fonts), subsets (one HarfBuzz pass, remembered with their streams), streams (an end-of-line
before `endstream` that cannot be read as data), hyphenation (format
characters), rtl (right-to-left fixes), justify (inter-character justification, Han/Latin margins at
line edges; its `text_align` also applies rtl's indent), tagging (PDF/UA-1), stylesheets (the page's
sheet parsed once).
"""

from __future__ import annotations

import logging
from functools import cache

from docgen.writers import RenderError
from docgen.writers.pdf.weasyprint.registry import UnsupportedWeasyPrint, stock  # noqa: F401  (the gate's names)

SUPPORTED = "70"  # the WeasyPrint major version the patches are written for

_engine = None


def _installed_version() -> str:
    """The installed WeasyPrint's version from its .dist-info folder's name, without importing it
    (importlib.metadata would cost ~25 ms of every cold build); "" when it cannot be told."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.origin:
        return ""
    for info in Path(spec.origin).parent.parent.glob("weasyprint-*.dist-info"):
        return info.name[len("weasyprint-"):-len(".dist-info")]
    return ""


def engine():
    """WeasyPrint, imported, checked and patched once per process; raises UnsupportedWeasyPrint."""
    global _engine
    if _engine is not None:
        return _engine
    from docgen.writers.pdf.weasyprint.cdef import precompiled_declarations

    installed = _installed_version()
    if installed and installed.split(".")[0] != SUPPORTED:  # before anything of WeasyPrint is touched
        raise UnsupportedWeasyPrint(
            f"the PDF writer needs WeasyPrint {SUPPORTED}.x (docgen patches its internals); found {installed}: "
            f"pip install 'weasyprint>={SUPPORTED},<{int(SUPPORTED) + 1}'")
    try:
        with precompiled_declarations():
            import weasyprint
    except ImportError as exc:
        raise UnsupportedWeasyPrint(f"the PDF writer needs WeasyPrint {SUPPORTED}.x; it could not be imported "
                                    f"({exc}): pip install 'weasyprint>={SUPPORTED},<{int(SUPPORTED) + 1}'") from exc
    found = weasyprint.__version__
    if found.split(".")[0] != SUPPORTED:
        raise UnsupportedWeasyPrint(
            f"the PDF writer needs WeasyPrint {SUPPORTED}.x (docgen patches its internals); found {found}: "
            f"pip install 'weasyprint>={SUPPORTED},<{int(SUPPORTED) + 1}'")
    from docgen.writers.pdf.weasyprint import registry

    try:  # the order of application (registry.py): each module declares its patches when imported
        from docgen.writers.pdf.weasyprint import footnotes, fonts, subsets, streams, hyphenation, rtl, justify, tagging, stylesheets  # noqa: F401
    except (ImportError, AttributeError) as exc:  # a name a patch needs is gone
        raise UnsupportedWeasyPrint(f"the PDF writer needs WeasyPrint {SUPPORTED}.x as docgen's patches were "
                                    f"written for it; the installed {found} lacks what they replace ({exc})") from exc

    registry.apply(SUPPORTED)
    logging.getLogger("weasyprint").addHandler(_FallbackGuard(level=logging.WARNING))
    _engine = weasyprint
    return weasyprint


class _FallbackGuard(logging.Handler):
    """Turn WeasyPrint's fontTools-fallback warning into an error: it means 5-10 s per document."""

    def emit(self, record):
        message = record.getMessage()
        if "fontTools" in message and "HarfBuzz" in message:
            raise RenderError(f"{message} -- install Debian's libharfbuzz-subset0")


@cache
def font_configuration(ranges: tuple = ()):
    """docgen's FontConfiguration (fonts.py, 3.: its own faces only), one per set of unicode-range
    limits (`fonts.range_key`).

    Fontconfig registers a font file once, with the charset of its first @font-face rule: a
    Chinese page limits Liberation Serif to Latin code points, an English page does not. Sharing
    one configuration made an English page rendered after a Chinese one in the same process
    (a build worker) fall back to a system font for “ ”. One per set, shared by the pages that
    have it, halves the per-document cost (engines.md)."""
    engine()
    from docgen.writers.pdf.weasyprint.fonts import OwnFontsConfiguration

    return OwnFontsConfiguration()


def __getattr__(name: str):
    """`HTML`, `CSS`: WeasyPrint's, patched (for tests and the writer)."""
    if name in ("HTML", "CSS"):
        return getattr(engine(), name)
    raise AttributeError(name)
