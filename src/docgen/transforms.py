"""Transforms: compute, once, everything derived from the source.

- headings from the language tables (第 5/2 号决议),
- operative paragraph numbers and item labels,
- footnote numbers: by first call in the original-language version, reused by key in every
  translation, starting at `footnotes_start`,
- Work IRIs of cited documents,
- typography by language: straight quotes typed by an author become the language's quotation
  marks where unambiguous, and French no-break spaces before ; : ! ? » and after «,
- checks across language versions (same structure) and content lints (同上 with nothing before it).
Writers read the results and never re-derive them.
"""

from __future__ import annotations

import re

from . import frbr, tables
from .diagnostics import Diagnostic, Location
from .inline import HAN
from .model import Document, Emphasis, Item, Reference, Text, Version, calls, leaves, plain_text

_IBID = re.compile(r"^\s*(同上|Ibid\.|Ibíd\.|Там же)")
_HAN_SPACE_HAN = re.compile(rf"[{HAN}] +[{HAN}]")


def apply_all(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Run every transform in order; problems are appended to diagnostics."""
    for version in doc.versions.values():
        typography(version, diagnostics)
        set_heading(doc, version)
        number_paragraphs(version)
        resolve_references(doc, version)
    check_structure(doc, diagnostics)
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
    """Operative paragraphs are numbered 1., 2., ...; a lone one is not (UN practice): its `num`
    is empty and writers print no number (`number` stays 1 for identifiers)."""
    lang = tables.language(version.lang)
    alone = len(version.operative) == 1
    for n, paragraph in enumerate(version.operative, 1):
        paragraph.number, paragraph.num = n, "" if alone else lang.paragraph_number.format(number=n)
        _label_items(paragraph.items, 1, lang)


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
                node.href = frbr.work_iri(cited.organ, cited.adopted, cited.number)
                walk(node.children)
            elif isinstance(node, Emphasis):
                walk(node.children)

    for _, inlines, _ in version.blocks():
        walk(inlines)
    for note in version.footnotes:
        walk(note.text)


# ---------------------------------------------------------------- typography by language
#
# In the model, so that every writer (PDF, Word, Akoma Ntoso, HTML) carries the same characters.
# Each run of text is seen with the characters around it (a footnote call counts as a letter):
# a mark can follow a call or an emphasis ("cités[^unts]," / "machine[^akn];").

_TYPED_SPACES = " \u00a0\u202f"
_CALL = "\x00"  # a footnote call, as its neighbours see it
_OPENERS = "([{/\u2014\u2013-"  # a straight quote after these (or a space, or nothing) opens
_CLOSE_BEFORE = ".,;:!?)]}\u2026\u2014\u2013-" + _CALL  # ... before these (or a space, or nothing) closes


def typography(version: Version, diagnostics: list[Diagnostic]) -> None:
    lang = tables.language(version.lang)
    if lang.is_cjk:
        return  # Chinese is typed with its own full-width marks; nothing is converted
    for name, inlines, loc in version.texts():
        _typeset_runs(list(leaves(inlines)), lang, name, loc or Location(version.path), diagnostics)
    for lines, what in ((version.session, "session"), (version.closing, "closing")):
        for i, line in enumerate(lines):
            run = [Text(line)]
            _typeset_runs(run, lang, f"{what} line {i + 1}", Location(version.path), diagnostics)
            lines[i] = run[0].text


def _typeset_runs(runs: list, lang: tables.Language, name: str, loc: Location, diagnostics) -> None:
    """Typeset one paragraph's runs as one string (a mark may follow a call or an emphasis:
    "cités[^unts]," / "*Prie* ... :"); each character remembers the run it goes back to."""
    chars = [(ch, k) for k, run in enumerate(runs)
             for ch in (run.text if isinstance(run, Text) else _CALL)]
    chars = _quotes(chars, lang, name, loc, diagnostics)
    if lang.space_before or lang.space_after:
        chars = _french_spaces(chars, lang)
    for k, run in enumerate(runs):
        if isinstance(run, Text):
            run.text = "".join(ch for ch, owner in chars if owner == k)


def _quotes(chars: list, lang: tables.Language, name: str, loc: Location, diagnostics) -> list:
    """Straight quotes typed by the author -> the language's marks, only where unambiguous.

    - " opens after a space, an opening bracket or dash, or at the start, before a non-space;
      it closes after a non-space, before a space, punctuation, a footnote call or the end.
      When every " of the paragraph is clearly one or the other and they alternate
      open/close, they become the language's outer marks (“ ” in English and Spanish, « » in
      French and Russian); otherwise none is touched and a warning says where.
    - ' between two letters is an apostrophe: ’ (l'Assemblée, Secretary-General's). Any other '
      is left as typed (a quotation mark and an elision cannot be told apart), with a warning.
    - Nested quotes are never converted: type the inner marks (‘ ’, “ ”, „ “) yourself.
    """
    text = "".join(ch for ch, _ in chars)
    out = list(chars)
    marks = [i for i, ch in enumerate(text) if ch == '"']
    kinds = []
    for i in marks:
        before, after = text[i - 1:i], text[i + 1:i + 2]
        opens = (not before or before.isspace() or before in _OPENERS) and after and not after.isspace()
        closes = before and not before.isspace() and (not after or after.isspace() or after in _CLOSE_BEFORE)
        kinds.append("open" if opens and not closes else "close" if closes and not opens else "?")
    if marks and kinds == ["open", "close"] * (len(marks) // 2):
        for i, kind in zip(marks, kinds):
            out[i] = (lang.quotes[0] if kind == "open" else lang.quotes[1], chars[i][1])
    elif marks:
        diagnostics.append(Diagnostic(loc, f"{name}: straight double quotes left as typed: cannot tell which "
                                           f"opens and which closes; type {lang.quotes[0]} {lang.quotes[1]}",
                                      severity="warning"))
    for i, ch in enumerate(text):
        if ch != "'":
            continue
        if text[i - 1:i].isalpha() and text[i + 1:i + 2].isalpha():
            out[i] = ("\u2019", chars[i][1])
        else:
            diagnostics.append(Diagnostic(loc, f"{name}: straight quote ' at character {i + 1} left as typed "
                                               "(an apostrophe or a quotation mark?); type ’ or the quotation mark",
                                          severity="warning"))
    return out


def _french_spaces(chars: list, lang: tables.Language) -> list:
    """The no-break spaces French typography sets (U+202F before ; ! ? » and after «, U+00A0
    before :), whatever the author typed there (a space, a no-break space or nothing)."""
    out: list = []
    owed = None  # (space, owner) owed after an opening mark, set before the next visible character
    for i, (ch, owner) in enumerate(chars):
        if owed:
            if ch in _TYPED_SPACES:
                continue
            out.append(owed)
            owed = None
        if ch in lang.space_before:
            while out and out[-1][0] in _TYPED_SPACES:
                out.pop()
            before = out[-1][0] if out else ""
            after = chars[i + 1][0] if i + 1 < len(chars) else ""
            if before and not _keep_tight(before, ch, after):
                out.append((lang.space_before[ch], owner))
            out.append((ch, owner))
        elif ch in lang.space_after:
            out.append((ch, owner))
            owed = (lang.space_after[ch], owner)
        else:
            out.append((ch, owner))
    return out


def _keep_tight(before: str, mark: str, after: str) -> bool:
    """Where the French space does not go: 10:30, https://, ?! (one space before the group),
    and after an opening mark or bracket (the space it owes is already there)."""
    if mark == ":" and (before.isdigit() and after.isdigit() or after == "/"):
        return True
    return (before in "?!" and mark in "?!") or before in "([«\u202f\u00a0"


# ---------------------------------------------------------------- checks


def check_structure(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every translation has the original's structure: preamble verbs, operative paragraphs and
    their items, and which paragraph calls which footnote. Each difference names both files with
    line numbers and the printed labels. Runs after numbering (labels are the printed ones)."""
    versions = list(doc.versions.values())
    if len(versions) < 2:
        return
    reference = doc.versions.get(doc.meta.original) or versions[0]
    for version in versions:
        if version is not reference:
            for loc, message in _differences(reference, version):
                diagnostics.append(Diagnostic(loc or Location(version.path), message))


