"""The fonts docgen uses, where they come from, and the `fonts/` folder that holds them.

Outputs use only the files in `fonts/`, declared by @font-face under docgen's own family names
(so that no system font of the same name can stand in). The files are taken from Debian's
font packages; a `.ttc` collection is split so that the SC (or TC) face is the file, never
face 0 (the JP face). `fonts/MANIFEST.json` records each file's source, licence and SHA-256.

    python -m docgen.data.fonts install   # put the files in fonts/ and verify them against the manifest
    python -m docgen.data.fonts manifest  # rewrite the manifest from the files (after an upgrade)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docgen.paths import FONTS

NOTO = "/usr/share/fonts/opentype/noto/"
LIBERATION = "/usr/share/fonts/truetype/liberation2/"
NOTO_CORE = "/usr/share/fonts/truetype/noto/"
OFL = "SIL Open Font License 1.1"


@dataclass(frozen=True)
class Font:
    file: str  # name in fonts/
    family: str  # the @font-face family docgen declares
    weight: int
    style: str
    postscript: str  # name of the face to take from the source, and as it appears in PDFs
    source: str  # file installed by the Debian package
    package: str
    licence: str


FONTS_TABLE = (
    Font("NotoSerifCJKsc-Regular.otf", "docgen Song SC", 400, "normal", "NotoSerifCJKsc-Regular",
         NOTO + "NotoSerifCJK-Regular.ttc", "fonts-noto-cjk", OFL),
    Font("NotoSerifCJKsc-Bold.otf", "docgen Song SC", 700, "normal", "NotoSerifCJKsc-Bold",
         NOTO + "NotoSerifCJK-Bold.ttc", "fonts-noto-cjk", OFL),
    Font("NotoSansCJKsc-Regular.otf", "docgen Hei SC", 400, "normal", "NotoSansCJKsc-Regular",
         NOTO + "NotoSansCJK-Regular.ttc", "fonts-noto-cjk", OFL),
    Font("NotoSansCJKsc-Bold.otf", "docgen Hei SC", 700, "normal", "NotoSansCJKsc-Bold",
         NOTO + "NotoSansCJK-Bold.ttc", "fonts-noto-cjk", OFL),
    Font("NotoSerifCJKtc-Regular.otf", "docgen Song TC", 400, "normal", "NotoSerifCJKtc-Regular",
         NOTO + "NotoSerifCJK-Regular.ttc", "fonts-noto-cjk", OFL),
    Font("NotoSansCJKtc-Regular.otf", "docgen Hei TC", 400, "normal", "NotoSansCJKtc-Regular",
         NOTO + "NotoSansCJK-Regular.ttc", "fonts-noto-cjk", OFL),
    Font("ARPLUKaiCN.ttf", "docgen Kai SC", 400, "normal", "UKaiCN",
         "/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai", "Arphic Public License"),
    # Arabic: Noto Naskh Arabic, a plain text Naskh close to the Simplified Arabic of UN documents.
    # Amiri, the other candidate (set side by side at 13 pt), is a classical Bulaq Naskh closer to
    # Traditional Arabic: stacked ligatures (lam-meem, lam-jeem), marks reaching far above and
    # below (usWinAscent + usWinDescent 4.2 em against Naskh's 1.7 em), and it looks a size
    # smaller at the same point size. Naskh has no Latin letters, parentheses or slash: those
    # come from docgen Times beside it (languages/ar.yaml).
    Font("NotoNaskhArabic-Regular.ttf", "docgen Naskh", 400, "normal", "NotoNaskhArabic-Regular",
         NOTO_CORE + "NotoNaskhArabic-Regular.ttf", "fonts-noto-core", OFL),
    Font("NotoNaskhArabic-Bold.ttf", "docgen Naskh", 700, "normal", "NotoNaskhArabic-Bold",
         NOTO_CORE + "NotoNaskhArabic-Bold.ttf", "fonts-noto-core", OFL),
    *(
        Font(f"LiberationSerif-{style}.ttf", "docgen Times", weight, css_style, f"LiberationSerif{'-' + style if style != 'Regular' else ''}",
             LIBERATION + f"LiberationSerif-{style}.ttf", "fonts-liberation2", OFL)
        for style, weight, css_style in (("Regular", 400, "normal"), ("Bold", 700, "normal"),
                                         ("Italic", 400, "italic"), ("BoldItalic", 700, "italic"))
    ),
)

DEBIAN_PACKAGES = sorted({f.package for f in FONTS_TABLE})
MANIFEST = "MANIFEST.json"


def path(font: Font) -> Path:
    return FONTS / font.file


def sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _extract(font: Font, target: Path) -> None:
    from fontTools.ttLib import TTCollection

    if not font.source.endswith(".ttc"):
        shutil.copyfile(font.source, target)
        return
    collection = TTCollection(font.source)
    for face in collection.fonts:
        if face["name"].getDebugName(6) == font.postscript:
            face.recalcTimestamp = False  # the same source gives the same bytes
            face.save(str(target))
            return
    raise SystemExit(f"{font.source} has no face named {font.postscript}")


def manifest() -> dict:
    return json.loads((FONTS / MANIFEST).read_text("utf-8"))


def install(verify: bool = True) -> list[str]:
    """Put every font of the table in fonts/ (once); return the problems found."""
    problems = []
    missing_sources = [f.source for f in FONTS_TABLE if not path(f).exists() and not Path(f.source).exists()]
    if missing_sources:
        return [f"missing {src}: install the Debian packages {' '.join(DEBIAN_PACKAGES)}" for src in missing_sources]
    expected = manifest()["fonts"] if verify else {}
    for font in FONTS_TABLE:
        target = path(font)
        if not target.exists():
            tmp = target.with_suffix(".part")
            _extract(font, tmp)
            tmp.replace(target)
            print(f"fonts: {font.file} from {font.source} ({font.package})")
        if verify:
            entry = expected.get(font.file)
            if entry is None:
                problems.append(f"{font.file} is not in fonts/{MANIFEST}")
            elif entry["sha256"] != sha256(target):
                problems.append(f"{font.file}: SHA-256 differs from fonts/{MANIFEST} "
                                f"(a different {font.package} version?); check it, then run "
                                "`python -m docgen.data.fonts manifest`")
    if verify and not problems:
        for font in FONTS_TABLE:
            if font.weight == 400 and font.style == "normal":
                cmap(font.file)  # writes the code point sidecar now, not in the first build
    return problems


def write_manifest() -> None:
    entries = {
        f.file: {"family": f.family, "weight": f.weight, "style": f.style, "postscript": f.postscript,
                 "source": f.source, "debian_package": f.package, "licence": f.licence,
                 "sha256": sha256(path(f))}
        for f in FONTS_TABLE
    }
    text = json.dumps({"about": "Fonts used by docgen outputs; see src/docgen/data/fonts.py.", "fonts": entries},
                      indent=2, ensure_ascii=False)
    (FONTS / MANIFEST).write_text(text + "\n", "utf-8")


class CodePoints:
    """A font's code points as sorted ranges; `cp in codes` by bisection.

    A frozenset of a CJK font's ~44,000 code points held ~3.5 MB (an int object each, and the
    hash table) in every process that checks glyphs: the build, each of its workers, a watch.
    As ranges it is ~2,000 pairs of 4-byte integers.
    """

    __slots__ = ("_starts", "_ends")

    def __init__(self, ranges):
        from array import array

        self._starts, self._ends = array("I"), array("I")
        for start, end in sorted(ranges):  # merged where they touch: bisection needs disjoint ranges
            if self._ends and start <= self._ends[-1] + 1:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def __contains__(self, code: int) -> bool:
        from bisect import bisect_right

        i = bisect_right(self._starts, code) - 1
        return i >= 0 and code <= self._ends[i]


def _ranges_of(codes) -> list[list[int]]:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


@cache
def cmap(file: str) -> CodePoints:
    """Code points a font file has glyphs for (read once per process).

    Reading a CJK font's cmap with fontTools costs 0.1 s (it parses the CFF charset), paid by
    every cold build for the glyph check; the code points are kept beside the font in
    `fonts/<file>.codepoints.json`, tied to the font's SHA-256 in the manifest, and read from
    there when they match.
    """
    sidecar = FONTS / f"{file}.codepoints.json"
    expected = manifest()["fonts"].get(file, {}).get("sha256")
    try:
        data = json.loads(sidecar.read_text("utf-8"))
        if expected and data.get("sha256") == expected:
            return CodePoints(data["ranges"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    with TTFont(str(FONTS / file), lazy=True) as font:
        ranges = _ranges_of(font.getBestCmap())
    if expected and sha256(FONTS / file) == expected:
        try:
            tmp = sidecar.with_suffix(".part")
            tmp.write_text(json.dumps({"sha256": expected, "ranges": ranges}), "utf-8")
            tmp.replace(sidecar)
        except OSError:
            pass  # a read-only fonts/ folder: read the font each time
    return CodePoints(ranges)


# ---------------------------------------------------------------- faces by language
#
# The same code point belongs to different faces by language (“ ” are the CJK face's in
# Chinese, Liberation Serif's in English and Russian): the language table (`fonts:` in
# languages/<code>.yaml) lists the families of each role in fallback order and may limit a
# family to some code points. The HTML/CSS writer declares exactly these, and the glyph check
# asks the same question the renderer will: which family draws this character, if any.


def regular(family: str) -> Font:
    """The upright regular face of a family: its code points stand for the family's."""
    return next(f for f in FONTS_TABLE if f.family == family and f.style == "normal"
                and f.weight == min(g.weight for g in FONTS_TABLE if g.family == family))


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in text.split(","):
        part = part.strip().upper().removeprefix("U+")
        start, _, end = part.partition("-")
        out.append((int(start, 16), int(end or start, 16)))
    return tuple(out)


