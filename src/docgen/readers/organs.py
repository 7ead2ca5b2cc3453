"""Organs (adopting bodies): docgen's table, extended or overridden by the user's own.

Each organ's facts live together: its Akoma Ntoso id, its English name for metadata, and its
name in each of the six languages as the masthead prints it. docgen ships
`data/organs.yaml`; an `organs.yaml` of the same form in the folder that holds the document
folders (`content/organs.yaml`: for all of them), or in a document folder (for that one),
adds organs or replaces earlier entries by key, without touching `src/`. Problems are Diagnostics with file:line:col, like any content error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docgen.data import tables
from docgen.paths import organ_tables
from docgen.diagnostics import Diagnostic, Location
from docgen.model import Organ

USER_FILE = "organs.yaml"  # the user's organ table, beside the document folders or in one
FIELDS = ("akn_id", "show_as", "names")  # required
OPTIONAL = ("adopted_by", "masthead", "original_line")


def table(folder: Path, diagnostics: list[Diagnostic]) -> dict[str, Organ]:
    """Every organ known to the document in folder; problems in the tables are appended."""
    organs: dict[str, Organ] = {}
    for path in organ_tables(folder):
        stat = path.stat()
        found, problems = _read_once(path, stat.st_mtime_ns, stat.st_size)
        organs.update(found)
        diagnostics.extend(problems)
    return organs


@lru_cache(maxsize=32)
def _read_once(path: Path, mtime_ns: int, size: int) -> tuple[dict[str, Organ], tuple[Diagnostic, ...]]:
    """A table read once per process while the file is unchanged (every document reads docgen's)."""
    problems: list[Diagnostic] = []
    return _read(path, problems), tuple(problems)


def _read(path: Path, diagnostics: list[Diagnostic]) -> dict[str, Organ]:
    from docgen.readers.source import LList, LMap, load

    data = load(path, diagnostics)
    if data is None:
        return {}
    if not isinstance(data, LMap):
        diagnostics.append(Diagnostic(Location(path, 1, 1), "expected a mapping of organ keys to their facts "
                                                            "(un-ga: {akn_id: ..., show_as: ..., names: ...})"))
        return {}
    found = {}
    for key, entry in data.items():
        what = f"organ '{key}'"
        if not isinstance(entry, LMap):
            diagnostics.append(Diagnostic(data.locs[key], f"{what} must be a mapping with {', '.join(FIELDS)}"))
            continue
        for field in entry:
            if field not in FIELDS + OPTIONAL:
                diagnostics.append(Diagnostic(entry.key_locs[field], f"{what}: unknown field '{field}'; "
                                                                    f"expected one of: {', '.join(FIELDS + OPTIONAL)}"))
        for field in FIELDS:
            if field not in entry:
                diagnostics.append(Diagnostic(entry.loc, f"{what}: missing field '{field}'"))
        for field in ("akn_id", "show_as"):
            if field in entry and (not isinstance(entry[field], str) or not entry[field].strip()):
                diagnostics.append(Diagnostic(entry.locs[field], f"{what}: '{field}' must be text"))
        names = entry.get("names")
        lines: dict[str, tuple[str, ...]] = {}
        if names is not None and not isinstance(names, LMap):
            diagnostics.append(Diagnostic(entry.locs["names"], f"{what}: 'names' must be a mapping of "
                                                              "language code to lines, e.g. en: [General Assembly]"))
        elif names is not None:
            for code in names:
                if code not in tables.CODES:
                    diagnostics.append(Diagnostic(names.key_locs[code], f"{what}: unknown language code '{code}'; "
                                                                       f"expected one of {', '.join(tables.CODES)}"))
            for code in tables.CODES:
                value = names.get(code)
                if value is None:
                    diagnostics.append(Diagnostic(names.loc, f"{what} has no name in {code} "
                                                             f"({tables.language(code).name}) in {path.name}: add "
                                                             f"'{code}: [line, ...]' under its names"))
                elif isinstance(value, str) and value.strip():
                    lines[code] = (value,)
                elif isinstance(value, LList) and value and all(isinstance(v, str) and v.strip() for v in value):
                    lines[code] = tuple(value)
                else:
                    diagnostics.append(Diagnostic(names.locs[code], f"{what}: its {code} name must be text or a "
                                                                   "list of lines (the masthead's), not empty"))
        adopted_by: dict[str, str] = {}
        by = entry.get("adopted_by")
        if by is not None and not (isinstance(by, LMap) and all(c in tables.CODES and isinstance(v, str) and v.strip()
                                                                for c, v in by.items())):
            diagnostics.append(Diagnostic(entry.locs["adopted_by"], f"{what}: 'adopted_by' must map language codes to "
                                          "the body as an adoption line names it (en: the General Assembly)"))
        elif by is not None:
            adopted_by = {str(c): str(v) for c, v in by.items()}
        masthead = entry.get("masthead", "")
        if not isinstance(masthead, str):
            diagnostics.append(Diagnostic(entry.locs["masthead"], f"{what}: 'masthead' must be an organ key "
                                                                 "(the body the masthead names, e.g. un-ga)"))
            masthead = ""
        original_line = entry.get("original_line", True)
        if not isinstance(original_line, bool):
            diagnostics.append(Diagnostic(entry.locs["original_line"], f"{what}: 'original_line' must be true or false"))
            original_line = True
        # kept even when incomplete: the problems above are errors, so no document using it is rendered,
        # and the document's organ is not also reported as unknown
        found[str(key)] = Organ(str(key), str(entry.get("akn_id", "")), str(entry.get("show_as", "")), lines,
                                adopted_by=adopted_by, masthead=masthead, original_line=original_line)
    return found
