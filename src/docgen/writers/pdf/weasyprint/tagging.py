"""Tagged PDF (PDF/UA-1) from WeasyPrint 70, with what its tagging gets wrong or leaves out fixed.

WeasyPrint 70 writes a structure tree (`weasyprint/pdf/tags.py`) but, measured on docgen's pages
(tests/writers/test_accessibility.py shows each point on the stock code; 7 only on the Arabic branch's
pages, the rest of 7 and 8 on small pages of their own):
1. Running headers, page numbers and the first-page footer (margin boxes) are drawn as marked
   content with MCIDs that no structure element in the tree holds (content outside the tree,
   PDF/UA-1 7.1). Here margin boxes are drawn as Artifacts, with no marked content inside; so is
   the text of an ::after its element declares decoration (`data-pdf-after="Artifact"`: a
   report's contents' dot leaders, which WeasyPrint puts in the Link, read out dot by dot).
2. Footnotes: the call is a NonStruct, the body an untyped group at the page end. Here the call
   is a Reference holding a Link (an annotation to the note, saying "Footnote 3" in the
   document's language: `data-link-label`), the body a Note (ID `fn-N`, its number as Lbl, then its text), placed right
   after its Reference, as the PDF Association's Tagged PDF Best Practice Guide advises: a
   screen reader reads the note where it is called, then goes on with the sentence.
3. Paragraph numbers are inline-blocks: NonStruct inside the P. Here an `li` whose first
   paragraph starts with an element tagged Lbl (`data-pdf-tag="Lbl"`) becomes
   LI > [Lbl, LBody > [P, nested L...]] (nested lists inside the LBody of their item).
4. Every page starts a new element: a paragraph across a page break became two P. Here a box
   continuing an element of an earlier page adds to the same structure element.
5. `lang` on an element other than the root is dropped: here it becomes the element's /Lang.
6. Empty elements (the `<a id>` anchors of footnote calls, rules drawn as borders) are dropped.
7. Right-to-left text: a Span holding right-to-left text (or any text in a right-to-left
   paragraph: "1 -" was read "- 1") gets its logical text as /ActualText,
   whatever order the glyphs are drawn in (with the Arabic justification and right-to-left
   fixes of branch `arabic`, the marked content of an Arabic run read backwards: "ةيمسرلا" for
   "الرسمية"; stock WeasyPrint draws it in logical order). A line that ends in a hyphen the
   layout inserted (hyphens: auto, U+2010 in the text layer: "interna‐" "tionalization") gets
   /ActualText with a soft hyphen in its place (ISO 32000-1 14.8.2.2.3): the word is read whole.
8. The space where a line breaks is left out of the line (`split_text_box` skips it,
   `remove_last_whitespace` strips it), so the text layer joins the words ("a set ofgoals"): a
   screen reader may read them as one. The line's last text gets /ActualText with the space back.
9. A link holds its text directly (a Link has no Span to carry 7. and 8.): a report's contents
   entry read "II.Implementation of resolution 99/12", its Arabic letters reversed. Here each
   Link made from an `a` carries /ActualText: its text boxes' logical text, the spaces at its line
   breaks, a space around an inline-block or out-of-flow box (the entry's label, its page number).
Templates name the structure type where HTML has no element for it with `data-pdf-tag`
(Sect, P, Lbl, Note); the empty value makes an element transparent (its children go to its
parent: the masthead's layout cells).

`registry.stock("tagging")` gives WeasyPrint's own tagging back (tests show what each fix changes).
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager

import pydyf
from weasyprint import document as wp_document
from weasyprint import draw as wp_draw
from weasyprint import pdf as wp_pdf
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline as wp_inline
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as wp_stream
from weasyprint.pdf.tags import _get_pdf_tag

from docgen.writers.pdf.page import ARCHIVE_VARIANT  # the variant a page asks for (page.prepare)
from docgen.writers.pdf.weasyprint.registry import patch

_TRANSPARENT = ""


# ---------------------------------------------------------------- drawing: margin boxes


def draw_stacking_context(stream, stacking_context):
    """Margin boxes (running heads, page numbers, the first-page footer) as one Artifact each."""
    if getattr(stream, "_tags", None) is None or not isinstance(stacking_context.box, boxes.MarginBox) \
            or getattr(stream, "_docgen_artifact", False):
        return _original_draw_stacking_context(stream, stacking_context)
    stream.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
    stream._docgen_artifact = True
    try:
        _original_draw_stacking_context(stream, stacking_context)
    finally:
        stream._docgen_artifact = False
        stream.end_marked_content()


@contextmanager
def marked(self, box, tag):
    if getattr(self, "_docgen_artifact", False):
        yield  # inside an Artifact: no marked content of its own
    elif _decoration(box):
        with _original_artifact(self):  # not in the structure tree (`_Tree._child`)
            yield
    else:
        with _original_marked(self, box, tag):
            yield


def _decoration(box) -> bool:
    """Text an element's ::after draws where the element declares it decoration
    (`data-pdf-after="Artifact"`): a contents entry's dot leader, which a screen reader would
    otherwise read out dot by dot after the title (PDF/UA: content that is not the text's is an
    Artifact)."""
    return (isinstance(box, boxes.TextBox) and box.element is not None and box.element_tag.endswith("::after")
            and box.element.get("data-pdf-after") == "Artifact")


@contextmanager
def artifact(self):
    if getattr(self, "_docgen_artifact", False):
        yield
    else:
        with _original_artifact(self):
            yield


# ---------------------------------------------------------------- layout: the space at a line break


def split_text_box(context, box, available_width, skip, is_line_start=True):
    """WeasyPrint's, remembering on the first line's box that the break skipped a space (8.)."""
    new_box, resume, preserved_line_break = _original_split_text_box(
        context, box, available_width, skip, is_line_start)
    if new_box is not None and resume is not None:
        skipped = box.text.encode()[(skip or 0) + len(new_box.text.encode()):resume]
        if skipped and not skipped.strip(b" "):
            new_box.docgen_space_after = True
    return new_box, resume, preserved_line_break


def remove_last_whitespace(context, line):
    """WeasyPrint's, remembering on the text box that a space was removed (8.)."""
    box = line
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)) and box.children:
        box = box.children[-1]
    had_space = isinstance(box, boxes.TextBox) and box.text.endswith(" ")
    _original_remove_last_whitespace(context, line)
    if had_space:
        box.docgen_space_after = True


