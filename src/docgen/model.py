"""The document model: the one source of truth every writer reads.

The reader fills it from YAML; the transforms compute what is derived (numbers, labels,
cross-references) exactly once. Writers only read it: they never re-parse YAML or renumber.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from docgen.data.tables import Language
from docgen.diagnostics import Location

# ---------------------------------------------------------------- inline text


@dataclass
class Text:
    text: str


@dataclass
class Emphasis:
    """Italic in Latin scripts (the opening verb of a resolution paragraph)."""

    children: list[Inline]


@dataclass
class Reference:
    """A citation of another document; `href` is its Akoma Ntoso Work IRI."""

    key: str
    children: list[Inline]
    href: str = ""


@dataclass
class FootnoteCall:
    key: str
    number: int = 0  # set by transforms.number_footnotes
    # The note's place in the page's reading order, unique in it (HTML ids, the PDF's placement
    # check): the number, except in a report whose included texts number their notes from 1.
    seq: int = 0


Inline = Text | Emphasis | Reference | FootnoteCall


def plain_text(inlines: list[Inline], with_calls: bool = False) -> str:
    """The characters a reader sees, optionally with footnote numbers where the calls are."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Emphasis, Reference)):
            out.append(plain_text(node.children, with_calls))
        elif with_calls:
            out.append(str(node.number))
    return "".join(out)


def leaves(inlines: list[Inline]):
    """Text and footnote calls in reading order, through emphasis and references."""
    for node in inlines:
        if isinstance(node, (Emphasis, Reference)):
            yield from leaves(node.children)
        else:
            yield node


def calls(inlines: list[Inline]):
    """Footnote calls in reading order, descending into emphasis and references."""
    for node in inlines:
        if isinstance(node, FootnoteCall):
            yield node
        elif isinstance(node, (Emphasis, Reference)):
            yield from calls(node.children)


# ---------------------------------------------------------------- blocks


@dataclass
class Item:
    """A lettered (a), (b) or roman (i), (ii) sub-item; its label is computed."""

    text: list[Inline]
    items: list[Item] = field(default_factory=list)
    label: str = ""  # "a", "ii": set by transforms.number_paragraphs (used in identifiers)
    num: str = ""  # the printed form: "(a)", "(ii)", "a."
    location: Location | None = None


@dataclass
class Preambular:
    verb: str  # language-independent key: recalling, welcomingAlso, ...
    text: list[Inline]
    location: Location | None = None
    items: list[Item] = field(default_factory=list)  # (a), (b) under a preambular paragraph (rare)


@dataclass
class Operative:
    kind: ClassVar[str] = "paragraph"  # what a report's block is (templates test it)
    text: list[Inline]  # the whole paragraph, or the introduction to its items
    items: list[Item] = field(default_factory=list)
    number: int = 0  # set by transforms.number_paragraphs
    num: str = ""  # the printed form: "1.", or "" for a lone operative paragraph (unnumbered)
    location: Location | None = None
    # A sub-heading printed before this paragraph (operative parts and annexes group their
    # paragraphs under headings); it takes no number and does not break the paragraphs' numbering.
    heading: list[Inline] = field(default_factory=list)
    heading_location: Location | None = None


@dataclass
class Annex:
    """An annex to a resolution or decision (a declaration, a programme): its own title, headed and
    numbered paragraphs; its footnotes continue the resolution's numbering."""

    title: list[Inline]
    paragraphs: list[Operative]  # numbered 1., 2., ... within the annex; sub-headings on them
    label: str = ""  # "Annex", "Annex I": set by transforms from the language table
    location: Location | None = None


@dataclass
class Footnote:
    key: str
    text: list[Inline]
    number: int = 0  # set by transforms.number_footnotes
    location: Location | None = None
    seq: int = 0  # as FootnoteCall.seq


# ---------------------------------------------------------------- reports


@dataclass
class Table:
    """A table of a report: header rows (repeated on every page) and body rows of cells."""

    kind: ClassVar[str] = "table"
    header: list[list[list[Inline]]]  # rows of cells
    rows: list[list[list[Inline]]]
    caption: list[Inline] = field(default_factory=list)
    widths: tuple[float, ...] = ()  # relative column widths, summing to 1: given, or set by transforms
    location: Location | None = None
    ident: str = ""  # "tbl_1": numbered through the report (HTML id, AKN eId)

    @property
    def columns(self) -> int:
        return max((len(row) for row in [*self.header, *self.rows]), default=0)


