"""YAML with ruamel.yaml: the base's own layout kept (comments, quoting, indentation, folded
lines, line ends), new text typed as the file's author would."""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from docgen.data import tables
from docgen.data.tables import IDEOGRAPHS


def round_trip(indents: tuple[int, int, int] = (2, 4, 2)) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 1 << 16  # never fold a paragraph
    y.indent(mapping=indents[0], sequence=indents[1], offset=indents[2])
    y.allow_unicode = True
    return y


def _indents(text: str) -> tuple[int, int, int]:
    """The source's own indentation (mapping, sequence, dash offset): new lines match the file's."""
    mapping, offset = 2, 2
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    found_map = found_seq = False
    for before, line in zip(lines, lines[1:]):
        if not before.rstrip().endswith(":") or before.lstrip().startswith("- "):
            continue
        depth = len(before) - len(before.lstrip())
        inner = len(line) - len(line.lstrip())
        if line.lstrip().startswith("- ") and not found_seq:
            offset, found_seq = max(inner - depth, 0), True
        elif not line.lstrip().startswith("- ") and inner > depth and not found_map:
            mapping, found_map = inner - depth, True
    return mapping, offset + 2, offset


def _dump(data, indents: tuple[int, int, int]) -> str:
    out = io.StringIO()
    round_trip(indents).dump(data, out)
    return out.getvalue()


def keep_layout(old: str, data) -> str:
    """Dump `data`, but keep the source's own lines wherever the merge left them alone.

    ruamel.yaml keeps comments, key order and quoting, yet re-flows a few things it reads
    (a plain or quoted scalar folded over several lines, alignment inside flow mappings). The
    lines a plain round trip changes are put back as typed unless the import changed them.
    """
    indents = _indents(old)
    new = _dump(data, indents)
    if new == old:
        return new
    same = _dump(round_trip().load(old), indents)
    if same == old:
        return new
    a, b, c = old.splitlines(True), same.splitlines(True), new.splitlines(True)
    # each line of the plain round trip -> the source lines it stands for
    owner: dict[int, int] = {}  # b line -> region id
    regions: list[tuple[int, int, int, int]] = []
    before: dict[int, list[int]] = {}  # b index -> regions of source-only lines to put back before it
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        regions.append((a1, a2, b1, b2))
        rid = len(regions) - 1
        for i in range(b1, b2):
            owner[i] = rid
        if b1 == b2:
            before.setdefault(b1, []).append(rid)
    touched = set()
    for op, b1, b2, c1, c2 in difflib.SequenceMatcher(None, b, c, autojunk=False).get_opcodes():
        if op != "equal":
            touched.update(range(b1, b2) if b2 > b1 else [min(b1, len(b) - 1)] if b else [])
    dirty = {owner[i] for i in touched if i in owner}
    out: list[str] = []
    done: set[int] = set()

    def source_of(bi: int) -> list[str]:
        got = []
        for rid in before.get(bi, []):
            if rid not in done and rid not in dirty:
                done.add(rid)
                got += a[regions[rid][0]:regions[rid][1]]
        rid = owner.get(bi)
        if rid is None:
            return got
        a1, a2, b1, b2 = regions[rid]
        if rid in dirty:
            return got + [b[bi]]
        if rid in done:
            return got
        done.add(rid)
        return got + a[a1:a2]

    for op, b1, b2, c1, c2 in difflib.SequenceMatcher(None, b, c, autojunk=False).get_opcodes():
        if op == "equal":
            for bi in range(b1, b2):
                out += source_of(bi)
        else:
            out += c[c1:c2]
    for rid in before.get(len(b), []):
        if rid not in done and rid not in dirty:
            out += a[regions[rid][0]:regions[rid][1]]
    return "".join(out)