# ---------------------------------------------------------------- footnote calls link to their notes


def _link_calls(box) -> None:
    if box.element is not None and box.element_tag.endswith("::footnote-call") and box.link is None:
        target = box.footnote.element.get("id") if getattr(box, "footnote", None) is not None else None
        if target:
            box.link = ("url", ("internal", target))
    for child in getattr(box, "children", ()):
        _link_calls(child)


def gather_anchors(box, *args, **kwargs):
    """WeasyPrint's, after giving each footnote call an internal link to its note (2.)."""
    _link_calls(box)
    return _original_gather_anchors(box, *args, **kwargs)


# ---------------------------------------------------------------- the structure tree


def _element(tag: str, parent, pdf, page: bytes) -> pydyf.Dictionary:
    """A structure element on `page` (its reference: pydyf's `page_references` builds the whole
    list on each use, so the tree takes it once; per element it made tagging quadratic in pages)."""
    element = pydyf.Dictionary({
        "Type": "/StructElem", "S": f"/{tag}", "K": pydyf.Array([]),
        "Pg": page, "P": parent.reference,
    })
    pdf.add_object(element)
    return element


def _content(element, mcid: int, page: bytes) -> None:
    """Append marked content to `element`: its MCID, or a marked-content reference when the
    element (continued from an earlier page, 4.) has its /Pg on another page."""
    if element["Pg"] == page:
        element["K"].append(mcid)
    else:
        element["K"].append(pydyf.Dictionary({"Type": "/MCR", "Pg": page, "MCID": mcid}))


def _pdf_tag(box) -> str | None:
    element_tag = None if box.element is None else box.element_tag
    if element_tag and element_tag.endswith("::footnote-call"):
        return "Reference"
    if element_tag and element_tag.endswith("::footnote-marker"):
        return "Lbl"
    if element_tag and "::" not in element_tag and box.element is not None:
        declared = box.element.get("data-pdf-tag")
        if declared is not None:
            return declared
    return _get_pdf_tag(element_tag)


