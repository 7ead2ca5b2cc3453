"""Numbers and labels, computed once: the heading (第 5/2 号决议), operative paragraph numbers and
item labels in each language's form, footnote numbers (by first call in the original, reused by
key in every translation, from `footnotes_start`), and the Work IRIs of cited documents."""

from __future__ import annotations

from docgen.data import frbr, tables
from docgen.diagnostics import Diagnostic, Location
from docgen.model import Document, Emphasis, Item, Reference, Version, calls


def set_heading(doc: Document, version: Version) -> None:
    """The number before the title, as the form prints it: "99/1." on an issued text, the report's
    form (Chinese 第 5/2 号决议) in a report; a draft has no number yet, only its title."""
    lang, meta = version.language, doc.meta
    if meta.form == "draft":
        version.heading = ""
        return
    version.heading = lang.text_heading(meta.type, meta.number, meta.in_report)


# ---------------------------------------------------------------- numbers and labels


# Identifiers (AKN eIds) use the same labels in every language: (a), then (i), then a.
_ID_LEVELS = (tables.ItemLevel(tuple("abcdefghijklmnopqrstuvwxyz"), "{}"), tables.ItemLevel("roman", "{}"),
              tables.ItemLevel(tuple("abcdefghijklmnopqrstuvwxyz"), "{}"))


def number_paragraphs(version: Version) -> None:
    """Operative paragraphs are numbered 1., 2., ...; a lone one is not (UN practice): its `num`
    is empty and writers print no number (`number` stays 1 for identifiers). An annex numbers its
    own paragraphs from 1; sub-headings take no number. Items under preambular paragraphs are
    labelled as under operative ones."""
    lang = version.language
    for paragraphs in (version.operative, *(annex.paragraphs for annex in version.annexes)):
        alone = len(paragraphs) == 1
        for n, paragraph in enumerate(paragraphs, 1):
            paragraph.number, paragraph.num = n, "" if alone else lang.paragraph_number.format(number=n)
            _label_items(paragraph.items, 1, lang)
    for paragraph in version.preamble:
        _label_items(paragraph.items, 1, lang)
    for n, annex in enumerate(version.annexes, 1):
        annex.label = lang.annex_label(n, len(version.annexes))


def _label_items(items: list[Item], depth: int, lang: tables.Language) -> None:
    """`label` is language-independent (identifiers); `num` is printed the language's way: (a), a), а).
    A third level's items have no children: no fourth label is ever asked for."""
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
                node.href = frbr.work_iri(cited.organ, cited.adopted, cited.number, cited.type)
                walk(node.children)
            elif isinstance(node, Emphasis):
                walk(node.children)

    for _, inlines, _ in version.blocks():
        walk(inlines)
    for note in version.footnotes:
        walk(note.text)
