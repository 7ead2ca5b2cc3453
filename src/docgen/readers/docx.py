"""Word reader: an edited docgen draft (.docx) -> a `model.Version` plus what has no place in it.

Our own reader over lxml (word-roundtrip.md: pandoc, python-docx, docx2python and mammoth each
miss footnotes, leading tabs, accept/reject or custom marks). What it relies on:
- paragraphs by style *name* (Word and LibreOffice keep names, not always ids), compared
  loosely ("SingleTxtG", "Footnote Text", "footnote text" ...); any unknown style counts as body;
- structure from the typed numbers and labels: `1.⇥` starts an operative paragraph, `⇥(a)⇥`,
  `⇥⇥(i)⇥` an item whose depth is its count of leading tabs; the label itself may be stale or in
  any language's form (a., (أ), а)), since transforms renumber;
- italic runs -> emphasis; hyperlinks -> references (by their AKN IRI); footnotes paired by id
  with their own mark stripped (automatic, custom, repeated by LibreOffice);
- tracked changes (insertions, deletions, moves, formatting, paragraph marks) resolved by
  `changes="accept"|"reject"`, refused with a listing when there are some and no choice;
- comments collected for the summary (they have no place in the YAML).
Footnote keys are the draft's note ids ("#3"); the importer maps them to the base's keys.
"""

from __future__ import annotations

import io
import re
import zipfile
from zlib import error as zlib_error
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from docgen.model import Emphasis, FootnoteCall, Footnote, Inline, Item, Operative, Preambular, Reference, Text, Version, calls

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# A typed number or label, then a tab, in any language's form: "1.", "3 bis.", "1 -" (Arabic),
# "一、", "(a)", "a)" (fr, es), "а)" (ru), "(أ)", "’1‘" (ar), "(iv)", "a.". The label itself is not
# kept (transforms recompute it); its place and the leading tabs give the structure. The language
# table's own forms (`items`, `paragraph_number`) are added to these when the draft names its language.
GENERIC_NUMBERS = (r"\d+(?: ?bis| ?ter)?\.", r"\d+ ?[-\u2013]", r"[一二三四五六七八九十百]+\u3001")
GENERIC_LABELS = (r"\([^()\s]{1,8}\)", r"[^\s().\u3001]{1,4}[.)]", r"[\u2018\u2019][^\s]{1,6}[\u2018\u2019]")


def _form(pattern: str, field: str, counter: str) -> str:
    before, _, after = pattern.partition("{" + field + "}")
    return re.escape(before) + counter + re.escape(after)


@cache
def label_patterns(lang: str) -> tuple[re.Pattern, re.Pattern]:
    """(a typed label and its tab at a paragraph's start, an operative paragraph's number)."""
    from docgen.data import tables

    numbers, labels = list(GENERIC_NUMBERS), list(GENERIC_LABELS)
    if lang in tables.CODES:
        table = tables.language(lang)
        numbers.insert(0, _form(table.paragraph_number, "number", r"\d+"))
        for level in table.items:
            labels.insert(0, _form(level.format, "", r"[^\s]{1,8}?"))
    label = re.compile(r"^(\t*)(" + "|".join(numbers + labels) + r")\t")
    number = re.compile(r"^(?:" + "|".join(numbers) + r")$")
    return label, number


class DraftError(Exception):
    """One clear message about a draft that cannot be read; nothing is written."""


@dataclass
class Change:
    kind: str  # insertion, deletion, move from, move to, paragraph mark inserted/deleted, formatting
    author: str
    date: str
    text: str
    where: str  # "body" or "footnotes"

    def __str__(self) -> str:
        excerpt = f": \u201c{short(self.text)}\u201d" if self.text.strip() else ""
        return f"{self.kind} by {self.author or 'unknown author'}{' on ' + self.date[:10] if self.date else ''} in the {self.where}{excerpt}"


@dataclass
class Comment:
    author: str
    text: str
    anchor: str  # the commented paragraph's beginning

    def __str__(self) -> str:
        return f"{self.author or 'unknown author'} on \u201c{short(self.anchor)}\u201d: {self.text}"


@dataclass
class Draft:
    """What a draft holds: the version's text, and its source as the draft names it."""

    version: Version
    document: str = ""  # docgen's custom properties (empty when absent)
    lang: str = ""
    source_sha256: str = ""
    comments: list[Comment] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    resolved: str = ""  # "accept" | "reject" | "" (no tracked changes)
    carries_session: bool = True  # Akoma Ntoso has no masthead session lines: keep the YAML's
    work_iri: str = ""  # Akoma Ntoso: the Work the file expresses (finds the folder without --into)