class _Tree:
    """State of one PDF's structure tree while its pages are walked."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.pages = pdf.page_references  # taken once: a tuple pydyf rebuilds on every access
        self.continued: dict = {}  # (html element, element_tag, tag) -> structure element, across pages
        self.references: dict[str, tuple] = {}  # footnote id (fn-<seq>) -> (parent, Reference element)
        self.notes: dict[str, pydyf.Dictionary] = {}  # footnote id -> Note element
        self.bodies: dict[bytes, pydyf.Dictionary] = {}  # LI reference -> its LBody
        self.links: dict[bytes, str] = {}  # Link reference -> its text read so far, across pages (9.)

    def build(self, box, parent, page_number, nums, annotations, tags, seen_on_page):
        """Structure elements for `box` (a generator of the new ones for `parent`'s K)."""
        pdf = self.pdf
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return  # drawn as an Artifact (see draw_stacking_context)
        element_tag = None if box.element is None else box.element_tag
        if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
            if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                for child in box.children:
                    yield from self.build(child, parent, page_number, nums, annotations, tags, seen_on_page)
            return
        tag = _pdf_tag(box)
        if tag == _TRANSPARENT or (tag in ("TD", "TH") and parent["S"] in ("/TD", "/TH")):
            tag = None if tag == _TRANSPARENT else "NonStruct"
        if tag == "Table" and parent["S"] == "/Table":  # the table box inside its wrapper (a report's table): one Table
            tag = None
        if parent["S"] == "/Link" and tag in (None, "Span", "NonStruct"):
            # inside a link (a report's contents entry: its label, title, leaders and page number):
            # the text and every link annotation belong to the Link itself (PDF/UA 7.18.5)
            if box.link_annotation:
                self._annotate(box, parent, page_number, annotations)
            tag = None
        if tag is None:  # children go straight to the parent
            for child in box.children:
                children = child.children if isinstance(child, boxes.LineBox) else [child]
                for grandchild in children:
                    yield from self._child(grandchild, parent, parent["S"][1:], page_number, nums, annotations, tags,
                                           seen_on_page)
            return

        # a box continuing an element from an earlier page adds to that element (4.)
        key = (box.element, element_tag, tag) if box.element is not None and tag not in ("Span", "NonStruct") else None
        element = None
        if key is not None and key in self.continued and key not in seen_on_page:
            element, new = self.continued[key], False
        else:
            element, new = _element(tag, parent, pdf, self.pages[page_number]), True
            if key is not None:
                self.continued[key] = element
        if key is not None:
            seen_on_page.add(key)

        if new:
            self._attributes(box, element, tag)
        container = element
        if tag == "LI":  # an `li` laid out as a block: its content is the item's body (3.)
            if new:
                body = _element("LBody", element, pdf, self.pages[page_number])
                element["K"].append(body.reference)
                self.bodies[element.reference] = body
            container = self.bodies[element.reference]
        if tag == "Reference":
            self.references[box.footnote.element.get("id")] = (parent, element)  # fn-<seq>: numbers may repeat
            if box.link_annotation:  # Reference > Link > [the number, the annotation]
                container = _element("Link", element, pdf, self.pages[page_number])
                element["K"].append(container.reference)
                box.link_annotation["Contents"] = pydyf.String(box.footnote.element.get("data-link-label", ""))
        elif tag == "Note":
            self.notes[box.element.get("id")] = element

        if box.link_annotation:
            self._annotate(box, container, page_number, annotations)

        for child in box.children:
            children = child.children if isinstance(child, boxes.LineBox) else [child]
            for grandchild in children:
                for kid in self._child(grandchild, container, container["S"][1:], page_number, nums, annotations,
                                       tags, seen_on_page):
                    container["K"].append(kid.reference)

        if tag == "Link" and box.element is not None:  # what a screen reader reads of the link (9.)
            said = self.links.get(element.reference, "") + _link_text(box)
            self.links[element.reference] = said
            element["ActualText"] = pydyf.String(" ".join(said.split()))

        if isinstance(box, boxes.ReplacedBox):
            kid = tags.pop(box)
            _content(element, kid["mcid"], self.pages[page_number])
            nums[kid["mcid"]] = element.reference

        if tag == "LI":
            _list_item(element, pdf)
        if new:
            yield element

    def _annotate(self, box, container, page_number, annotations) -> None:
        """The box's link annotation as an object reference (OBJR) in `container`'s kids."""
        annotation = box.link_annotation
        objr = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference, "Pg": self.pages[page_number]})
        self.pdf.add_object(objr)
        annotations.append((container.reference, annotation))
        container["K"].append(objr.reference)

    def _child(self, child, element, tag, page_number, nums, annotations, tags, seen_on_page):
        if isinstance(child, boxes.TextBox):
            kid = tags.pop(child, None)
            if kid is None:  # drawn as an Artifact (`_decoration`)
                return
            if tag == "Link":
                _content(element, kid["mcid"], self.pages[page_number])
                nums[kid["mcid"]] = element.reference
                return
            span = _element(kid["tag"], element, self.pdf, self.pages[page_number])
            span["K"].append(kid["mcid"])
            actual = _actual_text(child)
            if actual is not None:
                span["ActualText"] = pydyf.String(actual)
            nums[kid["mcid"]] = span.reference
            yield span
        else:
            yield from self.build(child, element, page_number, nums, annotations, tags, seen_on_page)

    def _attributes(self, box, element, tag):
        if tag == "Figure":
            x1, y1 = box.content_box_x(), box.content_box_y()
            element["A"] = pydyf.Dictionary({"O": "/Layout", "BBox": pydyf.Array((x1, y1, x1 + box.width, y1 + box.height))})
            title = box.element.find("{http://www.w3.org/2000/svg}title") if box.element is not None else None
            alt = title.text if title is not None else (box.element.get("alt") if box.element is not None else None)
            if alt:
                element["Alt"] = pydyf.String(alt)
        elif tag == "Note":
            element["ID"] = pydyf.String(box.element.get("id"))
        elif tag == "TH" and box.element is not None:  # a report's table: what its header cells head (PDF/UA 7.5)
            scope = {"col": "/Column", "row": "/Row"}.get(box.element.get("scope"), "/Column")
            element["A"] = pydyf.Dictionary({"O": "/Table", "Scope": scope})
        element_tag = box.element_tag if box.element is not None else ""
        if box.element is not None and "::" not in element_tag and element_tag != "html" and box.element.get("lang"):
            element["Lang"] = pydyf.String(box.element.get("lang"))

    def finish(self, root):
        """Notes right after their calls (2.), then drop empty elements (6.)."""
        for number, note in self.notes.items():
            if number not in self.references:
                continue  # the checker reports a Note without its call
            parent, reference = self.references[number]
            _remove(_object(self.pdf, note["P"])["K"], note.reference)
            kids = parent["K"]
            kids.insert(kids.index(reference.reference) + 1, note.reference)
            note["P"] = parent.reference
        _prune(root, self.pdf)


