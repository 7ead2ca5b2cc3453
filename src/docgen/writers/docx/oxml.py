"""The WordprocessingML python-docx 1.2 has no API for, in python-docx's own style.

Element classes with declared children (`ZeroOrOne(tag, successors=...)`) and attributes, so
that nothing in the writer orders children by hand: footnotes and their references, footnote
properties (start number, separators), automatic hyphenation, right-to-left sections and
paragraph flags, East Asian and complex-script fonts and languages, table look and cell
borders, fields, alternative text. Where python-docx has a class for an element, the class
here extends it (python-docx's behaviour stays) and is registered in its place for the tag.
The sequences are the OOXML schema's (ECMA-376 Part 1, wml.xsd), as python-docx's CT_ classes
declare them; each is written once, here.

Registration is process-wide and applies to python-docx's parser only: `docgen import`
(readers/docx.py) parses with lxml's own parser and sees plain elements.

The functions at the end take python-docx's proxies (Paragraph, Run, _Cell, Table,
InlineShape) where those expose their element only privately (`_element`, `_inline`): this
module is the one place in the writer that reaches for them.
"""

from __future__ import annotations

from docx.oxml import OxmlElement, register_element_cls
from docx.oxml.ns import qn
from docx.oxml.settings import CT_Settings as _Settings
from docx.oxml.section import CT_SectPr as _SectPr
from docx.oxml.shape import CT_NonVisualDrawingProps as _DocPr
from docx.oxml.shared import CT_DecimalNumber, CT_OnOff
from docx.oxml.simpletypes import ST_DecimalNumber, ST_OnOff, ST_String, XsdString
from docx.oxml.table import CT_TblPr as _TblPr, CT_TblWidth, CT_TcPr as _TcPr
from docx.oxml.text.font import CT_Fonts as _Fonts, CT_HpsMeasure, CT_RPr as _RPr
from docx.oxml.text.parfmt import CT_PPr as _PPr
from docx.oxml.text.run import CT_R as _R
from docx.oxml.xmlchemy import BaseOxmlElement, OptionalAttribute, RequiredAttribute, ZeroOrMore, ZeroOrOne
from docx.text.paragraph import Paragraph


def _after(sequence: tuple, tag: str) -> tuple:
    """The tags that follow `tag` in a schema sequence: where a new `tag` goes before."""
    return sequence[sequence.index(tag) + 1:]


_SETTINGS = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate",
    "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt",
    "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
_SECT_PR = (
    "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType",
    "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
    "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_FTN_PROPS = ("w:pos", "w:numFmt", "w:numStart", "w:numRestart", "w:footnote")  # CT_FtnDocProps
_P_PR = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange")
_P_BDR = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
_R_PR = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath")
_TBL_PR = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TC_PR = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar",
    "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns", "w:cellDel",
    "w:cellMerge", "w:tcPrChange")
_TC_BORDERS = ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right", "w:insideH", "w:insideV",
               "w:tl2br", "w:tr2bl")


class CT_Flag(BaseOxmlElement):
    """An on/off property (w:kinsoku, w:bidi...) whose w:val is written out when set ("1", "0"),
    as docgen's drafts have always carried it; without w:val it means on (OOXML), read as None."""

    val = OptionalAttribute("w:val", ST_OnOff)


class CT_Settings(_Settings):
    """`w:settings` with the two settings docgen adds besides python-docx's evenAndOddHeaders."""

    autoHyphenation = ZeroOrOne("w:autoHyphenation", successors=_after(_SETTINGS, "w:autoHyphenation"))
    footnotePr = ZeroOrOne("w:footnotePr", successors=_after(_SETTINGS, "w:footnotePr"))
    updateFields = ZeroOrOne("w:updateFields", successors=_after(_SETTINGS, "w:updateFields"))  # a report's contents


class CT_SectPr(_SectPr):
    """`w:sectPr` with its footnote properties and its direction."""

    footnotePr = ZeroOrOne("w:footnotePr", successors=_after(_SECT_PR, "w:footnotePr"))
    bidi = ZeroOrOne("w:bidi", successors=_after(_SECT_PR, "w:bidi"))


class CT_FtnProps(BaseOxmlElement):
    """`w:footnotePr`, in the settings (with the separator entries) and in a section."""

    numStart = ZeroOrOne("w:numStart", successors=_after(_FTN_PROPS, "w:numStart"))
    footnote = ZeroOrMore("w:footnote")


class CT_Footnotes(BaseOxmlElement):
    """`w:footnotes`, the root of /word/footnotes.xml."""

    footnote = ZeroOrMore("w:footnote")