def short(text: str, n: int = 60) -> str:
    """A text on one line, cut to n characters: how messages quote a paragraph."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


# ---------------------------------------------------------------- the package


MAX_FILE = 100 << 20  # a draft of a resolution is a few hundred kB; these bound hostile files
MAX_PART = 64 << 20  # one part, inflated
MAX_PARTS = 2000


def parse_xml(data: bytes, what: str):
    """Parse one XML part; a DOCTYPE (entity definitions: "billion laughs", external entities) is
    refused, since neither Word nor docgen writes one, and nothing is fetched or expanded."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536] or (head.startswith(b"<?") and b"<!DOCTYPE" in head):
        raise DraftError(f"{what} declares a DOCTYPE or entities: refused (Word never writes them)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


class _Package:
    def __init__(self, path: Path):
        try:
            size = Path(path).stat().st_size
            if size > MAX_FILE:
                raise DraftError(f"{path}: {size >> 20} MB is too large for a draft (at most {MAX_FILE >> 20} MB)")
            data = Path(path).read_bytes()
        except OSError as exc:
            raise DraftError(f"{path}: cannot read: {exc.strerror}") from None
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
            infos = self.zip.infolist()
            if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > 4 * MAX_PART:
                raise DraftError(f"{path}: the package inflates to more than a draft can hold "
                                 f"({len(infos)} parts, {sum(i.file_size for i in infos) >> 20} MB): refused (a zip bomb?)")
        except zipfile.BadZipFile:
            raise DraftError(f"{path}: not a Word document (.docx): the file is not a zip package"
                             + (" (it may be truncated or corrupt)" if data[:2] == b"PK" else "")) from None
        if "word/document.xml" not in self.names:
            raise DraftError(f"{path}: not a Word document (.docx): the package has no word/document.xml")
        self.path = path

    def xml(self, name: str):
        if name not in self.names:
            return None
        try:
            with self.zip.open(name) as handle:  # bounded: the size a header claims may lie
                data = handle.read(MAX_PART + 1)
            if len(data) > MAX_PART:
                raise DraftError(f"{self.path}: {name} inflates past {MAX_PART >> 20} MB: refused (a zip bomb?)")
            return parse_xml(data, f"{self.path}: {name}")
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib_error) as exc:
            raise DraftError(f"{self.path}: {name} is corrupt ({exc})") from None

    def rels(self, part: str) -> dict[str, str]:
        folder, _, name = part.rpartition("/")
        tree = self.xml(f"{folder}/_rels/{name}.rels")
        if tree is None:
            return {}
        return {r.get("Id"): r.get("Target") for r in tree.iter(f"{{{PKG}}}Relationship")}


def custom_properties(package: _Package) -> dict[str, str]:
    tree = package.xml("docProps/custom.xml")
    if tree is None:
        return {}
    return {p.get("name"): "".join(p.itertext()).strip() for p in tree.iter(f"{{{CUSTOM}}}property")}


def _style_names(tree) -> dict[str, str]:
    names = {}
    if tree is not None:
        for style in tree.iter(w("style")):
            name = style.find(w("name"))
            names[style.get(w("styleId"))] = name.get(w("val")) if name is not None else style.get(w("styleId"))
    return names


class _Numbering:
    """Word's automatic numbering: a paragraph's (depth, is an operative number) from its w:numPr
    (its own or its style's) and numbering.xml; depth 0 with decimal numbers is an operative
    paragraph, anything else an item one level below its list level."""

    def __init__(self, package: _Package, styles):
        self.formats: dict[tuple[str, str], str] = {}
        tree = package.xml("word/numbering.xml")
        if tree is not None:
            abstract = {a.get(w("abstractNumId")): a for a in tree.iter(w("abstractNum"))}
            for num in tree.iter(w("num")):
                ref = num.find(w("abstractNumId"))
                definition = abstract.get(ref.get(w("val"))) if ref is not None else None
                for lvl in (definition.iter(w("lvl")) if definition is not None else ()):
                    fmt = lvl.find(w("numFmt"))
                    self.formats[(num.get(w("numId")), lvl.get(w("ilvl")))] = fmt.get(w("val")) if fmt is not None else "decimal"
        self.style_num: dict[str, tuple[str, str]] = {}
        for style in (styles.iter(w("style")) if styles is not None else ()):
            num = style.find(f"{w('pPr')}/{w('numPr')}")
            if num is not None:
                self.style_num[style.get(w("styleId"))] = _num_ids(num)

    def level(self, p, style_id: str):
        num = p.find(f"{w('pPr')}/{w('numPr')}")
        num_id, ilvl = _num_ids(num) if num is not None else self.style_num.get(style_id, ("", "0"))
        if not num_id or num_id == "0" or not any(key[0] == num_id for key in self.formats):
            return None
        depth = int(ilvl) if ilvl.isdigit() else 0
        if depth == 0 and self.formats.get((num_id, ilvl), "decimal") == "decimal":
            return 0, True
        return depth + 1, False


def _num_ids(num) -> tuple[str, str]:
    num_id, ilvl = num.find(w("numId")), num.find(w("ilvl"))
    return (num_id.get(w("val")) if num_id is not None else "", ilvl.get(w("val")) if ilvl is not None else "0")


def _kind_of_style(name: str) -> str:
    """Loose match of a paragraph style name to its role; renames by Word and LibreOffice included."""
    n = re.sub(r"[\s_-]", "", (name or "").lower())
    if n.startswith("footnote"):
        return "footnote"
    if re.fullmatch(r"h1g?|heading1", n):
        return "heading"
    if re.fullmatch(r"h23g?|h2g?|h3g?", n):
        return "session"
    if re.fullmatch(r"hchg?|heading0|title", n):
        return "chapter"
    if n.startswith("masthead") or n in ("header", "footer"):
        return "masthead"
    return "body"


def _is_note_mark_style(name: str) -> bool:
    n = re.sub(r"[\s_-]", "", (name or "").lower())
    return n in ("footnotereference", "footnoteanchor", "footnotecharacters", "footnotesymbol")


# ---------------------------------------------------------------- tracked changes

_RUN_CHANGES = {"ins": "insertion", "del": "deletion", "moveFrom": "move (from)", "moveTo": "move (to)"}
_MARKERS = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
            "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd")


