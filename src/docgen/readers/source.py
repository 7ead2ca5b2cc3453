"""Read a YAML file into plain Python values that remember where they came from.

PyYAML's constructed objects forget line numbers, and its loader silently keeps the last of
two duplicate keys. We compose the node tree ourselves so that every mapping and list knows
the location of each of its values, and duplicate keys are an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

from docgen.diagnostics import Diagnostic, Location

# libyaml's parser (PyYAML's C extension) composes the same nodes with the same marks about ten
# times faster than the pure-Python one (0.34 -> 0.03 s CPU for every YAML file in the repository
# and a 100-document corpus, marks compared node by node). The Python parser stays the fallback,
# and it is what words an error: its messages are the ones documented and tested.
from docgen.data import FAST_LOADER  # noqa: E402


class LMap(dict):
    """A mapping that knows where it, each key and each value stand in the source."""

    def __init__(self, *args, loc: Location | None = None):
        super().__init__(*args)
        self.loc = loc or Location(Path("?"))
        self.key_locs: dict = {}
        self.locs: dict = {}


class LList(list):
    """A list that knows where it and each of its items stand in the source."""

    def __init__(self, *args, loc: Location | None = None):
        super().__init__(*args)
        self.loc = loc or Location(Path("?"))
        self.locs: list = []


class Invalid(str):
    """A scalar that could not be read (an impossible date): already reported, never reported again."""


# What XML 1.0 cannot hold: C0 controls other than tab and newline, surrogates, U+FFFE/U+FFFF.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _loc(path: Path, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, path: Path, diagnostics: list[Diagnostic]):
        self.path = path
        self.diagnostics = diagnostics
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node):
        if isinstance(node, yaml.MappingNode):
            result = LMap(loc=_loc(self.path, node))
            self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, (str, int)):
                    self.diagnostics.append(
                        Diagnostic(_loc(self.path, key_node), "a key must be a plain word")
                    )
                    continue
                key = str(key)
                if key in result:
                    first = result.key_locs[key]
                    self.diagnostics.append(
                        Diagnostic(
                            _loc(self.path, key_node),
                            f"duplicate key '{key}' (first given at line {first.line})",
                        )
                    )
                    continue
                result[key] = self.build(value_node)
                result.key_locs[key] = _loc(self.path, key_node)
                result.locs[key] = _loc(self.path, value_node)
            return result
        if isinstance(node, yaml.SequenceNode):
            result = LList((self.build(item) for item in node.value), loc=_loc(self.path, node))
            result.locs = [_loc(self.path, item) for item in node.value]
            return result
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ValueError as exc:  # 2025-13-40 looks like a date to YAML, then fails to be one
            self.diagnostics.append(Diagnostic(_loc(self.path, node), f"'{node.value}' is not a valid date "
                                               f"({exc}); expected a real date as YYYY-MM-DD"))
            return Invalid(node.value)
        if isinstance(value, str) and (bad := _NOT_TEXT.search(value)):
            # escapes such as "\e" or "\x01" reach here: no output format can hold them (XML cannot)
            self.diagnostics.append(Diagnostic(_loc(self.path, node), f"character U+{ord(bad.group()):04X} "
                                               "is not allowed in text (a control character; check for a stray backslash)"))
            return _NOT_TEXT.sub("", value)
        return value


def load(path: Path, diagnostics: list[Diagnostic]):
    """Return the file's top-level value, or None after adding a diagnostic."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.append(Diagnostic(Location(path), f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        diagnostics.append(
            Diagnostic(
                Location(path, line, column),
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
            )
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        node = None  # composed again below, by the parser whose messages docgen reports
    try:
        if node is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        if "alias" in what:
            what += "; a value that starts with * must be quoted: \"*Recalling* ...\" (quote the text)"
        elif "mapping values are not allowed" in what:
            what += ("; a value that contains ': ' (a colon then a space, as French puts before a colon) "
                     "must be quoted: title: \"Mise en œuvre : rapport\" (quote the text)")
        diagnostics.append(Diagnostic(where, f"not valid YAML: {what}"))
        return None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        diagnostics.append(Diagnostic(Location(path, line, column), f"not a YAML text file: control character "
                                                            f"U+{exc.character:04X} at offset {exc.position} (a binary file?)"))
        return None
    except yaml.YAMLError as exc:
        diagnostics.append(Diagnostic(Location(path), f"not valid YAML: {exc}"))
        return None
    if node is None:
        diagnostics.append(Diagnostic(Location(path), "the file is empty"))
        return None
    try:
        return _Builder(path, diagnostics).build(node)
    except yaml.YAMLError as exc:  # e.g. an invalid timestamp or a bad merge key
        mark = getattr(exc, "problem_mark", None)
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        diagnostics.append(Diagnostic(where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
