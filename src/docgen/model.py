"""The document model: the one source of truth every writer reads.

The reader fills it from YAML; the transforms compute what is derived (numbers, labels,
cross-references) exactly once. Writers only read it: they never re-parse YAML or renumber.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class Operative:
    text: list[Inline]  # the whole paragraph, or the introduction to its items
    items: list[Item] = field(default_factory=list)
    number: int = 0  # set by transforms.number_paragraphs
    num: str = ""  # the printed form: "1.", or "" for a lone operative paragraph (unnumbered)
    location: Location | None = None


@dataclass
class Footnote:
    key: str
    text: list[Inline]
    number: int = 0  # set by transforms.number_footnotes
    location: Location | None = None


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

    def blocks(self):
        """(name, inlines, location) for every run of body text, in reading order."""
        yield "title", self.title, self.title_location
        yield "formula", self.formula, self.formula_location
        for i, p in enumerate(self.preamble, 1):
            yield f"preamble {i}", p.text, p.location
        for i, p in enumerate(self.operative, 1):
            yield f"paragraph {p.number or i}", p.text, p.location
            yield from _item_blocks(f"paragraph {p.number or i}", p.items)

    def texts(self):
        """`blocks()`, then every footnote body: all the text a page of this version shows."""
        yield from self.blocks()
        for note in self.footnotes:
            yield f"footnote {note.number}", note.text, note.location


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


@dataclass
class CitedDocument:
    """Another document cited by reference key; facts shared by every language."""

    organ: str  # actor in AKN: un-ga, un-ctoc-cop, ...
    type: str  # resolution | decision
    number: str  # printed form, "64/293"
    adopted: dt.date


@dataclass
class Metadata:
    """Facts written once per document and shared by every language version."""

    type: str  # resolution | decision
    number: str  # printed form, "5/2"
    organ: str  # key into the organ tables (organs.py); its facts are Document.organ
    session: int
    adopted: dt.date
    original: str  # language code of the original version
    symbol: str  # symbol of the document that carries the text (the report)
    distributed: dt.date  # issue date printed in the masthead
    duty_station: str  # vienna | new-york | geneva | nairobi
    job_number: str = ""
    footnotes_start: int = 1
    references: dict[str, CitedDocument] = field(default_factory=dict)
    source: bytes = field(default=b"", repr=False)  # the document.yaml bytes read (the archive PDF embeds them)


@dataclass
class Document:
    name: str  # folder name: output/<name>/<name>.<lang>.<ext>
    folder: Path
    meta: Metadata
    versions: dict[str, Version]  # by language code, in the order of languages.CODES
    organ: Organ | None = None  # the adopting organ's facts, from the organ tables
    station: dict | None = None  # the duty station's facts (paper, place): set by transforms
    original_language: Language | None = None  # the original's language table (set by transforms)

    @property
    def sources(self) -> list[Path]:
        return [self.folder / "document.yaml", *(v.path for v in self.versions.values())]
