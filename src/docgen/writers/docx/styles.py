"""The Word styles of a UN document, defined in one place.

Names follow the UN Word templates: Geneva/Vienna (A4) use the G styles (SingleTxtG, HChG,
H1G, H23G), New York uses SingleTxt, HCh, H1, H23. Footnotes use Word's built-in
"footnote text" and "footnote reference".
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from docgen.model import Document, Version
from . import oxml  # noqa: F401  (registers the element classes this module's calls rely on)
from .sizes import lengths

LATIN = "Times New Roman"
SONG, HEI = "SimSun", "SimHei"  # 宋体, 黑体: the names Word knows on every Chinese Windows
# The complex-script face of Arabic drafts: Simplified Arabic ships with Windows and Office and
# is the face of UN Arabic documents' Word templates; the checks map it to Noto Naskh Arabic
# (fonts/fontconfig-word-aliases.conf), the face of docgen's Arabic PDFs.
ARABIC = "Simplified Arabic"
# Styles whose text is Latin in every language (symbol, English block, running header, page
# number): never right to left.
LATIN_STYLES = ("masthead_symbol", "masthead_block", "header", "footer", "footer_first")


def style_names(doc: Document) -> dict:
    g = "G" if doc.station["paper"] == "A4" else ""
    body = f"SingleTxt{g}"
    return {
        "heading": f"H1{g}", "title": f"H1{g}", "formula": body, "preambular": body, "operative": body,
        "item1": body, "item2": body, "item3": body, "closing": "Closing", "end_rule": f"H23{g}",
        "adoption": "Masthead Adoption", "subheading": f"H23{g}", "annex": f"HCh{g}",
        "session": f"H23{g}", "chapter": f"HCh{g}",
        "footnote_text": "footnote text", "footnote_reference": "footnote reference",
        "header": "header", "footer": "footer", "footer_first": "Job Number",
        "masthead_un": "Masthead UN", "masthead_symbol": "Masthead Symbol",
        "masthead_organ": "Masthead Organ", "masthead_block": "Masthead Block",
    }


# style name -> (size, leading, bold, east-asian face, extra): sizes and "after" are keys of
# templates/layout.yaml (`sizes`), the PDF's; SingleTxtG's text column starts text_indent_left
# inside the frame. "italic": Latin scripts only (Chinese and Arabic have none, as in the PDF).
def _definitions(names: dict) -> list[tuple]:
    return [
        (names["operative"], "body_font", "body_leading", False, SONG,
         {"justify": True, "after": "paragraph_after", "indent": True, "tabs": True}),
        (names["closing"], "body_font", "body_leading", False, SONG,
         {"indent": True, "italic": True, "no_hyphens": True}),
        (names["annex"], "heading_font", "annex_leading", True, HEI,
         {"after": "paragraph_after", "indent": True, "keep": True}),
        (names["heading"], "heading_font", "heading_leading", True, HEI,
         {"after": "paragraph_after", "indent": True, "keep": True, "tabs": True, "outline": 0}),
        (names["session"], "body_font", "subheading_leading", True, HEI, {"indent": False, "keep": True}),
        (names["footnote_text"], "footnote_font", "footnote_leading", False, SONG,
         {"justify": True, "indent": True, "footnote": True}),
        (names["header"], "header_font", "header_leading", True, SONG, {"border_bottom": True}),
        (names["footer"], "header_font", "header_leading", True, SONG, {}),
        (names["footer_first"], "job_font", "header_leading", False, SONG, {"auto_leading": True}),
        (names["masthead_un"], "un_font", "un_leading", False, SONG, {}),
        (names["masthead_symbol"], "symbol_rest_font", "symbol_leading", False, SONG, {}),
        (names["masthead_organ"], "organ_font", "organ_leading", True, HEI, {}),
        (names["masthead_block"], "block_font", "block_leading", False, SONG, {}),
        # the adoption line and its bracket, or a draft's sponsors line: computed from document.yaml,
        # set like body text (a style of their own tells `docgen import` not to read them as text)
        (names["adoption"], "body_font", "body_leading", False, SONG, {"indent": True}),
    ]


def _rfonts(rpr, east_asian: str, complex_script: str = LATIN):
    fonts = rpr.get_or_add_rFonts()
    fonts.asciiTheme = fonts.hAnsiTheme = fonts.eastAsiaTheme = fonts.cstheme = None  # a theme overrides the name
    fonts.ascii = fonts.hAnsi = LATIN
    fonts.cs = complex_script
    fonts.eastAsia = east_asian


def _lang(rpr, lang_code: str, east_asia: str, bidi: str = ""):
    """w:lang: the language Word and LibreOffice hyphenate and spell-check the text in.

    Chinese pages keep Latin runs in British English (w:val) and Han in zh-CN (w:eastAsia);
    Arabic pages keep Latin runs in British English and the w:rtl runs in Arabic (w:bidi)."""
    lang = rpr.get_or_add_lang()
    lang.val = lang_code if not (east_asia or bidi) else "en-GB"
    lang.eastAsia = east_asia or lang_code
    if bidi:
        lang.bidi = bidi  # the language of right-to-left (w:rtl) runs


def _complex_size(rpr, size, bold: bool) -> None:
    """szCs and bCs: a w:rtl run takes its size and weight from these, not from sz and b."""
    rpr.get_or_add_szCs().val = size
    if bold:
        rpr.get_or_add_bCs()


def word_lang(version: Version) -> tuple[str, str, str]:
    """(w:val, east Asian language or "", right-to-left language or "") for a version, as `_lang` takes them."""
    lang = version.language
    return (lang.word_lang, lang.word_lang if lang.is_cjk else "",
            lang.word_lang if lang.direction == "rtl" else "")


def mark_language(element, version: Version) -> None:
    """The version's w:lang on every run under `element` (body, headers, footers, footnotes)."""
    code, east_asia, bidi = word_lang(version)
    for run in element.iter(qn("w:r")):
        _lang(run.get_or_add_rPr(), code, east_asia, bidi)