def _at(version: Version, loc: Location | None) -> str:
    return f"{version.path.name}:{loc.line}" if loc and loc.line else version.path.name


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _differences(ref: Version, ver: Version):
    """(location in ver, message) for each structural difference between ref and ver."""
    # preamble: the same verb keys in the same order
    if len(ref.preamble) != len(ver.preamble):
        yield (ver.preamble[-1].location if ver.preamble else None,
               f"preamble: {_at(ref, ref.preamble[0].location if ref.preamble else None)} has "
               f"{_count(len(ref.preamble), 'paragraph')}, {_at(ver, ver.preamble[0].location if ver.preamble else None)} "
               f"has {len(ver.preamble)}")
    for i, (a, b) in enumerate(zip(ref.preamble, ver.preamble), 1):
        if a.verb != b.verb:
            yield b.location, (f"preamble paragraph {i}: {_at(ref, a.location)} opens with '{a.verb}', "
                               f"{_at(ver, b.location)} with '{b.verb}'")
    # operative paragraphs and their items
    if len(ref.operative) != len(ver.operative):
        yield (ver.operative[-1].location if ver.operative else None,
               f"operative: {_at(ref, ref.operative[-1].location)} has {_count(len(ref.operative), 'paragraph')}, "
               f"{_at(ver, ver.operative[-1].location if ver.operative else None)} has {len(ver.operative)}")
    for a, b in zip(ref.operative, ver.operative):
        yield from _item_differences(ref, ver, f"operative paragraph {a.number}", a, b)
    # footnote calls: the same notes called from the same paragraphs
    ref_calls, ver_calls = _call_places(ref), _call_places(ver)
    for key, (name, loc) in ref_calls.items():
        if key not in ver_calls:
            yield None, f"footnote [^{key}]: called in {name} of {_at(ref, loc)}, not in {ver.path.name}"
        elif ver_calls[key][0] != name:
            other, other_loc = ver_calls[key]
            yield other_loc, (f"footnote [^{key}]: called in {name} of {_at(ref, loc)}, "
                              f"but in {other} of {_at(ver, other_loc)}")
    for key, (name, loc) in ver_calls.items():
        if key not in ref_calls:
            yield loc, f"footnote [^{key}]: called in {name} of {_at(ver, loc)}, not in {ref.path.name}"


