"""Reads a tagged PDF's structure tree back (pikepdf + pdfplumber), for the accessibility tests.

`read(path)` walks the structure tree from the catalog and every page's content stream and
returns the tree (with the text each element holds) and the problems found on the way:
marked content no structure element holds, painting or text outside marked content and outside
an Artifact, MCIDs held twice, ParentTree entries that disagree with the tree, non-standard
structure types. Independent of docgen's code: it reads only the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pdfplumber
import pikepdf

# ISO 32000-1, 14.8.4: the standard structure types (PDF 1.7)
STANDARD = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
    "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
    "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}
_PAINT = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh", "BI"}
_TEXT = {"Tj", "TJ", "'", '"'}


@dataclass
class Element:
    kind: str
    lang: str | None = None
    alt: str | None = None
    id: str | None = None
    kids: list = field(default_factory=list)  # Element or (page, mcid)
    parent: "Element | None" = None
    dest: str | None = None  # for a Link: the named destination of its annotation
    contents: str | None = None  # for a Link: its annotation's /Contents
    text: str = ""  # all text below, in structure order (/ActualText where given: what AT reads)
    drawn: str = ""  # the marked content's own text, in content-stream order

    def elements(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.elements()

    @property
    def children(self) -> list["Element"]:
        return [k for k in self.kids if isinstance(k, Element)]

    def inherited_lang(self) -> str | None:
        node = self
        while node is not None:
            if node.lang:
                return node.lang
            node = node.parent
        return None


@dataclass
class Structure:
    root: Element
    problems: list[str]
    catalog_lang: str | None
    artifact_text: list[str]  # text drawn inside Artifacts, per page
    pdf: pikepdf.Pdf


def _mcid_text(path) -> dict[tuple[int, int], str]:
    texts: dict[tuple[int, int], str] = {}
    with pdfplumber.open(path) as doc:
        for number, page in enumerate(doc.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (number, char["mcid"])
                    texts[key] = texts.get(key, "") + char["text"]
    return texts


def _streams(pdf: pikepdf.Pdf, problems: list[str]) -> tuple[dict[tuple[int, int], str], list[str]]:
    """MCIDs found on each page (-> their tag) and the text-showing ops inside Artifacts."""
    found: dict[tuple[int, int], str] = {}
    artifact_ops = []
    for number, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        in_artifact_text = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])[1:]
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                    if (number, mcid) in found:
                        problems.append(f"page {number + 1}: MCID {mcid} used twice")
                    found[(number, mcid)] = tag
                if mcid is not None and any(t == "Artifact" for t, _ in stack):
                    problems.append(f"page {number + 1}: MCID {mcid} inside an Artifact")
                stack.append((tag, mcid))
            elif op == "EMC":
                stack.pop()
            elif op in _PAINT:
                artifact = any(t == "Artifact" for t, _ in stack)
                tagged = any(m is not None for _, m in stack)
                if not artifact and not tagged:
                    problems.append(f"page {number + 1}: {op} outside marked content and outside an Artifact")
                if artifact and op in _TEXT:
                    in_artifact_text += 1
        artifact_ops.append(in_artifact_text)
    return found, artifact_ops


def _artifact_text(path) -> list[str]:
    """Text of each page that no MCID holds (drawn in Artifacts)."""
    out = []
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            out.append("".join(c["text"] for c in page.chars if c.get("mcid") is None))
    return out


def read(path) -> Structure:
    problems: list[str] = []
    pdf = pikepdf.open(path)
    page_index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    texts = _mcid_text(path)
    found, _ = _streams(pdf, problems)
    root_dict = pdf.Root.get("/StructTreeRoot")
    if root_dict is None:
        raise AssertionError("untagged PDF: no StructTreeRoot")
    held: dict[tuple[int, int], pikepdf.Object] = {}

    def walk(node, parent: Element | None, page: int | None) -> Element:
        kind = str(node.S)[1:]
        if kind not in STANDARD:
            problems.append(f"non-standard structure type {kind} (no RoleMap)")
        element = Element(kind=kind, parent=parent,
                          lang=str(node.Lang) if "/Lang" in node else None,
                          alt=str(node.Alt) if "/Alt" in node else None,
                          id=str(node.ID) if "/ID" in node else None)
        if "/Pg" in node:
            page = page_index[node.Pg.objgen]
        kids = node.get("/K")
        if kids is None:
            kids = []
        elif not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                key = (page, int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                key = (page_index[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annotation = kid.Obj
                if annotation.get("/Subtype") == "/Link":
                    if kind != "Link":
                        problems.append(f"a link annotation in a {kind}, not in a Link")
                    if "/Dest" in annotation:
                        element.dest = str(annotation.Dest)
                    element.contents = str(annotation.get("/Contents", "")) or None
                continue
            else:
                child = walk(kid, element, page)
                element.kids.append(child)
                element.text += child.text
                element.drawn += child.drawn
                continue
            if key in held:
                problems.append(f"page {key[0] + 1}: MCID {key[1]} held by two structure elements")
            held[key] = node
            element.kids.append(key)
            element.text += texts.get(key, "")
            element.drawn += texts.get(key, "")
        if "/ActualText" in node:
            element.text = str(node.ActualText)
        if not element.kids and kind != "Figure":
            problems.append(f"empty structure element {kind}")
        return element

    top = root_dict.K
    top = top[0] if isinstance(top, pikepdf.Array) else top
    root = walk(top, None, None)
    for key in sorted(set(found) - set(held)):
        problems.append(f"page {key[0] + 1}: marked content MCID {key[1]} ({found[key]}) is in no structure element")
    for key in sorted(set(held) - set(found)):
        problems.append(f"page {key[0] + 1}: structure element holds MCID {key[1]}, which the page does not have")
    # the ParentTree must lead from each MCID to the element that holds it
    nums = root_dict.ParentTree.get("/Nums", [])
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(pdf.pages):
        if "/StructParents" not in page:
            problems.append(f"page {number + 1}: no StructParents")
            continue
        array = parents.get(int(page.StructParents))
        for (p, mcid), node in held.items():
            if p == number and (array is None or mcid >= len(array) or array[mcid].objgen != node.objgen):
                problems.append(f"page {number + 1}: ParentTree does not lead MCID {mcid} to its element")
    lang = str(pdf.Root.Lang) if "/Lang" in pdf.Root else None
    return Structure(root=root, problems=problems, catalog_lang=lang, artifact_text=_artifact_text(path), pdf=pdf)


def ua_document_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Document-level PDF/UA-1 rules a program can check (Matterhorn protocol checkpoints 01, 06,
    07, 11, 28, 31)."""
    problems = []
    root = pdf.Root
    if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
        problems.append("MarkInfo /Marked is not true")
    if root.MarkInfo.get("/Suspects") is True:
        problems.append("MarkInfo /Suspects is true")
    if not (root.get("/ViewerPreferences") and root.ViewerPreferences.get("/DisplayDocTitle") is True):
        problems.append("ViewerPreferences /DisplayDocTitle is not true")
    if not str(root.get("/Lang", "")):
        problems.append("no /Lang on the catalog")
    with pdf.open_metadata() as meta:
        if not meta.get("dc:title"):
            problems.append("XMP has no dc:title")
        if meta.get("pdfuaid:part") != "1":
            problems.append(f"XMP pdfuaid:part is {meta.get('pdfuaid:part')!r}, not 1")
    for number, page in enumerate(pdf.pages):
        if page.get("/Annots") and page.get("/Tabs") != "/S":
            problems.append(f"page {number + 1}: annotations without /Tabs /S")
        fonts = page.Resources.get("/Font", {})
        for name, font in fonts.items():
            descendants = font.get("/DescendantFonts")
            described = descendants[0] if descendants else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {number + 1}: font {name} not embedded")
            if "/ToUnicode" not in font:
                problems.append(f"page {number + 1}: font {name} has no ToUnicode map")
    return problems
