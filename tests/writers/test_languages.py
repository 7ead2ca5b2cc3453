"""English, French, Spanish and Russian set to their norms, read back from the outputs.

Expected words are written here by hand from languages.md (UN documents), not taken from
docgen's tables: a wrong table entry fails these tests.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pdfplumber
import pyphen
import pytest
from lxml import etree

from docgen import pipeline
from docgen.data import fonts
from docgen.model import plain_text

from tests.conftest import SPECIMEN, run_docgen
from tests.pdflines import is_raised, lines

LATIN = ("en", "fr", "es", "ru")
CM = 72 / 2.54
COLUMN = (60 + 2 * CM, 612.0 - 60 - 2 * CM)  # US Letter (New York), 2 cm inside the frame
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: the source text never holds it
PYPHEN = {"en": "en_GB", "fr": "fr", "es": "es", "ru": "ru_RU"}  # UN English is British
LIMITS = {"en": (3, 3), "fr": (2, 3), "es": (2, 2), "ru": (2, 2)}  # letters kept before/after a break (layout.yaml)
WORD_LANG = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "ru": "ru-RU"}
AKN_LANG = {"en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "zh": "zho"}

MASTHEAD = {  # languages.md: French and Spanish in their own language, Russian keeps English
    "en": ["United Nations", "General Assembly", "Distr.: General", "20 November 2044", "N.44-00001 (E)"],
    "fr": ["Nations Unies", "Assemblée générale", "Distr. générale", "20 novembre 2044", "Français",
           "N.44-00001 (F)"],
    "es": ["Naciones Unidas", "Asamblea General", "Distr. general", "20 de noviembre de 2044", "Español",
           "N.44-00001 (S)"],
    "ru": ["Организация Объединенных Наций", "Генеральная Ассамблея", "Distr.: General", "20 November 2044",
           "Russian", "N.44-00001 (R)"],
}
# An adopted General Assembly resolution (A/RES): the adoption line and the committee bracket under
# the session lines (forms.md §1.2-1.3, typed from the sources), and no "Original:" line.
ADOPTION = {
    "en": ["Resolution adopted by the General Assembly on 14 November 2044",
           "[on the report of the Third Committee (A/99/500)]"],
    "fr": ["Résolution adoptée par l’Assemblée générale le 14 novembre 2044",
           "[sur la base du rapport de la Troisième Commission (A/99/500)]"],
    "es": ["Resolución aprobada por la Asamblea General el 14 de noviembre de 2044",
           "[sobre la base del informe de la Tercera Comisión (A/99/500)]"],
    "ru": ["Резолюция, принятая Генеральной Ассамблеей 14 ноября 2044 года",
           "[по докладу Третьего комитета (A/99/500)]"],
}
LABELS = {  # sub-items: first level, second level (Editorial Manual)
    "en": ("(a)", "(b)", "(i)", "(ii)"),
    "fr": ("a)", "b)", "i)", "ii)"),
    "es": ("a)", "b)", "i)", "ii)"),
    "ru": ("а)", "б)", "i)", "ii)"),  # Cyrillic а, б
}


@pytest.fixture(scope="module")
def specimen():
    docs, diagnostics = pipeline.read_all([SPECIMEN])
    assert docs, diagnostics
    return docs[0]


def pdf_path(built, lang):
    return built / "specimen" / f"specimen.{lang}.pdf"


def _pdftotext(path, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.fixture(scope="module")
def paragraphs(built):
    """Body and footnote paragraphs of each Latin-script specimen, as lines on the pages."""
    return {lang: lines(pdf_path(built, lang), (10.0, 9.0), notes_size=9.0, min_x0=COLUMN[0] - 20, top=72,
                        bottom_margin=55, first_top=200) for lang in LATIN}


# ---------------------------------------------------------------- PDF


@pytest.mark.parametrize("lang", LATIN)
def test_masthead_words_and_labels(built, lang):
    first = _squeeze(_pdftotext(pdf_path(built, lang), "-layout", "-f", "1", "-l", "1"))
    every = _squeeze(_pdftotext(pdf_path(built, lang), "-layout"))
    for words in MASTHEAD[lang]:
        assert words in first, words
    for label in LABELS[lang]:
        assert re.search(rf"(^|\s){re.escape(label)}\s", every), label
    if lang in ("fr", "es"):
        assert "Distr.: General" not in first and "Original: English" not in first
    for line in ADOPTION[lang]:
        assert line in first, line
    assert "Original" not in first  # an A/RES prints none (languages.md)


@pytest.mark.parametrize("lang", [*LATIN, "zh"])
def test_only_declared_fonts(built, lang):
    out = subprocess.run(["pdffonts", str(pdf_path(built, lang))], capture_output=True, text=True, check=True).stdout
    names = [row.split()[0].split("+")[1] for row in out.splitlines()[2:]]
    allowed = {"docgen-Times", "docgen-Times-Bold", "docgen-Times-Italic"}
    if lang == "zh":
        allowed |= {"docgen-Song-SC", "docgen-Hei-SC-Bold", "docgen-Song-SC-Bold"}
    assert names and set(names) <= allowed, names


@pytest.mark.parametrize("lang", LATIN)
def test_text_layer_equals_the_text(paragraphs, specimen, lang):
    """Body and footnotes read back from the page are the model's text, in order, once
    hyphenated line ends are joined (the hyphen WeasyPrint adds is U+2010, never in the source)."""
    version = specimen.versions[lang]
    expected = list(ADOPTION[lang]) + [plain_text(version.formula, True)]
    expected += [plain_text(p.text, True) for p in version.preamble]

    def items(its):
        for item in its:
            expected.append(item.num + plain_text(item.text, True))
            items(item.items)

    for p in version.operative:
        expected.append(p.num + plain_text(p.text, True))
        items(p.items)
    expected += version.closing
    notes = [str(n.number) + plain_text(n.text) for n in version.footnotes]
    paras = paragraphs[lang]
    body = [ln.text for p in paras if p[0].size == 10.0 for ln in p]
    found_notes = [ln.text for p in paras if p[0].size == 9.0 for ln in p]

    def flat(texts):
        return re.sub(r"\s+", "", "".join(texts).replace(HYPHEN, ""))

    assert flat(body) == flat(expected)
    assert flat(found_notes) == flat(notes)
    assert "\u202f" in "".join(body) or lang != "fr"


@pytest.mark.parametrize("lang", LATIN)
def test_hyphenated_breaks_are_allowed_by_pyphen(paragraphs, lang):
    """Every hyphenated line end splits a word where Pyphen's dictionary for the language (with
    the letter limits docgen sets per language) allows it, and only inside a word of letters."""
    left, right = LIMITS[lang]
    dictionary = pyphen.Pyphen(lang=PYPHEN[lang], left=left, right=right)
    for para in paragraphs[lang]:
        for line, following in zip(para, para[1:]):
            text = line.text.rstrip()
            if not text.endswith(HYPHEN):
                continue
            head = re.search(r"(\w+)" + HYPHEN + "$", text).group(1)
            unraised = "".join(c["text"] if not is_raised(c, following) else " " for c in following.chars)
            tail = re.match(r"\w+", unraised.lstrip()).group()  # a raised footnote number ends the word
            word = head + tail
            assert word.isalpha(), (word, "a number or symbol hyphenated")
            assert len(head) in dictionary.positions(word), (word, head)


def test_some_lines_are_hyphenated(paragraphs):
    """The specimens' long words make at least one hyphenated line (else the test above proves nothing)."""
    assert sum(line.text.rstrip().endswith(HYPHEN) for lang in LATIN for p in paragraphs[lang] for line in p) >= 2


