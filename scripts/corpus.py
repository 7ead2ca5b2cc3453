"""A synthetic corpus: documents made from the real and the specimen text, deterministically.

`make bench` builds on it (#6) and the footnote stress test renders it (#3). Each document is a
content folder like the ones in content/: a document.yaml (the seed's or the specimen's facts,
with its own number, symbol and job number) and one language file whose paragraphs are
sentences drawn from the real text, with varied lengths, items, footnote counts and footnote
lengths, calls at random positions, and the punctuation a Chinese typesetter has to handle
(“quotes”, ——, ……, document symbols). The same seed gives the same corpus, byte for byte.

    python scripts/corpus.py OUT [--count 100] [--seed 1] [--notes MIN-MAX]
    python scripts/corpus.py OUT --long PAGES [--seed 1] [--kind resolution|report]   # one long English document (#24)

`long_document` makes the long-text case of issue #24: one English document of about PAGES
pages (US Letter), a footnote every other paragraph (80 pages, ~300 notes). Its
`kind` is the document form: "resolution", or "report" (chapters, sections, a table in every other
chapter, the same paragraphs and notes: `_LONG_KINDS`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {  # language -> (folder, file, comma, semicolon, full stop) of the real text its clauses come from
    "zh": (ROOT / "content" / "ctoc-cop-5-2", "zh.yaml", "，", "；", "。"),
    "en": (ROOT / "content" / "specimen", "en.yaml", ", ", "; ", "."),
    "fr": (ROOT / "content" / "specimen", "fr.yaml", ", ", "; ", "."),
    "es": (ROOT / "content" / "specimen", "es.yaml", ", ", "; ", "."),
    "ru": (ROOT / "content" / "specimen", "ru.yaml", ", ", "; ", "."),
    "ar": (ROOT / "content" / "specimen", "ar.yaml", "، ", "؛ ", "."),
}
IBID = {"zh": "同上。", "ru": "Там же.", "ar": "المرجع نفسه."}  # else "Ibid."
_CALL = re.compile(r"\[\^[^\]]+\]")
_REF = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(ref:[^)]+\)")
_EMPHASIS = re.compile(r"\*([^*]+)\*")
EXTRAS = {
    "zh": ["“全球行动计划”", "——特别是妇女和儿童——", "……", "CTOC/COP/2010/5", "E/CN.15/2006/10",
           "第 64/293 号决议", "2010 年 7 月 30 日"],
    "en": ["\"Global Plan of Action\"", "E/CN.15/2006/10", "A/RES/64/293", "internationalization"],
}


def _plain(text: str) -> str:
    return _EMPHASIS.sub(r"\1", _REF.sub(r"\1", _CALL.sub("", text)))


def _texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def fragments(lang: str) -> list[str]:
    """Clauses of the real text: the pieces between commas and semicolons."""
    folder, name, comma, semicolon, _ = SOURCES[lang]
    data = yaml.safe_load((folder / name).read_text("utf-8"))
    pieces = []
    for key in ("preamble", "operative", "footnotes"):
        for text in _texts(data.get(key)):
            for clause in re.split(f"{re.escape(comma)}|{re.escape(semicolon)}|[:：]", _plain(text)):
                clause = clause.strip(" ，；。,;.،؛")
                if len(clause) >= 4:
                    pieces.append(clause)
    return sorted(set(pieces))


class _Writer:
    """Builds one document's text, spending its footnotes at random positions."""

    def __init__(self, rng: random.Random, lang: str, pool: list[str], notes: int):
        self.rng, self.lang, self.pool = rng, lang, pool
        _, _, self.comma, self.semicolon, self.stop = SOURCES[lang]
        self.keys = [f"n{i}" for i in range(1, notes + 1)]
        self.used = 0

    def sentence(self, low: int, high: int, end: str, calls: bool = True) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(low, high)):
            piece = rng.choice(self.pool)
            if rng.random() < 0.15:
                piece += rng.choice(EXTRAS[self.lang]) if self.lang == "zh" else " " + rng.choice(EXTRAS[self.lang])
            if calls and self.used < len(self.keys) and rng.random() < 0.35:
                piece += f"[^{self.keys[self.used]}]"
                self.used += 1
            parts.append(piece)
        return self.comma.join(parts) + end

    def note(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return "同上。" if self.lang == "zh" else "Ibid."
        return self.sentence(1, rng.choice((1, 2, 4, 8)), self.stop, calls=False)


def document(index: int, seed: int, notes: tuple[int, int]) -> dict[str, str]:
    """The files of synthetic document number *index*: {file name: YAML text}."""
    rng = random.Random(f"{seed}-{index}")
    lang = "zh" if index % 2 == 0 else "en"
    pool = fragments(lang)
    w = _Writer(rng, lang, pool, rng.randint(*notes))
    if lang == "zh":
        meta = {"type": "resolution", "number": f"5/{index + 100}", "organ": "un-ctoc-cop", "session": 5,
                "adopted": dt.date(2010, 10, 22), "original": "en", "symbol": f"CTOC/COP/2010/{index + 100}",
                "distributed": dt.date(2010, 12, 1), "duty_station": "vienna", "job_number": f"V.10-{57000 + index:05d}",
                "footnotes_start": 1}
        head = {"title": "合成文件第 %d 号" % index, "session": ["第五届会议", "2010 年 10 月 18 日至 22 日，维也纳"],
                "formula": "《联合国打击跨国有组织犯罪公约》缔约方会议，"}
        verbs = ["recalling", "noting", "welcoming", "recognizing", "reaffirming"]
    else:
        meta = {"type": "resolution", "number": f"99/{index + 100}", "organ": "un-ga", "session": 99,
                "adopted": dt.date(2044, 11, 14), "original": "en", "symbol": f"A/RES/99/{index + 100}",
                "distributed": dt.date(2044, 11, 20), "duty_station": "new-york", "job_number": f"N.44-{index:05d}",
                "footnotes_start": 1}
        head = {"title": f"Synthetic resolution number {index}", "session": ["Ninety-ninth session", "Agenda item 1"],
                "formula": "The General Assembly,"}
        verbs = ["recalling", "noting", "welcoming", "recognizing", "reaffirming"]
    preamble = [{rng.choice(verbs): w.sentence(1, 6, w.comma.strip())} for _ in range(rng.randint(2, 10))]
    operative = []
    for _ in range(rng.randint(2, 12)):
        if rng.random() < 0.2:
            items = [w.sentence(1, 3, w.semicolon.strip()) for _ in range(rng.randint(2, 5))]
            operative.append({"text": w.sentence(1, 2, "：" if lang == "zh" else ":"), "items": items})
        else:
            operative.append(w.sentence(1, 7, w.semicolon.strip()))
    # every footnote is called once: the ones not yet placed go into a last paragraph, each after
    # a clause of its own (two calls side by side would read as one number)
    rest = w.keys[w.used:]
    if rest:
        clauses = [rng.choice(pool) + f"[^{key}]" for key in rest]
        operative.append(w.comma.join(clauses) + w.stop)
        w.used = len(w.keys)
    text = {**head, "preamble": preamble, "operative": operative,
            "footnotes": {key: w.note() for key in w.keys}}
    if not w.keys:
        del text["footnotes"]
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)  # noqa: E731
    return {"document.yaml": dump(meta), f"{lang}.yaml": dump(text)}