class CT_FtnEdn(BaseOxmlElement):
    """`w:footnote`: a note in footnotes.xml, or a separator entry in footnotePr (id only)."""

    type = OptionalAttribute("w:type", ST_String)
    id = RequiredAttribute("w:id", ST_DecimalNumber)
    p = ZeroOrMore("w:p")


class CT_FtnEdnRef(BaseOxmlElement):
    """`w:footnoteReference`: the call in the text; with customMarkFollows the run after it
    carries the mark, Word numbers nothing."""

    customMarkFollows = OptionalAttribute("w:customMarkFollows", ST_OnOff)
    id = RequiredAttribute("w:id", ST_DecimalNumber)


class CT_FldChar(BaseOxmlElement):
    fldCharType = RequiredAttribute("w:fldCharType", ST_String)


class CT_R(_R):
    """`w:r` with the run content python-docx does not declare: footnote marks and fields."""

    footnoteReference = ZeroOrMore("w:footnoteReference")
    footnoteRef = ZeroOrMore("w:footnoteRef")
    fldChar = ZeroOrMore("w:fldChar")
    instrText = ZeroOrMore("w:instrText")


class CT_PPr(_PPr):
    """`w:pPr` with the flags of UN styles: borders, hyphenation, Chinese line breaking, direction."""

    pBdr = ZeroOrOne("w:pBdr", successors=_after(_P_PR, "w:pBdr"))
    suppressAutoHyphens = ZeroOrOne("w:suppressAutoHyphens", successors=_after(_P_PR, "w:suppressAutoHyphens"))
    kinsoku = ZeroOrOne("w:kinsoku", successors=_after(_P_PR, "w:kinsoku"))
    overflowPunct = ZeroOrOne("w:overflowPunct", successors=_after(_P_PR, "w:overflowPunct"))
    autoSpaceDE = ZeroOrOne("w:autoSpaceDE", successors=_after(_P_PR, "w:autoSpaceDE"))
    autoSpaceDN = ZeroOrOne("w:autoSpaceDN", successors=_after(_P_PR, "w:autoSpaceDN"))
    bidi = ZeroOrOne("w:bidi", successors=_after(_P_PR, "w:bidi"))


class CT_Border(BaseOxmlElement):
    """A border line (`w:bottom` in w:pBdr and w:tcBorders); `sz` in eighths of a point."""

    val = OptionalAttribute("w:val", ST_String)
    sz = OptionalAttribute("w:sz", ST_DecimalNumber)
    space = OptionalAttribute("w:space", ST_DecimalNumber)
    color = OptionalAttribute("w:color", ST_String)

    def set_rule(self, eighths: int, space: int) -> None:
        """A single black line, `eighths` of a point thick, `space` points from the text."""
        self.val, self.sz, self.space, self.color = "single", eighths, space, "000000"


class CT_PBdr(BaseOxmlElement):
    top = ZeroOrOne("w:top", successors=_after(_P_BDR, "w:top"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_P_BDR, "w:bottom"))


class CT_RPr(_RPr):
    """`w:rPr` with the complex-script size, the language and the raised or lowered position."""

    position = ZeroOrOne("w:position", successors=_after(_R_PR, "w:position"))
    szCs = ZeroOrOne("w:szCs", successors=_after(_R_PR, "w:szCs"))
    lang = ZeroOrOne("w:lang", successors=_after(_R_PR, "w:lang"))

    def _insert_rFonts(self, rFonts):
        """rFonts follows w:rStyle only: placed without looking for each of its 37 successors
        (as python-docx's CT_R places w:rPr first). A Chinese draft adds one to every Han run."""
        self.insert(0 if self.rStyle is None else 1, rFonts)
        return rFonts


class CT_Fonts(_Fonts):
    """`w:rFonts` with every slot: python-docx's `font.name` writes only ascii and hAnsi."""

    eastAsia = OptionalAttribute("w:eastAsia", ST_String)
    cs = OptionalAttribute("w:cs", ST_String)
    hint = OptionalAttribute("w:hint", ST_String)
    asciiTheme = OptionalAttribute("w:asciiTheme", ST_String)
    hAnsiTheme = OptionalAttribute("w:hAnsiTheme", ST_String)
    eastAsiaTheme = OptionalAttribute("w:eastAsiaTheme", ST_String)
    cstheme = OptionalAttribute("w:cstheme", ST_String)


class CT_Language(BaseOxmlElement):
    """`w:lang`: Latin runs in `val`, East Asian in `eastAsia`, right-to-left in `bidi`."""

    val = OptionalAttribute("w:val", ST_String)
    eastAsia = OptionalAttribute("w:eastAsia", ST_String)
    bidi = OptionalAttribute("w:bidi", ST_String)


_TBL_BORDERS = ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right", "w:insideH", "w:insideV")