def test_french_lines_never_start_or_end_with_a_spaced_mark(paragraphs):
    for para in paragraphs["fr"]:
        for line in para:
            text = line.text.strip()
            assert not re.match(r"^[;:!?»]", text), text
            assert not text.endswith("«"), text


def _word_gaps(line):
    """Widths of the gaps at spaces between words (U+0020 and U+00A0), from glyph positions."""
    chars = line.chars
    gaps = []
    for i, char in enumerate(chars[1:-1], 1):
        if char["text"] in " \u00a0":
            gaps.append(chars[i + 1]["x0"] - chars[i - 1]["x1"])
    return gaps


@pytest.mark.parametrize("lang", LATIN)
def test_word_spaces_at_most_twice_normal(paragraphs, lang):
    """In justified lines (all but a paragraph's last), no word space is wider than twice the
    font's normal space (Liberation Serif: 0.25 em), except on a line of a single unbreakable token."""
    wide = []
    for para in paragraphs[lang]:
        for line in para[:-1]:
            text = line.text.strip()
            words = text.split()
            if len(words) < 2:
                continue
            gaps = _word_gaps(line)
            if re.match(r"^(\d+\.|\(?[a-zа-я]+\)|\(?[ivx]+\)|[a-zа-я]\.)\s", text):
                gaps = gaps[1:]  # after a paragraph or item number: the tab to the text
            normal = 0.25 * line.size
            wide += [(line.page, text[:40], round(g, 2)) for g in gaps if g > 2 * normal + 0.05]
    assert not wide, wide


# ---------------------------------------------------------------- Word


def _xml(path, part):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("lang", LATIN)
def test_docx_language_on_every_style_and_run_and_hyphenation(built, lang):
    path = built / "specimen" / f"specimen.{lang}.docx"
    styles = _xml(path, "word/styles.xml")
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") in ("paragraph", "character"):
            assert style.find(f"{W}rPr/{W}lang").get(f"{W}val") == WORD_LANG[lang], style.get(f"{W}styleId")
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|footnotes|header\d*|footer\d*)\.xml$", n)]
    runs = 0
    for part in parts:
        for run in _xml(path, part).iter(f"{W}r"):
            assert run.find(f"{W}rPr/{W}lang").get(f"{W}val") == WORD_LANG[lang], part
            runs += 1
    assert runs > 50
    settings = _xml(path, "word/settings.xml")
    assert settings.find(f"{W}autoHyphenation") is not None
    heading = styles.find(f".//{W}style[@{W}styleId='H1']")
    assert heading.find(f"{W}pPr/{W}suppressAutoHyphens") is not None  # headings are never hyphenated


