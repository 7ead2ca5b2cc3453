"""`docgen import`: an edited Word draft (or an Akoma Ntoso file) back into `<lang>.yaml`.

read (readers/docx.py, readers/akn.py) -> align with the base YAML (paragraph lists by text
similarity, footnotes by text with call order as tie-break) -> rebuild the YAML with ruamel.yaml,
keeping the base's own nodes for everything unchanged (exact source strings, comments, key order,
quoting, verb keys, footnote keys) -> check the result with the normal reader and transforms ->
write atomically, or only show it (--dry-run). Any problem: one clear message, nothing written.

Rules (issue #13): structural edits (paragraphs, items, footnotes added or deleted) are taken in
the original language only; in a translation they are refused naming the paragraph. When the
YAML changed since the draft was made (the draft carries the SHA-256 of the text it came from),
edits are merged paragraph by paragraph against that state, found in the folder's git history;
a paragraph changed on both sides is a conflict and nothing is written.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import signal
import threading
import io
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from docgen import pipeline
from docgen.data import frbr, tables
from docgen.readers import markup
from docgen.diagnostics import errors
from docgen.data.tables import IDEOGRAPHS
from docgen.model import Document, Emphasis, FootnoteCall, Item, Reference, Text, Version, calls, plain_text
from docgen.files import write_atomic
from docgen.readers.docx import read_docx, short

from docgen.importing import invariant

NOTE_MATCH = 0.6  # a note whose text is this similar to a base note keeps its key
PARA_MATCH = 0.5  # a paragraph this similar to a base paragraph is that paragraph, edited


class ImportFailure(Exception):
    """One clear message; nothing was written."""


@dataclass
class Summary:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    notes_added: list[str] = field(default_factory=list)
    notes_removed: list[str] = field(default_factory=list)
    notes_rekeyed: list[str] = field(default_factory=list)
    references_kept: int = 0
    references_lost: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    translations_differ: list[str] = field(default_factory=list)
    merged_from_yaml: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # edits the YAML of this language has no place for

    @property
    def structural(self) -> bool:
        return bool(self.added or self.deleted or self.notes_added or self.notes_removed)

    def lines(self) -> list[str]:
        out = [f"paragraphs: {len(self.changed)} changed, {len(self.added)} added, {len(self.deleted)} deleted"]
        for label, items in (("changed", self.changed), ("added", self.added), ("deleted", self.deleted)):
            out += [f"  {label}: {x}" for x in items]
        out.append(f"footnotes: {len(self.notes_added)} added (new keys), {len(self.notes_removed)} removed, "
                   f"{len(self.notes_rekeyed)} matched to their key by similar text")
        out += [f"  added: {x}" for x in self.notes_added] + [f"  removed: {x}" for x in self.notes_removed]
        out += [f"  matched: {x}" for x in self.notes_rekeyed]
        out.append(f"references: {self.references_kept} kept, {len(self.references_lost)} lost")
        out += [f"  lost: {x}" for x in self.references_lost]
        if self.changes:
            out.append(f"tracked changes resolved: {len(self.changes)}")
            out += [f"  {x}" for x in self.changes]
        out.append(f"comments: {len(self.comments)} (not kept: the YAML has no place for them)")
        out += [f"  {x}" for x in self.comments]
        out += [f"not imported: {x}" for x in self.ignored]
        if self.merged_from_yaml:
            out.append("kept from the YAML (changed there since the draft was made): " + ", ".join(self.merged_from_yaml))
        if self.translations_differ:
            out.append("translations whose structure now differs (update them): " + ", ".join(self.translations_differ))
        return out


@dataclass
class Result:
    target: Path
    old: str
    new: str
    summary: Summary
    newline: str = "\n"  # the file's own line end, kept when it is written

    @property
    def diff(self) -> str:
        name = self.target.name
        return "".join(difflib.unified_diff(self.old.splitlines(True), self.new.splitlines(True),
                                            f"a/{name}", f"b/{name}"))


# ---------------------------------------------------------------- YAML with ruamel


def _yaml(indents: tuple[int, int, int] = (2, 4, 2)) -> YAML:
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
    _yaml(indents).dump(data, out)
    return out.getvalue()


def _keep_layout(old: str, data) -> str:
    """Dump `data`, but keep the source's own lines wherever the merge left them alone.

    ruamel.yaml keeps comments, key order and quoting, yet re-flows a few things it reads
    (a plain or quoted scalar folded over several lines, alignment inside flow mappings). The
    lines a plain round trip changes are put back as typed unless the import changed them.
    """
    indents = _indents(old)
    new = _dump(data, indents)
    if new == old:
        return new
    same = _dump(_yaml().load(old), indents)
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


# ---------------------------------------------------------------- inline text back to markup


def _escape(text: str) -> str:
    return re.sub(r"([\\*\[\]])", r"\\\1", text)


class _Markup:
    """Model inlines -> the markup of docs/content-format.md, with draft note ids mapped to keys."""

    def __init__(self, notes: dict[str, str], refs: dict[str, str], flat: bool, summary: Summary | None):
        self.notes, self.refs, self.flat, self.summary = notes, refs, flat, summary

    def __call__(self, nodes, compare: bool = False) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(_escape(node.text))
            elif isinstance(node, Emphasis):
                inner = self(node.children, compare)
                out.append(inner if self.flat and compare else f"*{inner}*")
            elif isinstance(node, Reference):
                key = node.key or self.refs.get(node.href, "")
                inner = self(node.children, compare)
                if key:
                    out.append(f"[{inner}]({'ref:' + key})")
                else:
                    if self.summary is not None and not compare:
                        self.summary.references_lost.append(f"link to {node.href!r} on \u201c{plain_text(node.children)}\u201d "
                                                            "is not a reference declared in document.yaml")
                    out.append(inner)
            elif isinstance(node, FootnoteCall):
                out.append(f"[^{self.notes.get(node.key, node.key)}]")
        return "".join(out)


def no_italics(lang: str) -> bool:
    """Emphasis the Word draft cannot show (no italics in Chinese or Arabic script): compared as text."""
    table = tables.language(lang)
    return table.is_cjk or table.direction == "rtl"


def _base_markup(flat: bool) -> _Markup:
    return _Markup({}, {}, flat, None)


# ---------------------------------------------------------------- alignment


def _align(base: list[str], draft: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (base index, draft index); None on one side for an added or deleted entry."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, base, draft, autojunk=False)
    for op, b1, b2, d1, d2 in matcher.get_opcodes():
        if op == "equal":
            pairs += [(b1 + k, d1 + k) for k in range(b2 - b1)]
            continue
        b = b1
        for d in range(d1, d2):
            # the best base entry still open in this block, taken in order
            best, score = None, PARA_MATCH
            for cand in range(b, b2):
                ratio = difflib.SequenceMatcher(None, base[cand], draft[d], autojunk=False).ratio()
                if ratio >= score:
                    best, score = cand, ratio
            if best is None:
                pairs.append((None, d))
                continue
            pairs += [(k, None) for k in range(b, best)]
            pairs.append((best, d))
            b = best + 1
        pairs += [(k, None) for k in range(b, b2)]
    return pairs


def _note_keys(base: Version, draft: Version, flat: bool, summary: Summary) -> dict[str, str]:
    """Draft note id -> base key (same or similar text, call order as tie-break) or a new readable key."""
    m = _base_markup(flat)
    base_order = []
    for _, t, _ in base.blocks():
        base_order += [c.key for c in calls(t)]
    base_text = {n.key: m(n.text, compare=True) for n in base.footnotes}
    draft_order = [n.key for n in draft.footnotes]
    draft_text = {n.key: m(n.text, compare=True) for n in draft.footnotes}
    mapping: dict[str, str] = {}
    pairs = _align([base_text[k] for k in base_order], [draft_text[k] for k in draft_order])
    used = set()
    for b, d in pairs:
        if b is not None and d is not None:
            mapping[draft_order[d]] = base_order[b]
            used.add(base_order[b])
    # a note moved elsewhere in the text keeps its key when its text is close enough
    for key in draft_order:
        if key in mapping:
            continue
        best, score = None, NOTE_MATCH
        for bkey in base_order:
            if bkey in used:
                continue
            ratio = difflib.SequenceMatcher(None, base_text[bkey], draft_text[key], autojunk=False).ratio()
            if ratio >= score:
                best, score = bkey, ratio
        if best:
            mapping[key] = best
            used.add(best)
            summary.notes_rekeyed.append(f"[^{best}] kept its key by similar text (\u201c{short(plain_text(draft.footnote(key).text), 50)}\u201d)")
    names = set(base_text)
    for key in draft_order:
        if key not in mapping:
            mapping[key] = _new_key(plain_text(draft.footnote(key).text), names)
            names.add(mapping[key])
            summary.notes_added.append(f"[^{mapping[key]}] \u201c{short(plain_text(draft.footnote(key).text), 50)}\u201d")
    for bkey in base_order:
        if bkey not in used:
            summary.notes_removed.append(f"[^{bkey}] \u201c{short(plain_text(base.footnote(bkey).text), 50)}\u201d")
    return mapping


def _new_key(text: str, taken: set[str]) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)[:3]
    stem = "-".join(w.lower() for w in words) or "note"
    key, n = stem, 2
    while key in taken:
        key, n = f"{stem}-{n}", n + 1
    return key


# ---------------------------------------------------------------- rebuilding the YAML


def _scalar(text: str, like=None):
    if isinstance(like, DoubleQuotedScalarString) or text.startswith(("*", "[", "\"", "'", "&", "!", "%", "@", "`")):
        return DoubleQuotedScalarString(text)
    if isinstance(like, SingleQuotedScalarString):
        return SingleQuotedScalarString(text)
    return text


_GAP_TYPED = re.compile(rf"[{IDEOGRAPHS}] [0-9A-Za-z]|[0-9A-Za-z] [{IDEOGRAPHS}]")
_GAP_PLACE = re.compile(rf"(?<=[{IDEOGRAPHS}])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[{IDEOGRAPHS}])")


def _with_gaps(text: str, like) -> str:
    """Chinese: when the edited paragraph's source typed Han/Latin spaces (第 32 条), type them in
    its new text too (the model never holds them; the reader drops them again)."""
    if isinstance(like, str) and _GAP_TYPED.search(like):
        return _GAP_PLACE.sub(" ", text)
    return text


def _typed_spaces(text: str, lang: str) -> str:
    """French and the like: the no-break spaces the draft shows around ; : ! ? « » are set by the
    transforms whatever the author types; an edited paragraph gets plain spaces there, as typed."""
    table = tables.language(lang)
    for mark, space in table.space_before.items():
        text = text.replace(space + mark, " " + mark)
    for mark, space in table.space_after.items():
        text = text.replace(mark + space, mark + " ")
    return text


def _copy_comments(old: CommentedSeq, new: CommentedSeq, index_map: dict[int, int]) -> None:
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


class _Merger:
    """Applies the draft's text to the base's YAML nodes, keeping every node the draft left alone."""

    def __init__(self, base: Version, draft: Version, refs: dict[str, str], summary: Summary,
                 translation: str, original: str):
        self.base, self.draft, self.summary = base, draft, summary
        self.cjk = tables.language(base.lang).is_cjk  # Han/Latin spaces
        flat = no_italics(base.lang)  # emphasis compared as text where the draft shows no italics
        self.translation, self.original = translation, original  # translation: "" in the original
        self.notes = _note_keys(base, draft, flat, summary)
        self.out = _Markup(self.notes, refs, flat, summary)
        self.compare = _Markup(self.notes, refs, flat, None)
        self.base_m = _base_markup(flat)
        self.shuffled: list[str] = []
        self.toward = None  # a translation: the original's structure, which structural edits may reach
        self.deferred: list[str] = []

    def same(self, base_inl, draft_inl) -> bool:
        return self.base_m(base_inl, compare=True) == self.compare(draft_inl, compare=True)

    def structural(self, what: str) -> None:
        if self.translation and self.toward is not None:
            self.deferred.append(what)  # taken only if the result has the original's structure
            return
        if self.translation:
            raise ImportFailure(f"{what}: {self.translation} is a translation (the original is {self.original}): "
                                "paragraphs, items and footnotes can be added, deleted or moved only in the original; "
                                "change the original first, then the translations (text edits are taken)")

    def text(self, base_inl, draft_inl, node, what: str):
        if self.same(base_inl, draft_inl):
            return node
        calls_only = re.compile(r"\[\^([^\]]*)\]")
        base_s, draft_s = self.base_m(base_inl, compare=True), self.compare(draft_inl, compare=True)
        known = {n.key for n in self.base.footnotes}
        if calls_only.sub("[^]", base_s) == calls_only.sub("[^]", draft_s) and set(calls_only.findall(draft_s)) <= known:
            self.shuffled.append(f"{what} (YAML: \u201c{short(self.base_m(base_inl, compare=True), 70)}\u201d, draft: "
                                 f"\u201c{short(self.compare(draft_inl, compare=True), 70)}\u201d)")  # calls moved to other notes
        self.summary.changed.append(what)
        text = _typed_spaces(self.out(draft_inl), self.base.lang)
        return _scalar(_with_gaps(text, node) if self.cjk else text, node)

    # -- lists of paragraphs

    def seq(self, base_items, draft_items, node, what, one, new):
        """Align two lists; `one(b, d, node, name)` merges a pair, `new(d, name)` makes an added entry."""
        keys_b = [self.base_m(self.body(x), compare=True) for x in base_items]
        keys_d = [self.compare(self.body(x), compare=True) for x in draft_items]
        pairs = _align(keys_b, keys_d)
        result = CommentedSeq()
        index_map = {}
        for b, d in pairs:
            if d is None:
                name = f"{what} {b + 1} (\u201c{short(plain_text(self.body(base_items[b])), 50)}\u201d)"
                self.structural(f"{name} is deleted in the draft")
                self.summary.deleted.append(name)
                continue
            if b is None:
                name = f"{what} {d + 1} (\u201c{short(plain_text(self.body(draft_items[d])), 50)}\u201d)"
                self.structural(f"{name} is new in the draft")
                self.summary.added.append(name)
                result.append(new(draft_items[d], name))
                continue
            index_map[b] = len(result)
            result.append(one(base_items[b], draft_items[d], node[b], f"{what} {b + 1}"))
        if isinstance(node, CommentedSeq):
            _copy_comments(node, result, index_map)
        if [b for b, _ in pairs if b is not None] == list(range(len(base_items))) and len(result) == len(node) and \
                all(r is n for r, n in zip(result, node)):
            return node
        return result

    @staticmethod
    def body(x):
        if isinstance(x, Item) or hasattr(x, "items"):
            return list(x.text) + [Text(" ")] + [n for i in x.items for n in _Merger.body(i)] if x.items else x.text
        return x.text

    def with_items(self, b, d, node, what):
        """An operative paragraph or an item: text alone, or {text, items}."""
        if not b.items and not d.items:
            return self.text(b.text, d.text, node, what)
        if not d.items:  # items removed: the paragraph becomes text
            self.structural(f"{what}: its items are deleted in the draft")
            self.summary.deleted.append(f"items of {what}")
            return _scalar(self.out(d.text))
        if not b.items:
            self.structural(f"{what}: items are added in the draft")
            result = CommentedMap()
            result["text"] = self.text(b.text, d.text, node, what)
            result["items"] = self.new_items(d.items, what)
            self.summary.added.append(f"items of {what}")
            return result
        text = self.text(b.text, d.text, node["text"], what)
        items = self.seq(b.items, d.items, node["items"], f"{what}, item", self.with_items, self.new_item)
        if text is node["text"] and items is node["items"]:
            return node
        node["text"], node["items"] = text, items
        return node

    def new_item(self, d, name):
        if not d.items:
            return _scalar(self.out(d.text))
        result = CommentedMap()
        result["text"] = _scalar(self.out(d.text))
        result["items"] = self.new_items(d.items, name)
        return result

    def new_items(self, items, name):
        return CommentedSeq(self.new_item(i, name) for i in items)

    def preamble(self, b, d, node, what):
        verb = d.verb or b.verb
        value = self.text(b.text, d.text, node[b.verb], what)
        if verb == b.verb and value is node[b.verb]:
            return node
        if verb != b.verb:
            self.summary.changed.append(f"{what}: verb key {b.verb} -> {verb}")
            result = CommentedMap()
            result[verb] = value
            return result
        node[b.verb] = value
        return node

    def new_preamble(self, d, name):
        verb = d.verb or self.derive_verb(d, name)
        result = CommentedMap()
        result[verb] = _scalar(self.out(d.text))
        return result

    def derive_verb(self, d, name) -> str:
        first = d.text[0] if d.text else None
        if isinstance(first, Emphasis):
            opening = plain_text(first.children).strip()
            for p in self.base.preamble:  # the same opening as an existing paragraph: its key
                if p.text and isinstance(p.text[0], Emphasis) and plain_text(p.text[0].children).strip() == opening:
                    return p.verb
            if self.base.lang == "en" and re.fullmatch(r"[A-Za-z]+( [A-Za-z]+)*", opening):
                words = opening.split()
                return words[0].lower() + "".join(w.capitalize() for w in words[1:])
        raise ImportFailure(f"new {name}: cannot derive its verb key. Start the paragraph with its opening verb in "
                            "italics as in English (*Noting also* gives notingAlso), or add it to the YAML by hand "
                            "as 'verbKey: text' under preamble: and import again")


def _lines(base_lines: list[str], draft_lines: list[str], node, cjk: bool, what: str, summary: Summary):
    norm = (lambda s: markup.drop_gap_spaces(s)) if cjk else (lambda s: s)
    if [norm(x) for x in base_lines] == [norm(x) for x in draft_lines]:
        return node
    summary.changed.append(what)
    if node is not None and len(node) == len(draft_lines):
        for i, line in enumerate(draft_lines):
            if norm(str(node[i])) != norm(line):
                node[i] = _scalar(_with_gaps(line, node[i]) if cjk else line, node[i])
        return node
    new = CommentedSeq(draft_lines)
    if isinstance(node, CommentedSeq):
        _copy_comments(node, new, {i: i for i in range(min(len(node), len(new)))})
    return new


# ---------------------------------------------------------------- the import


def _reference_keys(doc: Document) -> dict[str, str]:
    return {frbr.work_iri(r.organ, r.adopted, r.number): key for key, r in doc.meta.references.items()}


def shape(version: Version) -> tuple:
    """A version's structure: preamble paragraphs, operative paragraphs with their item trees, notes."""
    def tree(x):
        return tuple(tree(i) for i in x.items)
    return len(version.preamble), tuple(tree(o) for o in version.operative), len(version.footnotes)


