"""Property: generated documents (every field, all six languages' scripts, markup, nesting, long,
empty and odd values) never make `check` or the build raise; every error names a file; and when
`check` passes, every format of every language version builds.

`make test` runs a fixed, derandomized set (the "default" Hypothesis profile in conftest.py). For
a longer, random run while developing:

    DOCGEN_HYPOTHESIS=long .venv/bin/pytest -q tests/pipeline/test_property.py tests/pipeline/test_fuzz.py

(`long`: 400 examples each, a new random seed each run, printed on failure with the example.)
Arabic-script text is expected to be a clean check error until docgen has Arabic fonts.
"""

from __future__ import annotations

import datetime as dt
import itertools

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from docgen import pipeline
from docgen.building import fingerprint
from docgen.diagnostics import errors
from docgen.building.job import Job, run
from docgen.data.tables import CODES

SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèàçœÉñüß ,.;:!?'()-–—…«»/%&€ ",
    "quotes": "“”‘’",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗ ,.;:«»—",
    "han": "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
           "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
           "，。、；：？！“”《》（）——……第32条A/70/L.1 ",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي ،؛؟",
    "odd": "\u00a0\u200b\u2060\u0301\u00ad\u202f\u3000\U0001F600\ue000\u0915\u05d0\t\\\"'#:-",
}
MARKUP = ["*", "*x*", "[^n1]", "[^n2]", "[words](ref:r1)", "[w](ref:nope)", "[^", "](", "  ", ": ", "\n"]
LANG_SCRIPT = {"ar": "arabic", "zh": "han", "en": "latin", "fr": "latin", "ru": "cyrillic", "es": "latin"}


@st.composite
def text(draw, lang: str, long: bool = True, clean: bool = False):
    """A run of text in the language's script, sometimes with another's, markup and odd characters.
    `clean`: only what should pass check (so that the build is exercised too)."""
    others = ["latin", "quotes"] if clean else ["latin", "greek", "odd", "han", "arabic", "quotes"]
    script = draw(st.sampled_from([LANG_SCRIPT[lang]] * 6 + others))
    size = draw(st.sampled_from([1, 8, 40, 120] + ([900] if long else []) + ([] if clean else [0])))
    chars = draw(st.text(alphabet=SCRIPTS[script] + SCRIPTS[LANG_SCRIPT[lang]], min_size=1 if clean else 0,
                         max_size=size))
    # clean: at most one emphasis (a second one inserted inside the first would nest them)
    pieces = draw(st.lists(st.sampled_from(["*x*", "\n"] if clean else MARKUP), max_size=2,
                           unique=clean))
    for piece in pieces:
        at = draw(st.integers(0, len(chars)))
        chars = chars[:at] + piece + chars[at:]
    if clean and not chars.strip():
        chars += "x"
    return chars or draw(st.sampled_from(["", "x", "文"]))


def items(draw, lang, depth, clean):
    out = []
    for _ in range(draw(st.integers(1 if clean else 0, 3 if depth < 4 else 1))):
        if depth < (3 if clean else 4) and draw(st.booleans()):
            out.append({"text": draw(text(lang, False, clean)), "items": items(draw, lang, depth + 1, clean)})
        else:
            out.append(draw(text(lang, False, clean)))
    return out


GOOD_DATES = st.dates(dt.date(1945, 1, 1), dt.date(2100, 12, 31))
DATES = st.one_of(GOOD_DATES, st.sampled_from(["2025-13-40", "2010-02-30", "22 October 2010", "", "0000-01-01"]))


