"""Word writer: a draft editors keep working in, built with python-docx from the model.

- UN style names (SingleTxtG, HChG, H1G, H23G in Geneva/Vienna; SingleTxt, HCh, H1, H23 in
  New York), defined once in `styles.py`; body text uses styles only (italic opening verbs are
  the one direct formatting, as an editor would type it).
- Real Word footnotes (`footnotes.py`): python-docx has no API for them.
- python-docx's API wherever it has one; what it lacks is declared in `oxml.py`, the one module
  that handles WordprocessingML elements. Page geometry and type sizes: templates/layout.yaml
  (`sizes.py`), the table the PDF reads.
- East Asian fonts Word honours: all four rFonts slots, w:lang eastAsia, w:hint="eastAsia" on
  runs with CJK text, no theme fonts; kinsoku and Han/Latin autospace on.
- Right to left (Arabic): paragraphs w:bidi (styles), Arabic runs w:rtl with the complex-script
  face and sizes (rFonts w:cs, szCs, bCs) and w:lang w:bidi, Latin and digit runs (symbols,
  numbers, Latin words) left to right in Times; the section, the masthead table and the
  running header mirrored.
- Reproducible: fixed core properties and zip timestamps from the content.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Emu, Length, Pt
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from docgen.data.tables import HAN
from docgen.model import Document, Emphasis, FootnoteCall, Item, Reference, Text, Version
from . import footnotes as fn, oxml
from docgen.paths import TEMPLATES
from .barcode_png import code39_png
from .emblem_png import emblem_png, emblem_ratio
from .sizes import lengths, paper, sizes
from .source import add_source_properties
from .styles import install_styles, mark_language, style_names

_HAN = re.compile(rf"[{HAN}]")
# In right-to-left text: a run of Latin letters and digits, with the spaces and punctuation
# inside it (A/99/100, 64/293, Akoma Ntoso Version 1.0), set left to right; the rest is w:rtl.
# A Latin word, symbol or number in Arabic text; its hyphens (U+2011 in "non‑proliferation", #22)
# belong to it: a hyphen in a w:rtl run of its own would be set right to left, between its words.
_LTR_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ./:\-\u2010\u2011]*[A-Za-z0-9])?")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _Body:
    """Adds the model's paragraphs and runs to the Word document."""

    def __init__(self, document, version: Version, names: dict, cjk: bool, rtl: bool = False):
        self.document, self.version, self.cjk, self.rtl = document, version, cjk, rtl
        self.style_ids = _style_ids(document, names)
        self.sizes = lengths(version.lang)
        self.notes = fn.Footnotes(document, version, self)
        self.table_spacers: list = []  # a report's paragraphs that stand for a table's bottom margin

    def styled(self, proxy, key: str):
        """`proxy` (a paragraph or a run) in the style `key` of `style_names`."""
        oxml.set_style(proxy, self.style_ids[key])
        return proxy

    def add_paragraph(self, key: str):
        return self.styled(self.document.add_paragraph(), key)

    def runs(self, paragraph, nodes, italic=False):
        for node in nodes:
            if isinstance(node, Text):
                self.text_run(paragraph, node.text, italic)
            elif isinstance(node, Emphasis):
                self.runs(paragraph, node.children, italic=not (self.cjk or self.rtl))
            elif isinstance(node, Reference):
                self.hyperlink(paragraph, node, italic)
            elif isinstance(node, FootnoteCall):
                self.notes.call(paragraph, node)

    def hyperlink(self, paragraph, node: Reference, italic=False):
        """A reference as a link to its Akoma Ntoso IRI, unstyled (editors see the text as typed);
        `docgen import` reads the reference back from the link. The link's relationship belongs to
        the part the paragraph is in (the document or the footnotes)."""
        r_id = paragraph.part.relate_to(node.href, RT.HYPERLINK, is_external=True)
        self.runs(oxml.add_hyperlink(paragraph, r_id), node.children, italic)

    def text_run(self, paragraph, text: str, italic=False):
        if self.rtl:
            return self.rtl_runs(paragraph, text, italic)
        run = paragraph.add_run(text)
        if italic:
            run.italic = True
        if self.cjk and _HAN.search(text):  # fonts by language: “ ” are Latin in Latin-script text
            oxml.east_asian_hint(run)
        return run

    def rtl_runs(self, paragraph, text: str, italic=False):
        """Arabic text as w:rtl runs, its Latin words, symbols and numbers as runs of their own.

        Word sets a w:rtl run in the complex-script face and reads its digits by the Arabic
        context; a symbol or a number in a run of its own stays in Times, in Western digits.
        """
        pos, run = 0, None
        pieces = []
        for m in _LTR_RUN.finditer(text):
            pieces += [(text[pos:m.start()], True), (m.group(), False)]
            pos = m.end()
        pieces.append((text[pos:], True))
        for piece, rtl in pieces:
            if not piece:
                continue
            run = paragraph.add_run(piece)
            if italic:
                run.italic = True
            if rtl:
                run.font.rtl = True
        return run if run is not None else paragraph.add_run("")

    def paragraph(self, style_key: str, num: str | None, nodes, lead: str = ""):
        """UN practice: numbers and indents are typed as text and tabs (1., then a tab)."""
        p = self.add_paragraph(style_key)
        if num is not None or lead:
            self.text_run(p, lead + (num + "\t" if num is not None else ""))
        self.runs(p, nodes)
        return p

    def item(self, item: Item, depth: int):
        self.paragraph(f"item{min(depth, 3)}", item.num, item.text, lead="\t" * depth)
        for child in item.items:
            self.item(child, depth + 1)