def merge(doc: Document, base: Version, data: CommentedMap, draft: Version, summary: Summary,
          carries_session: bool = True, original_shape: tuple | None = None) -> CommentedMap:
    """Apply the draft's text to the base's YAML data (modified in place and returned).

    In a translation, paragraphs, items and notes may be added or deleted only when the result has
    the original's structure (`original_shape`, or the original version's in `doc`): translations
    lag the original, and the translators' draft brings them level."""
    cjk = tables.language(base.lang).is_cjk
    original = doc.meta.original
    translation = base.lang if base.lang != original else ""
    m = _Merger(base, draft, _reference_keys(doc), summary, translation, original)
    if translation:
        m.toward = original_shape if original_shape is not None else \
            (shape(doc.versions[original]) if original in doc.versions else None)
    if m.summary.notes_added or m.summary.notes_removed:
        first = (m.summary.notes_added or m.summary.notes_removed)[0]
        m.structural(f"footnote {first} is {'new in' if m.summary.notes_added else 'deleted from'} the draft")
    if draft.heading and " ".join(draft.heading.split()) != " ".join(base.heading.split()):
        summary.ignored.append(f"the heading reads \u201c{draft.heading}\u201d in the draft, \u201c{base.heading}\u201d "
                               "here: the number comes from document.yaml (change it there)")
    data["title"] = m.text(base.title, draft.title, data["title"], "title")
    data["formula"] = m.text(base.formula, draft.formula, data["formula"], "formula")
    if carries_session and ("session" in data or draft.session):
        new = _lines(base.session, draft.session, data.get("session"), cjk, "session lines", summary)
        if new is not data.get("session"):
            data["session"] = new
    if base.preamble or draft.preamble:
        data["preamble"] = m.seq(base.preamble, draft.preamble, data.get("preamble", CommentedSeq()),
                                 "preamble paragraph", m.preamble, m.new_preamble)
    data["operative"] = m.seq(base.operative, draft.operative, data["operative"], "operative paragraph",
                              m.with_items, m.new_item)
    if "closing" in data or draft.closing:
        new = _lines(base.closing, draft.closing, data.get("closing"), cjk, "closing lines", summary)
        if new is not data.get("closing"):
            data["closing"] = new
    if m.shuffled:
        raise ImportFailure("the footnote calls of " + ", ".join(m.shuffled[:5]) + " now lead to other notes' text, the "
                            "paragraphs being otherwise unchanged: the notes were paired with the wrong calls (LibreOffice "
                            "does this when a draft's footnote ids are out of call order); nothing written. Compare the "
                            "notes with the YAML; to change a note, edit its text")
    # footnotes: the base's keys in the base's order, new ones after them
    notes = data.get("footnotes")
    if draft.footnotes or notes:
        result = notes if isinstance(notes, CommentedMap) else CommentedMap()
        kept = {m.notes[n.key]: n for n in draft.footnotes}
        for key in list(result):
            if key not in kept:
                del result[key]
        for key, note in kept.items():
            if key in result:
                b = base.footnote(key)
                result[key] = m.text(b.text, note.text, result[key], f"footnote [^{key}]")
            else:
                result[key] = _scalar(m.out(note.text))
        data["footnotes"] = result
    # references: each base reference still in the text is kept; one whose words were deleted is lost
    before = Counter(n.key for _, t, _ in base.texts() for n in _refs(t))
    after = Counter(n.key or m.out.refs.get(n.href, "") for _, t, _ in draft.texts() for n in _refs(t))
    summary.references_kept = sum((before & after).values())
    summary.references_lost += [f"[...](ref:{key}) is no longer in the text" for key in sorted((before - after).elements())]
    if m.deferred:
        if shape(draft) != m.toward:
            m.toward = None
            m.structural(m.deferred[0] + " (and the result would not have the original's structure)")
        summary.changes.append(f"{translation} brought to the structure of the original ({original}): "
                               + "; ".join(m.deferred))
    if summary.structural and not translation:
        summary.translations_differ = [v.path.name for v in doc.versions.values() if v.lang != base.lang]
    return data


