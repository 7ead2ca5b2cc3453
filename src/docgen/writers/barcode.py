"""Code 39 barcodes of job numbers, as SVG (vector) for the PDF and the Word draft.

The bars are python-barcode's: its Code 39 table (`barcode/charsets/code39.py`) and its
SVG writer's geometry (quiet zone, module width, margins). The table module is loaded on its
own, because importing the `barcode` package imports Pillow for its raster writer: 20-30 ms
of every cold PDF build, for a PNG only the Word draft draws (`docx/barcode_png.py`).
`tests/writers/test_speed.py` checks that the SVG is the one python-barcode's SVGWriter draws.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

MODULE_WIDTH = 0.25  # mm, python-barcode's option names and values as docgen sets them
QUIET_ZONE = 2.0
MARGIN = 1.0  # python-barcode's default margin_top and margin_bottom


@cache
def _code39():
    """python-barcode's Code 39 table, without importing the package (see above)."""
    spec = importlib.util.find_spec("barcode")  # locates the package; runs none of it
    table = Path(spec.submodule_search_locations[0]) / "charsets" / "code39.py"
    module_spec = importlib.util.spec_from_file_location("docgen._barcode_code39", table)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def code39_modules(digits: str) -> str:
    """The bars and spaces (1 and 0, one per module) of *digits* between start/stop, no check digit."""
    table = _code39()
    unknown = [c for c in digits.upper() if c not in table.MAP]
    if unknown:
        raise ValueError(f"not encodable in Code 39: {''.join(unknown)!r}")
    return table.MIDDLE.join([table.EDGE, *(table.MAP[c][1] for c in digits.upper()), table.EDGE])


@cache
def code39_svg(digits: str, height_mm: float = 8.0) -> str:
    """An SVG of *digits* between the Code 39 start/stop asterisks, no check digit, no text.

    One black path (a rectangle per bar, as python-barcode's SVGWriter places them): one
    element instead of 46 is what the PDF renderer parses and draws for every document.
    """
    modules = code39_modules(digits)
    bars, x, run = [], QUIET_ZONE, 1
    for i, module in enumerate(modules):  # the writer's `packed` runs, its float steps
        if i + 1 < len(modules) and modules[i + 1] == module:
            run += 1
            continue
        width = MODULE_WIDTH * run
        if module == "1":
            bars.append(f"M{x:.3f} {MARGIN:.3f}h{width:.3f}v{height_mm:.3f}h-{width:.3f}z")
        x += width
        run = 1
    total_width = float(f"{2 * QUIET_ZONE + len(modules) * MODULE_WIDTH:.3f}")
    total_height = float(f"{2 * MARGIN + height_mm:.3f}")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width:g}mm" height="{total_height:g}mm" '
            f'viewBox="0 0 {total_width:g} {total_height:g}"><path d="{"".join(bars)}" fill="#000"/></svg>')