@dataclass
class Included:
    """A resolution or decision of another document folder, printed in place in a report."""

    kind: ClassVar[str] = "included"
    key: str  # the folder's name, beside the report's
    location: Location | None = None
    document: Document | None = None  # the text as read on its own (set by the pipeline)
    version: Version | None = None  # its version in the report's language, in the report's form (transforms)
    ident: str = ""  # "res_5-2": HTML id, bookmark, AKN component


@dataclass
class Section:
    """A report's chapter (level 1: "I."), section (2: "A.") or sub-section (3: "1."), or one of
    its annexes (level 1, `annex`): a title and a body of blocks."""

    kind: ClassVar[str] = "section"
    title: list[Inline]
    body: list[Block]
    level: int = 1
    annex: bool = False
    label: str = ""  # printed: "I.", "A.", "一、", "أولا -", "Annex II" (transforms, from the language table)
    ident: str = ""  # language-independent: "chp_2", "chp_2__sec_A", "annex_1" (HTML ids, AKN eIds)
    location: Location | None = None


Block = Operative | Section | Table | Included


@dataclass(frozen=True)
class ContentsEntry:
    """One line of a report's contents: what it names and where it links (an HTML id, a bookmark)."""

    level: int  # 1: chapters and annexes; 2: sections and included texts
    label: str  # "I.", "A.", "5/2.", "Annex"
    title: str
    ident: str


def walk_blocks(blocks: list[Block]):
    """Every block, depth first in reading order, sections before their bodies."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk_blocks(block.body)


@dataclass(frozen=True)
class Masthead:
    """What the first page's masthead prints (transforms.masthead), the same for every writer."""

    symbol_first: str  # "CTOC": printed 20 pt
    symbol_rest: str  # "/COP/2010/17": printed 10 pt
    organ_lines: list[str]  # the organ's name, as broken in the masthead
    distribution: list[str]  # Distr.: General / date / language / Original: ...
    job_line: str  # "V.10-57396 (C)", or "" without a job number
    barcode_digits: str  # "1057396": what the Code 39 barcode encodes
    block: Language  # the language of the right-hand block's words (English in en ru ar zh)
    # Under the masthead, before the title: the adopting body when the masthead names another
    # (Human Rights Council under General Assembly), the session lines, a draft's committee.
    session_lines: tuple[str, ...] = ()
    # Between the session lines and the title: "Resolution adopted by ... on ..." and the
    # "[on the report of ...]" bracket (adopted form), or the sponsors line (draft form).
    adoption_lines: tuple[str, ...] = ()
    # The notes of a draft's sponsors line ("* Non-member State."), printed at the foot of page 1.
    first_page_notes: tuple[str, ...] = ()
    symbol: str = ""  # the whole symbol the form is issued under (the running header): A/C.3/99/L.12/Rev.1
    issued: dt.date | None = None  # the date it is issued on (the masthead's, the files' creation date)
    job_number: str = ""  # the form's job number as written (V.10-57396), or ""
    organ_size: str = "organ_font"  # the layout.yaml size of the organ's name: organ_font, or organ_font_long