class CT_TblBorders(BaseOxmlElement):
    top = ZeroOrOne("w:top", successors=_after(_TBL_BORDERS, "w:top"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_TBL_BORDERS, "w:bottom"))


class CT_TblPr(_TblPr):
    tblW = ZeroOrOne("w:tblW", successors=_after(_TBL_PR, "w:tblW"))
    tblInd = ZeroOrOne("w:tblInd", successors=_after(_TBL_PR, "w:tblInd"))
    tblBorders = ZeroOrOne("w:tblBorders", successors=_after(_TBL_PR, "w:tblBorders"))
    tblCellMar = ZeroOrOne("w:tblCellMar", successors=_after(_TBL_PR, "w:tblCellMar"))
    tblLook = ZeroOrOne("w:tblLook", successors=_after(_TBL_PR, "w:tblLook"))

    def set_layout_look(self) -> None:
        """python-docx's w:tblLook (header row, first column, banding) replaced by one that turns
        every table style condition off: the table is a layout grid, not data."""
        self._remove_tblLook()
        look = self._add_tblLook()
        look.val = "0600"
        look.firstRow = look.lastRow = look.firstColumn = look.lastColumn = False
        look.noHBand = look.noVBand = True


class CT_TblLook(BaseOxmlElement):
    val = OptionalAttribute("w:val", ST_String)
    firstRow = OptionalAttribute("w:firstRow", ST_OnOff)
    lastRow = OptionalAttribute("w:lastRow", ST_OnOff)
    firstColumn = OptionalAttribute("w:firstColumn", ST_OnOff)
    lastColumn = OptionalAttribute("w:lastColumn", ST_OnOff)
    noHBand = OptionalAttribute("w:noHBand", ST_OnOff)
    noVBand = OptionalAttribute("w:noVBand", ST_OnOff)


class CT_TcPr(_TcPr):
    tcBorders = ZeroOrOne("w:tcBorders", successors=_after(_TC_PR, "w:tcBorders"))
    tcMar = ZeroOrOne("w:tcMar", successors=_after(_TC_PR, "w:tcMar"))


_CELL_MAR = ("w:top", "w:left", "w:bottom", "w:right")  # CT_TcMar / CT_TblCellMar (transitional names)


class CT_CellMar(BaseOxmlElement):
    """`w:tblCellMar` and `w:tcMar`: the space between a cell's edges and its text."""

    top = ZeroOrOne("w:top", successors=_after(_CELL_MAR, "w:top"))
    left = ZeroOrOne("w:left", successors=_after(_CELL_MAR, "w:left"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_CELL_MAR, "w:bottom"))
    right = ZeroOrOne("w:right", successors=_after(_CELL_MAR, "w:right"))


class CT_TblWidth(BaseOxmlElement):
    w = OptionalAttribute("w:w", ST_DecimalNumber)
    type = OptionalAttribute("w:type", ST_String)


class CT_TcBorders(BaseOxmlElement):
    bottom = ZeroOrOne("w:bottom", successors=_after(_TC_BORDERS, "w:bottom"))


class CT_SignedHalfPoints(BaseOxmlElement):
    """`w:position`: a run raised (positive) or lowered (negative), in half points."""

    val = RequiredAttribute("w:val", ST_DecimalNumber)


class CT_DocPr(_DocPr):
    """`wp:docPr` with its description: a picture's alternative text (Word's "Alt Text")."""

    descr = OptionalAttribute("descr", XsdString)


for _tag, _cls in (
        ("w:settings", CT_Settings), ("w:autoHyphenation", CT_OnOff), ("w:footnotePr", CT_FtnProps),
        ("w:numStart", CT_DecimalNumber), ("w:footnotes", CT_Footnotes), ("w:footnote", CT_FtnEdn),
        ("w:footnoteReference", CT_FtnEdnRef), ("w:fldChar", CT_FldChar), ("w:r", CT_R),
        ("w:sectPr", CT_SectPr), ("w:pPr", CT_PPr), ("w:pBdr", CT_PBdr), ("w:bottom", CT_Border), ("w:top", CT_Border),
        ("w:suppressAutoHyphens", CT_Flag), ("w:kinsoku", CT_Flag), ("w:overflowPunct", CT_Flag),
        ("w:autoSpaceDE", CT_Flag), ("w:autoSpaceDN", CT_Flag), ("w:bidi", CT_Flag),
        ("w:rPr", CT_RPr), ("w:szCs", CT_HpsMeasure), ("w:rFonts", CT_Fonts), ("w:lang", CT_Language),
        ("w:tblPr", CT_TblPr), ("w:tblLook", CT_TblLook), ("w:tcPr", CT_TcPr), ("w:tcBorders", CT_TcBorders),
        ("wp:docPr", CT_DocPr), ("w:tblCellMar", CT_CellMar), ("w:tcMar", CT_CellMar),
        ("w:position", CT_SignedHalfPoints), ("w:updateFields", CT_OnOff), ("w:tblBorders", CT_TblBorders),
        ("w:tblW", CT_TblWidth), ("w:tblInd", CT_TblWidth)):
    register_element_cls(_tag, _cls)


