"""Code 39 barcodes of job numbers, as SVG (vector) for the PDF and the Word draft."""

from __future__ import annotations

import io
import re
from functools import cache


@cache
def code39_svg(digits: str, height_mm: float = 8.0) -> str:
    """An SVG of *digits* between the Code 39 start/stop asterisks, no check digit, no text."""
    from barcode import Code39  # here, not at the top: python-barcode imports Pillow (20 ms)
    from barcode.writer import SVGWriter

    code = Code39(digits, writer=SVGWriter(), add_checksum=False)
    buffer = io.BytesIO()
    code.write(buffer, options={"write_text": False, "module_height": height_mm, "module_width": 0.25,
                                "quiet_zone": 2.0, "compress": False})
    return _one_path(buffer.getvalue().decode("utf-8"))


_RECT = re.compile(r'<rect x="([\d.]+)mm" y="([\d.]+)mm" width="([\d.]+)mm" height="([\d.]+)mm" style="fill:black;"/>')


def _one_path(svg: str) -> str:
    """python-barcode's SVG (a white background and one <rect> per bar) as a single black path.

    Same bars, same size (in mm, as a viewBox); one element instead of 46 is what the PDF
    renderer parses and draws for every document.
    """
    width = float(re.search(r'<svg[^>]* width="([\d.]+)mm"', svg).group(1))
    height = float(re.search(r'<svg[^>]* height="([\d.]+)mm"', svg).group(1))
    bars = _RECT.findall(svg)
    if not bars:
        raise ValueError("unexpected barcode SVG from python-barcode: no bars found")
    d = "".join(f"M{x} {y}h{w}v{h}h-{w}z" for x, y, w, h in bars)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}mm" height="{height:g}mm" '
            f'viewBox="0 0 {width:g} {height:g}"><path d="{d}" fill="#000"/></svg>')
