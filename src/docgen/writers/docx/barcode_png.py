"""The job number's Code 39 barcode as a PNG for Word's first-page footer.

python-docx embeds raster pictures only; the PDF uses the vector SVG (writers/barcode.py).
"""

from __future__ import annotations

import io
from functools import cache

from barcode import Code39
from barcode.writer import ImageWriter


@cache
def code39_png(digits: str) -> bytes:
    buffer = io.BytesIO()
    Code39(digits, writer=ImageWriter(), add_checksum=False).write(
        buffer, options={"write_text": False, "module_height": 8.0, "module_width": 0.25, "quiet_zone": 2.0, "dpi": 300})
    return buffer.getvalue()
