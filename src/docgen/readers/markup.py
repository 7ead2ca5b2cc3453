"""The inline markup an editor types inside paragraph text.

    [^key]              a footnote call; the body is `footnotes: {key: ...}` in the same file
    *words*             emphasis (italic in Latin scripts: *Recalling*)
    [words](ref:key)    a reference to another document declared under `references:`
    \\*  \\[  \\]  \\\\     a literal * [ ] or backslash

Everything else is plain Unicode text.
"""

from __future__ import annotations

import re

from docgen.data.tables import HAN
from docgen.model import Emphasis, FootnoteCall, Inline, Reference, Text, leaves

KEY = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_CALL = re.compile(rf"\[\^({KEY})\]")
_REF = re.compile(rf"\[((?:\\.|[^\]\\])*)\]\(ref:({KEY})\)")

_HAN_LATIN_SPACE = re.compile(rf"(?<=[{HAN}]) (?=[0-9A-Za-z(])|(?<=[0-9A-Za-z.)]) (?=[{HAN}])")


class MarkupError(ValueError):
    pass


def parse(source: str, cjk: bool = False) -> list[Inline]:
    """Parse one paragraph's text. Raises MarkupError with a message an editor understands."""
    nodes = _parse(source, 0, len(source), inside_emphasis=False)
    if cjk:
        _drop_han_latin_spaces(nodes)
    return _merge(nodes)


def drop_gap_spaces(text: str) -> str:
    """The Han/Latin rule below, for plain lines (session block, closing lines)."""
    return _HAN_LATIN_SPACE.sub("", text)


def _parse(s: str, start: int, end: int, inside_emphasis: bool) -> list[Inline]:
    out: list[Inline] = []
    buf: list[str] = []
    i = start

    def flush():
        if buf:
            out.append(Text("".join(buf)))
            buf.clear()

    while i < end:
        c = s[i]
        if c == "\\" and i + 1 < end:
            buf.append(s[i + 1])
            i += 2
            continue
        if c == "[":
            m = _CALL.match(s, i, end)
            if m:
                flush()
                out.append(FootnoteCall(m.group(1)))
                i = m.end()
                continue
            m = _REF.match(s, i, end)
            if m:
                flush()
                out.append(Reference(m.group(2), _parse(s, m.start(1), m.end(1), inside_emphasis)))
                i = m.end()
                continue
            if s.startswith("[^", i):
                raise MarkupError(
                    f"footnote call at character {i + 1} is malformed: expected [^key] "
                    "with a key of letters, digits, '-', '_' or '.'"
                )
            raise MarkupError(
                f"'[' at character {i + 1} opens no footnote call [^key] or reference "
                "[text](ref:key); write \\[ for a literal bracket"
            )
        if c == "]":
            raise MarkupError(f"']' at character {i + 1} closes nothing; write \\] for a literal bracket")
        if c == "*":
            if inside_emphasis:
                raise MarkupError(f"emphasis cannot be nested (character {i + 1})")
            close = _find_unescaped(s, "*", i + 1, end)
            if close < 0:
                raise MarkupError(
                    f"'*' at character {i + 1} opens emphasis that is never closed; "
                    "write \\* for a literal asterisk"
                )
            if close == i + 1:
                raise MarkupError(f"empty emphasis '**' at character {i + 1}")
            flush()
            out.append(Emphasis(_parse(s, i + 1, close, inside_emphasis=True)))
            i = close + 1
            continue
        buf.append(c)
        i += 1
    flush()
    return out


def _find_unescaped(s: str, char: str, start: int, end: int) -> int:
    i = start
    while i < end:
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == char:
            return i
        i += 1
    return -1


def _drop_han_latin_spaces(nodes: list[Inline]) -> None:
    """In Chinese the gap between Han and Latin/digits is presentation, not text.

    Sources may type it (第 32 条) or not (第32条); the model never holds it, and every
    writer draws the quarter-em gap itself.
    """
    for node in nodes:
        if isinstance(node, Text):
            node.text = _HAN_LATIN_SPACE.sub("", node.text)
        elif isinstance(node, (Emphasis, Reference)):
            _drop_han_latin_spaces(node.children)
    # A space at the edge of a reference or emphasis, next to Han text outside it.
    flat = list(leaves(nodes))
    for a, b in zip(flat, flat[1:]):
        if isinstance(a, Text) and isinstance(b, Text) and a.text and b.text:
            if a.text.endswith(" ") and _gap_pair(a.text[-2:-1], b.text[0]):
                a.text = a.text[:-1]
            elif b.text.startswith(" ") and _gap_pair(a.text[-1], b.text[1:2]):
                b.text = b.text[1:]


def _gap_pair(left: str, right: str) -> bool:
    return bool(left and right and _HAN_LATIN_SPACE.search(left + " " + right))


def _merge(nodes: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1].text += node.text
        elif not (isinstance(node, Text) and node.text == ""):
            out.append(node)
    return out