def install_styles(document, doc: Document, version: Version) -> None:
    lang = version.language
    s = lengths(version.lang)
    rtl = lang.direction == "rtl"
    _, east_asia, bidi = word_lang(version)
    complex_script = ARABIC if rtl else LATIN
    names = style_names(doc)
    latin_only = {names[key] for key in LATIN_STYLES}
    styles = document.styles

    # docDefaults: explicit fonts and languages, no theme fonts
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr, SONG, complex_script)
    _lang(rpr, lang.word_lang, east_asia, bidi)
    ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr_default):
        ppr_default.remove(child)

    for fonts in styles.element.iter(qn("w:rFonts")):  # the template's built-in styles use theme fonts
        if fonts.asciiTheme or fonts.hAnsiTheme or fonts.eastAsiaTheme or fonts.cstheme:
            _rfonts(fonts.getparent(), SONG, complex_script)

    for style in styles.element.iter(qn("w:style")):  # every style, the template's built-in ones too
        if style.get(qn("w:type")) in ("paragraph", "character"):
            _lang(style.get_or_add_rPr(), lang.word_lang, east_asia, bidi)

    normal = styles["Normal"]
    normal.font.size = s["normal_font"]
    normal.paragraph_format.space_after = 0
    if rtl:
        # Normal runs right to left too (the Latin styles say they do not): LibreOffice 7.4 takes
        # the side of its footnote separator from the default paragraph style's direction only
        # (the right in Arabic, as the PDF's), not from the separator's own paragraph
        normal.element.get_or_add_pPr().get_or_add_bidi().val = True

    for name, size_key, leading_key, bold, east, extra in _definitions(names):
        style = define_style(styles, name, version, s[size_key], None if extra.get("auto_leading") else s[leading_key],
                             bold, east, italic=extra.get("italic", False), latin=name in latin_only,
                             hyphenated=extra.get("justify", False) and not extra.get("no_hyphens"))
        fmt = style.paragraph_format
        fmt.space_after = s[extra["after"]] if "after" in extra else 0
        if extra.get("justify"):
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if extra.get("indent"):
            fmt.left_indent, fmt.right_indent = s["text_indent_left"], s["text_indent_right"]
        if extra.get("keep"):
            fmt.keep_with_next = True
        if extra.get("tabs"):
            for k in range(1, 5):  # the operative number's tab, then one for each item level
                fmt.tab_stops.add_tab_stop(s["text_indent_left"] + k * s["number_tab"])
        ppr = style.element.get_or_add_pPr()
        if extra.get("footnote"):
            # as the PDF: the number just before the text column (LibreOffice draws its own
            # number at the line's start, so no tab comes before it), the text
            # footnote_mark_gap after the column; run-over lines at the text
            fmt.left_indent = s["text_indent_left"] + s["footnote_mark_gap"]
            fmt.first_line_indent = -(s["footnote_call"] + s["footnote_mark_gap"])
        if "outline" in extra:  # a11y (#15): a heading for Word's navigation pane and screen readers
            ppr.get_or_add_outlineLvl().val = extra["outline"]
        if extra.get("border_bottom"):
            ppr.get_or_add_pBdr().get_or_add_bottom().set_rule(eighths=4, space=1)  # 0.5 pt under the header

    try:
        ref = styles[names["footnote_reference"]]
    except KeyError:
        ref = styles.add_style(names["footnote_reference"], WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True
    ref.font.name = LATIN
    _rfonts(ref.element.get_or_add_rPr(), SONG, complex_script)
    _lang(ref.element.get_or_add_rPr(), lang.word_lang, east_asia, bidi)
    styles[names["footnote_text"]].style_id, ref.style_id = "FootnoteText", "FootnoteReference"
    styles[names["header"]].style_id, styles[names["footer"]].style_id = "Header", "Footer"


def define_style(styles, name: str, version: Version, size, leading, bold: bool, east: str, *,
                 italic: bool = False, latin: bool = False, hyphenated: bool = False, style_id: str = "",
                 fresh: bool = False):
    """One paragraph style of the draft, the UN way for the version's language: on Normal, its size
    and weight, fonts by script, language, exact leading (`leading` None: the font's own, for a
    line with a picture), no space after, direction (a `latin` style runs left to right in
    Arabic), hyphenation only where `hyphenated`, Chinese line breaking. `fresh`: a built-in style
    of python-docx's template (Heading 1, toc 1) loses what that template gave it (theme colour,
    sizes) first. The caller adds what is the style's own (indents, tabs, spacing)."""
    lang = version.language
    cjk, rtl = lang.is_cjk, lang.direction == "rtl"
    _, east_asia, bidi = word_lang(version)
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style_id:
        style.style_id = style_id
    if fresh:
        for props in (style.element.get_or_add_rPr(), style.element.get_or_add_pPr()):
            for child in list(props):
                props.remove(child)
    style.base_style = styles["Normal"]
    style.quick_style = True
    font = style.font
    font.size, font.bold = size, bold
    if italic and not (cjk or rtl):
        font.italic = True
    font.name = LATIN
    rpr = style.element.get_or_add_rPr()
    _rfonts(rpr, east, ARABIC if rtl else LATIN)
    if rtl:
        _complex_size(rpr, size, bold)
    _lang(rpr, lang.word_lang, east_asia, bidi)
    fmt = style.paragraph_format
    if leading is None:  # a line with a picture (the barcode): never clipped
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = leading
    fmt.space_after = 0
    ppr = style.element.get_or_add_pPr()
    if lang.hyphenates and not hyphenated:  # headings, masthead, headers: never hyphenated
        ppr.get_or_add_suppressAutoHyphens().val = True
    if rtl:  # the paragraph runs right to left; Latin text (symbol, block, headers) does not
        ppr.get_or_add_bidi().val = not latin
    if cjk:
        # Word's Chinese line breaking (kinsoku) and the Han/Latin gap (autospace): on.
        ppr.get_or_add_kinsoku().val = True
        ppr.get_or_add_autoSpaceDE().val = True
        ppr.get_or_add_autoSpaceDN().val = True
        # No hanging punctuation, as the PDF. LibreOffice 7.4 reads w:overflowPunct inverted
        # (writerfilter: hanging = val == 0) and hangs it, then leaves a hung full-width ；
        # at a line's end undrawn; w:val="1" would fix LibreOffice and make Word hang: Word's
        # reading is kept (README, "Checking a Word draft in LibreOffice").
        ppr.get_or_add_overflowPunct().val = False
    return style
