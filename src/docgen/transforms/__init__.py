"""Transforms: compute, once, everything derived from the source, and check it.

They run in this order on the document the reader made (`apply_all`); writers read the results
and never re-derive them:
- `resolve_language`: each version's language table and the duty station's facts, looked up once;
- `typography`: the language's quotation marks and no-break spaces;
- `numbers`: heading, paragraph numbers, item labels, cited documents' IRIs, footnote numbers;
- `masthead`: what the first page's masthead prints;
- `checks`: the same structure in every language, content lints;
- `preflight` (run by the pipeline after the others, when they found no error): whatever would
  make a writer fail, found before rendering (glyphs no face has).
"""

from __future__ import annotations

from docgen.data import tables
from docgen.diagnostics import Diagnostic
from docgen.model import Document
from docgen.transforms import checks, numbers, report, typography
from docgen.transforms.masthead import masthead
from docgen.transforms import preflight  # noqa: F401  (run by the pipeline after the others)

__all__ = ["apply_all", "preflight", "resolve_language"]


def resolve_language(doc: Document) -> None:
    """Each version's language table, and the duty station's facts, on the model."""
    doc.station = tables.duty_stations().get(doc.meta.duty_station)
    if doc.meta.original in tables.CODES:
        doc.original_language = tables.language(doc.meta.original)
    for version in doc.versions.values():
        version.language = tables.language(version.lang)


def apply_all(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Run every transform in order; problems are appended to diagnostics."""
    resolve_language(doc)
    if doc.meta.is_report:
        _report(doc, diagnostics)
        return
    for version in doc.versions.values():
        if doc.meta.form == "draft":
            version.closing = []  # the meeting line is the adoption's: a draft has none yet
        typography.typography(version, diagnostics)
        numbers.set_heading(doc, version)
        numbers.number_paragraphs(version)
        numbers.resolve_references(doc, version)
        if doc.organ is not None:
            version.masthead = masthead(doc, version)
    checks.check_structure(doc, diagnostics)
    numbers.number_footnotes(doc, diagnostics)
    checks.lint(doc, diagnostics)


def _report(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """A report's transforms: the same typography and masthead, its own numbers (`report`)."""
    for version in doc.versions.values():
        typography.typography(version, diagnostics)
        report.number(version, diagnostics)
        numbers.resolve_references(doc, version)
        if doc.organ is not None:
            version.masthead = masthead(doc, version)
    report.check_structure(doc, diagnostics)
    report.number_footnotes(doc, diagnostics)
    checks.lint(doc, diagnostics)