@dataclass
class Version:
    """One language version: only its text. Shared facts live in Metadata."""

    lang: str  # UN language code: ar, zh, en, fr, ru, es
    path: Path
    title: list[Inline]
    formula: list[Inline]
    preamble: list[Preambular]
    operative: list[Operative]
    footnotes: list[Footnote]  # sorted by number once numbered
    session: list[str] = field(default_factory=list)  # masthead session block lines
    closing: list[str] = field(default_factory=list)  # meeting and date lines
    annexes: list[Annex] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)  # a draft's sponsors, "State of Palestine*"
    sponsor_notes: dict[str, str] = field(default_factory=dict)  # "*" -> "Non-member State."
    # A report's text: its chapters and its annexes (Section, level 1), empty for other documents.
    chapters: list[Section] = field(default_factory=list)
    report_annexes: list[Section] = field(default_factory=list)
    heading: str = ""  # "第 5/2 号决议": set by transforms from the language table
    language: Language | None = None  # this version's language table (set by transforms.resolve_language)
    masthead: Masthead | None = None  # set by transforms.masthead
    source: bytes = field(default=b"", repr=False)  # the <lang>.yaml bytes read (the archive PDF embeds them)
    source_sha256: str = ""  # of those bytes: a Word draft names the text it came from
    title_location: Location | None = None
    formula_location: Location | None = None
    # How this translation's structure differs from the original's (transforms.checks), one
    # entry per difference; empty when up to date. An out-of-date version is read and checked,
    # never rendered: the build keeps its last good outputs and lists them as stale.
    out_of_date: tuple[str, ...] = ()

    def footnote(self, key: str) -> Footnote:
        return next(f for f in self.footnotes if f.key == key)

    @property
    def parts(self) -> list[Section]:
        """A report's chapters, then its annexes."""
        return [*self.chapters, *self.report_annexes]

    def contents(self) -> list[ContentsEntry]:
        """A report's contents, in reading order: chapters, their sections and included texts, annexes."""
        out = []
        for part in self.parts:
            out.append(ContentsEntry(1, part.label, plain_text(part.title), part.ident))
            for block in part.body:
                if isinstance(block, Section):
                    out.append(ContentsEntry(2, block.label, plain_text(block.title), block.ident))
                elif isinstance(block, Included) and block.version is not None:
                    out.append(ContentsEntry(2, block.version.heading, plain_text(block.version.title), block.ident))
        return out

    def included(self) -> list[Included]:
        """The texts a report prints in place, in reading order."""
        return [b for b in walk_blocks(self.parts) if isinstance(b, Included)]

    def all_calls(self):
        """Every footnote call the page prints, in reading order: in a report, its own and, where each
        included text is printed, that text's."""
        if not self.chapters:
            for _, inlines, _ in self.blocks():
                yield from calls(inlines)
            return
        yield from calls(self.title)
        for _, inlines, _ in _report_blocks(self.parts, included=True):
            yield from calls(inlines)

    def all_footnotes(self) -> list[Footnote]:
        """The notes a page of this version prints: its own and, in a report, its included texts'."""
        notes = [*self.footnotes, *(n for inc in self.included() if inc.version for n in inc.version.footnotes)]
        return sorted(notes, key=lambda n: n.seq or n.number) if self.chapters else notes

    def blocks(self):
        """(name, inlines, location) for every run of body text, in reading order."""
        yield "title", self.title, self.title_location
        if self.chapters:
            yield from _report_blocks(self.parts)
            return
        yield "formula", self.formula, self.formula_location
        for i, p in enumerate(self.preamble, 1):
            yield f"preamble {i}", p.text, p.location
            yield from _item_blocks(f"preamble {i}", p.items)
        yield from _paragraph_blocks("", self.operative)
        for a, annex in enumerate(self.annexes, 1):
            yield f"annex {a} title", annex.title, annex.location
            yield from _paragraph_blocks(f"annex {a} ", annex.paragraphs)

    def texts(self):
        """`blocks()`, then every footnote body: all the text a page of this version shows."""
        yield from self.blocks()
        for note in self.footnotes:
            yield f"footnote {note.number}", note.text, note.location


def _report_blocks(blocks, context: str = "", included: bool = False):
    """A report's own text; with `included`, each included text's where it is printed (else they
    are their documents')."""
    for block in blocks:
        if isinstance(block, Section):
            name = f"{context}{'annex' if block.annex else 'chapter' if block.level == 1 else 'section'} " \
                   f"{block.label or block.ident}".rstrip()
            yield f"{name} title", block.title, block.location
            yield from _report_blocks(block.body, f"{name}, ", included)
        elif isinstance(block, Included):
            if included and block.version is not None:
                yield from block.version.blocks()
        elif isinstance(block, Operative):
            yield f"{context}paragraph {block.number}", block.text, block.location
            yield from _item_blocks(f"{context}paragraph {block.number}", block.items)
        elif isinstance(block, Table):
            for r, row in enumerate([*block.header, *block.rows], 1):
                for c, cell in enumerate(row, 1):
                    yield f"{context}table {block.ident}, row {r}, cell {c}", cell, block.location


def _paragraph_blocks(context: str, paragraphs: list[Operative]):
    for i, p in enumerate(paragraphs, 1):
        if p.heading:
            yield f"{context}heading before paragraph {p.number or i}", p.heading, p.heading_location
        yield f"{context}paragraph {p.number or i}", p.text, p.location
        yield from _item_blocks(f"{context}paragraph {p.number or i}", p.items)


def _item_blocks(context: str, items: list[Item]):
    for i, item in enumerate(items, 1):
        name = f"{context}({item.label or i})"
        yield name, item.text, item.location
        yield from _item_blocks(name, item.items)


