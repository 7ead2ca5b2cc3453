"""Reader: a content folder -> a validated `model.Document`.

A document is one folder: `document.yaml` holds the facts every language shares, and one
`<lang>.yaml` per language version holds only its text. See docs/content-format.md.
Every problem becomes a Diagnostic with file, line and column; reading goes on after a
problem so that one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from docgen.readers import markup, organs
from docgen.data import tables
from docgen.diagnostics import Diagnostic, Location, errors
from docgen.model import (
    Adoption,
    Annex,
    CitedDocument,
    Draft,
    Document,
    Emphasis,
    Footnote,
    Included,
    Item,
    Metadata,
    Operative,
    Preambular,
    Reference,
    Section,
    Table,
    Version,
    calls,
)
from docgen.readers.source import Invalid, LList, LMap, parse, read_bytes

DOCUMENT_FILE = "document.yaml"
DOC_TYPES = ("resolution", "decision")  # what a text is (a reference cites one of these)
REPORT = "report"  # a report: its own text, with texts of other folders included (docs/content-format.md, Reports)
MAX_SECTION_DEPTH = 3  # chapter I. -> section A. -> sub-section 1.
MAX_ITEM_DEPTH = 3  # (a) -> (i) -> a.

_TYPE_NAMES = {str: "text", int: "a whole number", dt.date: "a date (YYYY-MM-DD)", LMap: "a mapping",
               LList: "a list", bool: "true or false", float: "a number", type(None): "nothing"}


def _type_name(value) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return type(value).__name__


@dataclass(frozen=True)
class Field:
    """One field the reader accepts: the single definition behind reading, the JSON Schema
    (`docgen schema`) and the comments of `docgen new`."""

    name: str
    types: tuple  # Python types the reader accepts (LMap: a mapping, LList: a list)
    required: bool
    about: str  # for authors: the schema's description, the comment `docgen new` writes
    choices: tuple = ()  # the allowed values, when they are fixed
    shape: str = ""  # for a list or mapping: what it holds (a definition of schema.py)
    pattern: str = ""  # a regular expression text values must match whole (and what it means: `about`)


# a document number: printed as given, and (with / as -) the number in Akoma Ntoso identifiers
NUMBER_PATTERN = r"[A-Za-z0-9]+(?:[./-][A-Za-z0-9]+)*"


DOCUMENT_FIELDS = {f.name: f for f in (
    Field("type", (str,), True, "resolution or decision: the heading pattern, the AKN statement name "
                                "(type: report has its own fields: docs/content-format.md, Reports)", DOC_TYPES),
    Field("number", (str, int), False, "the printed number (required once adopted), e.g. 5/2, 64/293, S-26/2 or 2010/251 for a decision: "
                                      "letters and digits joined by / . or -", pattern=NUMBER_PATTERN),
    Field("organ", (str,), True, "the adopting organ: a key of docgen's organs.yaml or of yours beside the "
                                 "document folders (un-ga, un-ctoc-cop, un-cnd, un-ccpcj, ...)"),
    Field("session", (int, str), True, "the organ's session: a whole number (5), or a named session as its "
                                       "symbols name it (2026 for ECOSOC's 2026 session)", pattern=r"\S+"),
    Field("adopted", (dt.date,), False, "adoption date, YYYY-MM-DD; absent while the text is a draft (then "
                                        "'draft:' is required and only the draft is built)"),
    Field("original", (str,), True, "language code of the original version: footnotes are numbered by its order",
          tables.CODES),
    Field("symbol", (str,), False, "(required once adopted) a document symbol, one word without spaces: the symbol of the document that "
                                  "carries the text, printed in the masthead and page headers: A/RES/99/1 for a "
                                  "resolution, the report's (e.g. CTOC/COP/2010/17) for a decision or resolution "
                                  "printed in a report", pattern=r"\S+"),
    Field("distributed", (dt.date,), False, "(required once adopted) issue date printed in the masthead, "
                                            "YYYY-MM-DD (on or after adopted)"),
    Field("duty_station", (str,), True, "issuing duty station: paper (A4, Letter in New York) and Word styles",
          tuple(tables.duty_stations())),
    Field("job_number", (str,), False, "job number, e.g. V.10-57396: printed on the first page, its digits "
                                       "become the barcode"),
    Field("footnotes_start", (int,), False, "number of the first footnote (default 1), when the document "
                                            "continues a report's numbering"),
    Field("references", (LMap,), False, "documents the text cites as [words](ref:key), declared once: "
                                        "key: {organ, type, number, adopted}", shape="references"),
    Field("in_report", (bool,), False, "true: the text is printed inside the report named by 'symbol' (the "
                                       "report's heading form, no adoption line); false (default): issued as "
                                       "its own document (A/RES/...), with the adoption line"),
    Field("masthead_organ", (str,), False, "the organ the masthead names, when not the one its organ table "
                                           "gives (an organ key)"),
    Field("adoption", (LMap,), False, "how the adopted text reached the organ, printed in brackets under the "
                                      "adoption line: {committee: third, documents: [A/99/500]}, or "
                                      "{documents: [A/99/L.5]} without reference to a Main Committee",
          shape="adoption"),
    Field("draft", (LMap,), False, "the draft (L. document) of the same text, built beside the adopted one as "
                                   "<name>.draft.<lang>: {symbol, distributed, revision, job_number, committee}; "
                                   "each <lang>.yaml then lists its sponsors", shape="draft"),
)}

ADOPTION_FIELDS = {f.name: f for f in (
    Field("committee", (str,), False, "the Main Committee whose report it was adopted on (first ... sixth); "
                                      "absent: without reference to a Main Committee", tables.COMMITTEES),
    Field("documents", (LList,), True, "the committee's report, or the draft(s) adopted in plenary: symbols",
          shape="lines"),
)}

DRAFT_FIELDS = {f.name: f for f in (
    Field("symbol", (str,), True, "the draft's symbol, A/C.3/99/L.12 (a revision adds /Rev.N itself)",
          pattern=r"\S+"),
    Field("distributed", (dt.date,), True, "the draft's issue date, YYYY-MM-DD"),
    Field("revision", (int,), False, "1 for /Rev.1, 2 for /Rev.2 ..."),
    Field("job_number", (str,), False, "the draft's job number, e.g. N.44-00000"),
    Field("committee", (str,), False, "the Main Committee it is submitted in: printed under the session "
                                      "(first ... sixth)", tables.COMMITTEES),
)}

REFERENCE_FIELDS = {f.name: f for f in (
    Field("organ", (str,), True, "the organ that adopted the cited document (a key of organs.yaml)"),
    Field("type", (str,), True, "resolution or decision", DOC_TYPES),
    Field("number", (str, int), True, "its printed number, e.g. 64/293", pattern=NUMBER_PATTERN),
    Field("adopted", (dt.date,), True, "its adoption date, YYYY-MM-DD"),
)}

VERSION_FIELDS = {f.name: f for f in (
    Field("title", (str,), True, "the title, printed after the number"),
    Field("session", (LList,), False, "the session block under the masthead, one entry per line, e.g. "
                                      "Fifth session / Agenda item 2", shape="lines"),
    Field("formula", (str,), False, "the adopting organ, as it opens the text: The General Assembly, "
                                    "(required for a resolution; a decision in narrative form has none)"),
    Field("preamble", (LList,), False, "preambular paragraphs, each 'verbKey: text'; the camelCase verbKey "
                                       "(recalling, notingAlso) is the same in every language", shape="preamble"),
    Field("operative", (LList,), True, "operative paragraphs (numbered 1., 2., ...; a lone one is not): text, "
                                       "or {text, items} with items (a), (i), a.", shape="operative"),
    Field("closing", (LList,), False, "closing lines: meeting and date", shape="lines"),
    Field("footnotes", (LMap,), False, "footnote bodies by key, called in the text as [^key]", shape="footnotes"),
    Field("annexes", (LList,), False, "annexes, each {title, paragraphs}: paragraphs as under 'operative' "
                                      "(numbered within the annex, {heading: ...} entries between them); their "
                                      "footnotes continue the text's numbering", shape="annexes"),
    Field("sponsors", (LList,), False, "a draft's sponsors, one name per entry as printed in this language; a "
                                       "trailing * (or **) calls a note under 'sponsor_notes'", shape="lines"),
    Field("sponsor_notes", (LMap,), False, "the notes of the sponsors' marks, printed at the foot of the first "
                                           "page: '*': Non-member State.", shape="footnotes"),
)}

ANNEX_FIELDS = {f.name: f for f in (
    Field("title", (str,), True, "the annex's title"),
    Field("paragraphs", (LList,), True, "its paragraphs, as under 'operative'", shape="operative"),
)}

ITEM_FIELDS = {f.name: f for f in (
    Field("text", (str, int), True, "the introduction to the items"),
    Field("items", (LList,), True, "the sub-items: text, or {text, items}, three levels deep at most",
          shape="items"),
)}


REPORT_FIELDS = {f.name: f for f in (
    Field("type", (str,), True, "report: the report of a body on its session, a note, a report of the "
                                "Secretary-General", (REPORT,)),
    Field("organ", (str,), True, "the body whose report it is, a key of organs.yaml: its names head the masthead"),
    Field("session", (int, str), True, "the session reported on: 5, or a named session (2026)", pattern=r"\S+"),
    Field("original", (str,), True, "language code of the original version", tables.CODES),
    Field("symbol", (str,), True, "the report's symbol, e.g. CTOC/COP/2010/17", pattern=r"\S+"),
    Field("distributed", (dt.date,), True, "issue date printed in the masthead, YYYY-MM-DD"),
    Field("duty_station", (str,), True, "issuing duty station: paper and Word styles", tuple(tables.duty_stations())),
    Field("job_number", (str,), False, "job number, e.g. V.10-57396: printed on the first page, its digits "
                                       "become the barcode"),
    Field("footnotes", (str,), False, "continuous (default): one numbering through the report and the texts it "
                                      "includes; restart: each included text numbers its notes from 1 (as "
                                      "CTOC/COP/2010/17 prints them)", ("continuous", "restart")),
    Field("references", (LMap,), False, "documents the report's own text cites as [words](ref:key): "
                                        "key: {organ, type, number, adopted}", shape="references"),
    Field("masthead_organ", (str,), False, "the organ the masthead names, when not the report's body (an organ key)"),
)}

REPORT_VERSION_FIELDS = {f.name: f for f in (
    Field("title", (str,), True, "the report's title: Report of the ... on its fifth session, held in ..."),
    Field("session", (LList,), False, "the lines above the title (the body's name, the session, an agenda item), "
                                      "one entry per line", shape="lines"),
    Field("chapters", (LList,), True, "the chapters, each {title, body}: numbered I., II. the language's way",
          shape="chapters"),
    Field("annexes", (LList,), False, "the annexes, each {title, body}, each on a new page", shape="chapters"),
    Field("footnotes", (LMap,), False, "the report's own footnote bodies by key, called as [^key]",
          shape="footnotes"),
)}

SECTION_FIELDS = {f.name: f for f in (
    Field("title", (str,), True, "the chapter's or annex's title"),
    Field("body", (LList,), True, "its blocks: paragraphs (text, or {text, items}), {section: title, body: [...]}, "
                                  "{table: {...}}, {include: folder}", shape="body"),
)}

SUBSECTION_FIELDS = {f.name: f for f in (
    Field("section", (str,), True, "the section's title (numbered A., B. under a chapter, 1., 2. under a section)"),
    Field("body", (LList,), True, "its blocks, as a chapter's", shape="body"),
)}

TABLE_FIELDS = {f.name: f for f in (
    Field("caption", (str,), False, "the table's title, printed above it"),
    Field("header", (LList,), False, "header rows, each a list of cells: repeated on every page", shape="rows"),
    Field("rows", (LList,), True, "body rows, each a list of cells (text)", shape="rows"),
    Field("widths", (LList,), False, "relative column widths (numbers), one per column; else they follow the text",
          shape="numbers"),
)}

MAX_TABLE_CELLS = 20_000  # cells in one table: a long list of documents has a few hundred


class _Fields:
    """Takes the fields of one mapping by their definitions; reports wrong types, missing and unknown fields."""

    def __init__(self, mapping: LMap, fields: dict[str, Field], what: str, diagnostics: list[Diagnostic]):
        self.mapping, self.fields, self.what, self.diagnostics = mapping, fields, what, diagnostics
        self.known: list[str] = []

    def loc(self, key: str) -> Location:
        return self.mapping.locs.get(key, self.mapping.loc)

    def error(self, loc: Location, message: str):
        self.diagnostics.append(Diagnostic(loc, message))

    def take(self, key: str, default=None):
        field = self.fields[key]  # a field the reader reads is a field it defines (the schema is made from them)
        types, required = field.types, field.required
        self.known.append(key)
        if key not in self.mapping:
            if required:
                self.error(self.mapping.loc, f"{self.what}: missing field '{key}' ({_expect(types)})")
            return default
        value = self.mapping[key]
        if isinstance(value, Invalid):
            return default  # reported where it was read
        if isinstance(value, types) and (type(value) is not bool or bool in types):  # bool is an int in Python
            if field.pattern and not re.fullmatch(field.pattern, str(value)):
                self.error(self.loc(key), f"{self.what}: field '{key}' ({_short(value)}) is not {field.about}")
                return default
            if field.choices and value not in field.choices:  # every fixed-choice field, nested ones too
                self.error(self.loc(key), f"{self.what}: field '{key}' is {_short(value)}, not one of: "
                                          f"{', '.join(field.choices)}")
                return default
            return value.date() if isinstance(value, dt.datetime) else value
        self.error(
            self.loc(key),
            f"{self.what}: field '{key}' must be {_expect(types)}, found {_type_name(value)}"
            + (f" ({_short(value)})" if not isinstance(value, (LMap, LList)) else ""),
        )
        return default

    def finish(self):
        for key in self.mapping:
            if key not in self.fields:
                self.error(
                    self.mapping.key_locs[key],
                    f"{self.what}: unknown field '{key}'; expected one of: {', '.join(self.fields)}",
                )


def _expect(types) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------- document.yaml


def _read_adoption(value, diagnostics) -> Adoption | None:
    if value is None:
        return None
    f = _Fields(value, ADOPTION_FIELDS, "adoption", diagnostics)
    committee, documents = f.take("committee", default=""), f.take("documents", default=LList())
    f.finish()
    symbols = [d for d in documents if isinstance(d, str) and d.strip()]
    if len(symbols) != len(documents) or not symbols:
        f.error(f.loc("documents"), "adoption: 'documents' must list one or more document symbols")
    return Adoption(committee or "", tuple(s.strip() for s in symbols))


def _read_draft(value, diagnostics) -> Draft | None:
    if value is None:
        return None
    f = _Fields(value, DRAFT_FIELDS, "draft", diagnostics)
    symbol, distributed = f.take("symbol"), f.take("distributed")
    revision, job = f.take("revision", default=0), f.take("job_number", default="")
    committee = f.take("committee", default="")
    f.finish()
    if revision is not None and revision < 0:
        f.error(f.loc("revision"), "draft: revision must be 1 or more (or absent)")
    if symbol is None or distributed is None:
        return None
    return Draft(symbol, distributed, revision or 0, job or "", committee or "")


def _read_metadata(folder: Path, organ_table: dict, diagnostics: list[Diagnostic]) -> Metadata | None:
    path = folder / DOCUMENT_FILE
    if not path.exists():
        diagnostics.append(Diagnostic(Location(folder), f"no {DOCUMENT_FILE} in this document folder"))
        return None
    raw = read_bytes(path, diagnostics)
    data = None if raw is None else parse(path, raw, diagnostics)
    if data is None:
        return None
    if not isinstance(data, LMap):
        diagnostics.append(
            Diagnostic(Location(path, 1, 1), f"expected a mapping of fields (type: ..., number: ...), found {_type_name(data)}")
        )
        return None
    if data.get("type") == REPORT:
        return _read_report_metadata(data, raw, organ_table, diagnostics)
    f = _Fields(data, DOCUMENT_FIELDS, DOCUMENT_FILE, diagnostics)
    doc_type = f.take("type")
    number = f.take("number")
    organ = f.take("organ")
    if organ is not None and organ not in organ_table:
        f.error(f.loc("organ"), f"unknown organ '{organ}'; known: {', '.join(organ_table)} "
                                f"(add it to {organs.USER_FILE} beside the document folder)")
    session = f.take("session")
    adopted = f.take("adopted")
    original = f.take("original")
    symbol = f.take("symbol")
    distributed = f.take("distributed")
    station = f.take("duty_station")
    job = f.take("job_number", default="")
    start = f.take("footnotes_start", default=1)
    if start is not None and start < 1:
        f.error(f.loc("footnotes_start"), "footnotes_start must be 1 or more")
    refs = f.take("references", default=LMap())
    in_report = f.take("in_report", default=False)
    masthead_organ = f.take("masthead_organ", default="")
    if masthead_organ and masthead_organ not in organ_table:
        f.error(f.loc("masthead_organ"), f"unknown organ '{masthead_organ}'; known: {', '.join(organ_table)}")
    adoption = _read_adoption(f.take("adoption"), diagnostics)
    draft = _read_draft(f.take("draft"), diagnostics)
    f.finish()
    if adopted is None and "draft" not in data:
        f.error(data.loc, f"{DOCUMENT_FILE}: missing field 'adopted' (a date, YYYY-MM-DD); a text not yet adopted "
                          "is a draft: give its 'draft:' facts instead")
    if adopted is not None:
        for key in ("number", "symbol", "distributed"):
            if key not in data:
                f.error(data.loc, f"{DOCUMENT_FILE}: missing field '{key}' (an adopted text has a number, a symbol "
                                  "and an issue date)")
    if in_report and draft is not None:
        f.error(f.loc("draft"), "a text printed in a report (in_report: true) has no draft of its own here: "
                                "remove 'draft:' or 'in_report'")
    if adopted and distributed and isinstance(distributed, dt.date) and distributed < adopted:
        diagnostics.append(Diagnostic(f.loc("distributed"), f"distributed ({distributed}) is earlier than adopted "
                                      f"({adopted}): a document is issued after its adoption; check both dates",
                                      severity="warning", code="distributed-before-adopted"))
    references = _read_references(refs, organ_table, diagnostics)
    if errors(diagnostics):
        return None
    return Metadata(
        type=doc_type, number="" if number is None else str(number), organ=organ, session=session,
        adopted=adopted, original=original, symbol=symbol or "", distributed=distributed, duty_station=station,
        job_number=job, footnotes_start=start, references=references, source=raw, in_report=in_report,
        masthead_organ=masthead_organ, adoption=adoption, draft=draft,
        form="adopted" if adopted is not None else "draft",
    )


def _read_report_metadata(data: LMap, raw: bytes, organ_table: dict, diagnostics: list[Diagnostic]) -> Metadata | None:
    """document.yaml of a report (`REPORT_FIELDS`): no number, no adoption; how its notes are numbered."""
    before = len(errors(diagnostics))
    f = _Fields(data, REPORT_FIELDS, DOCUMENT_FILE, diagnostics)
    values = {key: f.take(key) for key in ("type", "organ", "session", "original", "symbol", "distributed",
                                           "duty_station")}
    job = f.take("job_number", default="")
    notes = f.take("footnotes", default="continuous")
    refs = f.take("references", default=LMap())
    masthead_organ = f.take("masthead_organ", default="")
    f.finish()
    for key in ("organ", "masthead_organ"):
        value = values.get(key) if key == "organ" else masthead_organ
        if value and value not in organ_table:
            f.error(f.loc(key), f"unknown organ '{value}'; known: {', '.join(organ_table)} "
                                f"(add it to {organs.USER_FILE} beside the document folder)")
    references = _read_references(refs, organ_table, diagnostics)
    if len(errors(diagnostics)) > before:
        return None
    return Metadata(type=REPORT, number="", organ=values["organ"], session=values["session"], adopted=None,
                    original=values["original"], symbol=values["symbol"], distributed=values["distributed"],
                    duty_station=values["duty_station"], job_number=job or "", references=references, source=raw,
                    masthead_organ=masthead_organ or "", report_notes=notes or "continuous")


def _read_references(refs, organ_table: dict, diagnostics: list[Diagnostic]) -> dict[str, CitedDocument]:
    references = {}
    for key, entry in (refs or {}).items():
        what = f"reference '{key}'"
        if not isinstance(entry, LMap):
            diagnostics.append(Diagnostic(refs.locs[key], f"{what} must be a mapping (organ, type, number, adopted)"))
            continue
        rf = _Fields(entry, REFERENCE_FIELDS, what, diagnostics)
        r_organ, r_type = rf.take("organ"), rf.take("type")
        r_number, r_adopted = rf.take("number"), rf.take("adopted")
        rf.finish()
        if r_organ is not None and r_organ not in organ_table:
            rf.error(rf.loc("organ"), f"{what}: unknown organ '{r_organ}'; known: {', '.join(organ_table)} "
                                      f"(add it to {organs.USER_FILE} beside the document folder)")
        if None not in (r_organ, r_type, r_number, r_adopted):
            references[key] = CitedDocument(r_organ, r_type, str(r_number), r_adopted)
    return references


# ---------------------------------------------------------------- <lang>.yaml


class _VersionReader:
    def __init__(self, path: Path, lang: str, references: dict | None, diagnostics: list[Diagnostic],
                 report: bool = False):
        self.path, self.lang, self.references, self.diagnostics = path, lang, references, diagnostics
        self.cjk = tables.language(lang).is_cjk
        self.report = report
        self.cells = 0

    def error(self, loc: Location, message: str):
        self.diagnostics.append(Diagnostic(loc, message))

    def text(self, value, loc: Location, what: str):
        """Parse one run of inline text; report markup errors at its line."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(loc, f"{what} must be text, found {_type_name(value)}")
            return []
        if not value.strip():
            self.error(loc, f"{what} is empty")
            return []
        try:
            nodes = markup.parse(" ".join(value.split("\n")).strip(), cjk=self.cjk)
        except markup.MarkupError as exc:
            self.error(loc, f"{what}: {exc}")
            return []
        self._check_references(nodes, loc, what)
        return nodes

    def _check_references(self, nodes, loc, what):
        if self.references is None:
            return  # document.yaml is missing or broken (reported): which keys exist is unknown
        for node in nodes:
            if isinstance(node, Reference):
                if node.key not in self.references:
                    known = ", ".join(self.references) or "none declared"
                    self.error(loc, f"{what}: reference to '{node.key}' is not declared under "
                                    f"'references:' in {DOCUMENT_FILE} (declared: {known})")
                self._check_references(node.children, loc, what)
            elif isinstance(node, Emphasis):
                self._check_references(node.children, loc, what)

    def read(self) -> Version | None:
        before = len(errors(self.diagnostics))
        raw = read_bytes(self.path, self.diagnostics)
        data = None if raw is None else parse(self.path, raw, self.diagnostics)
        if data is None:
            return None
        if not isinstance(data, LMap):
            self.error(Location(self.path, 1, 1),
                       f"expected a mapping of fields (title:, formula:, preamble:, operative:, ...), found {_type_name(data)}")
            return None
        if self.report:
            return self.read_report(data, raw, before)
        f = _Fields(data, VERSION_FIELDS, self.path.name, self.diagnostics)
        title = f.take("title")
        formula = f.take("formula")
        session = f.take("session", default=LList())
        preamble = f.take("preamble", default=LList())
        operative = f.take("operative")
        closing = f.take("closing", default=LList())
        notes = f.take("footnotes", default=LMap())
        annexes = f.take("annexes", default=LList())
        sponsors = f.take("sponsors", default=LList())
        sponsor_notes = f.take("sponsor_notes", default=LMap())
        f.finish()

        version = Version(
            lang=self.lang, path=self.path, source=raw, source_sha256=hashlib.sha256(raw).hexdigest(),
            title=self.text(title, f.loc("title"), "title") if title is not None else [],
            formula=self.text(formula, f.loc("formula"), "formula") if formula is not None else [],
            preamble=[self.preambular(p, loc, i) for i, (p, loc) in enumerate(_located(preamble), 1)],
            operative=self.paragraphs(operative, "operative paragraph"),
            footnotes=[],
            annexes=[self.annex(a, loc, i) for i, (a, loc) in enumerate(_located(annexes), 1)],
            sponsors=self.lines(sponsors, "sponsors"),
            sponsor_notes=self.sponsor_notes(sponsor_notes),
            session=self.lines(session, "session"),
            closing=self.lines(closing, "closing"),
            title_location=f.loc("title"),
            formula_location=f.loc("formula"),
        )
        if operative is not None and not version.operative:
            self.error(f.loc("operative"), "operative: the document has no operative paragraph; "
                                           "expected a list with at least one")
        marks = {m for name in version.sponsors for m in re.findall(r"\*+$", name)}
        for mark in sorted(marks - set(version.sponsor_notes)):
            self.error(f.loc("sponsors"), f"sponsors: the mark '{mark}' has no note under 'sponsor_notes'")
        for mark in sorted(set(version.sponsor_notes) - marks):
            self.error(f.loc("sponsor_notes"), f"sponsor_notes: no sponsor carries the mark '{mark}'")
        for key, body in (notes or {}).items():
            loc = notes.locs[key]
            version.footnotes.append(Footnote(key, self.text(body, loc, f"footnote '{key}'"), location=loc))
        self._check_calls(version, notes)
        if len(errors(self.diagnostics)) > before:
            return None
        return version

    # ------------------------------------------------------------ a report's text

    def read_report(self, data: LMap, raw: bytes, before: int) -> Version | None:
        f = _Fields(data, REPORT_VERSION_FIELDS, self.path.name, self.diagnostics)
        title, session = f.take("title"), f.take("session", default=LList())
        chapters, annexes = f.take("chapters"), f.take("annexes", default=LList())
        notes = f.take("footnotes", default=LMap())
        f.finish()
        version = Version(
            lang=self.lang, path=self.path, source=raw, source_sha256=hashlib.sha256(raw).hexdigest(),
            title=self.text(title, f.loc("title"), "title") if title is not None else [],
            formula=[], preamble=[], operative=[], footnotes=[],
            session=self.lines(session, "session"), title_location=f.loc("title"),
            chapters=[self.part(c, loc, f"chapter {i}") for i, (c, loc) in enumerate(_located(chapters), 1)],
            report_annexes=[self.part(a, loc, f"annex {i}", annex=True) for i, (a, loc) in enumerate(_located(annexes), 1)],
        )
        if chapters is not None and not version.chapters:
            self.error(f.loc("chapters"), "chapters: the report has no chapter; expected a list with at least one")
        for key, body in (notes or {}).items():
            loc = notes.locs[key]
            version.footnotes.append(Footnote(key, self.text(body, loc, f"footnote '{key}'"), location=loc))
        self._check_calls(version, notes)
        return None if len(errors(self.diagnostics)) > before else version

    def part(self, value, loc, what, annex=False) -> Section:
        """A chapter or an annex: {title, body}."""
        if not isinstance(value, LMap):
            self.error(loc, f"{what} must be a mapping: {{title: ..., body: [...]}}")
            return Section([], [], annex=annex, location=loc)
        f = _Fields(value, SECTION_FIELDS, what, self.diagnostics)
        title, body = f.take("title"), f.take("body")
        f.finish()
        return Section(self.text(title, f.loc("title"), f"{what} title") if title is not None else [],
                       self.body(body, f.loc("body"), what, 1), annex=annex, location=f.loc("title"))

    def body(self, value, loc, what, level) -> list:
        """A chapter's, annex's or section's blocks (docs/content-format.md, Reports)."""
        blocks = []
        if value is not None and not value:
            self.error(loc, f"{what}: 'body' is empty; expected at least one paragraph, section, table or include")
        for i, (entry, entry_loc) in enumerate(_located(value), 1):
            where = f"{what}, block {i}"
            if isinstance(entry, LMap) and "section" in entry:
                if level >= MAX_SECTION_DEPTH:
                    self.error(entry_loc, f"{where}: sections nest at most {MAX_SECTION_DEPTH} levels deep "
                                          "(chapter I., section A., sub-section 1.)")
                    continue
                f = _Fields(entry, SUBSECTION_FIELDS, where, self.diagnostics)
                title, body = f.take("section"), f.take("body")
                f.finish()
                blocks.append(Section(self.text(title, f.loc("section"), f"{where} title") if title is not None else [],
                                      self.body(body, f.loc("body"), f"{where} (section)", level + 1),
                                      level=level + 1, location=f.loc("section")))
            elif isinstance(entry, LMap) and "table" in entry:
                if len(entry) != 1:
                    self.error(entry_loc, f"{where}: a table block is {{table: {{header, rows}}}} alone")
                blocks.append(self.table(entry["table"], entry.locs["table"], f"{where} (table)"))
            elif isinstance(entry, LMap) and "include" in entry:
                key = entry["include"]
                if len(entry) != 1 or not isinstance(key, str) or not re.fullmatch(r"[\w.-]+", key):
                    self.error(entry_loc, f"{where}: an included text is {{include: folder-name}}: the name of a "
                                          "document folder beside the report's")
                    continue
                blocks.append(Included(key, location=entry.locs["include"]))
            else:
                blocks.append(self.operative(entry, entry_loc, i, f"{what}, paragraph"))
        return blocks

    def table(self, value, loc, what) -> Table:
        if not isinstance(value, LMap):
            self.error(loc, f"{what} must be a mapping: {{header: [[cells]], rows: [[cells]]}}")
            return Table([], [], location=loc)
        f = _Fields(value, TABLE_FIELDS, what, self.diagnostics)
        caption, header = f.take("caption"), f.take("header", default=LList())
        rows, widths = f.take("rows"), f.take("widths", default=LList())
        f.finish()
        table = Table(self.rows(header, f"{what} header"), self.rows(rows, f"{what} row"),
                      self.text(caption, f.loc("caption"), f"{what} caption") if caption is not None else [],
                      location=loc)
        if rows is not None and not table.rows:
            self.error(f.loc("rows"), f"{what}: no row; expected at least one")
        widths_ok = all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in widths)
        if widths and (not widths_ok or len(widths) != table.columns):
            self.error(f.loc("widths"), f"{what}: 'widths' must give one positive number per column "
                                        f"({table.columns})")
        elif widths:
            table.widths = tuple(w / sum(widths) for w in widths)
        lengths = {len(row) for row in [*table.header, *table.rows]}
        if len(lengths) > 1:
            self.error(loc, f"{what}: rows have different numbers of cells ({', '.join(map(str, sorted(lengths)))}); "
                            "every row needs one cell per column (an empty cell is \"\")")
        return table

    def rows(self, value, what) -> list:
        out = []
        for r, (row, loc) in enumerate(_located(value), 1):
            if not isinstance(row, LList) or not row:
                self.error(loc, f"{what} {r} must be a list of cells")
                continue
            self.cells += len(row)
            if self.cells > MAX_TABLE_CELLS:
                self.error(loc, f"{what} {r}: more than {MAX_TABLE_CELLS} table cells in this file")
                return out
            cells = []
            for cell, cell_loc in zip(row, row.locs):
                if cell == "" or cell is None:
                    cells.append([])
                else:
                    cells.append(self.text(cell, cell_loc, f"{what} {r}, cell {len(cells) + 1}"))
            out.append(cells)
        return out

    def lines(self, value, what) -> list[str]:
        out = []
        for line, loc in _located(value):
            if not isinstance(line, str):
                self.error(loc, f"{what}: each line must be text, found {_type_name(line)}")
            else:
                line = " ".join(line.split("\n")).strip()  # a line folded in the YAML is one printed line
                out.append(markup.drop_gap_spaces(line) if self.cjk else line)
        return out

    def preambular(self, value, loc, index) -> Preambular:
        what = f"preamble paragraph {index}"
        keys = [k for k in value if k != "items"] if isinstance(value, LMap) else []
        if not isinstance(value, LMap) or len(keys) != 1:
            self.error(loc, f"{what} must be one 'verbKey: text' pair, e.g. 'recalling: Recalling its "
                            "resolution ...' (the key names the opening verb in every language), with "
                            "'items:' beside it when it has (a), (b)")
            return Preambular("", [], loc)
        verb = keys[0]
        if not re.fullmatch(r"[a-z][A-Za-z]*", verb):
            self.error(value.key_locs[verb], f"{what}: verb key '{verb}' must be a camelCase word "
                                             "such as recalling or welcomingAlso")
        items = []
        if "items" in value:
            listed = value["items"]
            if not isinstance(listed, LList) or not listed:
                self.error(value.locs["items"], f"{what}: 'items' must be a list of at least one item")
            items = [self.item(item, item_loc, f"{what}, item {i}", 1) for i, (item, item_loc)
                     in enumerate(_located(listed), 1)]
        return Preambular(verb, self.text(value[verb], value.locs[verb], what), loc, items)

    def paragraphs(self, value, what: str) -> list[Operative]:
        """Numbered paragraphs (operative, or an annex's), with {heading: ...} entries between them:
        a heading belongs to the paragraph after it."""
        out, heading = [], None
        for i, (entry, loc) in enumerate(_located(value), 1):
            if isinstance(entry, LMap) and list(entry) == ["heading"]:
                if heading is not None:
                    self.error(loc, f"{what}s: two headings follow each other; a heading stands before a paragraph")
                heading = (self.text(entry["heading"], entry.locs["heading"], f"heading before {what} {len(out) + 1}"),
                           entry.locs["heading"])
                continue
            paragraph = self.operative(entry, loc, len(out) + 1, what)
            if heading is not None:
                paragraph.heading, paragraph.heading_location = heading
                heading = None
            out.append(paragraph)
        if heading is not None:
            self.error(heading[1], f"{what}s: a heading ends the list; a heading stands before a paragraph")
        return out

    def operative(self, value, loc, index, kind="operative paragraph") -> Operative:
        what = f"{kind} {index}"
        if isinstance(value, LMap):
            text, items = self.with_items(value, loc, what, depth=1)
            return Operative(text, items, location=loc)
        return Operative(self.text(value, loc, what), location=loc)

    def annex(self, value, loc, index) -> Annex:
        what = f"annex {index}"
        if not isinstance(value, LMap):
            self.error(loc, f"{what} must be a mapping: {{title: ..., paragraphs: [...]}}")
            return Annex([], [], location=loc)
        f = _Fields(value, ANNEX_FIELDS, what, self.diagnostics)
        title, paragraphs = f.take("title"), f.take("paragraphs")
        f.finish()
        annex = Annex(self.text(title, f.loc("title"), f"{what} title") if title is not None else [],
                      self.paragraphs(paragraphs, f"{what} paragraph"), location=f.loc("title"))
        if paragraphs is not None and not annex.paragraphs:
            self.error(f.loc("paragraphs"), f"{what}: no paragraph; expected at least one")
        return annex

    def sponsor_notes(self, value) -> dict[str, str]:
        notes = {}
        for mark, text in (value or {}).items():
            loc = value.locs[mark]
            if not re.fullmatch(r"\*+", str(mark)):
                self.error(value.key_locs[mark], f"sponsor_notes: the mark '{mark}' must be asterisks (*, **)")
            elif not isinstance(text, str) or not text.strip():
                self.error(loc, f"sponsor_notes: the note of '{mark}' must be text")
            else:
                notes[str(mark)] = " ".join(text.split())
        return notes

    def with_items(self, value: LMap, loc, what, depth):
        f = _Fields(value, ITEM_FIELDS, what, self.diagnostics)
        text = f.take("text")
        items = f.take("items")
        f.finish()
        if items is not None and not items:
            self.error(f.loc("items"), f"{what}: 'items' is empty; expected at least one item")
        parsed = []
        for i, (item, item_loc) in enumerate(_located(items), 1):
            parsed.append(self.item(item, item_loc, f"{what}, item {i}", depth))
        return (self.text(text, f.loc("text"), what) if text is not None else []), parsed

    def item(self, value, loc, what, depth) -> Item:
        if depth > MAX_ITEM_DEPTH:
            self.error(loc, f"{what}: items nest at most {MAX_ITEM_DEPTH} levels deep ((a), (i), a.)")
            return Item([], location=loc)
        if isinstance(value, LMap):
            text, items = self.with_items(value, loc, what, depth + 1)
            return Item(text, items, location=loc)
        return Item(self.text(value, loc, what), location=loc)

    def _check_calls(self, version: Version, notes: LMap):
        bodies = {f.key for f in version.footnotes}
        called = set()
        for name, inlines, loc in version.blocks():
            for call in calls(inlines):
                if call.key not in bodies:
                    self.error(loc, f"{name}: footnote call [^{call.key}] has no body "
                                                              f"under 'footnotes:' in {self.path.name}")
                elif call.key in called:
                    self.error(loc, f"{name}: footnote [^{call.key}] is called twice; "
                                                              "a footnote is called once")
                called.add(call.key)
        for note in version.footnotes:
            for call in calls(note.text):
                self.error(note.location, f"footnote '{note.key}' calls footnote [^{call.key}]; "
                                          "footnotes cannot hold footnote calls")
            if note.key not in called:
                self.error(notes.key_locs[note.key], f"footnote '{note.key}' is never called in the text "
                                                     f"(add [^{note.key}] where it belongs, or remove it)")