def _refs(nodes):
    for node in nodes:
        if isinstance(node, Reference):
            yield node
            yield from _refs(node.children)
        elif isinstance(node, Emphasis):
            yield from _refs(node.children)


def _read_base(folder: Path, lang: str = ""):
    """The folder's document; when it has errors and `lang` is a translation that reads alone (it
    lags the original's structure), that version alone, with the original's structure beside it."""
    doc, diagnostics = pipeline.read(folder)
    if doc is None and lang:
        alone = _read_alone(folder, lang)
        original = alone.meta.original if alone is not None else ""
        other = _read_alone(folder, original) if original and original != lang else None
        if alone is not None and other is not None:
            alone.folder = folder
            alone.original_shape = shape(other.versions[original])
            return alone
    if doc is None:
        listing = "\n".join(f"  {d}" for d in errors(diagnostics))
        raise ImportFailure(f"the document folder {folder} has errors; fix them before importing:\n{listing}")
    return doc


def _read_alone(folder: Path, lang: str):
    """One language version of a folder read on its own (None if it does not read)."""
    if not (folder / f"{lang}.yaml").is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp), lambda n: not n.endswith(".yaml") or n[:-5] in (lang, "document", "organs"))
        doc, _ = pipeline.read(copy, checks=False)
    if doc is None or lang not in doc.versions:
        return None
    doc.versions[lang].path = folder / f"{lang}.yaml"
    return doc