@pytest.mark.parametrize("lang", LATIN)
def test_docx_curly_quotes_stay_in_the_latin_face(built, lang):
    """Word draws “ ” ’ with the East Asian font when a run says w:hint="eastAsia": only Chinese runs may."""
    document = _xml(built / "specimen" / f"specimen.{lang}.docx", "word/document.xml")
    text = "".join(t.text or "" for t in document.iter(f"{W}t"))
    assert re.search("[“”’«»]", text)
    assert not [f for f in document.iter(f"{W}rFonts") if f.get(f"{W}hint") == "eastAsia"]


def test_docx_chinese_is_not_hyphenated(built):
    for path in (built / "specimen" / "specimen.zh.docx", built / "ctoc-cop-5-2" / "ctoc-cop-5-2.zh.docx"):
        assert _xml(path, "word/settings.xml").find(f"{W}autoHyphenation") is None


def test_docx_carries_french_no_break_spaces(built):
    path = built / "specimen" / "specimen.fr.docx"
    text = "".join(t.text or "" for t in _xml(path, "word/document.xml").iter(f"{W}t"))
    notes = "".join(t.text or "" for t in _xml(path, "word/footnotes.xml").iter(f"{W}t"))
    assert "résolution\u202f;" in text and "existantes\u00a0:" in text
    assert "«\u202finternationalisation\u202f»" in text and "quoi\u202f?\u202f»" in text
    assert "commun\u202f?" in notes and "échanger\u202f!" in notes
    assert not re.search(r"[^\u202f\u00a0][;!?»]", text.replace("»\u202f;", "")), "a mark without its space"


# ---------------------------------------------------------------- Akoma Ntoso


@pytest.mark.parametrize("lang", [*LATIN, "zh"])
def test_akn_language(built, lang):
    tree = etree.parse(str(built / "specimen" / f"specimen.{lang}.xml"))
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    assert tree.xpath("//a:FRBRExpression/a:FRBRlanguage/@language", namespaces=ns) == [AKN_LANG[lang]]


# ---------------------------------------------------------------- fonts by language, glyph check


def test_every_specimen_character_has_a_face_in_its_language(specimen):
    for lang, version in specimen.versions.items():
        for name, inlines, _ in version.texts():
            text = plain_text(inlines)
            assert fonts.uncovered(text, lang, "heading" if name == "title" else "body") == [], (lang, name)


def test_same_code_point_different_face_by_language():
    """“ ” and — are Liberation Serif's in Latin and Cyrillic text and the CJK face's in Chinese."""
    for ch in "“”‘’":
        assert fonts.drawing_family(ch, "en") == "docgen Times"
        assert fonts.drawing_family(ch, "ru") == "docgen Times"
        assert fonts.drawing_family(ch, "zh") == "docgen Song SC"
    assert fonts.drawing_family("A", "zh") == "docgen Times"  # Latin inside Chinese stays Latin
    assert fonts.drawing_family("№", "ru") == "docgen Times"


@pytest.mark.parametrize("lang,char", [("en", "中"), ("fr", "ب"), ("ru", "ก"), ("es", "\U0001F600"), ("zh", "ก")])
def test_characters_no_face_of_the_language_draws(lang, char):
    assert fonts.drawing_family(char, lang) is None
    assert fonts.uncovered(f"ab{char}c", lang) == [(2, char)]


def test_build_fails_on_a_character_the_language_cannot_draw(content_copy, tmp_path):
    path = content_copy / "specimen" / "fr.yaml"
    path.write_text(path.read_text("utf-8").replace("Prend acte", "Prend 中 acte"), "utf-8")
    result = run_docgen("build", content_copy / "specimen", "--lang", "fr", "--format", "pdf", "--out", tmp_path)
    assert result.returncode == 1
    assert "U+4E2D" in result.stderr + result.stdout and "French" in result.stderr + result.stdout
    assert not (tmp_path / "specimen" / "specimen.fr.pdf").exists()


def test_one_process_renders_chinese_then_latin(specimen):
    """A build worker renders documents one after another: a Chinese page (Latin face limited to
    Latin code points) must not leave an English page without its “ ” (a fallback font)."""
    from docgen.writers import Settings, writer

    write = writer("pdf")
    write(specimen, specimen.versions["zh"], Settings())
    for lang in LATIN:
        assert write(specimen, specimen.versions[lang], Settings()).startswith(b"%PDF")