def _list_changes(root, where: str) -> list[Change]:
    out = []
    for el in root.iter(*(w(t) for t in _RUN_CHANGES), w("rPrChange"), w("pPrChange")):
        tag = etree.QName(el).localname
        parent = etree.QName(el.getparent()).localname
        if tag in ("ins", "del") and parent == "rPr" and etree.QName(el.getparent().getparent()).localname == "pPr":
            kind = "paragraph mark " + ("inserted" if tag == "ins" else "deleted")
            text = "".join(el.getparent().getparent().getparent().itertext())
        elif tag in ("ins", "del") and parent == "rPr":
            continue  # a run's own revision mark in rPr: the w:ins/w:del around it lists it
        elif tag in ("rPrChange", "pPrChange"):
            kind, text = "formatting change", ""
        else:
            kind = _RUN_CHANGES[tag]
            text = "".join(t.text or "" for t in el.iter(w("t"), w("delText")))
        out.append(Change(kind, el.get(w("author"), ""), el.get(w("date"), ""), text, where))
    return out


def _unwrap(el) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for child in list(el):
        parent.insert(index, child)
        index += 1
    parent.remove(el)


def _resolve(root, mode: str) -> None:
    """Apply `accept` or `reject` to every tracked change in one part, in place."""
    keep, drop = (("ins", "moveTo"), ("del", "moveFrom")) if mode == "accept" else (("del", "moveFrom"), ("ins", "moveTo"))
    for el in list(root.iter(*(w(t) for t in drop))):
        if etree.QName(el.getparent()).localname != "rPr":
            el.getparent().remove(el)
    for el in list(root.iter(*(w(t) for t in keep))):
        if etree.QName(el.getparent()).localname != "rPr":
            _unwrap(el)
    if mode == "reject":
        for t in root.iter(w("delText")):
            t.tag = w("t")
        for change in list(root.iter(w("rPrChange"))):
            old = change.find(w("rPr"))
            rpr = change.getparent()
            for child in list(rpr):
                if child is not change:
                    rpr.remove(child)
            rpr.remove(change)
            if old is not None:
                for child in list(old):
                    rpr.append(child)
    else:
        for change in list(root.iter(w("rPrChange"))):
            change.getparent().remove(change)
    for change in list(root.iter(w("pPrChange"))):
        change.getparent().remove(change)
    # paragraph marks: a deleted mark (accept) or an inserted one (reject) joins the paragraph to the next
    joined = "del" if mode == "accept" else "ins"
    for p in list(root.iter(w("p"))):
        if p.getparent() is None:
            continue
        while _mark_revision(p) == joined:
            nxt = p.getnext()
            while nxt is not None and nxt.tag != w("p"):
                nxt = nxt.getnext()
            _clear_mark(p)
            if nxt is None:
                break
            for child in list(nxt):
                if child.tag != w("pPr"):
                    p.append(child)
            if _mark_revision(nxt):
                _set_mark(p, _mark_revision(nxt))
            nxt.getparent().remove(nxt)
    for p in root.iter(w("p")):
        _clear_mark(p)
    for el in list(root.iter(w("ins"), w("del"))):  # run-level marks inside rPr
        el.getparent().remove(el)


def _mark_rpr(p):
    ppr = p.find(w("pPr"))
    return None if ppr is None else ppr.find(w("rPr"))


def _mark_revision(p) -> str:
    rpr = _mark_rpr(p)
    if rpr is None:
        return ""
    for tag in ("del", "ins"):
        if rpr.find(w(tag)) is not None:
            return tag
    return ""


def _clear_mark(p) -> None:
    rpr = _mark_rpr(p)
    if rpr is not None:
        for tag in ("del", "ins"):
            for el in rpr.findall(w(tag)):
                rpr.remove(el)