def _located(value):
    if not isinstance(value, LList):
        return []
    return list(zip(value, value.locs))


# ---------------------------------------------------------------- the folder


NOT_LANGUAGE_FILES = (DOCUMENT_FILE, organs.USER_FILE)


def language_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if p.name not in NOT_LANGUAGE_FILES)


def misnamed_files(folder: Path) -> list[Diagnostic]:
    """Files an author meant as part of the document but that docgen would not read (en.yml)."""
    found = []
    for path in sorted(Path(folder).glob("*.yml")):
        found.append(Diagnostic(Location(path), f"docgen reads only .yaml files: rename {path.name} to "
                                                f"{path.stem}.yaml"))
    return found


def read_document(folder: Path, diagnostics: list[Diagnostic], form: str = "") -> Document | None:
    """Read one document folder in one of its forms (model.FORMS: "adopted" or "draft"; "" the
    adopted text, or the draft of a text not adopted yet); on any error return None with the
    diagnostics appended."""
    folder = Path(folder)
    before = len(errors(diagnostics))
    organ_table = organs.table(folder, diagnostics)
    meta = _read_metadata(folder, organ_table, diagnostics)
    versions: dict[str, Version] = {}
    files = language_files(folder)
    for path in files:
        if path.stem not in tables.CODES:
            diagnostics.append(Diagnostic(Location(path), f"unknown language code '{path.stem}' in the file name; "
                                                         f"expected one of {', '.join(c + '.yaml' for c in tables.CODES)}"))
            continue
        version = _VersionReader(path, path.stem, meta.references if meta else None, diagnostics,
                                 report=meta is not None and meta.is_report).read()
        if version is not None and meta is not None:
            _check_form(meta, version, diagnostics)
        if version is not None:
            versions[path.stem] = version
    diagnostics.extend(misnamed_files(folder))
    if not files:
        diagnostics.append(Diagnostic(Location(folder), "no language version: expected at least one of "
                                                       f"{', '.join(c + '.yaml' for c in tables.CODES)}"))
    if len(errors(diagnostics)) > before or meta is None:
        return None
    form = form or meta.form
    ordered = {code: versions[code] for code in tables.CODES if code in versions}
    organ = organ_table[meta.organ]
    masthead_key = meta.masthead_organ or organ.masthead or meta.organ
    if masthead_key not in organ_table:
        diagnostics.append(Diagnostic(Location(folder / DOCUMENT_FILE), f"organ '{meta.organ}' prints under the "
                                      f"masthead of '{masthead_key}', which no organ table defines"))
        return None
    if form == "draft" and meta.draft is None:
        diagnostics.append(Diagnostic(Location(folder / DOCUMENT_FILE), "no 'draft:' here: this document has no draft "
                                                                       "to build"))
        return None
    if form == "adopted" and meta.adopted is None and not meta.is_report:
        diagnostics.append(Diagnostic(Location(folder / DOCUMENT_FILE), "not adopted yet (no 'adopted:'): only its "
                                                                       "draft can be built"))
        return None
    missing = [v for v in ordered.values() if form == "draft" and not v.sponsors]
    for version in missing:
        diagnostics.append(Diagnostic(Location(version.path, 1, 1), f"{version.path.name}: missing field 'sponsors': "
                                      "document.yaml describes a draft, whose first page names its sponsors"))
    if missing:
        return None
    meta.form = form
    return Document(name=folder.name, folder=folder, meta=meta, versions=ordered, organ=organ,
                    masthead_organ=organ_table[masthead_key])