def generate(out: Path, count: int = 100, seed: int = 1, notes: tuple[int, int] = (0, 12)) -> list[Path]:
    """Write *count* documents under *out*; returns their folders."""
    folders = []
    for index in range(count):
        folder = out / f"synthetic-{index:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in document(index, seed, notes).items():
            (folder / name).write_text(text, "utf-8")
        folders.append(folder)
    return folders


# ---------------------------------------------------------------- the long document (#24)

LONG_PARAGRAPHS_PER_PAGE = 7.5  # measured: 600 paragraphs of `long_document` make ~80 US Letter pages
LONG_NOTE_EVERY = 2  # a footnote every other paragraph
_LONG_CLAUSES = [
    "the relevant resolutions and decisions of the General Assembly and of the Economic and Social Council",
    "the reports of the Secretary-General on the implementation of the present resolution",
    "the need to strengthen international cooperation, including through the exchange of information",
    "the importance of the publication of documents in all official languages at the same time",
    "the work of the Committee on Conferences and of the Department for General Assembly and Conference Management",
    "the interoperability of the telecommunications and information systems of the United Nations",
    "the internationalization of standards for the archiving of official records",
    "the contributions of Member States, regional organizations and civil society",
    "the Convention on the Rights of the Child and the Optional Protocols thereto",
    "document A/79/100 and Corr.1, and E/CN.15/2024/12",
]