@cache
def _coverage(lang: str, family: str) -> tuple[frozenset[int], tuple[tuple[int, int], ...] | None]:
    from docgen.data import tables

    limit = tables.language(lang).fonts.ranges.get(family)
    return cmap(regular(family).file), (_ranges(limit) if limit else None)


@cache
def drawing_family(char: str, lang: str, role: str = "body") -> str | None:
    """The family that draws `char` in a `lang` page's `role` text, as the renderer picks it
    (the first of the role's families whose range takes it and that has a glyph), or None."""
    from docgen.data import tables

    cp = ord(char)
    for family in tables.language(lang).fonts.role(role):
        codes, limit = _coverage(lang, family)
        if limit is not None and not any(a <= cp <= b for a, b in limit):
            continue
        if cp in codes:
            return family
    return None


# ---------------------------------------------------------------- the height of a line
#
# CSS gives every inline box of a line the same height, the line-height, centred on its own face's
# ascent + descent (half-leading above and below), and aligns the boxes on their baselines. Two
# faces whose ascent - descent differ sit their boxes apart: the line box holds both and is taller
# than the line-height. Every line of a block has the strut of its first available font (the
# family that takes U+0020); a line of the language's own text also has a box in the face that
# draws its letters. In Chinese the strut is Times and the letters are the CJK face's: every line
# of Chinese text is higher than layout.yaml's leading (15.6 pt gives 16.6 pt at 10.5 pt). In
# Arabic the strut is Naskh, the letters' own face: lines are the leading, as in Latin scripts.
# The Word draft takes these heights as its exact line spacing (writers/docx/sizes.py).

