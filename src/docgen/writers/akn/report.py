"""Akoma Ntoso for a report (`type: report`): the printed report as a `documentCollection`, valid
against the strict OASIS schema like a resolution's `statement`.

One file per language, `<name>.<lang>.xml`:

    <akomaNtoso><documentCollection name="report">
      <meta>       the report's Work, /akn/un/documentCollection/report/<organ>/<distributed>/<symbol>
                   (doctype = the root element's name, as `statement` for a resolution; date = the
                   issue date, a report has no adoption; number = the symbol with '/' turned into '-',
                   as a draft's L. symbol is), its Expression in this language (FRBRtranslation from
                   the original's), publication = the symbol and issue date
      <preface>    the session lines, the title (docTitle)
      <collectionBody>, in printed order:
        <component eId="cmp_report"><doc name="report">   the report's own text:
            mainBody: chapter (num "I.", heading) > section ("A.") > subsection ("1."), paragraph
            (num, content/p or list), tables as hcontainer name="table" > content > table (tr/th/td/p),
            footnotes as authorialNote at the call (marker = the printed number); where an included
            text is printed, <componentRef src="#cmp_res_5-2" showAs="..."/>, in its place
          attachments: each annex a `doc name="annex"` (as a resolution's annexes are)
        <component eId="cmp_res_5-2"><documentRef href="<the included text's Expression IRI>"/>
          one per included text, in reading order

Why this arrangement: a `component` holds one whole document or a `documentRef`, never text and
references mixed, so the report's text cannot be cut where a resolution is printed without splitting
chapters over several `doc`s; a `componentRef` (allowed among a chapter's hierarchical children)
keeps the place, and the `documentRef` names the resolution's own Expression (akn4un.md: embedding
the statements would break eId uniqueness, and their text and notes are in their own files). Why
annexes are attachments: that is what a resolution's annexes are (one rule for readers), and an
annex has its own heading, title and paragraph numbering, like a document appended to the report;
a chapter-like hcontainer would also validate but would put annex paragraphs into the numbered
body. Tables sit in an hcontainer because a chapter or section (AKN `hierarchy`) takes only
hierarchical children, and `table` is a block.

eIds are unique in the whole file (the collection's schema constraint covers the embedded doc):
the model's identifiers (chp_1, chp_1__sec_A, tbl_1, res_5-2), paragraphs para_N (numbered through
the report), in an annex annex_1__para_N. Numbers and labels are the model's, never recomputed.
"""

from __future__ import annotations

from docgen.data import frbr
from docgen.model import Document, Included, Operative, Section, Table, Version, plain_text
from docgen.writers.akn import A, EDITOR, _body, _Inline, expression_iri, identification, parties, proprietary

_ELEMENTS = {1: "chapter", 2: "section", 3: "subsection"}  # a Section's level -> its AKN element


def _meta(doc: Document, version: Version, component: str = "main"):
    """The report's identification (its Work: the symbol and issue date); the main component also has
    the publication, references and docgen's fields; a component only its identification."""
    meta = doc.meta
    work = frbr.report_work_uri(meta.organ, meta.distributed, meta.symbol)
    identity = identification(doc, version, work, meta.distributed.isoformat(), "publication", "report",
                              meta.symbol, "report", component)
    if component != "main":
        return A.meta(identity)
    return A.meta(
        identity,
        A.publication(date=version.masthead.issued.isoformat(), name="report", showAs=version.masthead.symbol,
                      number=version.masthead.symbol),
        A.references(*parties(doc, version), source="#" + EDITOR),
        proprietary(doc, version),
    )


def _preface(version: Version, inl: _Inline):
    preface = A.preface()
    if version.masthead.session_lines:
        preface.append(A.container(*[A.p(line) for line in version.masthead.session_lines], name="session",
                                   eId="preface__container_1"))
    title = A.docTitle()
    inl.fill(title, version.title, "preface")
    preface.append(A.p(title))
    return preface


