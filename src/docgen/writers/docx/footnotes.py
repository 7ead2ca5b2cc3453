"""Real Word footnotes, which python-docx has no API for (its issue #1).

What Word and LibreOffice need (engines.md): a /word/footnotes.xml part related from the
document; the separator (-1) and continuation separator (0) entries, listed in the settings'
footnotePr; one w:footnote per note beginning with a w:footnoteRef run; in the body a run in
"footnote reference" style holding w:footnoteReference. Word numbers footnotes by position from
footnotePr/numStart, so the model's first number becomes numStart. When a translation calls
its notes in another order than the original (numbers not ascending), automatic numbering
would differ from the model: those calls carry the model's number as a custom mark instead.
"""

from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from ...model import FootnoteCall, Version, calls

_EMPTY = (f'<w:footnotes {nsdecls("w", "r")}>'
          '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          '<w:r><w:separator/></w:r></w:p></w:footnote>'
          '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          '<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
          '</w:footnotes>')


class Footnotes:
    def __init__(self, document, version: Version, names: dict, body):
        self.document, self.version, self.names, self.body = document, version, names, body
        self.element = parse_xml(_EMPTY)
        self.part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.element, document.part.package)
        document.part.relate_to(self.part, RT.FOOTNOTES)
        numbers = [c.number for _, t, _ in version.blocks() for c in calls(t)]
        self.automatic = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
        self.start = numbers[0] if numbers and self.automatic else 1
        self.next_id = 1

    def call(self, paragraph, node: FootnoteCall) -> None:
        note_id = self.next_id
        self.next_id += 1
        run = paragraph.add_run(style=self.names["footnote_reference"])
        reference = OxmlElement("w:footnoteReference")
        if not self.automatic:
            reference.set(qn("w:customMarkFollows"), "1")
        reference.set(qn("w:id"), str(note_id))
        run._r.append(reference)
        if not self.automatic:
            paragraph.add_run(str(node.number), style=self.names["footnote_reference"])
        self._body(note_id, node)

    def _body(self, note_id: int, node: FootnoteCall) -> None:
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(note_id))
        p = OxmlElement("w:p")
        note.append(p)
        self.element.append(note)
        paragraph = Paragraph(p, self.document._body)
        paragraph.style = self.names["footnote_text"]
        mark = paragraph.add_run(style=self.names["footnote_reference"])
        if self.automatic:
            mark._r.append(OxmlElement("w:footnoteRef"))
        else:
            mark.text = str(node.number)
        paragraph.add_run("\t")
        self.body.runs(paragraph, self.version.footnote(node.key).text)

    def finish(self) -> None:
        """footnotePr in the settings: the start number and the separator entries."""
        settings = self.document.settings.element
        pr = OxmlElement("w:footnotePr")
        if self.start != 1:
            start = OxmlElement("w:numStart")
            start.set(qn("w:val"), str(self.start))
            pr.append(start)
        for special in ("-1", "0"):
            entry = OxmlElement("w:footnote")
            entry.set(qn("w:id"), special)
            pr.append(entry)
        successors = [t for t in ("w:endnotePr", "w:compat", "w:docVars", "w:rsids",                                       "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                                      "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
                                      "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
                                      "w:shapeDefaults", "w:doNotEmbedSmartTags",
                                      "w:decimalSymbol", "w:listSeparator")]
        settings.insert_element_before(pr, *successors)
        if self.start != 1:
            # LibreOffice reads the section's footnotePr; Word reads either.
            sect_pr = self.document.sections[0]._sectPr
            sect_fn = OxmlElement("w:footnotePr")
            start = OxmlElement("w:numStart")
            start.set(qn("w:val"), str(self.start))
            sect_fn.append(start)
            sect_pr.insert_element_before(sect_fn, *[t for t in (
                "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType",
                "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")])
