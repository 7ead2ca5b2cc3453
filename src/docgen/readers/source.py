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


# Bounds on what a file may make (hostile or broken input must fail alone, quickly, in little memory):
MAX_BYTES = 8 * 2**20  # one YAML file; the longest UN resolution's text is well under 1 MB
MAX_DEPTH = 40  # lists and mappings inside each other; docgen's deepest content needs about ten
MAX_REPEAT = 10  # aliases (*name) may repeat values: the values made at most this many times the file's own


def _hostile(path: Path, root: yaml.Node) -> Diagnostic | None:
    """What makes a composed file unsafe to build values from, found without recursion: nesting
    deeper than MAX_DEPTH, an alias inside the value it names (a value containing itself), or
    aliases that multiply the values (an "alias bomb": ten lines that expand to a billion)."""
    distinct: set[int] = set()
    made = 0
    stack = [(root, 1, frozenset())]  # node, depth, the ids of the nodes it is inside
    while stack:
        node, depth, inside = stack.pop()
        made += 1
        distinct.add(id(node))
        if depth > MAX_DEPTH:
            return Diagnostic(_loc(path, node), f"not valid content: lists and mappings nested more than "
                                                f"{MAX_DEPTH} deep (docgen's content needs about ten)")
        if isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in inside:
            return Diagnostic(_loc(path, node), "not valid content: a value contains itself (an alias *name "
                                                "inside the value &name names); write the value out")
        if made > max(10_000, MAX_REPEAT * len(distinct)):  # without aliases, made == distinct
            return Diagnostic(_loc(path, node), f"not valid content: aliases (*name) repeat values more than "
                                                f"{MAX_REPEAT} times over (an alias bomb?); write the values out")
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
        within = inside | {id(node)}
        stack.extend((child, depth + 1, within) for child in children)
    return None


def _unclosed_quote(text: str, error: yaml.MarkedYAMLError) -> tuple[yaml.Mark, str] | None:
    """Where the quoted value whose closing quote is missing opens, and its quote, when that is
    what the error comes from: YAML reads such a value on to the next quote of that kind (lines
    later: the opening quote of another value) or to the end of the file, and reports whatever
    it meets there."""
    if error.context and "quoted scalar" in error.context and error.context_mark is not None:
        start = error.context_mark  # never closed before the end of the file
        return start, text[start.index] if start.index < len(text) and text[start.index] in "'\"" else '"'
    problem = error.problem_mark
    if problem is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > problem.line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") \
                    and token.end_mark.line > token.start_mark.line:
                last = token
    except yaml.YAMLError:
        pass
    if last is not None and last.end_mark.line == problem.line:
        return last.start_mark, last.style  # quoted over several lines, "closed" on the line of the error
    return None


def load(path: Path, diagnostics: list[Diagnostic]):
    """Return the file's top-level value, or None after adding a diagnostic."""
    raw = read_bytes(path, diagnostics)
    return None if raw is None else parse(path, raw, diagnostics)


def read_bytes(path: Path, diagnostics: list[Diagnostic]) -> bytes | None:
    """The file's bytes, read once and at most MAX_BYTES of them; None after adding a diagnostic."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # a file of any size costs at most this much memory
    except OSError as exc:
        diagnostics.append(Diagnostic(Location(path), f"cannot read file: {exc.strerror}"))
        return None
    if len(raw) > MAX_BYTES:
        diagnostics.append(Diagnostic(Location(path), f"too large: over {MAX_BYTES // 2**20} MB (a document's "
                                                      "text is well under 1 MB); is this the right file?"))
        return None
    return raw


def parse(path: Path, raw: bytes, diagnostics: list[Diagnostic]):
    """The top-level value of a YAML file's bytes (path names it in diagnostics), or None after a diagnostic."""
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
    except RecursionError:  # the pure-Python parser recurses once per level of nesting
        diagnostics.append(Diagnostic(Location(path), "not valid content: lists and mappings nested thousands "
                                                      f"deep (docgen's content needs about ten; at most {MAX_DEPTH})"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        opened = _unclosed_quote(text, exc)
        if opened is not None:  # said where the quote opens, not where YAML noticed, lines later
            start, quote = opened
            kind = "double" if quote == '"' else "single"
            read_to = f"line {mark.line + 1}" if mark else "the end of the file"
            diagnostics.append(Diagnostic(
                Location(path, start.line + 1, start.column + 1),
                f"not valid YAML: the {kind} quote ({quote}) that opens this value is never closed; add the "
                f"closing {quote} at the end of the value (YAML read on to {read_to} looking for it)"))
            return None
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
    if (problem := _hostile(path, node)) is not None:
        diagnostics.append(problem)
        return None
    try:
        return _Builder(path, diagnostics).build(node)
    except yaml.YAMLError as exc:  # e.g. an invalid timestamp or a bad merge key
        mark = getattr(exc, "problem_mark", None)
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        diagnostics.append(Diagnostic(where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
