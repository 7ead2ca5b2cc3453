"""One writer per output format. Each reads only the model and returns the file's bytes.

A writer raises `RenderError` for a problem it finds in what it produced (a missing glyph, an
invalid XML); the build reports it and writes nothing for that output.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass


class RenderError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    """Options that change what a writer produces (part of what makes an output up to date)."""

    pdfa: bool = False  # PDF/A-3a (tagged) with the AKN XML and the sources embedded
    tagged: bool = True  # PDF/UA-1 structure; False only to measure what tagging costs (bench)


# format -> (module under docgen.writers, file extension)
WRITERS = {
    "html": ("html", "html"),
    "pdf": ("pdf", "pdf"),
    "docx": ("docx", "docx"),
    "akn": ("akn", "xml"),
}


def writer(fmt: str):
    """The `write(doc, version, settings) -> bytes` function of a format, imported on first use."""
    module, _ = WRITERS[fmt]
    return importlib.import_module(f"docgen.writers.{module}").write


def extension(fmt: str) -> str:
    return WRITERS[fmt][1]


def forget_templates() -> None:
    """Drop everything a warm process keeps of templates/, after an edit there (`docgen watch`,
    a resident process's child): the fingerprints' hashes of it and the HTML writer's caches."""
    from .. import fingerprint

    fingerprint.forget_templates()
    html = sys.modules.get("docgen.writers.html")  # not imported: nothing of it is cached
    if html is not None:
        html.forget()
