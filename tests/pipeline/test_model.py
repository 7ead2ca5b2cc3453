"""Numbers are computed once in the model: footnotes by first call in the original, reused by key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen import pipeline, readers, transforms
from docgen.model import calls, plain_text

META = """type: resolution
number: 1/1
organ: un-ga
session: 1
adopted: 2020-01-02
original: en
symbol: A/RES/1/1
distributed: 2020-01-03
duty_station: new-york
footnotes_start: {start}
references:
  ga-64-293: {{organ: un-ga, type: resolution, number: 64/293, adopted: 2010-07-30}}
"""
EN = """title: Title
formula: The General Assembly,
preamble:
  - recalling: "*Recalling* a[^a] and b,[^b]"
operative:
  - text: "*Decides* that:"
    items:
      - first[^c]
      - text: second
        items: [one, two, three]
  - See [resolution 64/293](ref:ga-64-293).
footnotes:
  a: Note A.
  b: Note B.
  c: Note C.
"""
# The French sentence puts the calls of a and b the other way round.
FR = """title: Titre
formula: L'Assemblée générale,
preamble:
  - recalling: "*Rappelant* b[^b] et a,[^a]"
operative:
  - text: "*Décide* que :"
    items:
      - premier[^c]
      - text: second
        items: [un, deux, trois]
  - Voir la [résolution 64/293](ref:ga-64-293).
footnotes:
  b: Note B.
  a: Note A.
  c: Note C.
"""


def make(tmp_path: Path, start: int = 1) -> Path:
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "document.yaml").write_text(META.format(start=start), "utf-8")
    (folder / "en.yaml").write_text(EN, "utf-8")
    (folder / "fr.yaml").write_text(FR, "utf-8")
    return folder


def numbers(version) -> list[tuple[str, int]]:
    return [(c.key, c.number) for _, t, _ in version.blocks() for c in calls(t)]


def test_translation_keeps_the_originals_numbers(tmp_path):
    docs, diagnostics = pipeline.read_all([make(tmp_path)])
    assert docs, diagnostics
    doc = docs[0]
    assert numbers(doc.versions["en"]) == [("a", 1), ("b", 2), ("c", 3)]
    assert numbers(doc.versions["fr"]) == [("b", 2), ("a", 1), ("c", 3)]
    assert [(n.key, n.number) for n in doc.versions["fr"].footnotes] == [("a", 1), ("b", 2), ("c", 3)]


def test_numbering_starts_where_the_report_left_off(tmp_path):
    docs, _ = pipeline.read_all([make(tmp_path, start=23)])
    assert numbers(docs[0].versions["en"]) == [("a", 23), ("b", 24), ("c", 25)]


def test_labels_and_references(tmp_path):
    docs, _ = pipeline.read_all([make(tmp_path)])
    en = docs[0].versions["en"]
    assert [p.num for p in en.operative] == ["1.", "2."]
    assert [i.num for i in en.operative[0].items] == ["(a)", "(b)"]
    assert [i.num for i in en.operative[0].items[1].items] == ["(i)", "(ii)", "(iii)"]
    ref = en.operative[1].text[1]
    assert ref.href == "/akn/un/statement/deliberation/un-ga/2010-07-30/64-293"
    assert plain_text(en.preamble[0].text, with_calls=True) == "Recalling a1 and b,2"
    assert en.heading == "1/1."


def test_seed_numbering_falls_back_to_the_version_present(tmp_path):
    """5/2's original (English) taken out of the folder: the Chinese order numbers, and check says so."""
    import shutil

    from tests.conftest import ZH

    folder = tmp_path / ZH.name
    shutil.copytree(ZH, folder)
    (folder / "en.yaml").unlink()
    docs, diagnostics = pipeline.read_all([folder])
    assert [n.number for n in docs[0].versions["zh"].footnotes] == list(range(1, 8))
    assert any("numbered by their order in zh.yaml" in d.message for d in diagnostics)
    # the seed's 同上 warning is acknowledged in zh.yaml (# docgen: ok ibid-first): not reported
    assert not any("同上" in d.message for d in diagnostics)


# ---------------------------------------------------------------- typography by language


def _typeset(tmp_path, lang: str, paragraph: str):
    """One operative paragraph in `lang`, through the reader and the transforms."""
    import shutil

    from docgen.model import plain_text

    from tests.conftest import SPECIMEN

    folder = tmp_path / "doc"
    folder.mkdir()
    shutil.copy(SPECIMEN / "document.yaml", folder / "document.yaml")
    (folder / f"{lang}.yaml").write_text(
        "title: T\nformula: F,\noperative:\n  - " + json.dumps(paragraph, ensure_ascii=False) + "\n"
        + ("footnotes:\n  a: A note.\n" if "[^a]" in paragraph else ""), "utf-8")
    diagnostics = []
    doc = readers.read_document(folder, diagnostics)
    transforms.apply_all(doc, diagnostics)
    return plain_text(doc.versions[lang].operative[0].text, with_calls=False), diagnostics


NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize("typed", ["Il dit : « oui » ; puis ? non !", "Il dit: «oui»; puis? non!",
                                   f"Il dit{NBSP}: «{NBSP}oui{NBSP}»{NBSP}; puis{NBSP}? non{NBSP}!"])
def test_french_spacing_whatever_the_author_typed(tmp_path, typed):
    text, _ = _typeset(tmp_path, "fr", typed)
    assert text == f"Il dit{NBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}; puis{NNBSP}? non{NNBSP}!"


def test_french_spacing_leaves_times_links_and_grouped_marks(tmp_path):
    text, _ = _typeset(tmp_path, "fr", "à 10:30, voir https://un.org/fr, vraiment?!")
    assert text == f"à 10:30, voir https://un.org/fr, vraiment{NNBSP}?!"


def test_french_spacing_after_a_footnote_call_and_emphasis(tmp_path):
    text, _ = _typeset(tmp_path, "fr", "*Prie* le Secrétariat:")
    assert text == f"Prie le Secrétariat{NBSP}:"
    (tmp_path / "doc").rename(tmp_path / "first")
    text, _ = _typeset(tmp_path, "fr", "par machine[^a];")
    assert text == f"par machine{NNBSP};"  # the space goes after the call, before the mark


def test_no_french_spacing_in_english(tmp_path):
    text, _ = _typeset(tmp_path, "en", "It says: yes; really?")
    assert text == "It says: yes; really?"


@pytest.mark.parametrize("lang,expected", [("en", "an item entitled “Publication”, that is"),
                                           ("es", "an item entitled “Publication”, that is"),
                                           ("fr", f"an item entitled «{NNBSP}Publication{NNBSP}», that is"),
                                           ("ru", "an item entitled «Publication», that is")])
def test_straight_quotes_become_the_languages_marks(tmp_path, lang, expected):
    text, diagnostics = _typeset(tmp_path, lang, 'an item entitled "Publication", that is')
    assert text == expected
    assert not [d for d in diagnostics if d.severity == "warning"]


def test_apostrophe_between_letters(tmp_path):
    text, diagnostics = _typeset(tmp_path, "fr", "l'Assemblée et aujourd'hui")
    assert text == "l’Assemblée et aujourd’hui"
    assert not [d for d in diagnostics if d.severity == "warning"]


@pytest.mark.parametrize("typed", ['a "b c', 'x"y"z', "the States' rights"])
def test_ambiguous_straight_quotes_are_left_and_reported(tmp_path, typed):
    text, diagnostics = _typeset(tmp_path, "en", typed)
    assert text == typed
    assert [d for d in diagnostics if d.severity == "warning" and "left as typed" in d.message]


def test_chinese_text_is_not_converted(tmp_path):
    text, _ = _typeset(tmp_path, "zh", '题为"正式文件"的项目: 是')
    assert text == '题为"正式文件"的项目: 是'


@pytest.mark.parametrize("lang,labels", [("en", ["(a)", "(b)", "(i)", "a."]), ("fr", ["a)", "b)", "i)", "a."]),
                                         ("es", ["a)", "b)", "i)", "a."]), ("ru", ["а)", "б)", "i)", "а."]),
                                         ("zh", ["(a)", "(b)", "(i)", "a."])])
def test_item_labels_by_language(tmp_path, lang, labels):
    folder = tmp_path / "doc"
    folder.mkdir()
    import shutil

    from tests.conftest import SPECIMEN

    shutil.copy(SPECIMEN / "document.yaml", folder / "document.yaml")
    (folder / f"{lang}.yaml").write_text(
        "title: T\nformula: F,\noperative:\n  - text: x\n    items:\n      - y\n      - text: z\n"
        "        items:\n          - text: w\n            items: [v]\n", "utf-8")
    diagnostics = []
    doc = readers.read_document(folder, diagnostics)
    transforms.apply_all(doc, diagnostics)
    p = doc.versions[lang].operative[0]
    found = [p.items[0].num, p.items[1].num, p.items[1].items[0].num, p.items[1].items[0].items[0].num]
    assert found == labels
    assert [p.items[1].label, p.items[1].items[0].label] == ["b", "i"]  # identifiers stay Latin
