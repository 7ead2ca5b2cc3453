"""Which draft paragraph or note is which base one: alignment by text similarity."""

from __future__ import annotations

import difflib
import re

from docgen.importing.report import Summary
from docgen.importing.text import base_markup
from docgen.model import Version, calls, plain_text
from docgen.readers.docx import short


NOTE_MATCH = 0.6  # a note whose text is this similar to a base note keeps its key


PARA_MATCH = 0.5  # a paragraph this similar to a base paragraph is that paragraph, edited


def align(base: list[str], draft: list[str]) -> list[tuple[int | None, int | None]]:
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


def note_keys(base: Version, draft: Version, flat: bool, summary: Summary) -> dict[str, str]:
    """Draft note id -> base key (same or similar text, call order as tie-break) or a new readable key."""
    m = base_markup(flat)
    base_order = []
    for _, t, _ in base.blocks():
        base_order += [c.key for c in calls(t)]
    base_text = {n.key: m(n.text, compare=True) for n in base.footnotes}
    draft_order = [n.key for n in draft.footnotes]
    draft_text = {n.key: m(n.text, compare=True) for n in draft.footnotes}
    mapping: dict[str, str] = {}
    pairs = align([base_text[k] for k in base_order], [draft_text[k] for k in draft_order])
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
