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
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart
from docx.text.paragraph import Paragraph

from docgen.model import FootnoteCall, Version, calls
from . import oxml

_EMPTY = (f'<w:footnotes {nsdecls("w", "r")}>'
          '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          '<w:r><w:separator/></w:r></w:p></w:footnote>'
          '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          '<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
          '</w:footnotes>')


class Footnotes:
    """The footnotes part, and the parent of its paragraphs: their `.part` is this part (links in a
    note are its relationships)."""

    def __init__(self, document, version: Version, body):
        self.document, self.version, self.body = document, version, body
        self.element = parse_xml(_EMPTY)
        self.part = StoryPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.element, document.part.package)
        document.part.relate_to(self.part, RT.FOOTNOTES)
        numbers = [c.number for _, t, _ in version.blocks() for c in calls(t)]
        self.automatic = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
        self.start = numbers[0] if numbers and self.automatic else 1
        self.next_id = 1

    def call(self, paragraph, node: FootnoteCall) -> None:
        note_id = self.next_id
        self.next_id += 1
        run = self.body.styled(paragraph.add_run(), "footnote_reference")
        reference = run.element.add_footnoteReference()
        if not self.automatic:
            reference.customMarkFollows = True
        reference.id = note_id
        if not self.automatic:
            # one run per character: LibreOffice takes a one-character run after the reference as
            # its mark and shows a longer one after its own number ("110" for 10); Word shows
            # the runs as they are
            mark = self.body.styled(paragraph.add_run(), "footnote_reference")
            oxml.add_text_pieces(mark, str(node.number))
        self._body(note_id, node)

    def _body(self, note_id: int, node: FootnoteCall) -> None:
        note = self.element.add_footnote()
        note.id = note_id
        paragraph = self.body.styled(Paragraph(note.add_p(), self), "footnote_text")
        mark = self.body.styled(paragraph.add_run(), "footnote_reference")
        if self.automatic:
            mark.element.add_footnoteRef()
        else:
            mark.text = str(node.number)
        paragraph.add_run("\t")
        self.body.runs(paragraph, self.version.footnote(node.key).text)

    def separator_at_text_column(self) -> None:
        """Word draws the separator from its paragraph's start indent: at the text column, as the
        PDF (the start side: right in Arabic). LibreOffice 7.4 ignores the paragraph (and reads
        nothing else of the separator but whether there is one) and draws its own, a quarter of
        the column at the margin, on the side of Normal's direction: right in Arabic, whose Normal
        is right to left (styles.py)."""
        for special in self.element.findall(qn("w:footnote")):
            paragraph = Paragraph(special.find(qn("w:p")), self)
            paragraph.paragraph_format.left_indent = self.body.sizes["text_indent_left"]
            if self.body.rtl:
                oxml.set_bidi(paragraph)

    def finish(self) -> None:
        """footnotePr in the settings: the start number and the separator entries; in the
        section too when numbering does not start at 1 (LibreOffice reads the section's, Word either)."""
        self.separator_at_text_column()
        settings = self.document.settings.element.get_or_add_footnotePr()
        if self.start != 1:
            settings.get_or_add_numStart().val = self.start
        for special in (-1, 0):
            settings.add_footnote().id = special
        if self.start != 1:
            self.document.element.body.sectPr.get_or_add_footnotePr().get_or_add_numStart().val = self.start