def _set_mark(p, tag: str) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.SubElement(p, w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
    etree.SubElement(rpr, w(tag))


# ---------------------------------------------------------------- runs -> inlines


@dataclass
class _Piece:
    text: str = ""
    italic: bool = False
    call: str = ""  # footnote id
    link: str = ""  # href of the hyperlink the piece is in


class _Runs:
    """A paragraph's runs -> pieces, through everything Word wraps runs in: hyperlinks, content
    controls, custom XML, smart tags, bidi wrappers (w:dir, w:bdo), simple and complex fields (only
    a field's result is visible; a HYPERLINK field's result is a link), hidden text left out."""

    def __init__(self, styles: dict[str, str], rels: dict[str, str]):
        self.styles, self.rels = styles, rels
        self.fields: list[list] = []  # open complex fields: [instruction, in result?]
        self.computed = ""  # inside the result of a field Word computes (PAGE, TOC, ...)

    def pieces(self, p, in_note: bool = False) -> list[_Piece]:
        out: list[_Piece] = []
        self._walk(p, out, "", in_note)
        return out

    def _link(self) -> str:
        for instr, _ in reversed(self.fields):
            target = _field_link(instr)
            if target:
                return target
        return ""

    def _walk(self, el, out, link, in_note):
        skip_mark = False
        for child in el:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "r":
                skip_mark = self._run(child, out, link or self._link(), in_note, skip_mark)
            elif tag == "hyperlink":
                target = _akn_iri(self.rels.get(child.get(f"{{{R}}}id"), "") or ("#" + child.get(w("anchor"), "")))
                self._walk(child, out, target, in_note)
            elif tag == "fldSimple":
                _refuse_computed(child.get(w("instr"), ""), "".join(t.text or "" for t in child.iter(w("t"))))
                self._walk(child, out, link or _field_link(child.get(w("instr"), "")), in_note)
            elif tag in ("smartTag", "customXml", "sdt", "sdtContent", "ins", "moveTo", "dir", "bdo"):
                self._walk(child, out, link, in_note)

    def _field_char(self, child) -> None:
        kind = child.get(w("fldCharType"))
        if kind == "begin":
            self.fields.append(["", False])
        elif kind == "separate" and self.fields:
            self.fields[-1][1] = True
            self.computed = _computed(self.fields[-1][0]) or self.computed
        elif kind == "end" and self.fields:
            self.fields.pop()
            self.computed = next((_computed(i) for i, _ in self.fields if _computed(i)), "")

    def _hidden(self) -> bool:
        """Inside a field's instruction (between begin and separate): nothing there is shown."""
        return any(not shown for _, shown in self.fields)

    def _run(self, r, out, link, in_note, skip_mark) -> bool:
        rpr = r.find(w("rPr"))
        italic = False
        style = ""
        if rpr is not None:
            i = rpr.find(w("i"))
            italic = i is not None and i.get(w("val"), "true") not in ("0", "false", "off")
            rs = rpr.find(w("rStyle"))
            style = self.styles.get(rs.get(w("val")), rs.get(w("val"))) if rs is not None else ""
            vanish = rpr.find(w("vanish"))
            if vanish is not None and vanish.get(w("val"), "true") not in ("0", "false", "off") \
                    and r.find(w("fldChar")) is None:
                return skip_mark  # hidden text: not what the reader of the draft sees
        if in_note and _is_note_mark_style(style) and not any(p.text.strip() or p.call for p in out):
            return False  # the note's own mark (automatic or custom, repeated or not)
        if skip_mark and _is_note_mark_style(style) and r.find(w("footnoteReference")) is None:
            return False  # the custom mark printed after a call with customMarkFollows
        skip_next = False
        for child in r:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "fldChar":
                self._field_char(child)
                continue
            if tag == "instrText":
                if self.fields and not self.fields[-1][1]:
                    self.fields[-1][0] += child.text or ""
                continue
            if self._hidden():
                continue
            if self.computed and tag == "t" and (child.text or "").strip():
                _refuse_computed(self.computed, child.text)
            if tag == "t" and skip_next:
                skip_next = False  # the custom mark in the call's own run (as LibreOffice saves it)
            elif tag == "t":
                out.append(_Piece(font_text((child.text or "").replace("\u00ad", ""), run_font(rpr)), italic, link=link))
            elif tag == "tab":
                out.append(_Piece("\t", italic, link=link))
            elif tag in ("br", "cr"):
                if child.get(w("type"), "textWrapping") == "textWrapping":
                    out.append(_Piece(" ", italic, link=link))  # a line break; page and column breaks are layout
            elif tag == "noBreakHyphen":
                out.append(_Piece("\u2011", italic, link=link))
            elif tag == "footnoteReference":
                out.append(_Piece(call=child.get(w("id")), link=link))
                skip_next = child.get(w("customMarkFollows")) in ("1", "true", "on")
            elif tag == "sym":
                out.append(_Piece(symbol(child.get(w("font"), ""), child.get(w("char"), "20")), italic, link=link))
            elif tag in ("pict", "drawing", "object", "AlternateContent") and any(
                    "".join(t.text or "" for t in box.iter(w("t"))).strip() for box in child.iter(w("txbxContent"))):
                raise DraftError(f"a text box holding \u201c{short(''.join(child.itertext()))}\u201d: docgen documents "
                                 "have no text boxes (move its text into a paragraph)")
            elif tag in ("endnoteReference",):
                raise DraftError("an endnote: docgen documents have footnotes only (make it a footnote)")
        return skip_next


# Fields whose result Word computes (page numbers, dates, cross-references, tables of contents):
# their text is not the author's, and the YAML has no field to put back.
COMPUTED_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "DATE", "TIME", "CREATEDATE", "SAVEDATE", "PRINTDATE",
                   "SEQ", "REF", "PAGEREF", "NOTEREF", "TOC", "INDEX", "TOA", "AUTONUM", "LISTNUM", "FILENAME"}


def _computed(instr: str) -> str:
    word = (instr or "").split(None, 1)[0].upper() if (instr or "").strip() else ""
    return word if word in COMPUTED_FIELDS else ""


def _refuse_computed(instr: str, shown: str) -> None:
    name = _computed(instr) or instr
    if _computed(instr) and shown.strip():
        raise DraftError(f"a {name} field shows \u201c{short(shown, 40)}\u201d: Word computes that text, and the YAML "
                         "has no field to keep it in; delete the field, or type the text (select it and press Ctrl+Shift+F9)")


def _field_link(instr: str) -> str:
    """The target of a HYPERLINK field's instruction ('HYPERLINK "x" \\o "tip"', '\\l "anchor"')."""
    m = re.match(r'\s*HYPERLINK\s+(?:\\l\s+)?"([^"]*)"|\s*HYPERLINK\s+(\S+)', instr or "", re.I)
    if not m:
        return ""
    target = m.group(1) if m.group(1) is not None else m.group(2)
    return _akn_iri(target) if "\\l" not in instr.split('"')[0] else "#" + target


