"""Preflight: find, before rendering, whatever would make a writer fail, at its place in the source.

`docgen check` and the build's validation step both run `run()` after the reader and the
transforms, so that `check` passing means every format can be built. Each finding is a
Diagnostic with file:line:col of the value that causes it. The writers keep calling the same
functions as a safety net (the PDF writer re-checks glyphs before rendering).

Checks:
- glyphs: every character of the text has a glyph in a font its language's page sets it in
  (`fonts.drawing_family`: faces by language and role, the same choice as the HTML/PDF
  writer's @font-face rules).
"""

from __future__ import annotations

from docgen.diagnostics import Diagnostic, Location
from docgen.model import Document, Emphasis, Reference, Text, Version


def run(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Every preflight check on every language version of doc; findings are appended."""
    for version in doc.versions.values():
        diagnostics.extend(glyphs(version, doc))


# ---------------------------------------------------------------- glyphs


def _runs(nodes, role: str):
    """(text, role) of each run of inline text: emphasis is set in the language's emphasis faces."""
    for node in nodes:
        if isinstance(node, Text):
            yield node.text, role
        elif isinstance(node, Emphasis):
            yield from _runs(node.children, "emphasis")
        elif isinstance(node, Reference):
            yield from _runs(node.children, role)


def glyphs(version: Version, doc: Document | None = None) -> list[Diagnostic]:
    """A diagnostic per value whose characters no font of its language can draw.

    Faces are chosen by the language of the version and the role of the text (`fonts.py`,
    the `fonts:` table of languages/<code>.yaml): the same choice as the page's @font-face
    rules, so “ ” are Liberation Serif's in English and the CJK face's in Chinese. Covered:
    the version's text, and, given the document, what the page prints around it: session and
    closing lines, heading, masthead (organ name, symbol, job line, the right-hand block, the
    language table's words).
    """
    from docgen.data import fonts

    lang = version.language
    values = [(name, text, loc, role) for name, inlines, loc in version.texts()
              for text, role in _runs(inlines, "heading" if name == "title" else "body")]
    if doc is not None:
        values += _page_furniture(doc, version)
    by_value: dict[tuple, list[str]] = {}
    for name, text, loc, role in values:
        try:
            missing = fonts.uncovered(text, version.lang, role)
        except OSError as exc:
            return [Diagnostic(Location(version.path), f"a font file in fonts/ is missing ({exc}): "
                               "run `make setup` (or `python -m docgen.data.fonts install`)")]
        if missing:
            chars = by_value.setdefault((name, loc or Location(version.path), role), [])
            chars.extend(ch for _, ch in missing if ch not in chars)
    return [Diagnostic(where, f"{name}: {_characters(chars)} no glyph in the fonts of {lang.name} text "
                              f"({', '.join(lang.fonts.role(role))}); it cannot be printed")
            for (name, where, role), chars in by_value.items()]


def _page_furniture(doc: Document, version: Version) -> list[tuple[str, str, Location, str]]:
    """(what, text, where it comes from, font role) for the words a page prints besides the version's text."""
    from docgen.paths import organ_tables

    here, meta_file = Location(version.path), Location(doc.folder / "document.yaml")
    head = version.masthead
    table = f"docgen's {version.lang} language table"
    organ_files = " or ".join(str(p.name) for p in organ_tables(doc.folder))
    return [
        *((f"session line {i}", line, here, "heading") for i, line in enumerate(head.session_lines, 1)),
        *((f"adoption or sponsors line {i}", line, here, "body") for i, line in enumerate(head.adoption_lines, 1)),
        *((f"sponsor note {i}", line, here, "body") for i, line in enumerate(head.first_page_notes, 1)),
        *((f"closing line {i}", line, here, "body") for i, line in enumerate(version.closing, 1)),
        ("the heading (document number)", version.heading, meta_file, "heading"),
        ("the symbol", head.symbol_first + head.symbol_rest, meta_file, "latin"),
        ("the job number", head.job_line, meta_file, "latin"),
        (f"the {version.lang} name of organ '{doc.meta.organ}' (in {organ_files})", " ".join(head.organ_lines),
         meta_file, "organ"),
        (f"'United Nations' from {table}", version.language.united_nations, here, "body"),
        (f"the masthead's right-hand block from {table}", " ".join(head.distribution), here, "latin"),
    ]


def _characters(chars: list[str]) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {_show(c)}" for c in chars[:8]) + (", ..." if len(chars) > 8 else "")
    return f"character {shown} has" if len(chars) == 1 else f"characters {shown} have"


def _show(ch: str) -> str:
    return repr(ch) if ch.isprintable() else "(not printable)"
