"""The fixed tables docgen ships: one per language (the words it prints), duty stations.

Organs, which users extend, are in `organs.py`.

Loaded once per process. Per-language words and conventions (masthead words, dates, item
labels, quotation marks, spacing, hyphenation dictionary, font families by role) live only in
`languages/<code>.yaml`, never in templates or writers: adding a language is adding data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources


from docgen.data import safe_load

# The six UN languages, in the order the UN lists them.
# Han characters and full-width punctuation, and the Latin letters and digits beside them.
HAN = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
# Ideographs and kana only: the quarter-em Han/Latin gap goes next to these, not next to
# full-width punctuation, whose glyph already carries its own space (clreq 3.6).
IDEOGRAPHS = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

CODES = ("ar", "zh", "en", "fr", "ru", "es")
COMMITTEES = ("first", "second", "third", "fourth", "fifth", "sixth")  # the General Assembly's Main Committees


@dataclass(frozen=True)
class ItemLevel:
    """How sub-items of one depth are labelled: a counter (letters in order, or roman) and a format."""

    counter: tuple[str, ...] | str  # ("a", "b", ...), "roman", "ROMAN", "latin" (A, B, ...) or "decimal"
    format: str  # "({})", "{})", "{}."

    def label(self, n: int) -> str:
        if self.counter == "roman":
            return roman(n)
        if self.counter == "ROMAN":
            return roman(n).upper()
        if self.counter == "latin":
            return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        if self.counter == "decimal":
            return str(n)
        # a..z, then aa, bb, ... as the UN Editorial Manual continues a lettered series
        letters = self.counter
        return letters[(n - 1) % len(letters)] * ((n - 1) // len(letters) + 1)

    def printed(self, n: int) -> str:
        return self.format.format(self.label(n))


@dataclass(frozen=True)
class Fonts:
    """Font families (docgen's @font-face names, fonts.py) by role, in fallback order.

    The same code point belongs to different faces by language: “ ” are the CJK face's in
    Chinese and Liberation Serif's in English. `ranges` limits a family to some code points in
    this language (CSS unicode-range syntax).
    """

    body: tuple[str, ...]
    heading: tuple[str, ...]
    organ: tuple[str, ...]
    emphasis: tuple[str, ...]
    ranges: dict = field(default_factory=dict)
    # symbols, the English masthead block, footers, footnote numbers: Latin in every language
    latin: tuple[str, ...] = ("docgen Times",)

    def role(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # English name, as printed in an English masthead block
    bcp47: str  # HTML lang, PDF /Lang
    word_lang: str  # w:lang in Word
    iso639_2: str  # Akoma Ntoso
    script: str  # latin, cyrillic, han, arabic
    direction: str  # ltr | rtl
    united_nations: str
    emblem_alt: str  # alternative text of the UN emblem, for screen readers
    barcode_alt: str  # alternative text of the job number's barcode ({job})
    footnote_link: str  # a footnote call's link, said by screen readers ({n})
    heading: dict  # document type -> pattern with {number}
    doc_type: dict
    job_suffix: str
    hyphenation: str  # Pyphen dictionary name, or "none"
    masthead_block: str  # code of the language whose `block` words the right-hand block uses
    date: dict  # pattern ({day} {month} {year}), months, optional first_day ("1er")
    items: tuple[ItemLevel, ...]  # sub-item labels by depth
    quotes: tuple[str, str, str, str]  # outer open, outer close, inner open, inner close
    fonts: Fonts
    block: dict = field(default_factory=dict)  # distr, original ({language}), languages (names)
    space_before: dict = field(default_factory=dict)  # mark -> the no-break space set before it
    space_after: dict = field(default_factory=dict)  # mark -> the no-break space set after it
    paragraph_number: str = "{number}."  # operative paragraph numbers: "1.", Arabic "1 -"
    # The forms the UN issues (forms.md): an issued text's title number where it differs from
    # `heading` (Chinese "78/283." against the report's "第 5/2 号决议"), the adoption line and
    # brackets, the Main Committees, a list's joints, a draft's sponsors line, annex labels.
    title_number: dict = field(default_factory=dict)
    adoption: dict = field(default_factory=dict)  # type -> "... adopted by {body} on {date}"
    committee_bracket: str = ""  # {committee} {documents}
    plenary_bracket: str = ""  # {documents}
    committees: dict = field(default_factory=dict)  # first .. sixth -> the name as a line
    committees_in_bracket: dict = field(default_factory=dict)  # the name in the bracket's case (Russian)
    list_join: tuple[str, str] = (", ", " and ")  # between items, before the last
    draft: dict = field(default_factory=dict)  # type -> "draft resolution"
    sponsors_line: str = "{names}: {draft}"
    annex: tuple[str, ...] = ()  # the label of a lone annex, then of annexes I, II, ...
    report_heading: dict = field(default_factory=dict)  # type -> "Resolution {number}": a text in a report
    report: dict = field(default_factory=dict)  # a report's words: contents, chapter and page column heads
    headings: tuple[ItemLevel, ...] = ()  # a report's chapter I., section A., sub-section 1. labels

    def text_heading(self, doc_type: str, number: str, in_report: bool) -> str:
        """The number line over a text's title: in a report "Resolution 5/2" (Chinese 第 5/2 号决议),
        on an issued text "99/1." (`title_number`, where the language has one, else `heading`)."""
        forms = {**self.heading, **(self.report_heading if in_report else self.title_number)}
        return forms[doc_type].format(number=number)

    def heading_label(self, level: int, n: int) -> str:
        """"I.", "A.", "1." (Chinese "一.", Arabic "أولا -"): a report's heading number at a level."""
        levels = self.headings
        if n > len(levels[level - 1].counter) and isinstance(levels[level - 1].counter, tuple):
            raise ValueError(f"{self.name} numbers at most {len(levels[level - 1].counter)} headings at level {level}")
        return levels[level - 1].printed(n)

    @property
    def is_cjk(self) -> bool:
        return self.script == "han"

    @property
    def hyphenates(self) -> bool:
        return self.hyphenation != "none"

    def format_date(self, date) -> str:
        """A date as this language writes it: "2 November 2026", "1er février 2026", "22 октября 2010 года"."""
        day = self.date.get("first_day", "1") if date.day == 1 else str(date.day)
        return self.date["pattern"].format(day=day, month=self.date["months"][date.month - 1], year=date.year)

    def join(self, items) -> str:
        """Names or symbols as a list in this language: "A, B and C", "A、B和C"."""
        items = list(items)
        between, last = self.list_join
        return items[0] if len(items) == 1 else between.join(items[:-1]) + last + items[-1]

    def annex_label(self, n: int, count: int) -> str:
        """"Annex" for a lone annex, "Annex II" for the second of several."""
        return self.annex[0] if count == 1 else self.annex[n]

    def item_label(self, depth: int, n: int) -> str:
        return self.items[depth - 1].printed(n)


def _read(name: str) -> dict:
    return safe_load(resources.files("docgen.data").joinpath(name).read_text("utf-8"))


def roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


@cache
def language(code: str) -> Language:
    data = _read(f"languages/{code}.yaml")
    def levels(entries):
        return tuple(ItemLevel(e["counter"] if isinstance(e["counter"], str) else tuple(e["counter"]), e["format"])
                     for e in entries)

    data["items"] = levels(data["items"])
    data["headings"] = levels(data.get("headings", ()))
    fonts = data["fonts"]
    data["fonts"] = Fonts(**{k: tuple(v) if isinstance(v, list) else v for k, v in fonts.items()})
    data["quotes"] = tuple(data["quotes"])
    for key in ("list_join", "annex"):  # YAML lists; the defaults are the dataclass's
        if key in data:
            data[key] = tuple(data[key])
    return Language(code=code, **data)


def block_language(code: str) -> Language:
    """The language whose words the right-hand masthead block of a `code` version uses."""
    return language(language(code).masthead_block)


@cache
def duty_stations() -> dict:
    return _read("duty_stations.yaml")