# The Symbol font's private-use code points (F020-F0FF; Word stores w:sym w:char="F028") -> Unicode,
# for what differs from ASCII (Adobe's Symbol encoding); Wingdings only for its common marks.
_SYMBOL = {0x22: "\u2200", 0x24: "\u2203", 0x27: "\u220b", 0x2a: "\u2217", 0x2d: "\u2212", 0x40: "\u2245",
           0x5c: "\u2234", 0x5e: "\u22a5", 0x60: "\uf8e5", 0x7e: "\u223c", 0xa2: "\u2032", 0xa3: "\u2264",
           0xa5: "\u221e", 0xb0: "\u00b0", 0xb1: "\u00b1", 0xb3: "\u2265", 0xb4: "\u00d7", 0xb7: "\u2022",
           0xb8: "\u00f7", 0xb9: "\u2260", 0xba: "\u2261", 0xbb: "\u2248", 0xbc: "\u2026", 0xd7: "\u22c5",
           0xe3: "\u00a9", 0xe2: "\u00ae", 0xe4: "\u2122", 0xae: "\u2192", 0xac: "\u2190"}
_GREEK = "\u0391\u0392\u03a7\u0394\u0395\u03a6\u0393\u0397\u0399\u03d1\u039a\u039b\u039c\u039d\u039f\u03a0\u0398\u03a1\u03a3\u03a4\u03a5\u03c2\u03a9\u039e\u03a8\u0396"  # 0x41-0x5a
_greek = "\u03b1\u03b2\u03c7\u03b4\u03b5\u03c6\u03b3\u03b7\u03b9\u03d5\u03ba\u03bb\u03bc\u03bd\u03bf\u03c0\u03b8\u03c1\u03c3\u03c4\u03c5\u03d6\u03c9\u03be\u03c8\u03b6"  # 0x61-0x7a
_WINGDINGS = {0x9f: "\u2022", 0xa7: "\u25aa", 0xa8: "\u25fb", 0xd8: "\u27a2", 0xe0: "\u2192", 0xfb: "\u2717",
              0xfc: "\u2713", 0xfd: "\u2612", 0xfe: "\u2611", 0x6c: "\u25cf", 0x6e: "\u25a0", 0x71: "\u2751",
              0x76: "\u2756", 0x77: "\u25c6"}


def run_font(rpr) -> str:
    """A run's own (direct) font name, for Symbol and Wingdings runs."""
    fonts = rpr.find(w("rFonts")) if rpr is not None else None
    if fonts is None:
        return ""
    return fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or ""


def font_text(text: str, font: str) -> str:
    """Text as shown: in a Symbol or Wingdings run (LibreOffice stores w:sym that way) each
    character is that font's glyph ("a" is alpha, U+F029 is ")"); other text is itself."""
    name = font.lower()
    if "symbol" not in name and "wingdings" not in name:
        return text
    return "".join(symbol(font, f"{ord(c):04X}") if ord(c) < 0x100 or 0xF000 <= ord(c) <= 0xF0FF else c
                   for c in text if c != "\u00ad")


def symbol(font: str, char: str) -> str:
    """The character a w:sym shows: its font's glyph for private-use codes, the code itself otherwise."""
    try:
        code = int(char, 16)
    except ValueError:
        raise DraftError(f"a symbol with an unreadable character code {char!r} (font {font})") from None
    low = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
    name = font.lower()
    if "symbol" in name and low < 0x100:
        if low in _SYMBOL:
            return _SYMBOL[low]
        if 0x41 <= low <= 0x5A:
            return _GREEK[low - 0x41]
        if 0x61 <= low <= 0x7A:
            return _greek[low - 0x61]
        if 0x20 <= low < 0x7F:
            return chr(low)
    elif "wingdings" in name and low < 0x100:
        if low <= 0x20:
            return chr(low)
        if low in _WINGDINGS:
            return _WINGDINGS[low]
        raise DraftError(f"a Wingdings symbol (character {char}) has no Unicode character docgen can write: "
                         "type the character itself")
    if 0xF000 <= code <= 0xF0FF:
        raise DraftError(f"a symbol of the font {font or 'unknown'} (character {char}) has no Unicode character "
                         "docgen can write: type the character itself")
    return chr(code)


def _akn_iri(target: str) -> str:
    """The AKN IRI of a link: LibreOffice rewrites '/akn/...' relative to the file ('../../akn/...')."""
    target = target.replace("\\", "/")  # Word on Windows: absolute paths with backslashes
    m = re.search(r"(?:^|/)(akn/.*)$", target)
    return "/" + m.group(1) if m else target


def _merged(pieces: list[_Piece]) -> list[_Piece]:
    """Word splits runs anywhere (at a space, a spell-check mark, an edit): neighbours of the same
    formatting are joined first, and a space between two italic pieces is italic, so that
    `*Takes* *note*` cannot arise from one italic phrase stored in two runs."""
    out: list[_Piece] = []
    for k, p in enumerate(pieces):
        if not p.call and not p.italic and p.text and not p.text.strip() and out and out[-1].italic \
                and k + 1 < len(pieces) and pieces[k + 1].italic and pieces[k + 1].link == p.link and out[-1].link == p.link:
            p = _Piece(p.text, True, link=p.link)
        if out and not p.call and not out[-1].call and out[-1].italic == p.italic and out[-1].link == p.link:
            out[-1] = _Piece(out[-1].text + p.text, p.italic, link=p.link)
        else:
            out.append(p)
    return out


