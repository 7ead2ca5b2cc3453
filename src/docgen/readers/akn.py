"""Akoma Ntoso reader: a docgen AKN4UN `<statement>` -> the same `Draft` the Word reader gives.

The file carries the verb keys (preamble containers' @name), references (<ref href>, the cited
Work IRI), emphasis (<i>) and notes (<authorialNote> at the call). Notes carry no key: the
importer pairs them with the base's keys by text, as for a Word draft ("#1", "#2" here).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from docgen.model import Emphasis, FootnoteCall, Footnote, Inline, Item, Operative, Preambular, Reference, Version
from docgen.readers.docx import MAX_FILE, Draft, DraftError, add_text, parse_xml

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


def a(tag: str) -> str:
    return f"{{{NS}}}{tag}"


class _Notes:
    def __init__(self, version: Version):
        self.version = version

    def inlines(self, el, skip_first_text=False) -> list[Inline]:
        out: list[Inline] = []
        if el is None:  # a <content> or <intro> without its <p>
            raise DraftError("a <content>, <intro> or <container> has no <p>: not an Akoma Ntoso file docgen wrote")
        if el.text and not skip_first_text:
            add_text(out, el.text)
        for child in el:
            tag = etree.QName(child).localname
            if tag == "i":
                out.append(Emphasis(self.inlines(child)))
            elif tag == "ref":
                out.append(Reference("", self.inlines(child), href=child.get("href", "")))
            elif tag == "sup" and child.find(a("authorialNote")) is not None:
                self.note(child.find(a("authorialNote")), out)
            elif tag == "authorialNote":
                self.note(child, out)
            else:
                out.extend(self.inlines(child))
            if child.tail:
                add_text(out, child.tail)
        return out

    def note(self, el, out):
        key = f"#{len(self.version.footnotes) + 1}"
        note = Footnote(key, [])
        self.version.footnotes.append(note)
        out.append(FootnoteCall(key))
        note.text = [n for p in el.findall(a("p")) for n in self.inlines(p)]


def _points(el, notes: _Notes):
    """A paragraph or point: (text, items) from <content> or <list>(<intro>, <point>...)."""
    content = el.find(a("content"))
    if content is not None:
        return notes.inlines(content.find(a("p"))), []
    lst = el.find(a("list"))
    if lst is None:
        return [], []
    intro = lst.find(a("intro"))
    text = notes.inlines(intro.find(a("p"))) if intro is not None else []
    items = []
    for point in lst.findall(a("point")):
        t, sub = _points(point, notes)
        items.append(Item(t, sub))
    return text, items


def read_akn(path: Path) -> Draft:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE:
            raise DraftError(f"{path}: too large for a document ({path.stat().st_size >> 20} MB)")
        root = parse_xml(path.read_bytes(), str(path))
    except (etree.XMLSyntaxError, OSError) as exc:
        raise DraftError(f"{path}: not readable XML: {exc}") from None
    statement = root.find(a("statement"))
    if root.tag != a("akomaNtoso") or statement is None:
        raise DraftError(f"{path}: not a docgen Akoma Ntoso file (expected akomaNtoso/statement)")
    lang3 = statement.find(f".//{a('FRBRExpression')}/{a('FRBRlanguage')}")
    from docgen.data import tables

    lang = next((c for c in tables.CODES if lang3 is not None and tables.language(c).iso639_2 == lang3.get("language")), "")
    version = Version(lang=lang, path=path, title=[], formula=[], preamble=[], operative=[], footnotes=[])
    notes = _Notes(version)
    try:
        _read_statement(statement, version, notes)
    except DraftError as exc:
        raise DraftError(f"{path}: {exc}") from None
    work = statement.find(f".//{a('FRBRWork')}/{a('FRBRuri')}")
    return Draft(version, lang=lang, carries_session=False, work_iri=work.get("value", "") if work is not None else "")


def _unreadable(statement) -> str:
    """What of a docgen statement this reader cannot bring back (it would lose words): '' if nothing.
    The forms of #23 it does not read yet are refused whole, never half-read."""
    if statement.get("name") == "resolutionDraft":
        return "a draft (L. document) form: import the adopted form's file, which carries the same text"
    if statement.find(a("attachments")) is not None:
        return "the text has annexes, which the Akoma Ntoso importer does not read yet: edit the YAML"
    body = statement.find(a("mainBody"))
    if body is not None and any(child.tag != a("paragraph") for child in body if isinstance(child.tag, str)):
        return ("the text has sub-headings among its paragraphs, which the Akoma Ntoso importer does not "
                "read yet: edit the YAML")
    preamble = statement.find(a("preamble"))
    if preamble is not None and preamble.find(f"{a('container')}/{a('blockList')}") is not None:
        return "a preambular paragraph has items, which the Akoma Ntoso importer does not read yet: edit the YAML"
    return ""


def _read_statement(statement, version: Version, notes: _Notes) -> None:
    """The text of a docgen Akoma Ntoso statement into version (notes keyed #1, #2 in call order)."""
    why = _unreadable(statement)
    if why:
        raise DraftError(f"not imported: {why}")
    title = statement.find(f"{a('preface')}//{a('docTitle')}")
    version.title = notes.inlines(title) if title is not None else []
    preamble = statement.find(a("preamble"))
    if preamble is not None:
        formula = preamble.find(a("formula"))
        version.formula = notes.inlines(formula.find(a("p"))) if formula is not None else []
        for container in preamble.findall(a("container")):
            version.preamble.append(Preambular(container.get("name", ""), notes.inlines(container.find(a("p")))))
    body = statement.find(a("mainBody"))
    for paragraph in (body.findall(a("paragraph")) if body is not None else []):
        text, items = _points(paragraph, notes)
        version.operative.append(Operative(text, items))
    for p in statement.findall(f"{a('conclusions')}/{a('container')}/{a('p')}"):
        version.closing.append("".join(p.itertext()))
    # footnotes are already keyed #1, #2 ... in call order: _Notes numbers them as the text is read,
    # in the order blocks() gives (title, formula, preamble, operative)


