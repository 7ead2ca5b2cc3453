"""Page geometry and type sizes, one table for every writer: templates/layout.yaml.

The PDF/HTML writer and the Word writer read the same keys (un-layout.md): a size is changed in
that file, never in a writer."""

from __future__ import annotations

from functools import cache

from docgen.paths import TEMPLATES
from docgen.data import safe_load


@cache
def table() -> dict:
    return safe_load((TEMPLATES / "layout.yaml").read_text("utf-8"))


def settings_for(lang: str) -> dict:
    """The sizes of one language: `default`, overridden by the language's own keys."""
    t = table()
    return {**t["default"], **t.get(lang, {})}


def paper(name: str) -> dict:
    """A paper's size and margins ("A4", "Letter": the duty station says which)."""
    return table()["paper"][name]


def forget() -> None:
    """After an edit of templates/ (`docgen watch`)."""
    table.cache_clear()
