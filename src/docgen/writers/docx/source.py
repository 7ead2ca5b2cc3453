"""The draft names its source, so that `docgen import` finds its way back (word-roundtrip.md).

docProps/custom.xml holds three custom document properties (File > Properties > Custom in
Word, File > Properties > Custom Properties in LibreOffice; both keep them on save):
the document folder's name, the language, and the SHA-256 of the `<lang>.yaml` the draft was
built from (the importer finds that state again to merge edits made since). No clock, no path.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from xml.sax.saxutils import escape

from docgen.data.draft import DOCUMENT, FORM, KIND, LANGUAGE, NARRATIVE, SOURCE
from docgen.model import Document, Version

CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id custom properties use


def properties(doc: Document, version: Version) -> dict[str, str]:
    found = {DOCUMENT: doc.name, LANGUAGE: version.lang, SOURCE: version.source_sha256}
    if doc.meta.form != "adopted":
        found[FORM] = doc.meta.form
    if doc.meta.is_report:  # docgen import refuses it (a report is edited in its YAML)
        found[KIND] = "report"
    elif not version.formula:  # the reader then takes the first paragraph as text, not as the formula
        found[NARRATIVE] = "true"
    return found


def add_source_properties(document, doc: Document, version: Version) -> None:
    entries = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties(doc, version).items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f"{entries}</Properties>")
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, xml.encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