class _Body:
    """The report's blocks as AKN hierarchy, with the included texts' places (componentRef)."""

    def __init__(self, inl: _Inline, components: dict[int, str]):
        self.inl = inl
        self.components = components  # id(Included) -> its component's eId

    def blocks(self, parent, blocks, prefix: str):
        for block in blocks:
            if isinstance(block, Section):
                parent.append(self.section(block, prefix))
            elif isinstance(block, Operative):
                element = A.paragraph(eId=f"{prefix}para_{block.number}")
                if block.num:
                    element.append(A.num(block.num))
                parent.append(_body(element, block.text, block.items, self.inl))
            elif isinstance(block, Table):
                parent.append(self.table(block))
            elif isinstance(block, Included) and id(block) in self.components:
                component = self.components[id(block)]  # cmp_res_5-2: this place is res_5-2
                parent.append(A.componentRef(src="#" + component, showAs=_shown(block),
                                             eId=component.removeprefix("cmp_")))
        return parent

    def section(self, section: Section, prefix: str):
        """A chapter, section or sub-section: its printed label as num, its title as heading."""
        element = getattr(A, _ELEMENTS[min(section.level, 3)])(A.num(section.label), eId=section.ident)
        element.append(self.inl.fill(A.heading(), section.title, section.ident))
        return self.blocks(element, section.body, prefix)

    def table(self, table: Table):
        eid = table.ident
        out = A.table(eId=f"{eid}__table_1")
        if table.caption:
            out.append(self.inl.fill(A.caption(), table.caption, eid))
        for cell_tag, rows in (("th", table.header), ("td", table.rows)):
            for row in rows:
                out.append(A.tr(*[getattr(A, cell_tag)(self.inl.p(cell, eid)) for cell in row]))
        return A.hcontainer(A.content(out, eId=f"{eid}__content"), name="table", eId=eid)


def _shown(block: Included) -> str:
    """What a reference to an included text shows: its heading in the report's form and its title."""
    text = block.version
    return " ".join(part for part in (text.heading, plain_text(text.title)) if part)


def _component_ids(version: Version) -> dict[int, str]:
    """Each included text's component eId, cmp_<its identifier> (cmp_res_5-2); a text printed twice
    gets _2, _3 after the first."""
    out, seen = {}, {}
    for block in version.included():
        if block.version is None or block.document is None:
            continue
        seen[block.ident] = seen.get(block.ident, 0) + 1
        out[id(block)] = f"cmp_{block.ident}" + (f"_{seen[block.ident]}" if seen[block.ident] > 1 else "")
    return out


def build_tree(doc: Document, version: Version):
    inl = _Inline(version)
    components = _component_ids(version)
    body = _Body(inl, components)
    report = A.doc(_meta(doc, version, "report"), body.blocks(A.mainBody(), version.chapters, ""), name="report")
    if version.report_annexes:
        attachments = A.attachments()
        for n, annex in enumerate(version.report_annexes, 1):
            title = A.docTitle()
            inl.fill(title, annex.title, f"{annex.ident}__preface")
            attachments.append(A.attachment(
                A.doc(_meta(doc, version, annex.ident), A.preface(A.p(annex.label), A.p(title)),
                      body.blocks(A.mainBody(), annex.body, f"{annex.ident}__"), name="annex"),
                eId=f"att_{n}"))
        report.append(attachments)
    collection = A.collectionBody(A.component(report, eId="cmp_report"))
    for block in version.included():
        if id(block) in components:
            eid = components[id(block)]
            collection.append(A.component(
                A.documentRef(href=expression_iri(block.document, version.language.iso639_2), showAs=_shown(block),
                              eId=f"{eid}__documentRef_1"),
                eId=eid))
    return A.akomaNtoso(A.documentCollection(_meta(doc, version), _preface(version, inl), collection,
                                             name="report", contains="originalVersion"))
