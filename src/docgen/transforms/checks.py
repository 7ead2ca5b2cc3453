"""Checks across language versions (the same structure in every language) and content lints
(同上 with nothing before it, a space between Chinese characters)."""

from __future__ import annotations

import re

from docgen.data.tables import HAN
from docgen.diagnostics import Diagnostic, Location
from docgen.model import Document, Version, calls, plain_text

_IBID = re.compile(r"^\s*(同上|Ibid\.|Ibíd\.|Там же)")
_HAN_SPACE_HAN = re.compile(rf"[{HAN}] +[{HAN}]")


def check_structure(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every translation has the original's structure: preamble verbs, operative paragraphs and
    their items, and which paragraph calls which footnote. Runs after numbering (labels are the
    printed ones).

    Translations lag the original (it is issued first), so a translation that differs is *out of
    date*, not an error: its differences go to `Version.out_of_date` and one warning per
    translation names them; the build then keeps its last good outputs instead of rendering it.
    When the original's language has no file in the folder, docgen cannot tell which version
    lags: a difference between the versions present is then an error, as before (add the
    original, or make them agree)."""
    versions = list(doc.versions.values())
    if len(versions) < 2:
        return
    reference = doc.versions.get(doc.meta.original)
    if reference is None:
        reference = versions[0]
        absent = (f"(the original, {doc.meta.original}, has no {doc.meta.original}.yaml here: docgen cannot tell "
                  "which version is out of date)")
        for version in versions[1:]:
            for loc, message in _differences(reference, version):
                diagnostics.append(Diagnostic(loc or Location(version.path), f"{message} {absent}"))
        return
    for version in versions:
        if version is reference:
            continue
        version.out_of_date = tuple(message for _, message in _differences(reference, version))
        if version.out_of_date:
            diagnostics.append(Diagnostic(
                Location(version.path),
                f"out of date: its structure differs from the original {reference.path.name} "
                f"({'; '.join(version.out_of_date)}); its outputs are not rebuilt until it matches "
                "(the last good ones are kept)",
                severity="warning"))


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
    yield from _paragraph_differences(ref, ver, "operative paragraph", ref.operative, ver.operative)
    for i, (a, b) in enumerate(zip(ref.preamble, ver.preamble), 1):
        yield from _item_differences(ref, ver, f"preamble paragraph {i}", a, b)
    # annexes: as many, each with as many paragraphs, headings and items
    if len(ref.annexes) != len(ver.annexes):
        yield None, (f"annexes: {ref.path.name} has {_count(len(ref.annexes), 'annex')}, "
                     f"{ver.path.name} has {len(ver.annexes)}")
    for n, (x, y) in enumerate(zip(ref.annexes, ver.annexes), 1):
        if len(x.paragraphs) != len(y.paragraphs):
            yield y.location, (f"annex {n}: {_at(ref, x.location)} has {_count(len(x.paragraphs), 'paragraph')}, "
                               f"{_at(ver, y.location)} has {len(y.paragraphs)}")
        yield from _paragraph_differences(ref, ver, f"annex {n} paragraph", x.paragraphs, y.paragraphs)
    # a draft's sponsors: the same States in every language, with the same marks
    if len(ref.sponsors) != len(ver.sponsors):
        yield None, (f"sponsors: {ref.path.name} lists {len(ref.sponsors)}, {ver.path.name} lists {len(ver.sponsors)}")
    elif sorted(map(_mark, ref.sponsors)) != sorted(map(_mark, ver.sponsors)):  # each language its own order
        yield None, f"sponsors: the note marks (*) differ from {ref.path.name}'s"
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


def _paragraph_differences(ref: Version, ver: Version, label: str, ours, theirs):
    """Numbered paragraphs (operative, an annex's) paired: the same items, the same sub-headings."""
    for a, b in zip(ours, theirs):
        yield from _item_differences(ref, ver, f"{label} {a.number}", a, b)
        if bool(a.heading) != bool(b.heading):
            yield b.location, (f"{label} {a.number}: a sub-heading before it in "
                               f"{_at(ref if a.heading else ver, (a if a.heading else b).location)} only")


def _mark(name: str) -> str:
    return name[len(name.rstrip("*")):]


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


TODO = "TO DO"  # what `docgen new` marks its placeholders with


def unfinished(doc: Document) -> list[Diagnostic]:
    """Placeholders `docgen new` wrote that are still there: the text and the facts of a new
    document pass `check` (each is valid), but are not the document yet. One warning per file."""
    found = []
    meta = doc.folder / "document.yaml"
    try:
        lines = [i for i, line in enumerate(meta.read_text("utf-8").splitlines(), 1) if TODO in line and not line.lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError):
        lines = []
    if lines:
        found.append(Diagnostic(Location(meta, lines[0]), f"{len(lines)} value(s) marked {TODO} by docgen new "
                                f"(lines {', '.join(map(str, lines))}): replace them", severity="warning",
                                code="todo"))
    for version in doc.versions.values():
        places = [(name, loc) for name, inlines, loc in version.texts() if TODO in plain_text(inlines)]
        places += [(what, None) for what, lines in (("session", version.session), ("closing", version.closing))
                   if any(TODO in line for line in lines)]
        if places:
            name, loc = places[0]
            found.append(Diagnostic(loc or Location(version.path), f"{TODO} text left in {len(places)} place(s) "
                                    f"({', '.join(n for n, _ in places[:5])}{', ...' if len(places) > 5 else ''}): "
                                    "replace it with the document's text", severity="warning", code="todo"))
    return found


def lint(doc: Document, diagnostics: list[Diagnostic]) -> None:
    diagnostics.extend(unfinished(doc))
    for version in doc.versions.values():
        first = version.footnotes[0] if version.footnotes else None
        if first and first.number == 1 and not doc.meta.is_report and _IBID.match(plain_text(first.text)):  # reports: report._ibid
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