def _check_form(meta: Metadata, version: Version, diagnostics: list[Diagnostic]) -> None:
    """What the document's form asks of each version's text."""
    if meta.is_report:
        return
    if meta.type == "resolution" and not version.formula:
        diagnostics.append(Diagnostic(Location(version.path, 1, 1), f"{version.path.name}: missing field 'formula' "
                                      "(a resolution opens with its organ: The General Assembly,); only a decision "
                                      "may be in narrative form, without one"))
    if meta.draft is None and version.sponsors:
        diagnostics.append(Diagnostic(Location(version.path, 1, 1), f"{version.path.name}: 'sponsors' without a "
                                      "draft: add 'draft:' to document.yaml (the sponsors print on the draft only)"))


def is_report(folder: Path) -> bool:
    """Whether a folder's document.yaml says `type: report`, found without parsing YAML (as `forms`):
    a report may not include a report (itself included), and that is said before reading it."""
    try:
        data = (Path(folder) / DOCUMENT_FILE).read_bytes()
    except OSError:
        return False
    return re.search(rb"^type[ \t]*:[ \t]*['\"]?report\b", data, re.M) is not None


def forms(folder: Path) -> tuple[str, ...]:
    """Which forms a document folder builds, from its document.yaml's top-level keys, without
    parsing YAML (the build plans outputs before reading any): the adopted text when it has
    'adopted:', its draft when it has 'draft:'. Top-level keys start a line, unindented, in the
    block style every document.yaml uses; a flow-style file ({type: ...}) builds as adopted, and
    the reader then finds what it holds."""
    try:
        data = (Path(folder) / DOCUMENT_FILE).read_bytes()
    except OSError:
        return ("adopted",)
    found = tuple(form for form, key in (("adopted", rb"adopted"), ("draft", rb"draft"))
                  if re.search(rb"^" + key + rb"[ \t]*:", data, re.M))
    return found or ("adopted",)


