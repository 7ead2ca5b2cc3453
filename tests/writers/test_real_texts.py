"""Real UN texts (#22): the characters they use, in all six languages, print in every format.

The resolutions of the General Assembly's 80th session as the UN printed them use U+2011
NON-BREAKING HYPHEN throughout ("non‑proliferation"), which Liberation Serif and Noto Naskh lack.
`check` must pass them and every format must build: the PDF draws a hyphen that never breaks
(`fonts.SUBSTITUTES`), Word, Akoma Ntoso and HTML keep the character itself. Characters no face
has and nothing can stand in for are still refused by `check`.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml

from docgen import pipeline
from docgen.data import fonts
from docgen.writers import Settings, writer
from tests.conftest import SPECIMEN

LANGS = ("ar", "zh", "en", "fr", "es", "ru")
WORDS = ("non\u2011proliferation", "non\u2011governmental", "anti\u2011personnel", "co\u2011operation")


def pdf_text(data: bytes, raw: bool = False) -> str:
    args = ["pdftotext", *(["-raw"] if raw else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def errors(diagnostics) -> list[str]:
    return [str(d) for d in diagnostics if d.severity == "error"]


def specimen_with(tmp_path: Path, edit) -> Path:
    """A copy of the specimen whose language versions `edit(lang, data)` changes."""
    folder = tmp_path / "specimen"
    shutil.copytree(SPECIMEN, folder)
    for lang in LANGS:
        path = folder / f"{lang}.yaml"
        data = yaml.safe_load(path.read_text("utf-8"))
        edit(lang, data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


# ---------------------------------------------------------------- U+2011 and its kind


@pytest.fixture(scope="module")
def hyphenated(tmp_path_factory):
    """The specimen with a long preambular paragraph of U+2011 compounds in every language (lines
    must end next to them), the compounds in emphasis, a note and a closing line, and ℃."""
    def edit(lang, data):
        long = " ".join(WORDS[i % 4] for i in range(60))
        data["preamble"].insert(0, {"noting": f"{long} 25\u2103[^nbh]"})
        data["operative"][0] = f"*{' '.join(WORDS)}* {data['operative'][0]}"
        data["footnotes"]["nbh"] = f"See {WORDS[0]} and {WORDS[1]}."
        data["closing"][0] = f"{data['closing'][0]} ({WORDS[3]})"

    folder = specimen_with(tmp_path_factory.mktemp("nbh"), edit)
    doc, diagnostics = pipeline.read(folder)
    return doc, diagnostics


def test_check_passes_texts_with_non_breaking_hyphens(hyphenated):
    doc, diagnostics = hyphenated
    assert doc is not None and errors(diagnostics) == []


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_draws_a_hyphen_that_never_breaks(hyphenated, lang):
    """Every compound reads back whole from the PDF's text layer: no line ends at its hyphen,
    the text layer holds U+002D there (or U+2011 where the face has it: Chinese body text)."""
    doc, _ = hyphenated
    data = writer("pdf")(doc, doc.versions[lang], Settings())
    text = pdf_text(data, raw=lang == "ar")
    lines = [line.strip() for line in text.splitlines()]
    for line in lines:
        assert not re.search(r"(^|\s)(non|anti|co)[-\u2011]$", line), line
        assert not re.match(r"^(proliferation|governmental|personnel|operation)\b", line), line
    whole = sum(text.count(w) + text.count(w.replace("\u2011", "-")) for w in WORDS)
    hyphen_breaks = sum(1 for line in lines if line.endswith("\u2010"))  # WeasyPrint's own hyphenation
    assert whole + hyphen_breaks >= 60 + 4 + 2 + 1, (lang, whole, hyphen_breaks)
    assert "25\u00b0C" in text or "25\u2103" in text


@pytest.mark.parametrize("fmt", ["docx", "akn", "html"])
def test_other_formats_keep_the_character(hyphenated, fmt):
    """Word, Akoma Ntoso and HTML carry U+2011 itself (their readers' fonts draw it)."""
    doc, _ = hyphenated
    for lang in ("en", "ar", "ru"):
        data = writer(fmt)(doc, doc.versions[lang], Settings())
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = z.read("word/document.xml")
        text = data.decode("utf-8")
        assert text.count("non\u2011proliferation") >= 15, (fmt, lang)
        assert "\u2103" in text


# ---------------------------------------------------------------- the characters of UN texts

# Characters common in UN texts (dashes, quotes, spaces, ellipsis, signs, primes, fractions,
# superscripts, currencies, arrows, bullets, script punctuation), by the languages that use them.
COMMON = {
    "all": "\u2010\u2011\u2013\u2014\u2018\u2019\u201c\u201d\u00a0\u202f\u2009\u2026\u00a7\u00b0\u2030"
           "\u00b1\u00d7\u2032\u2033\u00bd\u00bc\u00be\u2153\u2154\u215b\u00b2\u00b3\u00b9\u2082\u20ac\u00a3\u00a5$\u2022"
           "\u2020\u2021\u2192\u2116\u2212\u2103\u00ba\u00aa\u00b7\u00a9\u00ae\u2122%",
    "fr": "\u00ab\u00bb\u0153\u0152\u00e6\u00e9\u00e8\u00ea\u00e0\u00e7\u00ee\u00ef\u00f4\u00fb\u00f9",
    "es": "\u00a1\u00bf\u00f1\u00d1\u00e1\u00e9\u00ed\u00f3\u00fa\u00fc\u00ab\u00bb",
    "ru": "\u00ab\u00bb\u201e\u0401\u0451\u0410\u044f\u2116",
    "ar": "\u060c\u061b\u061f\u066a\u066b\u066c\u0640\u0660\u0669\u200f\u200e",
    "zh": "\u3001\u3002\u300a\u300b\u3008\u3009\u300c\u300d\u3010\u3011\uff08\uff09\uff0c\uff1a\uff1b\uff01"
          "\uff1f\u00b7\u2014\u2026\uff05\u2103",
}
# Common characters no face of the language has and nothing faithful can stand in for.
REFUSED: dict[str, str] = {lang: "" for lang in LANGS}


def test_every_common_character_prints_in_every_language():
    """Each common character, in each language and font role, is drawn by a face or by its
    stand-in (fonts.SUBSTITUTES); the roles of a version's text: body, heading, emphasis (the
    organ role sets only organ names, from organs.yaml)."""
    missing = []
    for lang in LANGS:
        for ch in dict.fromkeys(COMMON["all"] + COMMON.get(lang, "")):
            for role in ("body", "heading", "emphasis"):
                if fonts.uncovered(ch, lang, role) and ch not in REFUSED[lang]:
                    missing.append(f"{lang} {role} U+{ord(ch):04X} {unicodedata.name(ch, '?')}")
    assert missing == []


def test_stand_ins_only_where_a_face_lacks_the_character():
    assert fonts.substitute("\u2011", "en") == "\u2060-\u2060"
    assert fonts.substitute("\u2011", "ar") == "\u2060-\u2060"
    assert fonts.substitute("\u2011", "zh") is None  # the Song face has it
    assert fonts.substitute("\u2011", "zh", "emphasis") == "\u2060-\u2060"  # Kai has not
    assert fonts.substitute("\u2103", "zh") is None
    assert fonts.printable("a\u2011b", "ru") == "a\u2060-\u2060b"


@pytest.mark.parametrize("char", ["\u20bd", "\u2031", "\u21d2", "\u2023"])
def test_check_still_refuses_what_no_face_can_print(tmp_path, char):
    """₽ ‱ ⇒ ‣ in English: no face, no stand-in: refused where they are."""
    def edit(lang, data):
        if lang == "en":
            data["operative"][0] = f"{data['operative'][0]} 5{char}"

    doc, diagnostics = pipeline.read(specimen_with(tmp_path, edit))
    found = errors(diagnostics)
    assert len(found) == 1 and f"U+{ord(char):04X}" in found[0] and "en.yaml" in found[0], found


# ---------------------------------------------------------------- footnotes near page ends

FILLER = {
    "en": ("Recalling the relevant resolutions and decisions of the General Assembly and of the Economic and "
           "Social Council on the question, and taking note of the reports of the Secretary-General thereon"),
    "fr": ("Rappelant les résolutions et décisions pertinentes de l’Assemblée générale et du Conseil économique "
           "et social sur la question, et prenant note des rapports du Secrétaire général à ce sujet"),
    "ru": ("ссылаясь на соответствующие резолюции и решения Генеральной Ассамблеи и Экономического и "
           "Социального Совета по этому вопросу и принимая к сведению доклады Генерального секретаря"),
    "ar": ("إذ تشير إلى القرارات والمقررات ذات الصلة التي اتخذتها الجمعية العامة والمجلس الاقتصادي والاجتماعي "
           "بشأن هذه المسألة، وإذ تحيط علما بتقارير الأمين العام عنها"),
    "zh": "回顾大会和经济及社会理事会关于这个问题的有关决议和决定，并注意到秘书长关于这个问题的各次报告",
    "es": ("Recordando las resoluciones y decisiones pertinentes de la Asamblea General y del Consejo Económico "
           "y Social sobre la cuestión, y tomando nota de los informes del Secretario General al respecto"),
}
IBID = {"en": "Ibid.", "fr": "Ibid.", "es": "Ibid.", "ru": "Там же.", "ar": "المرجع نفسه.", "zh": "同上。"}


def notes_near_page_ends(seed: int, lang: str) -> dict:
    """A version whose preambular paragraphs (of 1 to 9 clauses) carry, at random places, short
    "Ibid." notes, long notes of several sentences and runs of notes: with the paragraphs'
    lengths drawn at random, calls fall at every height of the page, many on its last lines."""
    import random

    rnd = random.Random(seed)  # the same structure in every language (versions are parallel)
    sep = "，" if lang == "zh" else ", "
    notes, preamble = {}, []
    for p in range(rnd.randint(8, 22)):
        clauses = [FILLER[lang]] * rnd.randint(1, 9)
        text = sep.join(clauses)
        calls = []
        for _ in range(rnd.choice((0, 1, 1, 1, 2, 3))):
            key = f"n{len(notes) + 1}"
            kind = rnd.random()
            notes[key] = (IBID[lang] if kind < 0.5 else
                          " ".join([FILLER[lang] + ("。" if lang == "zh" else ".")] * rnd.randint(1, 4)))
            calls.append(key)
        if calls:
            at = rnd.choice(("end", "middle"))
            words = text.split(" ") if lang != "zh" else list(text)
            where = rnd.random()  # drawn in every language alike: the structure stays parallel
            cut = len(words) if at == "end" else max(1, int(where * len(words)))
            joiner = "" if lang == "zh" else " "
            text = joiner.join(words[:cut]) + "".join(f"[^{k}]" for k in calls) + joiner + joiner.join(words[cut:])
        preamble.append({"recalling": text.strip() + ("，" if lang == "zh" else ",")})
    return {"preamble": preamble, "notes": notes}


def generated(tmp_path: Path, seed: int, langs=LANGS) -> Path:
    def edit(lang, data):
        made = notes_near_page_ends(seed, lang)
        data["preamble"] = made["preamble"]
        data["footnotes"] = made["notes"]
        data["operative"] = [data["operative"][0].split("[^")[0]]

    return specimen_with(tmp_path / f"doc{seed}", edit)


# ---------------------------------------------------------------- smaller things


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_symbol_never_breaks_after_its_inner_dot(tmp_path, lang):
    """E/C.12/GC/19 at every place of a line (one more word each time): never "E/C." | "12/GC/19"."""
    words = {"ar": "التقرير", "zh": "报告"}

    def edit(l, data):
        word = words.get(l, "report")
        data["preamble"] = [{"noting": " ".join([word] * k + ["E/C.12/GC/19"]) + ","} for k in range(1, 25)]
        data["preamble"][0]["noting"] += "[^unts][^report]"

    doc, diagnostics = pipeline.read(specimen_with(tmp_path, edit))
    assert errors(diagnostics) == []
    text = pdf_text(writer("pdf")(doc, doc.versions[lang], Settings()), raw=lang == "ar")
    assert text.count("E/C.12/GC/19") == 24, text
    assert not re.search(r"E/C\.\s*$", text, re.M) and not re.search(r"^\s*12/GC", text, re.M)


def test_chinese_closing_lines_have_the_han_latin_gap(tmp_path):
    """"第87次全体会议": a quarter em between Han and the digits, as in the body and the Word draft."""
    import pdfplumber

    def edit(l, data):
        if l == "zh":
            data["closing"] = ["第87次全体会议", "2031年9月8日"]  # pairs found nowhere else on the page

    doc, diagnostics = pipeline.read(specimen_with(tmp_path, edit))
    assert errors(diagnostics) == []
    with pdfplumber.open(io.BytesIO(writer("pdf")(doc, doc.versions["zh"], Settings()))) as pdf:
        chars = pdf.pages[-1].chars  # the closing lines end the text
    gaps = []
    for a, b in zip(chars, chars[1:]):
        pair = a["text"] + b["text"]
        if pair in ("第8", "7次", "1年", "年9", "9月", "月8", "8日") and abs(a["top"] - b["top"]) < 1:
            gaps.append((pair, round(b["x0"] - a["x1"], 2)))
    assert len(gaps) == 7, gaps
    assert all(gap >= 0.2 * 10.5 for _, gap in gaps), gaps


@pytest.mark.parametrize("organ", ["un-ccpcj", "un-ctoc-cop", "un-cnd"])
def test_masthead_organ_name_keeps_clear_of_the_right_hand_block(tmp_path, organ):
    """The organ's name, wrapped or not, ends at least 6 pt before "Distr.: General" (A4 pages:
    the Russian "Комиссия по предупреждению" touched it), on the left of it in Arabic."""
    import pdfplumber

    folder = specimen_with(tmp_path, lambda lang, data: None)
    meta = folder / "document.yaml"
    meta.write_text(meta.read_text("utf-8").replace("organ: un-ga", f"organ: {organ}")
                    .replace("duty_station: new-york", "duty_station: vienna"), "utf-8")
    doc, diagnostics = pipeline.read(folder)
    assert errors(diagnostics) == []
    for lang in ("ru", "en", "fr", "es", "ar"):
        with pdfplumber.open(io.BytesIO(writer("pdf")(doc, doc.versions[lang], Settings()))) as pdf:
            page = pdf.pages[0]
            block = [c for c in page.chars if c["size"] < 11 and 40 < c["top"] < 120 and c["text"].isascii()
                     and c["fontname"].endswith("docgen-Times")]
            organ_chars = [c for c in page.chars if c["size"] > 12 and 40 < c["top"] < 200]  # 20 pt, or 14 pt (long)
        assert block and organ_chars
        if lang == "ar":
            gap = min(c["x0"] for c in organ_chars) - max(c["x1"] for c in block)
        else:
            gap = min(c["x0"] for c in block) - max(c["x1"] for c in organ_chars)
        assert gap >= 6, (lang, gap)


def test_repair_tries_other_places_before_giving_up(monkeypatch):
    """A footnote still misplaced after a break before its call's paragraph gets a break before
    the next paragraph, then earlier ones; found placed, the page is kept (the check is stubbed:
    "placed" here means "a break before the paragraph after the call's")."""
    from docgen.writers import pdf
    from docgen.writers.pdf import checks

    doc, _ = pipeline.read(SPECIMEN)
    from docgen.writers.html import render_html

    html = render_html(doc, doc.versions["en"])
    seen = []

    def placement(document):
        marked = document.html_marked
        seen.append(marked)
        return [] if marked == "after" else [checks.Misplaced(2, 1, [2])]

    real_html = pdf.gate.engine().HTML

    class Marking:
        def __init__(self, string, base_url):
            self.string = string

        def render(self, font_config):
            breaks = self.string.count("break-before: page") - html.count("break-before: page")  # the CSS has some
            after = pdf._paragraph_start(html, 2, 1)
            document = type("D", (), {})()
            document.html_marked = "none" if not breaks else (
                "after" if self.string == pdf._break_before(html, [after]) else "other")
            return document

    monkeypatch.setattr(checks, "footnote_placement", placement)
    monkeypatch.setattr(pdf.gate, "engine", lambda: type("E", (), {"HTML": Marking}))
    assert pdf.render(html, config=object()).html_marked == "after"
    assert seen == ["none", "other", "after"]  # its own paragraph, then the next one
    assert real_html is not None


def test_repair_gives_up_with_the_places_it_tried(monkeypatch):
    from docgen.writers import RenderError, pdf
    from docgen.writers.pdf import checks
    from docgen.writers.html import render_html

    doc, _ = pipeline.read(SPECIMEN)
    html = render_html(doc, doc.versions["en"])
    monkeypatch.setattr(checks, "footnote_placement", lambda document: [checks.Misplaced(2, 1, [2])])
    monkeypatch.setattr(pdf.gate, "engine", lambda: type("E", (), {"HTML": lambda string, base_url: type(
        "H", (), {"render": lambda self, font_config: None})()}))
    with pytest.raises(RenderError, match=r"after 4 repair\(s\): footnote 2: call on page 1, body on page 2"):
        pdf.render(html, config=object())


@pytest.mark.parametrize("seed", range(8))
def test_generated_documents_with_notes_near_page_ends_build_in_every_language(tmp_path, seed):
    """Documents `check` passes build as PDF in all six languages: short "Ibid." notes in
    preambular paragraphs, long notes, runs of notes, at every height of the page; each PDF's
    notes read back once each, in order (the writer itself checks each is on its call's page)."""
    doc, diagnostics = pipeline.read(generated(tmp_path, seed))
    assert doc is not None and errors(diagnostics) == []
    for lang in LANGS:
        version = doc.versions[lang]
        data = writer("pdf")(doc, version, Settings())  # raises if a note is not on its call's page
        text = pdf_text(data)
        ibid = sum(1 for note in version.footnotes if "".join(getattr(t, "text", "") for t in note.text) == IBID[lang])
        probe = {"ar": "نفسه", "ru": "Там же", "zh": "同上"}.get(lang, "Ibid.")  # Arabic reads back in visual order
        assert ibid and text.count(probe) >= ibid, (lang, seed, ibid, text.count(probe))


@pytest.mark.parametrize("words", [7, 9])
def test_url_in_an_arabic_note_breaks_without_a_stray_hyphen(tmp_path, words):
    """A URL broken at "-" in an Arabic note: the hyphen ends the URL's first line (it was drawn
    at the start of the line, before "https", read back as "-https://...")."""
    url = "https://www.un.org/securitycouncil/sanctions/1267/aq-sanctions-list/summaries-of-reasons-for-listing"

    def edit(lang, data):
        if lang == "ar":
            data["footnotes"]["report"] = f"انظر {' '.join(['الموقع الشبكي'] * words)} {url} وما يليه."

    doc, diagnostics = pipeline.read(specimen_with(tmp_path, edit))
    assert errors(diagnostics) == []
    lines = pdf_text(writer("pdf")(doc, doc.versions["ar"], Settings()), raw=True).splitlines()
    parts = [line for line in lines if "un.org" in line or "listing" in line]
    assert len(parts) == 2, parts
    assert not any(re.search(r"(^|\s)[-/]https", line) for line in parts), parts
    first = re.search(r"https://\S+", parts[0]).group()
    assert first.endswith("-") and url.startswith(first), parts


def _page_started_by_the_call_paragraph(tmp_path: Path, lang: str, x: int, y: int) -> str:
    """The print HTML of a version whose paragraph X (x words, an "Ibid." note called at its end)
    begins a page, followed by a paragraph Y of y words (several lines) and more text: when Y
    starts at a page's second-last line, WeasyPrint 70 makes room for Y's second line by pushing
    the page's last note, X's, to the next page; a break before X, the only repair tried before,
    changes nothing (X already begins its page). The A/RES/80/52 failure. (Words are cut at
    spaces: not for Chinese.)"""
    from docgen.writers.html import render_html

    def edit(l, data):
        w = ((FILLER[l] + ", ") * 40).split(" ")
        data["preamble"] = [{"recalling": " ".join(w[:30]) + ","},
                            {"recalling": "XSTART " + " ".join(w[:x]) + "[^a],"},
                            {"recalling": " ".join(w[:y]) + ","},
                            {"recalling": " ".join(w[:300]) + ","}]
        data["footnotes"] = {"a": IBID[l]}
        data["operative"] = [data["operative"][0].split("[^")[0]]

    doc, diagnostics = pipeline.read(specimen_with(tmp_path, edit))
    assert errors(diagnostics) == []
    html = render_html(doc, doc.versions[lang])
    start = html.rindex("<p ", 0, html.index("XSTART"))
    return html[:start] + '<p style="break-before: page" ' + html[start + 3:]


def renders_per_length(lang: str, lengths, folder: str) -> list[tuple[int, list[str]]]:
    """How many layouts `render` made of each `_page_started_by_the_call_paragraph` page (1: the
    first was right): whole layouts and stretches laid out again (writers/pdf: repairs after the
    first layout are made stretch by stretch), and the places of the breaks they were laid out
    with: "X" (before the call's paragraph), "Y" (before the paragraph after it), "Z" (before
    the one after that), or the offset; raises if one could not be repaired."""
    from docgen.writers import pdf

    results: list[tuple[int, list[str]]] = []
    lay_out = pdf._Text.lay_out
    for x in lengths:
        html = _page_started_by_the_call_paragraph(Path(folder) / str(x), lang, x, 90)
        X = html.rindex("<p ", 0, html.index("XSTART"))
        Y = html.index("<p ", X + 1)
        names = {X: "X", Y: "Y", html.index("<p ", Y + 1): "Z"}
        places: set[str] = set()

        def recorded(self, breaks, *args, **kwargs):
            places.update(names.get(b, str(b)) for b in breaks)
            return lay_out(self, breaks, *args, **kwargs)

        pdf._Text.lay_out = recorded
        try:
            before = pdf.stats["layouts"] + pdf.stats.get("stretches", 0)
            pdf.render(html, pdf.font_configuration())
            results.append((pdf.stats["layouts"] + pdf.stats.get("stretches", 0) - before, sorted(places)))
        finally:
            pdf._Text.lay_out = lay_out
    return results


@pytest.mark.parametrize("lang, lengths", [("en", range(600, 622, 2)), ("fr", range(618, 636, 2)),
                                           ("ru", [*range(418, 428, 2), *range(510, 520, 2)])])
def test_note_pushed_on_by_the_next_paragraph_is_repaired(tmp_path, lang, lengths):
    """X begins page 2 and its last lines, with the call, end near the page's foot: for some of
    these lengths WeasyPrint pushes X's note to page 3 (the first render is wrong); every one is
    repaired by one break, before the paragraph WeasyPrint pushed the note on for: the one
    that begins at the page's foot and runs on (Z, after Y, at these lengths: Y fits). A
    break before X's own paragraph, tried first before, changed nothing; one before Y, tried
    next, moved Y off a page it fitted on. In a process of its own: what earlier tests leave in
    this one moved the lines (fr, ru) by a few points."""
    import json
    import sys

    code = ("import json, sys; from tests.writers.test_real_texts import renders_per_length; "
            f"print(json.dumps(renders_per_length({lang!r}, {list(lengths)!r}, {str(tmp_path)!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    # misplaced (a whole first layout, without its blocks' places), laid out again with them, then repaired
    assert any(renders == 3 and places in (["Y"], ["Z"]) for renders, places in results), results
    assert all(places in ([], ["Y"], ["Z"]) and renders <= 3 for renders, places in results), results