def _check_result(folder: Path, lang: str, text: str) -> None:
    """`docgen check` on the result, in a scratch copy of the folder: refuse to write a broken file."""
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp))
        (copy / f"{lang}.yaml").write_text(text, encoding="utf-8")
        doc, diagnostics = pipeline.read(copy)
        # errors in the imported file itself; a translation whose structure now differs is the
        # summary's business (and check's), not a reason to refuse the original's edit
        failed = [d for d in errors(diagnostics) if Path(d.location.path).name in (f"{lang}.yaml", "document.yaml")]
        if doc is None and failed:
            listing = "\n".join(f"  {str(d).replace(str(copy), str(folder))}" for d in failed)
            raise ImportFailure(f"the imported {lang}.yaml would not pass docgen check; nothing written:\n{listing}")


def _folder_of_work(content: Path, iri: str) -> Path | None:
    """The document folder under content/ whose facts give this Work IRI (for AKN files)."""
    import datetime as dt

    import yaml

    for document in sorted(content.glob("*/document.yaml")):
        try:
            meta = yaml.safe_load(document.read_text(encoding="utf-8"))
            if isinstance(meta.get("adopted"), dt.date) and \
                    frbr.work_iri(meta["organ"], meta["adopted"], str(meta["number"])) == iri:
                return document.parent
        except (yaml.YAMLError, OSError, AttributeError, KeyError, TypeError, ValueError):
            continue  # a broken folder is not the one; `docgen check` reports it
    return None