def _page(document, doc: Document, s: dict):
    """The duty station's paper and margins (layout.yaml, as the PDF). Page 1 begins higher
    (first_page_top): its masthead is the first page's header, which starts there and pushes the
    body down to where the PDF's session lines begin; headers and footers share that distance."""
    sheet = paper(doc.station["paper"])
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = sheet["width"], sheet["height"]
    section.left_margin, section.right_margin = sheet["left"], sheet["right"]
    section.top_margin, section.bottom_margin = sheet["top"], sheet["bottom"]
    section.header_distance = s["first_page_top"]
    # the first page's footer (job number over a barcode) ends barcode_height under the body
    section.footer_distance = Emu(sheet["bottom"] - s["barcode_height"] - Pt(3))
    section.different_first_page_header_footer = True
    document.settings.odd_and_even_pages_header_footer = True
    return section


def _headers(section, doc: Document, version: Version, body: _Body, rtl: bool = False):
    """Symbol and page number on the outer side: odd pages right, even left; mirrored in a
    right-to-left document, whose odd pages are left-hand pages. As in the PDF, the header's rule
    lies on the top margin and the page number at the top of the bottom margin."""
    s = body.sizes
    symbol = version.masthead.symbol
    odd, even = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT) if rtl else (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    above = Emu(section.top_margin - section.header_distance - s["header_leading"] - s["header_rule_gap"] - Pt(1))
    below = Emu(section.bottom_margin - section.footer_distance - s["header_leading"])
    for header, align in ((section.header, odd), (section.even_page_header, even)):
        p = header.paragraphs[0]
        body.styled(p, "header")
        p.alignment = align
        p.paragraph_format.space_before = above
        p.add_run(symbol)
    for footer, align in ((section.footer, odd), (section.even_page_footer, even)):
        p = footer.paragraphs[0]
        body.styled(p, "footer")
        p.alignment = align
        p.paragraph_format.space_after = below
        oxml.add_field(p, "PAGE")


@functools.cache
def _emblem_svg() -> bytes:
    """templates/emblem.svg, read once per process (the PDF's emblem, drawn as a PNG for Word)."""
    return (TEMPLATES / "emblem.svg").read_bytes()


def _masthead_rows(head, s: dict, svg: bytes) -> Length:
    """The height of the masthead's second row as the PDF lays it out: its padding, then the
    tallest of the emblem (`svg`), the organ's lines and the right-hand block."""
    emblem = s["emblem_width"] * emblem_ratio(svg)
    leading = s["organ_leading" if head.organ_size == "organ_font" else "organ_font_long_leading"]
    return Emu(s["masthead_padding"] + max(emblem, len(head.organ_lines) * leading,
                                           len(head.distribution) * s["block_leading"]))


def _first_page(document, section, doc: Document, version: Version, body: _Body):
    """The masthead, in the first page's header (it starts first_page_top from the top edge, as
    the PDF's), then the session lines at the top of the body."""
    lang = version.language
    head = version.masthead
    s = body.sizes
    sheet = paper(doc.station["paper"])
    frame = Emu(sheet["width"] - sheet["left"] - sheet["right"])
    header = section.first_page_header
    table = header.add_table(rows=3, cols=3, width=frame)
    table.autofit = False
    emblem_cell = Emu(s["emblem_width"] + s["emblem_gap"])
    widths = (emblem_cell, Emu(frame - emblem_cell - s["block_width"]), s["block_width"])
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    line1 = table.rows[0].cells
    un_cell = line1[0].merge(line1[1])
    symbol_cell = line1[2]
    body.styled(un_cell.paragraphs[0], "masthead_un")
    body.text_run(un_cell.paragraphs[0], lang.united_nations)
    p = body.styled(symbol_cell.paragraphs[0], "masthead_symbol")
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if body.rtl else WD_ALIGN_PARAGRAPH.RIGHT
    big = p.add_run(head.symbol_first)
    big.font.size = s["symbol_first_font"]  # the symbol's first element is larger (un-layout.md)
    if head.symbol_rest:
        p.add_run(head.symbol_rest)
    # The symbol may be wider than the block: it reaches into the organ's column, as in the PDF.
    emblem, organ, block = table.rows[1].cells
    ep = body.styled(emblem.paragraphs[0], "masthead_organ")
    ep.paragraph_format.line_spacing = 1.0  # the picture's own height: never clipped
    svg = _emblem_svg()
    picture = ep.add_run().add_picture(io.BytesIO(emblem_png(svg, s["emblem_width"].pt)), width=s["emblem_width"])
    oxml.set_alt_text(picture, lang.emblem_alt)  # a11y: the PDF's Figure /Alt, Word's Alt Text
    oxml.set_picture_id(picture, 1)
    body.styled(organ.paragraphs[0], "masthead_organ")
    lines = head.organ_lines
    if head.organ_size != "organ_font":  # a long name (layout.yaml organ_line_chars), as in the PDF
        organ.paragraphs[0].paragraph_format.line_spacing = s["organ_font_long_leading"]
    for i, line in enumerate(lines):
        run = body.text_run(organ.paragraphs[0], line)
        if head.organ_size != "organ_font":
            run.font.size = s[head.organ_size]
        if i < len(lines) - 1:
            run.add_break()
    distribution = head.distribution
    bp = body.styled(block.paragraphs[0], "masthead_block")
    for i, line in enumerate(distribution):
        run = bp.add_run(line)
        if i < len(distribution) - 1:
            run.add_break()
    if body.rtl:  # the first column on the right: United Nations and the organ right, symbol and block left
        table.table_direction = WD_TABLE_DIRECTION.RTL
    oxml.set_cell_margins(table, top=0, bottom=0, start=0, end=0)
    for cell in table.rows[1].cells:
        oxml.set_cell_margins(cell, top=round(s["masthead_padding"].pt * 20))
    oxml.set_cell_margins(organ, end=round(s["organ_gap"].pt * 20))
    oxml.set_cell_margins(symbol_cell, bottom=round(s["masthead_rule_gap"].pt * 20))
    oxml.set_cell_margins(un_cell, bottom=round(s["masthead_rule_gap"].pt * 20))
    for cell in (un_cell, symbol_cell):
        oxml.bottom_rule(cell, eighths=4)   # 0.5 pt under "United Nations" and the symbol
    for cell in table.rows[1].cells:
        oxml.bottom_rule(cell, eighths=12)  # 1.5 pt under the masthead (un-layout.md)
    # a11y (#15): a layout table, no header row, no banding, no style conditional formatting, so
    # Word's accessibility checker and screen readers do not read it as data (no w:tblHeader row)
    oxml.set_layout_table(table)
    # The PDF's masthead is masthead_height under its first line whatever its rows hold, then
    # masthead_after: an empty last row of that remaining height (LibreOffice drops an empty
    # paragraph after a header's table), so the body (the session lines) begins where the PDF's does.
    rest = table.rows[2]
    rest.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    rest.height = Emu(max(Pt(1), s["masthead_height"] + s["masthead_after"] - _masthead_rows(head, s, svg)))
    rest_cell = rest.cells[0].merge(rest.cells[2])
    body.styled(rest_cell.paragraphs[0], "masthead_block")
    body.styled(header.paragraphs[-1], "masthead_block")
    header.paragraphs[-1].paragraph_format.line_spacing = Pt(1)
    sessions = [body.add_paragraph("session") for _ in head.session_lines]
    for p, line in zip(sessions, head.session_lines):
        body.text_run(p, line)
    if sessions:
        sessions[-1].paragraph_format.space_after = s["session_after"]
    adoption = [body.add_paragraph("adoption") for _ in head.adoption_lines]
    for p, line in zip(adoption, head.adoption_lines):  # adoption line and bracket, or a draft's sponsors line
        body.text_run(p, line)
    if adoption:
        adoption[-1].paragraph_format.space_after = s["adoption_after"]
    # first-page footer: a draft's sponsor notes, then the job number and its Code 39 barcode
    # In Arabic the notes run right to left and the job number and barcode sit on the right, the
    # barcode on the job number's left, as the PDF's footer (its bottom-right box, right to left).
    footer = body.styled(section.first_page_footer.paragraphs[0], "footer_first")
    for note in head.first_page_notes:
        p = body.styled(footer.insert_paragraph_before(), "footer_first")
        if body.rtl:
            oxml.set_bidi(p)
        body.text_run(p, note)
    if body.rtl:
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if head.job_line and not body.rtl:
        footer.add_run(head.job_line)
    if head.barcode_digits:
        png = io.BytesIO(code39_png(head.barcode_digits))
        if not body.rtl:
            footer.add_run("\u2002")  # the PDF's barcode_gap, about an en space
        run = footer.add_run()
        picture = run.add_picture(png, height=s["barcode_height"])
        # lowered so that its top meets the top of the job number, as the PDF aligns it
        oxml.set_position(run, -round(Emu(s["barcode_height"] - s["job_font"]).pt * 2))
        # a11y (#15): alternative text naming the job number (Word's "Alt Text", wp:docPr/@descr)
        oxml.set_alt_text(picture, lang.barcode_alt.format(job=head.job_number))
        oxml.set_picture_id(picture, 2)
    if head.job_line and body.rtl:
        footer.add_run(("\u2002" if head.barcode_digits else "") + head.job_line)


CORE_LIMIT = 255  # characters in a Word core property (python-docx enforces the OPC limit)


def core_text(text: str) -> str:
    """text, shortened at a word boundary with an ellipsis when longer than a core property may be."""
    text = " ".join(text.split())
    if len(text) <= CORE_LIMIT:
        return text
    cut = text[: CORE_LIMIT - 1]
    if " " in cut[CORE_LIMIT // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _properties(document, doc: Document, version: Version):
    from docgen.model import plain_text

    lang = version.language
    when = dt.datetime.combine(version.masthead.issued, dt.time(), tzinfo=dt.timezone.utc)
    core = document.core_properties
    core.title = core_text(plain_text(version.title))  # the body carries the full title
    core.subject = core_text(version.masthead.symbol)
    core.author = core_text(doc.organ.show_as)
    core.language = lang.word_lang
    core.created = core.modified = when
    core.last_modified_by = ""
    core.revision = 1
    core.comments = core.keywords = core.category = ""


def _drop_noise(document):
    """python-docx's template carries parts that validators flag or that describe python-docx."""
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            del part.rels[rel_id]
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rel_id]


def _reproducible_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _style_ids(document, names: dict) -> dict:
    """Each style key's id, found once per document by python-docx's rule (None for the default
    style of its type). python-docx's `.style` setters find the id anew on each call, scanning
    every style for the type's default: that was half of a warm Word draft's time."""
    styles, defaults, ids = document.styles, {}, {}
    for key, name in names.items():
        style = styles[name]
        if style.type not in defaults:
            defaults[style.type] = styles.default(style.type)
        ids[key] = None if style == defaults[style.type] else style.style_id
    return ids


_TEMPLATES: dict = {}  # (style names, language, sizes) -> python-docx's default .docx with those styles


def _new_document(doc: Document, version: Version):
    """python-docx's default document with docgen's styles installed, opened from a template kept
    per (style names, language, sizes): what `install_styles` writes depends on nothing else (an
    edit of layout.yaml makes a new key). Installing them finds each style by name with a scan
    of the whole styles part: done for every draft, that was a third of a warm draft's time."""
    key = (tuple(sorted(style_names(doc).items())), version.lang, tuple(sorted(sizes(version.lang).items())))
    if key not in _TEMPLATES:
        document = docx.Document()
        _drop_noise(document)
        install_styles(document, doc, version)
        saved = io.BytesIO()
        document.save(saved)
        _TEMPLATES[key] = saved.getvalue()
    return docx.Document(io.BytesIO(_TEMPLATES[key]))


def build_document(doc: Document, version: Version):
    document = _new_document(doc, version)
    cjk = version.language.is_cjk
    rtl = version.language.direction == "rtl"
    names = style_names(doc)
    body = _Body(document, version, names, cjk, rtl)
    section = _page(document, doc, body.sizes)
    if rtl:
        document.element.body.sectPr.get_or_add_bidi()
    document.element.body.clear_content()  # the default template starts with one empty paragraph
    _first_page(document, section, doc, version, body)
    _headers(section, doc, version, body, rtl)
    if doc.meta.is_report:  # its chapters, contents and tables: report.py
        from .report import report_body

        report_body(body, doc, version)
    else:
        text(body, doc, version)
    end = body.add_paragraph("end_rule")
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the PDF's end rule: 0.5 pt, end_rule wide, centred on the frame, end_rule_before under the text
    s, sheet = body.sizes, paper(doc.station["paper"])
    side = Emu(round((sheet["width"] - sheet["left"] - sheet["right"] - s["end_rule"]) / 2))
    end.paragraph_format.left_indent = end.paragraph_format.right_indent = side
    end.paragraph_format.space_before = s["end_rule_before"]
    oxml.top_rule(end, eighths=4)
    if doc.meta.is_report:
        from .report import collapse_after_tables

        collapse_after_tables(body)
    body.notes.finish()
    _hyphenation(document, version)
    for part in _parts_with_runs(document, section, body):
        mark_language(part, version)
    _properties(document, doc, version)
    add_source_properties(document, doc, version)
    return document


def text(body: _Body, doc: Document, version: Version, in_report: bool = False) -> None:
    """A resolution's or decision's text under its masthead: heading, title, formula, preamble,
    operative paragraphs, closing lines, annexes (a report prints its included texts with this
    too, `in_report`)."""
    heading = body.add_paragraph("heading")
    stacked = in_report or doc.meta.in_report  # "Resolution 5/2" (第 5/2 号决议), the title on the next line
    if version.heading:  # a draft has no number yet
        body.text_run(heading, version.heading + ("" if stacked else "\t"))
    if stacked:
        body.runs(body.add_paragraph("title"), version.title)
    else:
        body.runs(heading, version.title)
    if version.formula:  # a decision in narrative form has none
        body.paragraph("formula", None, version.formula, lead="\t")
    for p in version.preamble:
        body.paragraph("preambular", None, p.text, lead="\t")
        for item in p.items:
            body.item(item, 1)
    _paragraphs(body, version.operative)
    for i, line in enumerate(version.closing):
        p = body.add_paragraph("closing")
        if i == 0:  # the larger of this and the space after the paragraph before, as CSS margins collapse
            p.paragraph_format.space_before = body.sizes["closing_before"]
        body.text_run(p, line)
    for annex in version.annexes:
        label = body.add_paragraph("annex")
        label.paragraph_format.page_break_before = True  # an annex starts on a new page
        body.text_run(label, annex.label)
        title = body.add_paragraph("heading")
        title.paragraph_format.space_after = body.sizes["annex_title_after"]
        body.runs(title, annex.title)
        _paragraphs(body, annex.paragraphs)


def _paragraphs(body: _Body, paragraphs) -> None:
    """Operative or annex paragraphs. The space between two paragraphs is the larger of the first's
    space after and the second's space before, in Word (without doNotUseHTMLParagraphAutoSpacing)
    and LibreOffice as in CSS, whose margins collapse: each paragraph takes the PDF's margins."""
    s = body.sizes
    for p in paragraphs:
        if p.heading:
            heading = body.add_paragraph("subheading")
            heading.paragraph_format.space_before = s["subheading_before"]
            heading.paragraph_format.space_after = s["paragraph_after"]
            # in the text column, as the PDF's (its style, H23, is the session lines', at the margin)
            heading.paragraph_format.left_indent = s["text_indent_left"]
            heading.paragraph_format.right_indent = s["text_indent_right"]
            body.runs(heading, p.heading)
        # a lone paragraph is unnumbered: indented like the preamble
        body.paragraph("operative", p.num or None, p.text, lead="" if p.num else "\t")
        for item in p.items:
            body.item(item, 1)


def _parts_with_runs(document, section, body):
    yield document.element.body
    for hf in (section.header, section.even_page_header, section.first_page_header, section.footer,
               section.even_page_footer, section.first_page_footer):
        if not hf.is_linked_to_previous:  # defined (reading .part of an undefined one creates it)
            yield hf.part.element
    yield body.notes.element


def _hyphenation(document, version: Version) -> None:
    """w:autoHyphenation in settings.xml: Word and LibreOffice hyphenate each run in its w:lang.
    Not in Chinese. Paragraphs that must not break words (headings, masthead) suppress it in
    their style; document symbols and numbers have no hyphenation points in the dictionaries."""
    if not version.language.hyphenates:
        return
    document.settings.element.get_or_add_autoHyphenation()


def write(doc: Document, version: Version, settings) -> bytes:
    out = io.BytesIO()
    build_document(doc, version).save(out)
    return _reproducible_zip(out.getvalue())
