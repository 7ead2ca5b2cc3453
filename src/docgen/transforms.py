"""Transforms: compute, once, everything derived from the source.

- headings from the language tables (第 5/2 号决议),
- operative paragraph numbers and item labels,
- footnote numbers: by first call in the original-language version, reused by key in every
  translation, starting at `footnotes_start`,
- Work IRIs of cited documents,
- checks across language versions (same structure) and content lints (同上 with nothing before it).
Writers read the results and never re-derive them.
"""

from __future__ import annotations

import re

from . import frbr, tables
from .diagnostics import Diagnostic, Location
from .inline import HAN
from .model import Document, Emphasis, Item, Reference, Version, calls, plain_text

_IBID = re.compile(r"^\s*(同上|Ibid\.|Ibíd\.|Там же)")
_HAN_SPACE_HAN = re.compile(rf"[{HAN}] +[{HAN}]")


def apply_all(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Run every transform in order; problems are appended to diagnostics."""
    check_structure(doc, diagnostics)
    for version in doc.versions.values():
        set_heading(doc, version)
        number_paragraphs(version)
        resolve_references(doc, version)
    number_footnotes(doc, diagnostics)
    lint(doc, diagnostics)


def set_heading(doc: Document, version: Version) -> None:
    pattern = tables.language(version.lang).heading[doc.meta.type]
    version.heading = pattern.format(number=doc.meta.number)


# ---------------------------------------------------------------- numbers and labels


# Identifiers (AKN eIds) use the same labels in every language: (a), then (i), then a.
_ID_LEVELS = (tables.ItemLevel(tuple("abcdefghijklmnopqrstuvwxyz"), "{}"), tables.ItemLevel("roman", "{}"),
              tables.ItemLevel(tuple("abcdefghijklmnopqrstuvwxyz"), "{}"))


def number_paragraphs(version: Version) -> None:
    lang = tables.language(version.lang)
    for n, paragraph in enumerate(version.operative, 1):
        paragraph.number, paragraph.num = n, lang.paragraph_number.format(number=n)
        _label_items(paragraph.items, 1, lang)


def _label_items(items: list[Item], depth: int, lang: tables.Language) -> None:
    """`label` is language-independent (identifiers); `num` is printed the language's way: (a), a), а)."""
    for n, item in enumerate(items, 1):
        item.label = _ID_LEVELS[depth - 1].label(n)
        item.num = lang.item_label(depth, n)
        _label_items(item.items, depth + 1, lang)


def number_footnotes(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Number footnotes by first call in the original version; translations reuse numbers by key.

    When the original-language version is not in the folder (resolution 5/2 exists here only in
    Chinese), the first version present in UN language order sets the numbering; `docgen check`
    says so.
    """
    source = doc.versions.get(doc.meta.original) or next(iter(doc.versions.values()))
    if source.lang != doc.meta.original:
        diagnostics.append(Diagnostic(
            Location(doc.folder / "document.yaml"),
            f"the original ({doc.meta.original}) is not among the versions; "
            f"footnotes are numbered by their order in {source.path.name}",
            severity="note",
        ))
    numbers: dict[str, int] = {}
    for _, inlines, _ in source.blocks():
        for call in calls(inlines):
            numbers.setdefault(call.key, doc.meta.footnotes_start + len(numbers))
    for version in doc.versions.values():
        for _, inlines, _ in version.blocks():
            for call in calls(inlines):
                call.number = numbers.get(call.key, 0)
        for note in version.footnotes:
            note.number = numbers.get(note.key, 0)
        version.footnotes.sort(key=lambda note: note.number)


def resolve_references(doc: Document, version: Version) -> None:
    def walk(nodes):
        for node in nodes:
            if isinstance(node, Reference):
                cited = doc.meta.references[node.key]
                node.href = frbr.work_iri(cited.organ, cited.adopted, cited.number)
                walk(node.children)
            elif isinstance(node, Emphasis):
                walk(node.children)

    for _, inlines, _ in version.blocks():
        walk(inlines)
    for note in version.footnotes:
        walk(note.text)


# ---------------------------------------------------------------- checks


def shape(version: Version) -> dict:
    """What must be the same in every language version: paragraphs, items, verbs, footnotes."""

    def items(its):
        return [items(i.items) for i in its]

    return {
        "preambular paragraphs (verb keys)": [p.verb for p in version.preamble],
        "operative paragraphs and items": [items(p.items) for p in version.operative],
        "footnote keys": sorted(f.key for f in version.footnotes),
        "footnote calls per paragraph": [sorted(c.key for c in calls(t)) for _, t, _ in version.blocks()],
    }


def check_structure(doc: Document, diagnostics: list[Diagnostic]) -> None:
    versions = list(doc.versions.values())
    if len(versions) < 2:
        return
    reference = doc.versions.get(doc.meta.original) or versions[0]
    ref_shape = shape(reference)
    for version in versions:
        if version is reference:
            continue
        version_shape = shape(version)
        for aspect, expected in ref_shape.items():
            found = version_shape[aspect]
            if found != expected:
                diagnostics.append(Diagnostic(
                    Location(version.path),
                    f"structure differs from {reference.path.name}: {aspect}: "
                    f"{_describe_difference(expected, found)}",
                ))


def _describe_difference(expected, found) -> str:
    if isinstance(expected, list) and len(expected) != len(found):
        return f"{len(expected)} there, {len(found)} here"
    for i, (a, b) in enumerate(zip(expected, found), 1):
        if a != b:
            return f"entry {i} is {a!r} there and {b!r} here"
    return f"{expected!r} there, {found!r} here"


def lint(doc: Document, diagnostics: list[Diagnostic]) -> None:
    for version in doc.versions.values():
        first = version.footnotes[0] if version.footnotes else None
        if first and first.number == 1 and _IBID.match(plain_text(first.text)):
            diagnostics.append(Diagnostic(
                first.location or Location(version.path),
                f"footnote {first.number} ('{first.key}') says '{_IBID.match(plain_text(first.text)).group(1)}' "
                "but no footnote comes before it (set footnotes_start if the document continues a report's numbering)",
                severity="warning",
            ))
        for name, inlines, loc in version.blocks():
            if _HAN_SPACE_HAN.search(plain_text(inlines)):
                diagnostics.append(Diagnostic(loc or Location(version.path),
                                              f"{name}: a space between Chinese characters (a line-wrap artefact?)",
                                              severity="warning"))

