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


@dataclass(frozen=True)
class Format:
    """One output format: the writer module under docgen.writers, the file's extension, and its
    relative cost (the build starts the longest jobs first, so every worker stays busy)."""

    module: str
    extension: str
    cost: int
    label: str  # how the preview page of `docgen watch --serve` names it
    looks: str  # what of templates/ the output depends on: "templates" (all, and the fonts), "layout" (layout.yaml)


# The one list of formats: the command line, the build, `watch` and the tests read it here.
FORMATS = {
    "pdf": Format("pdf", "pdf", 10, "PDF", "templates"),
    "docx": Format("docx", "docx", 2, "Word", "layout"),
    "akn": Format("akn", "xml", 1, "XML", ""),
    "html": Format("html", "html", 1, "HTML", "templates"),
}


def writer(fmt: str):
    """The `write(doc, version, settings) -> bytes` function of a format, imported on first use."""
    return importlib.import_module(f"docgen.writers.{FORMATS[fmt].module}").write


def forget_templates() -> None:
    """Drop what the writers keep of templates/ after an edit there (`docgen watch`): the layout
    table (the PDF/HTML and Word writers read it) and the HTML writer's compiled templates."""
    from docgen.data import layout

    layout.forget()
    html = sys.modules.get("docgen.writers.html")  # not imported: nothing of it is cached
    if html is not None:
        html.forget()
