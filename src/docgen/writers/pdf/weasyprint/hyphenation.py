"""Hyphenation: Pyphen asked about a word without its format characters.

docgen keeps a footnote call with the letter before it by a word joiner (U+2060); WeasyPrint hands
Pyphen the word with it ("máquina\u2060"), which Pyphen counts as a letter: the break "máqui-na"
passed the three-letters-after limit. `line_break.pyphen` becomes a module whose `Pyphen` computes
positions on the word without format characters and maps them back.
"""

from __future__ import annotations

import unicodedata

import pyphen
from weasyprint.text import line_break

from docgen.writers.pdf.weasyprint.registry import patch


class _Pyphen(pyphen.Pyphen):
    """Pyphen that does not count format characters as letters.

    docgen keeps a footnote call with the letter before it by a word joiner (U+2060); WeasyPrint
    hands Pyphen the word with it ("máquina\u2060"), which then counts as a letter: the break
    "máqui-na" passed the three-letters-after limit. Positions are computed on the word
    without format characters and mapped back.
    """

    def positions(self, word):
        kept = [i for i, ch in enumerate(word) if unicodedata.category(ch) != "Cf"]
        if len(kept) == len(word):
            return super().positions(word)
        bare = "".join(word[i] for i in kept)
        return [pyphen.DataInt(kept[position], reference=position) for position in super().positions(bare)]


class _PyphenModule:
    """What `weasyprint.text.line_break` sees as `pyphen`: the real module's names, with `_Pyphen`."""

    Pyphen = _Pyphen
    language_fallback = staticmethod(pyphen.language_fallback)
    LANGUAGES = pyphen.LANGUAGES


patch("hyphenation", line_break, "pyphen", _PyphenModule, "b14a341955bba8c3")