# a letter of each script: which face draws the language's own text
SCRIPT_LETTER = {"latin": "a", "cyrillic": "\u0430", "han": "\u56fd", "arabic": "\u0627"}


@cache
def vertical_metrics(family: str, weight: int = 400) -> tuple[float, float]:
    """(ascent, descent) of a family's upright face of that weight, in em, as HarfBuzz gives them
    to Pango: the OS/2 typographic values when the font asks for them (USE_TYPO_METRICS), else
    hhea's."""
    from fontTools.ttLib import TTFont

    face = min((f for f in FONTS_TABLE if f.family == family and f.style == "normal"),
               key=lambda f: abs(f.weight - weight))
    with TTFont(str(path(face)), lazy=True) as font:
        em, os2, hhea = font["head"].unitsPerEm, font["OS/2"], font["hhea"]
        if os2.fsSelection & (1 << 7):
            return os2.sTypoAscender / em, -os2.sTypoDescender / em
        return hhea.ascent / em, -hhea.descent / em


def line_box(lang: str, role: str, size: float, leading: float, weight: int = 400) -> float:
    """The height (pt) of a line of `lang`'s text in `role`'s faces, `size` pt on a line-height of
    `leading` pt, as CSS lays it out: the strut's box and the letters' box, each `leading` high,
    each centred on its face's ascent + descent."""
    from docgen.data import tables

    strut = drawing_family(" ", lang, role)
    letters = drawing_family(SCRIPT_LETTER[tables.language(lang).script], lang, role)
    if strut is None or letters is None or strut == letters:
        return leading
    (a1, d1), (a2, d2) = vertical_metrics(strut, weight), vertical_metrics(letters, weight)
    return leading + size * abs((a1 - d1) - (a2 - d2)) / 2