def _inlines(pieces: list[_Piece], cjk: bool) -> list[Inline]:
    """Pieces -> Text / Emphasis / Reference / FootnoteCall, merging neighbours."""
    pieces = _merged(pieces)
    out: list[Inline] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.link:
            j = i
            while j < len(pieces) and pieces[j].link == piece.link:
                j += 1
            children = _inlines([_Piece(p.text, p.italic, p.call) for p in pieces[i:j]], cjk)
            out.append(Reference("", children, href=piece.link))
            i = j
            continue
        if piece.call:
            out.append(FootnoteCall("#" + piece.call))
        elif piece.italic and not cjk and piece.text.strip():
            lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
            trail = piece.text[len(piece.text.rstrip()):]
            if lead:
                add_text(out, lead)
            if out and isinstance(out[-1], Emphasis) and not lead:
                add_text(out[-1].children, piece.text.strip())
            else:
                out.append(Emphasis([Text(piece.text.strip())]))
            if trail:
                add_text(out, trail)
        else:
            add_text(out, piece.text)
        i += 1
    return out


def add_text(out: list[Inline], text: str) -> None:
    """Append text to inline nodes, joined to the last one when it is text too (the Word and AKN readers)."""
    if not text:
        return
    if out and isinstance(out[-1], Text):
        out[-1].text += text
    else:
        out.append(Text(text))


def _strip_prefix(pieces: list[_Piece], prefix_len: int) -> list[_Piece]:
    """Drop the first `prefix_len` characters (tabs, typed number) from the pieces."""
    out = []
    for p in pieces:
        if prefix_len and not p.call:
            cut = min(prefix_len, len(p.text))
            prefix_len -= cut
            p = _Piece(p.text[cut:], p.italic, p.call, p.link)
            if not p.text:
                continue
        out.append(p)
    return out


def _trim(inlines: list[Inline]) -> list[Inline]:
    """Paragraph text as the YAML reader keeps it: whitespace runs of the ends removed."""
    if inlines and isinstance(inlines[0], Text):
        inlines[0].text = inlines[0].text.lstrip()
        if not inlines[0].text:
            inlines.pop(0)
    if inlines and isinstance(inlines[-1], Text):
        inlines[-1].text = inlines[-1].text.rstrip()
        if not inlines[-1].text:
            inlines.pop()
    return inlines


def _plain(pieces: list[_Piece]) -> str:
    return "".join(p.text if not p.call else "\ufffc" for p in pieces)


# ---------------------------------------------------------------- the draft


def read_docx(path: Path, changes: str | None = None, lang: str = "") -> Draft:
    """Read a draft; raise DraftError with one clear message when it cannot be read.

    `lang`: the language when the draft does not name it (its custom properties were lost)."""
    path = Path(path)
    package = _Package(path)
    props = custom_properties(package)
    from docgen.data import tables
    from docgen.data.draft import DOCUMENT, FORM, KIND, LANGUAGE, NARRATIVE, SOURCE

    if props.get(FORM, "adopted") != "adopted":
        raise DraftError(f"{path}: this is the Word file of the {props[FORM]} form (an L. document: sponsors, "
                         "its own symbol); docgen import reads the adopted text's Word draft "
                         f"({props.get(DOCUMENT, '<name>')}.<lang>.docx): edit that one, or the YAML")
    lang = props.get(LANGUAGE, "") or lang
    body = package.xml("word/document.xml")
    if props.get(KIND) == "report" or _has_contents_field(body):
        raise DraftError(f"{path}: this is the Word file of a report (its chapters, contents and tables): docgen "
                         "import reads resolutions and decisions only; edit the report in its YAML "
                         f"({props.get(DOCUMENT, '<report folder>')}/<lang>.yaml), and a resolution it includes in "
                         "that resolution's own folder or Word draft")
    cjk = lang in tables.CODES and tables.language(lang).is_cjk
    styles_tree = package.xml("word/styles.xml")  # parsed once: style names and numbered styles
    styles = _style_names(styles_tree)
    notes = package.xml("word/footnotes.xml")
    found = _list_changes(body, "body") + (_list_changes(notes, "footnotes") if notes is not None else [])
    textual = [c for c in found if c.kind != "formatting change"]
    if textual and changes not in ("accept", "reject"):
        listing = "\n".join(f"  - {c}" for c in textual)
        raise DraftError(f"{path}: the draft has {len(textual)} unresolved tracked change(s); "
                         f"choose --changes accept or --changes reject (or resolve them in Word):\n{listing}")
    if found:  # formatting changes alone do not ask: accepted (as shown) unless --changes reject
        _resolve(body, changes or "accept")
        if notes is not None:
            _resolve(notes, changes or "accept")
    draft = Draft(Version(lang=lang, path=path, title=[], formula=[], preamble=[], operative=[], footnotes=[]),
                  document=props.get(DOCUMENT, ""), lang=props.get(LANGUAGE, ""), source_sha256=props.get(SOURCE, ""),
                  changes=found, resolved=(changes or "accept") if found else "")
    fillin = next((p for p in body.iter(w("p")) if any((t.text or "").strip().upper().startswith("FILLIN")
                                                     for t in p.iter(w("instrText")))), None)
    if fillin is not None:
        raise DraftError(f"{path.name}: paragraph \u201c{short(''.join(t.text or '' for t in fillin.iter(w('t'))))}\u201d "
                         "is a FILLIN field: LibreOffice saves Word content controls so, and drops words of "
                         "the ones that hold a footnote call; the text cannot be trusted. Import the draft as "
                         "Word saved it, or remove the content controls in Word first")
    runs = _Runs(styles, package.rels("word/document.xml"))
    try:
        _classify(path, body, styles, runs, draft.version, cjk, _Numbering(package, styles_tree), *label_patterns(lang),
                  narrative=props.get(NARRATIVE) == "true")
    except DraftError as exc:
        if str(exc).startswith(path.name) or str(exc).startswith(str(path)):
            raise
        raise DraftError(f"{path.name}: {exc}") from None
    if notes is not None:
        note_runs = _Runs(styles, package.rels("word/footnotes.xml"))
        by_id = {}
        for note in notes.iter(w("footnote")):
            if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            pieces = []
            for p in note.iter(w("p")):
                if pieces:
                    pieces.append(_Piece(" "))
                try:
                    pieces.extend(note_runs.pieces(p, in_note=True))
                except DraftError as exc:
                    raise DraftError(f"{path.name}: footnote {note.get(w('id'))}: {exc}") from None
            by_id["#" + note.get(w("id"))] = _trim(_inlines(pieces, cjk))
        called = [c.key for _, t, _ in draft.version.blocks() for c in calls(t)]
        for key in called:
            if key not in by_id:
                raise DraftError(f"{path}: a footnote call refers to note id {key[1:]}, which footnotes.xml does not hold")
            draft.version.footnotes.append(Footnote(key, by_id[key]))
    draft.comments = _comments(package, body)
    return draft