def _ancestor(folder: Path, lang: str, sha: str) -> str | None:
    """The `<lang>.yaml` whose SHA-256 the draft names, from the folder's git history."""
    path = folder / f"{lang}.yaml"
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
        rel = path.resolve().relative_to(Path(top).resolve()).as_posix()
        commits = subprocess.run(["git", "-C", top, "log", "--format=%H", "--", rel], capture_output=True,
                                 text=True, check=True).stdout.split()
    except (subprocess.CalledProcessError, OSError, ValueError):
        return None
    for commit in commits:
        blob = subprocess.run(["git", "-C", top, "show", f"{commit}:{rel}"], capture_output=True).stdout
        if hashlib.sha256(blob).hexdigest() == sha:
            return blob.decode("utf-8").replace("\r\n", "\n")
    return None


def _named_folder(content: Path, name: str, path: Path) -> Path:
    """The folder a draft's metadata names: one document folder directly under the content folder,
    never a path that leaves it (the metadata is whatever the file says)."""
    folder = content / name
    if (not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", name) or name in (".", "..")
            or folder.resolve().parent != content.resolve()):
        raise ImportFailure(f"{path}: the draft names document {name!r}, which is not a folder of {content}: "
                            "refused (give the document folder with --into FOLDER)")
    return folder


