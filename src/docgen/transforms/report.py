"""A report's numbers, computed once: chapter and section labels the language's way (I., A., 1.;
一.; أولا -), paragraphs numbered through the report (the texts it includes skipped), the texts it
includes in the report's form, its footnotes (through the report, or restarting in each included
text: `Metadata.report_notes`), the "ibid." check across its parts, and the same structure in
every language."""

from __future__ import annotations

import copy
import re

from docgen.diagnostics import Diagnostic, Location
from docgen.model import (Document, Included, Operative, Section, Table, Version, calls, plain_text,
                          walk_blocks)
from docgen.transforms.numbers import _label_items

_IBID = re.compile(r"^\s*(同上|Ibid\.|Ibíd\.|Там же|المرجع نفسه)")


def number(version: Version, diagnostics: list[Diagnostic]) -> None:
    """Labels and identifiers of the parts, numbers of the paragraphs, the included texts in place."""
    lang = version.language
    paragraph = 0
    annexes = len(version.report_annexes)

    def walk(blocks, prefix: str, level: int):
        nonlocal paragraph
        sections = 0
        for block in blocks:
            if isinstance(block, Section):
                sections += 1
                block.level = level
                try:
                    block.label = lang.heading_label(level, sections)
                except ValueError as exc:
                    diagnostics.append(Diagnostic(block.location or Location(version.path), str(exc)))
                key = lang.headings[level - 1].label(sections) if level > 1 else str(sections)
                block.ident = f"{prefix}__sec_{_ascii(key, sections)}" if prefix else f"chp_{sections}"
                walk(block.body, block.ident, level + 1)
            elif isinstance(block, Operative):
                paragraph += 1
                block.number, block.num = paragraph, lang.paragraph_number.format(number=paragraph)
                _label_items(block.items, 1, lang)
            elif isinstance(block, Included):
                _include(version, block)

    walk(version.chapters, "", 1)
    for n, annex in enumerate(version.report_annexes, 1):
        annex.label, annex.ident, annex.annex = lang.annex_label(n, annexes), f"annex_{n}", True
        paragraph = 0  # an annex numbers its own paragraphs
        walk(annex.body, annex.ident, 2)
    for n, table in enumerate((b for b in walk_blocks(version.parts) if isinstance(b, Table)), 1):
        table.ident = f"tbl_{n}"
        if not table.widths and table.columns:
            table.widths = column_widths(table)


def _ascii(label: str, n: int) -> str:
    """The identifier of a section label: A, B (Latin in every language), else its number."""
    return label if label.isascii() and label.isalnum() else str(n)


def _include(version: Version, block: Included) -> None:
    """The included text's version in this language, as the report prints it: the report's heading
    form ("Resolution 5/2" / "第 5/2 号决议"), no meeting lines (forms.md 5.4), its footnote keys made the
    report's own (`<folder>/<key>`). A copy: the text as read on its own is left as it is."""
    source = block.document
    if source is None or version.lang not in source.versions:
        return
    original = source.versions[version.lang]
    text = copy.deepcopy(original, memo={id(original.language): original.language})  # the table stays shared
    text.heading = version.language.text_heading(source.meta.type, source.meta.number, in_report=True)
    text.closing = []
    for _, inlines, _ in text.blocks():
        for call in calls(inlines):
            call.key = f"{block.key}/{call.key}"
    for note in text.footnotes:
        note.key = f"{block.key}/{note.key}"
    block.version = text
    meta = source.meta
    block.ident = f"{'res' if meta.type == 'resolution' else 'dec'}_{meta.number.replace('/', '-')}"


LINE_CHARACTERS = 90  # about what a table line of the text width holds at the table's size (9 pt)


def column_widths(table: Table) -> tuple[float, ...]:
    """Relative widths that follow the text: every column at least as wide as its longest word
    (a symbol such as CTOC/COP/2010/INF/2/Rev.1 never breaks), the rest of the line shared in
    proportion to what each column's longest cell would need beyond that. Han characters count
    double (full width), capitals 1.4 (a symbol is mostly capitals)."""
    def width(text: str) -> float:  # in average Latin letters: Han full width, capitals wider
        return sum(2 if ord(ch) > 0x2e80 else 1.4 if ch.isupper() else 1 for ch in text)

    columns = table.columns
    need, want = [1] * columns, [1] * columns
    for row in [*table.header, *table.rows]:
        for c, cell in enumerate(row):
            text = plain_text(cell)
            words = text.split() if not any(ord(ch) > 0x2e80 for ch in text) else [text[:4]]
            need[c] = max(need[c], *(width(w) + 2 for w in words), 1)  # and the cell's padding
            want[c] = max(want[c], width(text) + 1)
    spare = max(LINE_CHARACTERS - sum(need), 0)
    extra = [w - n if w > n else 0 for w, n in zip(want, need)]
    shares = [n + (spare * e / sum(extra) if sum(extra) else spare / columns) for n, e in zip(need, extra)]
    total = sum(shares)
    return tuple(round(x / total, 4) for x in shares)


