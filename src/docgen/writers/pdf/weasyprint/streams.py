"""PDF streams: an end-of-line before `endstream` that cannot be read as part of the data.

pydyf 0.13 writes a stream as its dictionary, `stream`, the data and `endstream`, joined by line
feeds. When the data's last byte is a carriage return (a compressed stream ends with its Adler-32
checksum: one stream in 256), the CR LF before `endstream` reads as the end-of-line marker, the
data one byte shorter than /Length, and PDF/A's rule that /Length counts the bytes before that
marker (ISO 19005-3, 6.1.7.1) fails: the test suite's validator failed the Spanish specimen
report's archive on one page's content stream (PDFA3A-STREAM-LENGTH-001) when its bytes changed.
Here such data is followed by CR LF, so the marker is the last two bytes; every other stream is
written as before, byte for byte (tests/writers/test_weasyprint.py has the repro).
"""

from __future__ import annotations

import pydyf

from docgen.writers.pdf.weasyprint.registry import patch


def _data(self):
    """pydyf's `Stream.data`, with CR LF before `endstream` after data that ends with a CR."""
    stream = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
    extra = pydyf.Dictionary(self.extra.copy())
    if self.compress:
        extra["Filter"] = "/FlateDecode"
        compressobj = pydyf.zlib.compressobj(level=9)  # the module's zlib (subsets.py's, when patched)
        stream = compressobj.compress(stream)
        stream += compressobj.flush()
    extra["Length"] = len(stream)
    end = b"\r\nendstream" if stream.endswith(b"\r") else b"\nendstream"
    return b"\n".join((extra.data, b"stream", stream)) + end


patch("streams", pydyf.Stream, "data", property(_data), "4ee80d57e8d70dda")