def _has_contents_field(body) -> bool:
    """A TOC field: a report's contents (its custom properties may be lost); docgen's resolutions have none."""
    return body is not None and any((t.text or "").strip().upper().startswith("TOC") for t in body.iter(w("instrText")))


def body_paragraphs(body) -> list:
    """The body's paragraphs in order, through block-level content controls (w:sdt) and custom XML;
    the tables before the first paragraph with text are the masthead (document.yaml's); a table
    after it (among the session lines, the adoption lines or the text) has no place in the YAML and
    is refused rather than dropped."""
    out: list = []
    seen_text = False

    def walk(el):
        nonlocal seen_text
        for child in el:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "p":
                out.append(child)
                if any((t.text or "").strip() for t in child.iter(w("t"))):
                    seen_text = True
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"):
                walk(child)
            elif tag == "tbl":
                text = "".join(t.text or "" for t in child.iter(w("t"))).strip()
                if seen_text and text:
                    raise DraftError(f"a table in the body text (\u201c{short(text)}\u201d): docgen documents have "
                                     "no tables there; make its text paragraphs")
    walk(body)
    return _join_break_splits(out)


def _join_break_splits(paragraphs: list) -> list:
    """LibreOffice cannot keep a page or column break inside a paragraph: it ends the paragraph
    with the break (or starts the rest with it) and puts the rest in a new paragraph of style Normal.
    Such a continuation (no style of its own, after a styled paragraph, a break between) is joined back."""
    out: list = []
    for p in paragraphs:
        prev = out[-1] if out else None
        if prev is not None and _style_id(p) in ("", "Normal") and _style_id(prev) not in ("", "Normal") \
                and (_ends_with_break(prev) or _ends_with_break(p, first=True)) and not _typed_label(p):
            for child in list(p):
                if child.tag != w("pPr"):
                    prev.append(child)
            continue
        out.append(p)
    return out


def _typed_label(p) -> bool:
    """The paragraph starts as a new one would: a tab, or a typed number or label and a tab."""
    text = "".join("\t" if el.tag == w("tab") else (el.text or "") for el in p.iter(w("t"), w("tab")))
    return bool(re.match(r"\t|[^\t\s]{1,12}\t", text))


def _style_id(p) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _ends_with_break(p, first: bool = False) -> bool:
    """The paragraph's last (or first) content is a page or column break."""
    runs = [r for r in p.iter(w("r")) if any(c.tag != w("rPr") for c in r)]
    if not runs:
        return False
    content = [c for c in runs[0 if first else -1] if c.tag != w("rPr")]
    edge = content[0 if first else -1]
    return edge.tag == w("br") and edge.get(w("type")) in ("page", "column")