# ---------------------------------------------------------------- footnotes


def _operative_blocks(p: Operative):
    yield "", p.text, p.location

    def items(list_):
        for item in list_:
            yield "", item.text, item.location
            yield from items(item.items)
    yield from items(p.items)


def number_footnotes(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """`continuous`: one numbering through the report in the original's reading order, included
    texts too; `restart`: the report's own notes numbered through its own text, each included text
    keeping its own numbers (from 1, as read on its own). Every call and note also gets `seq`, its
    place in the page's reading order: unique where the printed numbers repeat."""
    source = doc.versions.get(doc.meta.original) or next(iter(doc.versions.values()))
    numbers: dict[str, int] = {}
    for call in source.all_calls():
        if doc.meta.report_notes == "continuous" or "/" not in call.key:
            numbers.setdefault(call.key, len(numbers) + 1)
    for version in doc.versions.values():
        seq: dict[str, int] = {}
        for call in version.all_calls():
            if call.key in numbers:
                call.number = numbers[call.key]
            seq.setdefault(call.key, len(seq) + 1)
            call.seq = seq[call.key]
        for note in version.all_footnotes():
            if note.key in numbers:
                note.number = numbers[note.key]
            note.seq = seq.get(note.key, 0)
        version.footnotes.sort(key=lambda n: n.number)
        for block in version.included():
            if block.version is not None:
                block.version.footnotes.sort(key=lambda n: n.seq)
        _ibid(doc, version, diagnostics)


def _ibid(doc: Document, version: Version, diagnostics: list[Diagnostic]) -> None:
    """"Ibid." (同上) points at the note printed before it, wherever that is in the report: the
    first note of an included text may say it when an earlier part has a note (CTOC/COP/2010/17:
    5/2's note 1 is 同上, after 5/1's last); the report's first note may not."""
    notes = version.all_footnotes()
    first = min(notes, key=lambda n: n.seq, default=None)
    if first is not None and (m := _IBID.match(plain_text(first.text))):
        # said where the report puts it (its include line, when the note is an included text's: an
        # acknowledgement in that text's own file is about the text alone, where it is its first note)
        where = next((b.location for b in version.included() if first.key.startswith(b.key + "/")), None)
        diagnostics.append(Diagnostic(where or first.location or Location(version.path),
                                      f"footnote {first.number} ('{first.key}') says '{m.group(1)}' but it is the "
                                      "report's first note: nothing comes before it", severity="warning",
                                      code="ibid-first"))


# ---------------------------------------------------------------- the same structure in every language


def shape(version: Version) -> list[tuple[str, str]]:
    """(where, what) for every structural element, in reading order: the same in every language."""
    out = []

    def walk(blocks, where):
        paragraphs = 0
        for block in blocks:
            if isinstance(block, Section):
                out.append((f"{where}{block.label or block.ident}", "section"))
                walk(block.body, f"{where}{block.ident} ")
            elif isinstance(block, Operative):
                paragraphs += 1
                keys = ",".join(c.key for _, inlines, _ in _operative_blocks(block) for c in calls(inlines))
                out.append((f"{where}paragraph {block.number}", f"paragraph, {_items(block.items)} items, notes [{keys}]"))
            elif isinstance(block, Table):
                out.append((f"{where}table {block.ident}", f"table of {len(block.header)} header rows, "
                                                          f"{len(block.rows)} rows, {block.columns} columns"))
            elif isinstance(block, Included):
                out.append((f"{where}included text", f"include {block.key}"))
    walk(version.chapters, "")
    walk(version.report_annexes, "annex ")
    return out


def _items(items) -> int:
    return sum(1 + _items(i.items) for i in items)


def check_structure(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every translation of a report has the original's chapters, sections, paragraphs and their
    items and notes, tables' rows and columns and included texts, in the same order; a difference
    makes the translation out of date (as for resolutions: transforms.checks)."""
    versions = list(doc.versions.values())
    reference = doc.versions.get(doc.meta.original) or versions[0]
    ref_shape = shape(reference)
    for version in versions:
        if version is reference:
            continue
        theirs = shape(version)
        differences = []
        for (where, ours), (_, their) in zip(ref_shape, theirs):
            if ours != their:
                differences.append(f"{where}: {reference.path.name} has {ours}, {version.path.name} {their}")
                break
        if len(ref_shape) != len(theirs):
            differences.append(f"{len(ref_shape)} structural elements in {reference.path.name}, {len(theirs)} "
                               f"in {version.path.name}")
        if doc.meta.original not in doc.versions:
            for message in differences:
                diagnostics.append(Diagnostic(Location(version.path), message))
            continue
        version.out_of_date = tuple(differences)
        if differences:
            diagnostics.append(Diagnostic(
                Location(version.path), f"out of date: its structure differs from the original {reference.path.name} "
                f"({'; '.join(differences)}); its outputs are not rebuilt until it matches (the last good ones "
                "are kept)", severity="warning"))

