"""The draft's text applied to the base's YAML nodes, keeping every node the draft left alone."""

from __future__ import annotations

import re
from collections import Counter

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from docgen.data import frbr, tables
from docgen.importing.align import align, note_keys
from docgen.importing.report import ImportFailure, Summary
from docgen.importing.text import Markup, base_markup, no_italics
from docgen.importing.yamlout import copy_comments, scalar, typed_spaces, with_gaps
from docgen.model import Document, Emphasis, Item, Reference, Text, Version, calls, plain_text
from docgen.readers import markup
from docgen.readers.docx import short


class _Merger:
    """Applies the draft's text to the base's YAML nodes, keeping every node the draft left alone."""

    def __init__(self, base: Version, draft: Version, refs: dict[str, str], summary: Summary,
                 translation: str, original: str):
        self.base, self.draft, self.summary = base, draft, summary
        self.cjk = tables.language(base.lang).is_cjk  # Han/Latin spaces
        flat = no_italics(base.lang)  # emphasis compared as text where the draft shows no italics
        self.translation, self.original = translation, original  # translation: "" in the original
        self.notes = note_keys(base, draft, flat, summary)
        self.out = Markup(self.notes, refs, flat, summary)
        self.compare = Markup(self.notes, refs, flat, None)
        self.base_m = base_markup(flat)
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
        text = typed_spaces(self.out(draft_inl), self.base.lang)
        return scalar(with_gaps(text, node) if self.cjk else text, node)

    # -- lists of paragraphs

    def seq(self, base_items, draft_items, node, what, one, new):
        """Align two lists; `one(b, d, node, name)` merges a pair, `new(d, name)` makes an added entry."""
        keys_b = [self.base_m(self.body(x), compare=True) for x in base_items]
        keys_d = [self.compare(self.body(x), compare=True) for x in draft_items]
        pairs = align(keys_b, keys_d)
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
            copy_comments(node, result, index_map)
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
            return scalar(self.out(d.text))
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
            return scalar(self.out(d.text))
        result = CommentedMap()
        result["text"] = scalar(self.out(d.text))
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
        result[verb] = scalar(self.out(d.text))
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
                node[i] = scalar(with_gaps(line, node[i]) if cjk else line, node[i])
        return node
    new = CommentedSeq(draft_lines)
    if isinstance(node, CommentedSeq):
        copy_comments(node, new, {i: i for i in range(min(len(node), len(new)))})
    return new


def _reference_keys(doc: Document) -> dict[str, str]:
    return {frbr.work_iri(r.organ, r.adopted, r.number, r.type): key for key, r in doc.meta.references.items()}


def shape(version: Version) -> tuple:
    """A version's structure: preamble paragraphs, operative paragraphs with their item trees, notes."""
    def tree(x):
        return tuple(tree(i) for i in x.items)
    return len(version.preamble), tuple(tree(o) for o in version.operative), len(version.footnotes)


def _keys_of_the_original(m: _Merger, original: Version, draft: Version) -> None:
    """New notes of a translation get the original's key called at the same place in call order."""
    order = [c.key for _, t, _ in original.blocks() for c in calls(t)]
    base_keys = {n.key for n in m.base.footnotes}
    taken = set(m.notes.values())
    for i, note in enumerate(draft.footnotes):
        key = m.notes.get(note.key)
        if key in base_keys or i >= len(order) or order[i] in taken:
            continue
        m.summary.notes_added = [x.replace(f"[^{key}]", f"[^{order[i]}]", 1) if x.startswith(f"[^{key}]") else x
                                 for x in m.summary.notes_added]
        m.notes[note.key] = order[i]
        taken.add(order[i])


def merge(doc: Document, base: Version, data: CommentedMap, draft: Version, summary: Summary,
          carries_session: bool = True, original_version: Version | None = None) -> CommentedMap:
    """Apply the draft's text to the base's YAML data (modified in place and returned).

    In a translation, paragraphs, items and notes may be added or deleted only when the result has
    the original's structure (`original_version`, or the original version in `doc`): translations
    lag the original, and the translators' draft brings them level; a note the translation gains
    takes the original's key at its place in call order (the check pairs notes by key)."""
    cjk = tables.language(base.lang).is_cjk
    original = doc.meta.original
    translation = base.lang if base.lang != original else ""
    m = _Merger(base, draft, _reference_keys(doc), summary, translation, original)
    reference = original_version if original_version is not None else doc.versions.get(original)
    if translation and reference is not None:
        m.toward = shape(reference)
        _keys_of_the_original(m, reference, draft)
    if m.summary.notes_added or m.summary.notes_removed:
        first = (m.summary.notes_added or m.summary.notes_removed)[0]
        m.structural(f"footnote {first} is {'new in' if m.summary.notes_added else 'deleted from'} the draft")
    if draft.heading and " ".join(draft.heading.split()) != " ".join(base.heading.split()):
        summary.ignored.append(f"the heading reads \u201c{draft.heading}\u201d in the draft, \u201c{base.heading}\u201d "
                               "here: the number comes from document.yaml (change it there)")
    data["title"] = m.text(base.title, draft.title, data["title"], "title")
    if "formula" in data:  # a decision in narrative form has none
        data["formula"] = m.text(base.formula, draft.formula, data["formula"], "formula")
    elif draft.formula:
        m.structural("the draft has a formula line; this text, a decision in narrative form, has none")
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
                result[key] = scalar(m.out(note.text))
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