def _actual_text(box) -> str | None:
    """The logical text of a text box whose drawn text reads otherwise (7.), or None."""
    text = box.text.replace("\u2060", "")
    hyphen = box.style["hyphenate_character"]
    if box.style["hyphens"] == "auto" and hyphen and text.endswith(hyphen):
        return text[:-len(hyphen)] + "\u00ad"
    space = getattr(box, "docgen_space_after", False)
    rtl = box.style["direction"] == "rtl" or (text > "" and max(text) >= "\u0590"  # none below is R or AL
                                              and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text))
    if space or rtl:
        return text + " " if space else text
    return None


_GAP = "\x00"  # a word boundary the text does not hold (`_link_text`)


def _link_text(box) -> str:
    """The text of a link's box as a screen reader should read it (9.): each text box's logical
    text (`_actual_text`: right to left, the space at a line break, a hyphen the layout put in),
    no decoration, and a space on each side of an inline-block or out-of-flow box inside it
    (a contents entry's label and page number: "I. Introduction 2", not "I.Introduction2")."""
    parts: list[str] = []

    def walk(b) -> None:
        if isinstance(b, AbsolutePlaceholder):
            b = b._box
        if isinstance(b, boxes.TextBox):
            if not _decoration(b):
                parts.append(_actual_text(b) or b.text.replace("\u2060", ""))
            return
        apart = isinstance(b, boxes.InlineBlockBox) or b.style["position"] in ("absolute", "fixed")
        if apart:
            parts.append(_GAP)
        for child in getattr(b, "children", ()):
            walk(child)
        if apart:
            parts.append(_GAP)

    for child in box.children:
        walk(child)
    text = ""
    for part in parts:
        if part != _GAP:
            text += part
        elif text and not text[-1].isspace():
            text += " "
    return text


def _object(pdf, reference):
    """The object a pydyf reference (b"12 0 R") points to; pydyf numbers objects by position."""
    return pdf.objects[int(bytes(reference).split()[0])]


def _remove(kids, reference):
    for i, kid in enumerate(kids):
        if kid == reference:
            del kids[i]
            return


def _list_item(li, pdf):
    """LI > LBody > [P > [Lbl, ...], L...]  ->  LI > [Lbl, LBody > [P > [...], L...]] (3.)."""
    kids = [_object(pdf, k) for k in li["K"] if isinstance(k, bytes)]
    body = next((k for k in kids if k["S"] == "/LBody"), None)
    if body is None or not body["K"]:
        return
    first = _object(pdf, body["K"][0])
    if first["S"] != "/P" or not first["K"]:
        return
    label = _object(pdf, first["K"][0])
    if label["S"] != "/Lbl":
        return
    del first["K"][0]
    label["P"] = li.reference
    li["K"].insert(li["K"].index(body.reference), label.reference)