# ---- on python-docx's proxies (their elements are private attributes: reached here only)

def set_style(proxy, style_id: str | None) -> None:
    """A paragraph's or run's style by id (w:pStyle, w:rStyle), as python-docx's `.style` setter
    writes it. That setter resolves the style anew on each call, scanning every style for the
    type's default: half of a warm draft's time. The writer resolves its styles once per document."""
    proxy._element.style = style_id


def add_hyperlink(paragraph, r_id: str) -> Paragraph:
    """A w:hyperlink at the end of `paragraph`; the returned paragraph adds its runs to the link."""
    link = paragraph._element.add_hyperlink()
    link.rId = r_id
    return Paragraph(link, paragraph)


def east_asian_hint(run) -> None:
    """w:rFonts/@w:hint="eastAsia": Word draws “ ” full-width only with it."""
    run.element.get_or_add_rPr().get_or_add_rFonts().hint = "eastAsia"


def add_field(paragraph, instruction: str, shown: str = "1") -> None:
    """A field (PAGE...) at the end of `paragraph` (or of a hyperlink's proxy): Word and LibreOffice
    compute its value and show `shown` until they do."""
    paragraph._element.append(field_start(instruction))
    if shown:
        paragraph.add_run(shown)
    paragraph._element.append(field_char("end"))


def field_char(kind: str):
    """A run holding a field character (begin, separate, end): a field may begin in one paragraph
    and end in another (a report's TOC)."""
    run = OxmlElement("w:r")
    run.add_fldChar().fldCharType = kind
    return run


def field_start(instruction: str, dirty: bool = False):
    """The run that opens a field up to its result: begin (dirty: Word computes it again on
    opening), the instruction, separate."""
    run = field_char("begin")
    if dirty:
        run.fldChar_lst[0].set(qn("w:dirty"), "true")
    text = run.add_instrText()
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run.add_fldChar().fldCharType = "separate"
    return run


def bottom_rule(cell, eighths: int) -> None:
    """A black rule under a table cell, `eighths` of a point thick."""
    cell._element.get_or_add_tcPr().get_or_add_tcBorders().get_or_add_bottom().set_rule(eighths, space=0)


def top_rule(paragraph, eighths: int) -> None:
    """A black rule over a paragraph, from its start indent to its end indent."""
    paragraph._p.get_or_add_pPr().get_or_add_pBdr().get_or_add_top().set_rule(eighths, space=0)


def set_layout_table(table) -> None:
    table._element.tblPr.set_layout_look()


def set_alt_text(picture, text: str) -> None:
    """An inline picture's alternative text (wp:docPr/@descr)."""
    picture._inline.docPr.descr = text


def set_cell_margins(table_or_cell, **twips: int) -> None:
    """Cell margins (top, bottom, left, right, in twips) of a whole table (w:tblCellMar) or of one
    cell (w:tcMar); `start` and `end` are the left and right of a left-to-right table."""
    element = table_or_cell._element
    if element.tag == qn("w:tbl"):
        margins = element.tblPr.get_or_add_tblCellMar()
    else:
        margins = element.get_or_add_tcPr().get_or_add_tcMar()
    for side, value in twips.items():
        side = {"start": "left", "end": "right"}.get(side, side)
        edge = getattr(margins, f"get_or_add_{side}")()
        edge.set(qn("w:w"), str(value))
        edge.set(qn("w:type"), "dxa")


def set_position(run, half_points: int) -> None:
    """A run raised (positive) or lowered (negative) from the baseline (w:position)."""
    run.element.get_or_add_rPr().get_or_add_position().val = half_points


def add_text_pieces(run, text: str) -> None:
    """`text` in `run` as one w:t per character (LibreOffice reads each as a text event)."""
    for char in text:
        run.element.add_t(char)


def set_bidi(paragraph) -> None:
    """A paragraph that runs right to left (w:bidi), set on the paragraph itself."""
    paragraph._p.get_or_add_pPr().get_or_add_bidi().val = True


def set_picture_id(picture, number: int) -> None:
    """wp:docPr/@id, unique in the whole package: python-docx numbers pictures per part, and Word
    repairs a file whose header and footer pictures share an id."""
    picture._inline.docPr.id = number
