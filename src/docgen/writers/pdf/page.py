"""The page WeasyPrint typesets, made of the model: the HTML writer's page for print, the font
configuration's key, the PDF's options and, for the archive, its attachments (`Page`). Nothing
here imports WeasyPrint; `writers/pdf/__init__.typeset` lays the page out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docgen.writers import Settings

ARCHIVE_VARIANT = "pdf/a-3a+ua-1"  # tagging.py's variant: PDF/A-3a with PDF/UA-1; "pdf/a" in the name gives the output intent


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the archive PDF (WeasyPrint's Attachment is made of it when typesetting)."""

    data: bytes
    name: str
    relationship: str
    description: str
    when: dt.datetime


@dataclass(frozen=True)
class Page:
    """What typesetting one PDF needs, and nothing of the model."""

    html: str              # the HTML writer's page for print (footnotes at their calls)
    ranges: tuple          # fonts.range_key of the language: which font configuration
    document: str          # the document's name (the warm-render memos are per document)
    options: tuple         # WeasyPrint's write_pdf options, as (name, value) pairs
    attachments: tuple = ()  # Attachment


def prepare(doc, version, settings: Settings) -> Page:
    """The page of one language version. Glyphs no face has were found by the preflight before
    any writer ran; the typesetter checks the PDF again (`checks.embedded_fonts`)."""
    from docgen.data import fonts
    from docgen.writers.html import render_html

    options = {"pdf_variant": ARCHIVE_VARIANT if settings.pdfa else "pdf/ua-1"}
    if not settings.tagged:  # measurement only (scripts/bench.py): what tagging costs
        options = {"pdf_variant": "pdf/a-3b"} if settings.pdfa else {}
    return Page(render_html(doc, version), fonts.range_key(version.lang), doc.name, tuple(options.items()),
                attachments_for(doc, version) if settings.pdfa else ())


def attachments_for(doc, version) -> tuple[Attachment, ...]:
    """PDF/A-3a for archives: the Akoma Ntoso XML embedded as the PDF's Source, the YAML as Data.
    Their dates come from the content (the issue date), so the same sources give the same bytes."""
    from docgen.writers import writer

    when = dt.datetime.combine(version.masthead.issued, dt.time(), tzinfo=dt.timezone.utc)
    xml = writer("akn")(doc, version, Settings())  # validated against the schema on the way
    files = [Attachment(xml, f"{doc.stem}.{version.lang}.xml", "Source",
                        "Akoma Ntoso 3.0 (AKN4UN) of this document", when)]
    for name, data in (("document.yaml", doc.meta.source), (version.path.name, version.source)):  # as read
        files.append(Attachment(data, f"{doc.name}.{name}", "Data", "docgen source (YAML)", when))
    return tuple(files)