@dataclass(frozen=True)
class Organ:
    """An adopting body (organs.py): every fact about it, its names in all six languages included."""

    key: str  # the AKN actor: un-ga, un-ctoc-cop, ...
    akn_id: str  # eId of its TLCOrganization
    show_as: str  # English name for metadata (AKN showAs, Word author)
    names: dict[str, tuple[str, ...]]  # language code -> the masthead's lines
    # The body as an adoption line names it, per language ("the General Assembly", "Генеральной
    # Ассамблеей"): "Resolution adopted by {this} on ...". Empty: the organ prints no adoption line.
    adopted_by: dict[str, str] = field(default_factory=dict)
    masthead: str = ""  # key of the organ the masthead names (the HRC prints under the General Assembly)
    original_line: bool = True  # its adopted texts print "Original: ..." (A/RES do not)


@dataclass
class CitedDocument:
    """Another document cited by reference key; facts shared by every language."""

    organ: str  # actor in AKN: un-ga, un-ctoc-cop, ...
    type: str  # resolution | decision
    number: str  # printed form, "64/293"
    adopted: dt.date


@dataclass(frozen=True)
class Adoption:
    """How an adopted text reached the organ: the bracket under the adoption line."""

    committee: str = ""  # a key of the language tables' `committees` (third); "": without reference
    documents: tuple[str, ...] = ()  # the committee's report, or the drafts (A/76/L.57, A/76/L.57/Add.1)


@dataclass(frozen=True)
class Draft:
    """The draft (L. document) of the same text: what its masthead prints instead of the adopted one's."""

    symbol: str  # A/C.3/99/L.12
    distributed: dt.date
    revision: int = 0  # 1: the symbol takes /Rev.1
    job_number: str = ""
    committee: str = ""  # the Main Committee it was submitted in: a line under the session

    @property
    def full_symbol(self) -> str:
        return self.symbol + (f"/Rev.{self.revision}" if self.revision else "")


FORMS = ("adopted", "draft")  # what a document folder can print: the adopted text, its draft


def form_stem(name: str, form: str) -> str:
    """What a form's files are named after: specimen (the adopted text), specimen.draft."""
    return name if form == "adopted" else f"{name}.{form}"


@dataclass
class Metadata:
    """Facts written once per document and shared by every language version."""

    type: str  # resolution | decision | report
    number: str  # printed form, "5/2"; "" for a report
    organ: str  # key into the organ tables (organs.py); its facts are Document.organ
    session: int | str  # 5, or a named session: "2026"
    adopted: dt.date
    original: str  # language code of the original version
    symbol: str  # symbol of the document that carries the text (the report)
    distributed: dt.date  # issue date printed in the masthead
    duty_station: str  # vienna | new-york | geneva | nairobi
    job_number: str = ""
    footnotes_start: int = 1
    references: dict[str, CitedDocument] = field(default_factory=dict)
    source: bytes = field(default=b"", repr=False)  # the document.yaml bytes read (the archive PDF embeds them)
    in_report: bool = False  # printed inside the report `symbol`: the report's heading, no adoption line
    masthead_organ: str = ""  # overrides the organ's own `masthead` body
    adoption: Adoption | None = None
    draft: Draft | None = None
    form: str = "adopted"  # which of FORMS this Document is (the pipeline reads a folder in one form)
    report_notes: str = "continuous"  # a report's footnotes: "continuous" through it, or "restart" per included text

    @property
    def is_report(self) -> bool:
        return self.type == "report"


@dataclass
class Document:
    name: str  # folder name: output/<name>/<name>.<lang>.<ext>
    folder: Path
    meta: Metadata
    versions: dict[str, Version]  # by language code, in the order of languages.CODES
    organ: Organ | None = None  # the adopting organ's facts, from the organ tables
    masthead_organ: Organ | None = None  # the organ the masthead names (usually `organ`)
    station: dict | None = None  # the duty station's facts (paper, place): set by transforms
    original_language: Language | None = None  # the original's language table (set by transforms)

    @property
    def stem(self) -> str:
        """What this form's files are named after: specimen, specimen.draft."""
        return form_stem(self.name, self.meta.form)

    included: dict[str, Document] = field(default_factory=dict)  # a report's included texts, by folder name

    @property
    def sources(self) -> list[Path]:
        own = [self.folder / "document.yaml", *(v.path for v in self.versions.values())]
        return own + [p for d in self.included.values() for p in d.sources]