def _item_differences(ref: Version, ver: Version, label: str, a, b):
    if len(a.items) != len(b.items):
        yield b.location, (f"{label}: {_at(ref, a.location)} has {_count(len(a.items), 'sub-item')}, "
                           f"{_at(ver, b.location)} has {len(b.items)}")
        return
    for x, y in zip(a.items, b.items):
        yield from _item_differences(ref, ver, f"{label} {x.num}", x, y)


def _call_places(version: Version) -> dict:
    """footnote key -> (printed name of the block that calls it, its location)."""
    places = {}
    for name, inlines, loc in version.blocks():
        for call in calls(inlines):
            places.setdefault(call.key, (name.replace("paragraph", "operative paragraph")
                                         if name.startswith("paragraph") else name, loc))
    return places


def lint(doc: Document, diagnostics: list[Diagnostic]) -> None:
    for version in doc.versions.values():
        first = version.footnotes[0] if version.footnotes else None
        if first and first.number == 1 and _IBID.match(plain_text(first.text)):
            diagnostics.append(Diagnostic(
                first.location or Location(version.path),
                f"footnote {first.number} ('{first.key}') says '{_IBID.match(plain_text(first.text)).group(1)}' "
                "but no footnote comes before it (set footnotes_start if the document continues a report's numbering)",
                severity="warning", code="ibid-first",
            ))
        for name, inlines, loc in version.blocks():
            if _HAN_SPACE_HAN.search(plain_text(inlines)):
                diagnostics.append(Diagnostic(loc or Location(version.path),
                                              f"{name}: a space between Chinese characters (a line-wrap artefact?)",
                                              severity="warning", code="han-space"))