def is_document_folder(path: Path) -> bool:
    """A folder with document.yaml or language files (a content folder may hold organs.yaml only)."""
    return path.is_dir() and any(p.name != organs.USER_FILE for p in [*path.glob("*.yaml"), *path.glob("*.yml")])


def find_documents(paths: list[Path], diagnostics: list[Diagnostic]) -> list[Path]:
    """Document folders under the given paths (a document folder, or a folder of them)."""
    found = []
    for path in map(Path, paths):
        if path.is_file():
            path = path.parent
        if path.name in ("", ".", ".."):  # `.` or `..`: the folder's own name names the outputs, not `..`
            path = path.resolve()
        if not path.exists():
            diagnostics.append(Diagnostic(Location(path), "no such file or folder"))
        elif is_document_folder(path):
            found.append(path)
        else:
            subs = sorted(p for p in path.iterdir() if is_document_folder(p))
            if not subs:
                diagnostics.append(Diagnostic(Location(path), "no document here: expected a folder with "
                                                             f"{DOCUMENT_FILE} and <lang>.yaml, or a folder of them"))
            found.extend(subs)
    unique: dict[Path, Path] = {}  # two files of one folder (en.yaml fr.yaml) name it once
    for folder in found:
        unique.setdefault(folder.resolve(), folder)
    return list(unique.values())