# Characters real UN texts use that some of docgen's faces lack, and what the PDF draws for them
# where the face that would set them has no glyph (#22). Found by checking the characters common
# in UN texts in the six languages against each language's faces by role (tests/writers/test_real_texts.py
# keeps the list honest). Only a character whose substitute prints *the same thing* is here:
# - U+2011 NON-BREAKING HYPHEN (non‑proliferation, non‑governmental): Liberation Serif and Noto
#   Naskh have no glyph (nor ARPL Kai, the Chinese emphasis face). Drawn as the face's hyphen
#   U+002D between word joiners (U+2060), which forbid a line break on either side: the hyphen
#   that never breaks. The PDF's text layer then reads "non-proliferation" (U+002D: what a reader
#   searches for and copies; the word joiners are not in it). Keeping U+2011 in the text layer
#   would need a glyph of its own (the ToUnicode map gives one text per glyph, and U+002D and
#   U+2010 already own the face's hyphen): a derived font file, not worth a new font in fonts/.
# - U+2103 DEGREE CELSIUS (Chinese texts type ℃; the Latin faces lack it): ° and C.
# Every other character no face has (₽ ₹ ₺ ₸ ‱ ⇒ ‣ ⁃ ⁰ ⁺ ⁻ U+3000 in Latin text...) has no faithful
# stand-in: `check` keeps refusing it.
SUBSTITUTES = {
    "\u2011": "\u2060-\u2060",
    "\u2103": "\u00b0C",
}


@cache
def substitute(char: str, lang: str, role: str = "body") -> str | None:
    """What the PDF draws for `char` in a `lang` page's `role` text when no face of the role has
    it, or None (a face draws it, or nothing faithful can)."""
    if drawing_family(char, lang, role) is not None:
        return None
    stand_in = SUBSTITUTES.get(char)
    if stand_in is None or any(not _invisible(c) and drawing_family(c, lang, role) is None for c in stand_in):
        return None
    return stand_in


def printable(text: str, lang: str, role: str = "body") -> str:
    """`text` as the PDF sets it: each character no face of the role has replaced by its stand-in."""
    if not any(ch in SUBSTITUTES for ch in text):
        return text
    return "".join(substitute(ch, lang, role) or ch for ch in text)


def uncovered(text: str, lang: str, role: str = "body") -> list[tuple[int, str]]:
    """(index, character) of every character in `text` no font of the role can draw.

    Spaces and format characters (word joiners, soft hyphens, directional marks) draw nothing;
    a character the PDF draws as a stand-in (`SUBSTITUTES`) is printable.
    """
    missing = {ch for ch in set(text) if not _invisible(ch) and drawing_family(ch, lang, role) is None
               and substitute(ch, lang, role) is None}
    return [(i, ch) for i, ch in enumerate(text) if ch in missing] if missing else []


def _invisible(ch: str) -> bool:
    import unicodedata

    return ch in "\n\t" or unicodedata.category(ch) in ("Cf", "Cc")


def page_families(lang: str, roles=("body", "heading", "organ", "latin")) -> list[str]:
    """The families a `lang` page declares for the given roles, in table order."""
    from docgen.data import tables

    fonts = tables.language(lang).fonts
    wanted = {family for role in roles for family in fonts.role(role)}
    return [family for family in dict.fromkeys(f.family for f in FONTS_TABLE) if family in wanted]


def declarations(lang: str, families, href: str | None = None) -> list[dict]:
    """@font-face declarations of the given families for a `lang` page (with its range limits);
    fonts by file URL (for WeasyPrint), or relative to `href` (the HTML output)."""
    from docgen.data import tables

    ranges = tables.language(lang).fonts.ranges
    return [{"family": f.family, "url": path(f).as_uri() if href is None else href + f.file,
             "weight": f.weight, "style": f.style,
             "unicode_range": ranges.get(f.family, "")} for f in FONTS_TABLE if f.family in families]


def range_key(lang: str) -> tuple:
    """The unicode-range limits a `lang` page puts on its families: pages with different limits
    need their own WeasyPrint font configuration (Fontconfig keeps one charset per file)."""
    from docgen.data import tables

    return tuple(sorted(tables.language(lang).fonts.ranges.items()))


def css_families(lang: str, role: str) -> str:
    """A role's families as a CSS font-family value: "docgen Times", "docgen Song SC"."""
    from docgen.data import tables

    return ", ".join(f'"{family}"' for family in tables.language(lang).fonts.role(role))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "install"
    if command == "install":
        problems = install()
        for p in problems:
            print(f"fonts: {p}", file=sys.stderr)
        return 1 if problems else 0
    if command == "manifest":
        install(verify=False)
        write_manifest()
        print(f"fonts: wrote fonts/{MANIFEST}")
        return 0
    print("usage: python -m docgen.data.fonts [install|manifest]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
