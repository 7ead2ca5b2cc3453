"""Model inlines back to the markup of docs/content-format.md, and how they are compared."""

from __future__ import annotations

import re

from docgen.data import tables
from docgen.importing.report import Summary
from docgen.model import Emphasis, FootnoteCall, Reference, Text, plain_text


def _escape(text: str) -> str:
    return re.sub(r"([\\*\[\]])", r"\\\1", text)


class Markup:
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


def base_markup(flat: bool) -> Markup:
    return Markup({}, {}, flat, None)
