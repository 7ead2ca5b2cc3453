"""Code 39 barcodes of job numbers, as SVG (vector) for the PDF and the Word draft."""

from __future__ import annotations

import io
import re
from functools import cache

from barcode import Code39
from barcode.writer import SVGWriter


@cache
def code39_svg(digits: str, height_mm: float = 8.0) -> str:
    """An SVG of *digits* between the Code 39 start/stop asterisks, no check digit, no text."""
    code = Code39(digits, writer=SVGWriter(), add_checksum=False)
    buffer = io.BytesIO()
    code.write(buffer, options={"write_text": False, "module_height": height_mm, "module_width": 0.25,
                                "quiet_zone": 2.0, "compress": False})
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and doctype: it is inlined
    return re.sub(r"<!--.*?-->", "", svg)  # no generator comment