def _read_text(path: Path) -> tuple[str, str]:
    """A YAML file's text with \\n line ends, and the line end it uses ("\\r\\n" kept on write)."""
    data = path.read_bytes().decode("utf-8")
    return data.replace("\r\n", "\n"), ("\r\n" if "\r\n" in data else "\n")


def copy_for_check(folder: Path, tmp: Path, keep=lambda name: True) -> Path:
    """A scratch copy of a document folder, with the content folder's organs.yaml beside it (the
    organs it defines are known there too)."""
    copy = Path(tmp) / folder.name
    shutil.copytree(folder, copy, ignore=lambda where, names: [n for n in names if n == ".git" or
                                                                   (Path(where) == folder and not keep(n))])
    organs = folder.parent / "organs.yaml"
    if organs.is_file():
        shutil.copy(organs, Path(tmp) / "organs.yaml")
    return copy


def import_file(path: Path, into: Path | None = None, changes: str | None = None, content: Path = Path("content")):
    """Compute the import of one draft; returns a Result (nothing is written here)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    akn = path.suffix.lower() == ".xml" or head.lstrip().startswith(b"<")  # decided once
    if akn:
        from docgen.readers.akn import read_akn

        draft = read_akn(path)
    else:
        draft = read_docx(path, changes)
    folder = Path(into) if into else None
    if folder is None and draft.work_iri:
        folder = _folder_of_work(Path(content), draft.work_iri)
    if folder is None:
        if not draft.document:
            raise ImportFailure(f"{path}: the draft does not name its document (no docgen properties: made by another "
                                "tool or an older docgen); give the document folder with --into FOLDER")
        folder = _named_folder(Path(content), draft.document, path)
    if not (folder / "document.yaml").exists():
        raise ImportFailure(f"{folder}: not a document folder (no document.yaml)"
                            + ("" if into else f"; the draft names document '{draft.document}': give --into FOLDER"))
    doc = _read_base(folder, draft.lang)
    lang = draft.lang or (next(iter(doc.versions)) if len(doc.versions) == 1 else "")
    if not lang:
        raise ImportFailure(f"{path}: the draft does not say its language and {folder} holds several; "
                            "import a draft made by docgen")
    if lang not in doc.versions:
        raise ImportFailure(f"{folder}: no {lang}.yaml to import the {lang} draft into "
                            "(a new language version starts as a copy of the original's YAML)")
    if not draft.lang and not akn:
        draft = read_docx(path, changes, lang=lang)  # the folder gave the language: read with its labels
    draft.version.lang = lang
    base = doc.versions[lang]
    target = base.path
    old, newline = _read_text(target)
    summary = Summary(comments=[str(c) for c in draft.comments], changes=[f"{draft.resolved}ed: {c}" for c in draft.changes])
    current_data = _yaml().load(old)
    if draft.source_sha256 and draft.source_sha256 != base.source_sha256:
        new, applied = _three_way(folder, doc, current_data, draft, summary)
    else:
        new = applied = _keep_layout(old, merge(doc, base, current_data, draft.version, summary, draft.carries_session,
                                                getattr(doc, "original_shape", None)))
    if not akn:  # the invariant: the draft applied to its own base says exactly what the draft shows
        flat = no_italics(lang)
        italics = invariant.check(path, changes, folder, lang, applied, flat)
        if italics:
            summary.ignored.append(f"italics on \u201c{short(', '.join(italics), 80)}\u201d: {lang} drafts show no "
                                   "emphasis, so the draft's italics are not read; mark emphasis in the YAML (*...*)")
    if new != old:
        _check_result(folder, lang, new)
    return Result(target, old, new, summary, newline)


def _three_way(folder: Path, doc: Document, current_data, draft, summary: Summary) -> str:
    """The YAML changed since the draft was made: apply the draft to the state it came from, then
    carry each paragraph the draft changed into the current YAML; both changed: a conflict."""
    lang = draft.version.lang
    text = _ancestor(folder, lang, draft.source_sha256)
    if text is None:
        raise ImportFailure(f"{folder / (lang + '.yaml')} changed since the draft was made, and the state the draft was "
                            f"made from (SHA-256 {draft.source_sha256[:12]}…) is not in the folder's git history: "
                            "cannot tell your edits from the YAML's; make a new draft, or import with --into a copy "
                            "of that state")
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        copy = copy_for_check(folder, Path(tmp), lambda n: n in ("document.yaml", "organs.yaml"))
        (copy / f"{lang}.yaml").write_text(text, encoding="utf-8")
        ancestor_doc, diagnostics = pipeline.read(copy, checks=False)
        if ancestor_doc is None:
            raise ImportFailure(f"the state of {lang}.yaml the draft was made from no longer reads: "
                                + "; ".join(str(d) for d in errors(diagnostics)))
    ancestor_doc.folder = folder
    ancestor_doc.versions = {**doc.versions, lang: ancestor_doc.versions[lang]}
    base_data = _yaml().load(text)
    applied = merge(ancestor_doc, ancestor_doc.versions[lang], _yaml().load(text), draft.version, summary,
                    draft.carries_session)
    if summary.structural or not _same_shape(base_data, current_data):
        raise ImportFailure(f"{lang}.yaml changed since the draft was made, and paragraphs, items or footnotes were "
                            "added or deleted on one side: docgen then merges text edits only; make a new draft "
                            "from the current YAML and redo the edits there")
    conflicts: list[str] = []
    kept: list[str] = []
    _merge3(base_data, current_data, applied, (), conflicts, kept)
    if conflicts:
        raise ImportFailure(f"{lang}.yaml changed since the draft was made, and these paragraphs were changed in both "
                            "(nothing written; resolve by hand, or make a new draft):\n"
                            + "\n".join(f"  - {c}" for c in conflicts))
    summary.merged_from_yaml = kept
    return _keep_layout(_read_text(folder / f"{lang}.yaml")[0], current_data), _keep_layout(text, applied)


def _same_shape(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_shape(x, y) for x, y in zip(a, b))
    return not isinstance(a, (dict, list)) and not isinstance(b, (dict, list))


def _merge3(base, mine, theirs, path: tuple, conflicts: list[str], kept: list[str]) -> None:
    """Three-way merge of YAML trees of one shape, leaf by leaf (a leaf is one paragraph's text).
    `mine` (the current YAML) is updated in place with what only `theirs` (the draft) changed."""
    for key in (list(base) if isinstance(base, dict) else range(len(base))):
        b, m, t = base[key], mine[key], theirs[key]
        if isinstance(b, (dict, list)):
            _merge3(b, m, t, path + (key,), conflicts, kept)
        elif str(t) != str(b):
            if str(m) != str(b) and str(m) != str(t):
                conflicts.append(_place(path + (key,)))
            else:
                mine[key] = t
        elif str(m) != str(b):
            kept.append(_place(path + (key,)))


def _place(path: tuple) -> str:
    """('operative', 1, 'items', 0) -> 'operative paragraph 2, item 1'."""
    words, i = [], 0
    while i < len(path):
        part = path[i]
        if part in ("preamble", "operative", "session", "closing") and i + 1 < len(path):
            names = {"preamble": "preamble paragraph", "operative": "operative paragraph",
                     "session": "session line", "closing": "closing line"}
            words.append(f"{names[part]} {path[i + 1] + 1}")
            i += 2
        elif part == "items" and i + 1 < len(path):
            words.append(f"item {path[i + 1] + 1}")
            i += 2
        elif part == "footnotes" and i + 1 < len(path):
            words.append(f"footnote [^{path[i + 1]}]")
            i += 2
        elif part == "text" or isinstance(part, str) and words and words[-1].startswith("preamble"):
            i += 1
        else:
            words.append(str(part))
            i += 1
    return ", ".join(words)


def run(path: Path, into: Path | None, changes: str | None, dry_run: bool, content: Path = Path("content")) -> Result:
    """Import one draft; SIGTERM during it ends it like Ctrl-C, so no scratch copy or partial file is left."""
    with _terminate_cleanly():
        result = import_file(path, into, changes, content)
        if not dry_run and result.new != result.old:
            mode = result.target.stat().st_mode & 0o7777
            write_atomic(result.target, result.new.replace("\n", result.newline).encode("utf-8"))
            os.chmod(result.target, mode)  # the file keeps its mode (write_atomic makes 0644)
    return result


@contextlib.contextmanager
def _terminate_cleanly():
    """SIGTERM raises SystemExit in the main thread while importing: `finally` blocks and
    TemporaryDirectory remove what they made; the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