def _classify(path: Path, body, styles, runs: _Runs, version: Version, cjk: bool, numbering: "_Numbering",
              LABEL, NUMBER, narrative: bool = False) -> None:
    """Body paragraphs -> title, formula, preamble, operative paragraphs and items, closing lines.
    `narrative`: the text has no formula (a decision in narrative form): its first paragraph is text."""
    headings: list[list[_Piece]] = []
    region = "masthead"  # masthead -> preamble -> operative -> closing
    stack: list = []  # open containers by depth: [Operative, Item(depth 1), Item(depth 2), ...]
    closing_at = None
    paragraphs = []
    if body.find(w("body")) is None:
        raise DraftError(f"{path.name}: word/document.xml has no body (w:body): not a Word document docgen can read")
    for p in body_paragraphs(body.find(w("body"))):
        try:
            paragraphs.append((p, runs.pieces(p)))
        except DraftError as exc:
            raise DraftError(f"{path.name}: paragraph {len(paragraphs) + 1} (\u201c{short(''.join(t.text or '' for t in p.iter(w('t'))))}\u201d): {exc}") from None
    # A lone operative paragraph is printed without a number, indented like the preamble (UN
    # practice): in a draft with no numbered paragraph, the last indented one before the items or
    # the closing lines is that paragraph.
    numbered = any((m := LABEL.match(_plain(pieces))) and not m.group(1) and NUMBER.match(m.group(2))
                   for _, pieces in paragraphs) or any(numbering.level(p, "") == (0, True) for p, _ in paragraphs)

    def lone() -> None:
        nonlocal region, stack
        if not numbered and not version.operative and version.preamble:
            version.operative.append(Operative(version.preamble.pop().text))
            stack = [version.operative[0]]
            region = "operative"

    for index, (p, pieces) in enumerate(paragraphs, 1):
        ppr = p.find(w("pPr"))
        style_el = ppr.find(w("pStyle")) if ppr is not None else None
        style = styles.get(style_el.get(w("val")), style_el.get(w("val"))) if style_el is not None else "Normal"
        kind = _kind_of_style(style)
        text = _plain(pieces)
        where = f"{path.name}: paragraph {index} (\u201c{short(text.strip())}\u201d)"
        if not text.strip():
            continue
        if kind == "heading":
            if region not in ("masthead", "heading"):
                raise DraftError(f"{where}: a heading after the body text; docgen drafts have one heading "
                                 "(symbol and title) before the formula")
            region = "heading"
            headings.append(pieces)
            continue
        if kind == "session":
            if region == "masthead":
                version.session.append(text.strip())
                continue
            raise DraftError(f"{where}: cannot classify this paragraph: style '{style}' is used for the session "
                             "lines above the heading only")
        if kind == "masthead" and style == "Masthead Adoption" and region == "masthead":
            continue  # the adoption line and its bracket: made from document.yaml, not text to import
        if kind == "chapter":
            raise DraftError(f"{where}: an annex or chapter heading (style '{style}'): docgen import does not read "
                             "annexes yet; edit the annex in the YAML (the rest of the draft can be imported once "
                             "the annex is removed from it)")
        if kind in ("footnote", "masthead"):
            raise DraftError(f"{where}: cannot classify this paragraph: style '{style}' does not belong in the body")
        typed = LABEL.match(text)
        auto = None if typed else numbering.level(p, style_el.get(w("val")) if style_el is not None else "")
        if typed:
            label, depth, cut = typed.group(2), len(typed.group(1)), typed.end()
            is_number = depth == 0 and bool(NUMBER.match(label))  # noqa: N806 (patterns of the language)
        elif auto:  # Word's automatic numbering (an editor's new paragraph): its level gives the place
            label, depth, cut, is_number = "automatic number", auto[0], 0, auto[1]
        else:
            label, depth, cut, is_number = "", 0, 0, False
        m = typed or auto
        content = _trim(_inlines(_strip_prefix(pieces, cut), cjk))
        if region in ("masthead", "heading"):
            if narrative:
                region = "preamble"  # no formula: this paragraph is the text's first
            else:
                if m:
                    raise DraftError(f"{where}: a numbered paragraph before the formula")
                version.formula = content
                region = "preamble"
                continue
        if m and is_number:
            if region == "closing":
                raise DraftError(f"{closing_at}: cannot classify this paragraph: it has no number, yet numbered "
                                 "paragraphs follow it (type its number, e.g. '3.' and a tab, or join it to the paragraph above)")
            region = "operative"
            paragraph = Operative(content)
            version.operative.append(paragraph)
            stack = [paragraph]
            continue
        if m and depth >= 1:
            if region == "preamble":
                lone()
            if region != "operative":
                raise DraftError(f"{where}: an item ({label}) before any operative paragraph; "
                                 "items belong to a numbered paragraph")
            if region == "closing":
                raise DraftError(f"{closing_at}: cannot classify this paragraph: it has no number, yet items follow it")
            if depth > len(stack):
                raise DraftError(f"{where}: the item ({label}) is {depth} tab(s) deep after an item of depth "
                                 f"{len(stack) - 1}: item depth can only grow by one level (one tab) at a time")
            if depth > 3:
                raise DraftError(f"{where}: items nest at most 3 levels deep ((a), (i), a.)")
            del stack[depth:]
            item = Item(content)
            stack[-1].items.append(item)
            stack.append(item)
            continue
        if m:
            raise DraftError(f"{where}: cannot classify this paragraph: '{label}' at the margin is an item label "
                             "without its leading tab (an item starts with one tab per level, an operative paragraph "
                             "with its number, e.g. '1.', and a tab)")
        if region == "preamble" and not (not numbered and not text.startswith("\t") and version.preamble):
            version.preamble.append(Preambular("", content))
            continue
        lone()
        if text.startswith("\t"):
            raise DraftError(f"{where}: cannot classify this paragraph: an indented paragraph without number or "
                             "label after the operative paragraphs began (type its number '4.' or label '(c)' "
                             "and a tab, or join it to the paragraph above)")
        if region == "operative":
            region, closing_at = "closing", where
        version.closing.append(text.strip())
    lone()
    if not headings:
        raise DraftError(f"{path}: no heading paragraph (style H1 or H1G): is this a docgen draft?")
    if not version.operative:
        raise DraftError(f"{path}: no operative paragraph (a paragraph starting with '1.' and a tab) was found")
    first = headings[0]
    plain = _plain(first)
    if "\t" in plain:
        version.heading = plain.split("\t", 1)[0]
        version.title = _trim(_inlines(_strip_prefix(first, plain.index("\t") + 1), cjk))
    else:
        version.heading = plain.strip()
        if len(headings) > 1:
            version.title = _trim(_inlines(headings[1], cjk))


def _comments(package: _Package, body) -> list[Comment]:
    tree = package.xml("word/comments.xml")
    if tree is None:
        return []
    anchors = {}
    for start in body.iter(w("commentRangeStart"), w("commentReference")):
        p = next((a for a in start.iterancestors(w("p"))), None)
        if p is not None:
            anchors.setdefault(start.get(w("id")), "".join(t.text or "" for t in p.iter(w("t"))))
    return [Comment(c.get(w("author"), ""), " ".join("".join(t.text or "" for t in p.iter(w("t"))) for p in c.iter(w("p"))).strip(),
                    anchors.get(c.get(w("id")), "")) for c in tree.iter(w("comment"))]