def _long_text(rng: random.Random, pool: list[str], low: int, high: int, comma: str = ", ") -> str:
    parts = [rng.choice(pool) for _ in range(rng.randint(low, high))]
    return comma.join(parts)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]  # not str.capitalize: "A/99/100" stays a document symbol


def _long_note(rng: random.Random, pool: list[str], first: bool, lang: str = "en") -> str:
    _, _, comma, _, stop = SOURCES[lang]
    kind = rng.random()
    if kind < 0.3 and not first:
        return IBID.get(lang, "Ibid.")
    if kind < 0.85:
        return _sentence(_long_text(rng, pool, 1, 2, comma)) + stop
    joint = stop if lang == "zh" else stop + " "
    return joint.join(_sentence(_long_text(rng, pool, 2, 3, comma)) for _ in range(rng.randint(2, 4))) + stop


def _long_resolution(rng: random.Random, paragraphs: list[str], notes: dict[str, str], number: int,
                     lang: str = "en") -> dict:
    """A resolution: the first quarter of the paragraphs preambular, the rest operative, one in
    eight of those with three items."""
    verbs = ["recalling", "noting", "welcoming", "recognizing", "reaffirming"]
    clauses = _LONG_CLAUSES if lang == "en" else fragments(lang)
    _, _, comma, semicolon, _ = SOURCES[lang]
    comma, semicolon, colon = comma.strip(), semicolon.strip(), "：" if lang == "zh" else ":"
    split = len(paragraphs) // 4
    preamble = [{verbs[i % len(verbs)]: text + comma} for i, text in enumerate(paragraphs[:split])]
    operative = []
    for i, text in enumerate(paragraphs[split:]):
        if i % 8 == 7:
            operative.append({"text": _long_text(rng, clauses, 1, 1) + colon,
                              "items": [text + semicolon] + [_long_text(rng, clauses, 1, 2, SOURCES[lang][2]) + semicolon
                                                             for _ in range(2)]})
        else:
            operative.append(text + semicolon)
    return {"title": f"Long resolution number {number}", "session": ["Ninety-ninth session", "Agenda item 1"],
            "formula": "The General Assembly,", "preamble": preamble, "operative": operative, "footnotes": notes}