def scalar(text: str, like=None):
    if isinstance(like, DoubleQuotedScalarString) or text.startswith(("*", "[", "\"", "'", "&", "!", "%", "@", "`")):
        return DoubleQuotedScalarString(text)
    if isinstance(like, SingleQuotedScalarString):
        return SingleQuotedScalarString(text)
    return text


_GAP_TYPED = re.compile(rf"[{IDEOGRAPHS}] [0-9A-Za-z]|[0-9A-Za-z] [{IDEOGRAPHS}]")


_GAP_PLACE = re.compile(rf"(?<=[{IDEOGRAPHS}])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[{IDEOGRAPHS}])")


def with_gaps(text: str, like) -> str:
    """Chinese: when the edited paragraph's source typed Han/Latin spaces (第 32 条), type them in
    its new text too (the model never holds them; the reader drops them again)."""
    if isinstance(like, str) and _GAP_TYPED.search(like):
        return _GAP_PLACE.sub(" ", text)
    return text


def typed_spaces(text: str, lang: str) -> str:
    """French and the like: the no-break spaces the draft shows around ; : ! ? « » are set by the
    transforms whatever the author types; an edited paragraph gets plain spaces there, as typed."""
    table = tables.language(lang)
    for mark, space in table.space_before.items():
        text = text.replace(space + mark, " " + mark)
    for mark, space in table.space_after.items():
        text = text.replace(mark + space, mark + " ")
    return text


def copy_comments(old: CommentedSeq, new: CommentedSeq, index_map: dict[int, int]) -> None:
    new.ca.comment = old.ca.comment
    for old_i, new_i in index_map.items():
        if old_i in old.ca.items:
            new.ca.items[new_i] = old.ca.items[old_i]
    new.fa._flow_style = old.fa.flow_style()
    # what follows the list (blank lines, a comment before the next key) hangs on its last entry
    if old and new and index_map.get(len(old) - 1) != len(new) - 1:
        trailing = _take_trailing(new[index_map[len(old) - 1]] if len(old) - 1 in index_map else None,
                                  new, index_map.get(len(old) - 1))
        if trailing is None and len(old) - 1 not in index_map:
            trailing = _take_trailing(old[-1], old, len(old) - 1)
        if trailing is not None:
            _put_trailing(new, trailing)


def _take_trailing(node, seq, index):
    """Remove and return the comment token that ends `node` (the deepest last entry's)."""
    if isinstance(node, CommentedMap) and node:
        last = list(node)[-1]
        if isinstance(node[last], (CommentedMap, CommentedSeq)):
            return _take_trailing(node[last], None, None)
        entry = node.ca.items.get(last)
        if entry and entry[2] is not None:
            token, entry[2] = entry[2], None
            return token
        return None
    if isinstance(node, CommentedSeq) and node:
        inner = _take_trailing(node[-1], node, len(node) - 1)
        if inner is not None:
            return inner
    if seq is not None and index is not None:
        entry = seq.ca.items.get(index)
        if entry and entry[0] is not None:
            token, entry[0] = entry[0], None
            return token
    return None


def _put_trailing(seq: CommentedSeq, token) -> None:
    last = seq[-1]
    while isinstance(last, CommentedMap) and isinstance(last[list(last)[-1]], (CommentedMap, CommentedSeq)):
        inner = last[list(last)[-1]]
        if isinstance(inner, CommentedSeq):
            seq, last = inner, inner[-1]
        else:
            last = inner
    if isinstance(last, CommentedMap):
        key = list(last)[-1]
        last.ca.items.setdefault(key, [None, None, None, None])[2] = token
    else:
        seq.ca.items.setdefault(len(seq) - 1, [None, None, None, None])[0] = token


def read_text(path: Path) -> tuple[str, str]:
    """A YAML file's text with \\n line ends, and the line end it uses ("\\r\\n" kept on write)."""
    data = path.read_bytes().decode("utf-8")
    return data.replace("\r\n", "\n"), ("\r\n" if "\r\n" in data else "\n")