def _prune(element, pdf) -> bool:
    """Drop structure elements without content; True if `element` itself is empty."""
    kept = pydyf.Array([])
    for kid in element["K"]:
        if not isinstance(kid, bytes):  # an MCID or a marked-content reference
            kept.append(kid)
            continue
        child = _object(pdf, kid)
        if child.get("Type") == "/OBJR" or not _prune(child, pdf):
            kept.append(kid)
    element["K"] = kept
    return not kept and element.get("S") != "/Figure"


def add_tags(pdf, document, pdf_version, page_streams):
    """WeasyPrint 70's `add_tags` with the fixes listed above."""
    content_mapping = pydyf.Dictionary({})
    pdf.add_object(content_mapping)
    structure_root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": content_mapping.reference})
    pdf.add_object(structure_root)
    structure_document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "K": pydyf.Array(),
                                           "P": structure_root.reference})
    pdf.add_object(structure_document)
    structure_root["K"] = pydyf.Array([structure_document.reference])
    pdf.catalog["StructTreeRoot"] = structure_root.reference

    tree = _Tree(pdf)
    content_mapping["Nums"] = pydyf.Array()
    annotations = []
    for page_number, (page, stream) in enumerate(zip(document.pages, page_streams)):
        tags = stream._tags
        page_nums: dict[int, str] = {}
        for element in tree.build(page._page_box, structure_document, page_number, page_nums, annotations, tags, set()):
            structure_document["K"].append(element.reference)
        if tags:
            raise AssertionError(f"page {page_number + 1}: {len(tags)} marked-content sequences outside the structure tree")
        content_mapping["Nums"].append(page_number)
        content_mapping["Nums"].append(pydyf.Array([ref for _, ref in sorted(page_nums.items())]))
    start = len(document.pages)
    for i, (reference, annotation) in enumerate(annotations, start=start):
        content_mapping["Nums"].append(i)
        content_mapping["Nums"].append(reference)
        annotation["StructParent"] = i
    tree.finish(structure_document)

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    if "Lang" not in pdf.catalog:
        raise ValueError('tagged PDF: no "lang" on the root element')


# ---------------------------------------------------------------- variants


_UA_IN_PDFA = (
    b'<rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="" pdfuaid:part="1"/>'
    b'<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    b' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b'<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    b'<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>'
    b'<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>'
    b'<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>'
    b'<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    b'<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>'
    b'<pdfaProperty:category>internal</pdfaProperty:category>'
    b'<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>'
    b'</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>')


def _archive_variant(pdf, document, page_streams, attachments, compress):
    """PDF/A-3a with the PDF/UA-1 identification (pdfuaid:part 1, declared as the PDF/A extension
    schema it is for PDF/A) in the same XMP packet, which is left uncompressed (PDF/A-2/3 6.6.2.1:
    no Filter on the metadata stream; WeasyPrint 70 compresses it)."""
    from weasyprint.pdf import pdfa

    metadata = document.metadata
    original = metadata.generate_rdf_metadata

    def generate(variant, version, conformance):
        xml = original(variant, version, conformance)
        at = xml.index(b'<rdf:Description rdf:about=""')
        return xml[:at] + _UA_IN_PDFA + xml[at:]

    metadata.generate_rdf_metadata = generate
    try:
        pdfa.pdfa(pdf, document, page_streams, attachments, False, version=3, variant="A")
    finally:
        del metadata.generate_rdf_metadata


_original_draw_stacking_context = patch("tagging", wp_draw, "draw_stacking_context", draw_stacking_context, "ae4ae4f1d58339b3")
_original_gather_anchors = patch("tagging", wp_document, "gather_anchors", gather_anchors, "9a073e98a0dbfef5")
_original_remove_last_whitespace = patch("tagging", wp_inline, "remove_last_whitespace", remove_last_whitespace, "e55b6cb316823fae")
_original_split_text_box = patch("tagging", wp_inline, "split_text_box", split_text_box, "558c030398fe7e65")
_original_marked = patch("tagging", wp_stream.Stream, "marked", marked, "cb3edf90c0edfb97")
_original_artifact = patch("tagging", wp_stream.Stream, "artifact", artifact, "14114eab7b9ddd3c")
patch("tagging", wp_pdf, "add_tags", add_tags, "69e377cb11611fad")
patch("tagging", wp_pdf.VARIANTS, ARCHIVE_VARIANT, (_archive_variant, wp_pdf.pdfa.VARIANTS["pdf/a-3a"][1]), "")