def _long_report(rng: random.Random, paragraphs: list[str], notes: dict[str, str], number: int,
                 lang: str = "en") -> dict:
    """A report: chapters of about twenty paragraphs, each split into sections A., B. of about seven,
    one paragraph in eight with three items, and a table of five rows in every other chapter."""
    if lang != "en":
        raise ValueError("a long report is written in English only")
    chapters = []
    for c in range(0, len(paragraphs), 20):
        chunk = paragraphs[c:c + 20]
        sections = []
        for s_ in range(0, len(chunk), 7):
            body = []
            for i, text in enumerate(chunk[s_:s_ + 7]):
                if i % 8 == 7:
                    body.append({"text": _long_text(rng, _LONG_CLAUSES, 1, 1) + ":",
                                 "items": [text + ";"] + [_long_text(rng, _LONG_CLAUSES, 1, 2) + ";" for _ in range(2)]})
                else:
                    body.append(_sentence(text) + ".")
            sections.append({"section": _sentence(_long_text(rng, _LONG_CLAUSES, 1, 1)), "body": body})
        if (c // 20) % 2 == 1:
            rows = [[f"A/99/{100 + c + r}", str(r + 1), _sentence(_long_text(rng, _LONG_CLAUSES, 1, 1))] for r in range(5)]
            sections[-1]["body"].append({"table": {"header": [["Symbol", "Item", "Title"]], "rows": rows}})
        chapters.append({"title": _sentence(_long_text(rng, _LONG_CLAUSES, 1, 1)), "body": sections})
    return {"session": ["Ninety-ninth session", "Agenda item 1"], "title": f"Long report number {number}",
            "chapters": chapters, "footnotes": notes}


_LONG_KINDS = {"resolution": _long_resolution, "report": _long_report}


def long_document(pages: int = 80, seed: int = 1, kind: str = "resolution", lang: str = "en") -> dict[str, str]:
    """The files of a long document of about *pages* pages (in English: US Letter pages): {file
    name: YAML text}. Paragraphs of 3 to 10 clauses of the specimen's text (in Chinese, of the
    seed's) and, in English, `_LONG_CLAUSES`; every `LONG_NOTE_EVERY`-th paragraph calls a
    footnote (at its end or after one of its clauses), of which 30 % "Ibid." (not the first),
    the rest one to four sentences. The same arguments give the same bytes."""
    rng = random.Random(f"long-{seed}-{pages}" if lang == "en" else f"long-{seed}-{pages}-{lang}")
    pool = fragments(lang) + (_LONG_CLAUSES if lang == "en" else [])
    comma = SOURCES[lang][2]
    count = max(4, round(pages * LONG_PARAGRAPHS_PER_PAGE))
    paragraphs, notes = [], {}
    for i in range(count):
        clauses = [rng.choice(pool) for _ in range(rng.randint(3, 10))]
        if i % LONG_NOTE_EVERY == 1:
            key = f"n{len(notes) + 1}"
            notes[key] = _long_note(rng, pool, not notes, lang)
            at = rng.choice((len(clauses), rng.randint(1, len(clauses))))
            clauses[at - 1] += f"[^{key}]"
        paragraphs.append(comma.join(clauses))
    meta = {"type": "resolution", "number": f"99/{900 + pages}", "organ": "un-ga", "session": 99,
            "adopted": dt.date(2044, 11, 14), "original": lang, "symbol": f"A/RES/99/{900 + pages}",
            "distributed": dt.date(2044, 11, 20), "duty_station": "new-york", "job_number": f"N.44-{pages:05d}",
            "footnotes_start": 1}
    if kind == "report":
        meta = {"type": "report", "organ": "un-ga", "session": 99, "original": lang, "symbol": f"A/99/{900 + pages}",
                "distributed": dt.date(2044, 11, 20), "duty_station": "new-york", "job_number": f"N.44-{pages:05d}",
                "footnotes": "continuous"}
    text = _LONG_KINDS[kind](rng, paragraphs, notes, pages, *(() if lang == "en" else (lang,)))
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)  # noqa: E731
    return {"document.yaml": dump(meta), f"{lang}.yaml": dump(text)}


def generate_long(out: Path, pages: int = 80, seed: int = 1, kind: str = "resolution", lang: str = "en") -> Path:
    """Write `long_document` into the folder *out*/long-<pages> (a report: long-report-<pages>;
    not in English: long-<pages>-<lang>); returns it."""
    folder = out / ((f"long-{pages}" if kind == "resolution" else f"long-{kind}-{pages}") + ("" if lang == "en" else f"-{lang}"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in long_document(pages, seed, kind, lang).items():
        (folder / name).write_text(text, "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--notes", default="0-12", help="footnotes per document, MIN-MAX")
    parser.add_argument("--long", type=int, default=None, metavar="PAGES",
                        help="instead: one long document of about PAGES pages (OUT/long-PAGES)")
    parser.add_argument("--lang", default="en", choices=tuple(SOURCES), help="with --long: its language (a resolution)")
    parser.add_argument("--kind", default="resolution", choices=tuple(_LONG_KINDS),
                        help="with --long: a resolution, or a report (chapters, sections, tables)")
    args = parser.parse_args()
    if args.long:
        generate_long(args.out, args.long, args.seed, args.kind, args.lang)
        return
    low, high = (int(x) for x in args.notes.split("-"))
    generate(args.out, args.count, args.seed, (low, high))


if __name__ == "__main__":
    main()