@st.composite
def document(draw, clean: bool | None = None):
    """(document.yaml, {lang: <lang>.yaml}) as data; `clean`: meant to be valid (None: either)."""
    if clean is None:
        clean = draw(st.booleans())
    pick = (lambda good, bad: st.sampled_from(good)) if clean else (lambda good, bad: st.sampled_from(good + bad))
    # Fonts by language (#10): Latin and Cyrillic pages print “ ” and Cyrillic; Arabic has no
    # face until #11, Greek none: those are clean check errors
    langs = draw(st.lists(st.sampled_from(["zh", "en", "fr", "es", "ru"] if clean else CODES),
                          min_size=1, max_size=3, unique=True))
    meta = {
        "type": draw(pick(["resolution", "decision"], ["report"])),
        # clean: a number of the accepted form (letters and digits joined by / . -), else anything
        "number": draw(st.sampled_from(["5/2", "99/1", "2010/251", 7]) if clean
                       else st.one_of(st.sampled_from(["5/2", "99/1", "2010/251", 7]), text("en", False, clean))),
        "organ": draw(pick(["un-ga", "un-cnd", "un-ccpcj", "un-ctoc-cop"], ["un-nope"])),
        "session": draw(st.integers(1, 10**6) if clean else st.one_of(st.integers(-1, 10**6), st.just("fifth"))),
        "adopted": draw(GOOD_DATES if clean else DATES),
        "original": draw(pick(list(langs), ["de"])),
        "symbol": draw(st.sampled_from(["A/RES/99/1", "CTOC/COP/2010/17", "E/CN.7/2024/1", "A"]) if clean
                       else st.one_of(st.sampled_from(["A/RES/99/1", "CTOC/COP/2010/17", "E/CN.7/2024/1", "A"]),
                                      text("en", False, clean))),
        "distributed": draw(GOOD_DATES if clean else DATES),
        "duty_station": draw(pick(["vienna", "geneva", "nairobi", "new-york"], ["paris"])),
    }
    if draw(st.booleans()):
        meta["job_number"] = draw(st.sampled_from(["V.10-57396", "N.44-00001", "", "no digits"]))
    if draw(st.booleans()):
        meta["footnotes_start"] = draw(st.integers(1 if clean else -1, 10**5))
    if draw(st.booleans()):
        meta["references"] = {"r1": {"organ": "un-ga", "type": "resolution", "number": "64/293",
                                     "adopted": draw(GOOD_DATES if clean else DATES)}}
    # one structure for every language (sometimes not, unless clean), text in each language's script
    n_pre, n_op = draw(st.integers(0, 3)), draw(st.integers(1 if clean else 0, 4))
    with_items = draw(st.lists(st.booleans(), min_size=n_op, max_size=n_op))
    shapes = draw(st.integers(0, 10**6))
    verbs = draw(st.lists(pick(["recalling", "noting", "welcomingAlso"], ["Bad key"]), min_size=n_pre, max_size=n_pre))
    note = clean and draw(st.booleans())
    versions = {}
    for lang in langs:
        pre = [{verb: draw(text(lang, True, clean))} for verb in verbs]
        op = []
        extra = 0 if clean else int(draw(st.integers(0, 9)) == 0)
        for i in range(n_op + extra):
            if i < n_op and with_items[i]:
                op.append({"text": draw(text(lang, True, clean)), "items": items_for(draw, lang, clean, shapes + i)})
            else:
                op.append(draw(text(lang, True, clean)))
        if note:  # the same footnote called at the end of the first operative paragraph
            first = op[0]
            op[0] = {**first, "text": first["text"] + "[^n1]"} if isinstance(first, dict) else first + "[^n1]"
        version = {"title": draw(text(lang, True, clean)), "formula": draw(text(lang, False, clean)),
                   "preamble": pre, "operative": op}
        if draw(st.booleans()):
            version["session"] = [draw(text(lang, False, clean))]
        if draw(st.booleans()):
            version["closing"] = [draw(text(lang, False, clean))]
        body = yaml.safe_dump(version, allow_unicode=True)
        notes = {key: draw(text(lang, False, clean)) for key in ("n1", "n2") if f"[^{key}]" in body}
        if notes:
            version["footnotes"] = notes
        versions[lang] = version
    return meta, versions


def items_for(draw, lang, clean, shape):
    """Items with the same shape in every language (shape seeds it), new text each time."""
    import random

    rng = random.Random(shape)

    def level(depth):
        out = []
        for _ in range(rng.randint(1, 3)):
            if depth < 3 and rng.random() < 0.4:
                out.append({"text": draw(text(lang, False, clean)), "items": level(depth + 1)})
            else:
                out.append(draw(text(lang, False, clean)))
        return out

    if not clean and draw(st.integers(0, 5)) == 0:
        return items(draw, lang, 1, clean)  # a shape of its own: a structure difference, or too deep
    return level(1)


_counter = itertools.count()


def _write(tmp_path_factory, case):
    meta, versions = case
    folder = tmp_path_factory.getbasetemp() / "property" / f"doc{next(_counter)}"
    folder.mkdir(parents=True)
    (folder / "document.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    for lang, version in versions.items():
        (folder / f"{lang}.yaml").write_text(yaml.safe_dump(version, allow_unicode=True), "utf-8")
    return folder


def _build_every_format(folder, doc):
    doc_hash = fingerprint.document(folder)
    for lang in doc.versions:
        for fmt in ("pdf", "docx", "akn", "html"):
            result = run(Job(folder, lang, fmt, doc_hash=doc_hash))
            assert result.data, f"check passed but {lang} {fmt} failed: {result.message}"


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                       HealthCheck.data_too_large])


@settings(**SETTINGS)
@given(document())
def test_generated_documents_check_predicts_build(tmp_path_factory, case):
    """Valid and broken documents alike: check never raises, every problem names a file under the
    document, and whatever check passes builds in every format."""
    folder = _write(tmp_path_factory, case)
    doc, diagnostics = pipeline.read(folder)  # what `docgen check` and the build's validation run: never raises
    for d in diagnostics:
        assert d.message and (d.location.path == folder or folder in d.location.path.parents), d
    if doc is None:
        assert errors(diagnostics), diagnostics
        return
    _build_every_format(folder, doc)


@settings(**SETTINGS, max_examples=min(settings().max_examples, 10))
@given(document(clean=True))
def test_clean_generated_documents_pass_check_and_build(tmp_path_factory, case):
    """Documents generated to be valid pass check and build: the run above exercises the build, not
    only check errors (a generator that drifts into invalid documents fails here)."""
    folder = _write(tmp_path_factory, case)
    doc, diagnostics = pipeline.read(folder)
    assert doc is not None, "\n".join(map(str, errors(diagnostics)))
    _build_every_format(folder, doc)
