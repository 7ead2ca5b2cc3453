"""The Word draft of a report (#24): under the resolutions' masthead (the same code), its session
lines and title, a contents that is a real TOC field, then its chapters, sections, numbered
paragraphs, tables and the texts it includes, and its annexes.

- Headings are Word's built-in "Heading 1" (chapters, annexes), "Heading 2" (sections) and
  "Heading 3" (sub-sections), set in the UN sizes (layout.yaml): they carry their outline levels,
  so Word's navigation pane, its TOC field and LibreOffice's outline all see them. An included
  text's heading keeps the resolutions' style (H1G) with the outline level under its chapter or
  section set on the paragraph.
- The contents is the field `TOC \\o "1-3" \\h \\z \\u`, its result pre-filled with what Word's
  "Update field" makes of those headings: one entry per heading (its runs copied, without notes),
  a link to a bookmark at the heading, and a PAGEREF field for the page. The page numbers are left
  for Word: they depend on Word's own layout (fonts, line breaking), which the writer cannot know;
  the PDF's numbers would be wrong in the draft. The field is marked dirty and the settings ask
  Word to update fields on open (w:updateFields), so the draft opens with its real page numbers
  (Word asks first). LibreOffice honours neither: it shows the pre-filled entries, without page
  numbers, until Tools > Update > Update All.
- Paragraphs carry the model's numbers as typed text (as the resolutions' operative paragraphs:
  `num`, a tab). Tables are Word tables: header rows repeat on every page (w:tblHeader), no row
  splits across pages (w:cantSplit), fixed column widths from `Table.widths` over the text
  column, right to left in Arabic (w:bidiVisual), cells in the body font.
- An included text is printed by the resolutions' own code (`text`), in the report's form (the
  model's included version: its heading "Resolution 5/2", no masthead, no meeting lines).
- Footnotes are the writer's real Word footnotes (footnotes.py), the report's and the included
  texts' alike, with the printed numbers: where those are not Word's automatic sequence (an
  included text restarting at 1) every call carries its number as a custom mark.
"""

from __future__ import annotations


import copy
import dataclasses
import re

from docx.enum.table import WD_TABLE_DIRECTION
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph

from docgen.model import Document, Included, Operative, Section, Table, Version
from . import _Body, _paragraphs, oxml, text
from .sizes import paper
from .styles import HEI, SONG, define_style

# level -> (style id, built-in style name, size key, leading key, space-after key, space-before key):
# the PDF's sizes for chapters, sections and sub-sections (layout.yaml, the CSS's .part-heading)
_HEADINGS = {1: ("Heading1", "heading 1", "chapter_font", "chapter_leading", "heading_after", "chapter_before"),
             2: ("Heading2", "heading 2", "section_font", "section_leading", "heading_after", "section_before"),
             3: ("Heading3", "heading 3", "body_font", "body_leading", "heading_after", "section_before")}
_TOC = {level: (f"TOC{level}", f"toc {level}") for level in (1, 2, 3)}
_CELL, _HEAD_CELL = ("TableText", "Table Text"), ("TableHeading", "Table Heading")


def collapse_after_tables(body: _Body) -> None:
    """The space between a table and what follows is the larger of the table's margin and the next
    paragraph's space before, as CSS margins collapse in the PDF; Word adds them: the paragraph
    after each table's spacer loses the spacer's height from its space before (direct or its style's)."""
    for spacer in body.table_spacers:
        following = spacer.getnext()
        if following is None or following.tag != qn("w:p"):
            continue
        p = Paragraph(following, body.document._body)
        before = p.paragraph_format.space_before
        if before is None and p.style is not None:
            before = p.style.paragraph_format.space_before
        p.paragraph_format.space_before = Emu(max(0, (before or 0) - body.sizes["table_after"]))


def report_body(body: _Body, doc: Document, version: Version) -> None:
    """Everything under the masthead and session lines, in reading order."""
    _install_styles(body, doc, version)
    notes = body.notes  # the included texts' notes too, each call with its printed number
    notes.version = dataclasses.replace(version, footnotes=version.all_footnotes())
    numbers = [call.number for call in version.all_calls()]
    notes.automatic = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    notes.start = numbers[0] if numbers and notes.automatic else 1
    title = body.add_paragraph("title")
    _outline(title, 9)  # H1G is a heading for a resolution; here the report's title is not an entry
    body.runs(title, version.title)
    contents = body.add_paragraph("chapter")
    body.text_run(contents, version.language.report.get("contents", "Contents"))
    writer = _Writer(body, doc, version)
    _contents_heads(body, writer.frame, version)
    anchor = body.add_paragraph("chapter")  # where the contents go once the headings are known
    for n, chapter in enumerate(version.chapters):
        writer.section(chapter, page_break=n == 0)
    for annex in version.report_annexes:
        writer.section(annex, page_break=True)
    writer.contents(anchor)


class _Writer:
    def __init__(self, body: _Body, doc: Document, version: Version):
        self.body, self.doc, self.version = body, doc, version
        self.headings: list[tuple[int, str, Paragraph]] = []  # (level, bookmark, paragraph)
        self.bookmark_id = 0
        sheet = paper(doc.station["paper"])
        s = body.sizes
        self.frame = Emu(sheet["width"] - sheet["left"] - sheet["right"])
        self.column = Emu(self.frame - s["text_indent_left"] - s["text_indent_right"])

    # ---- headings

    def section(self, section: Section, page_break: bool = False) -> None:
        level = min(section.level, 3)
        p = self.body.document.add_paragraph()
        oxml.set_style(p, _HEADINGS[level][0])
        if page_break:
            p.paragraph_format.page_break_before = True  # the first chapter, an annex: a new page
        if section.annex:  # "Annex I", the title under it, both in the text column (the PDF's .annex-heading)
            p.paragraph_format.first_line_indent = 0
            self.body.text_run(p, section.label).add_break()
        else:
            self.body.text_run(p, section.label + "\t")
        self.body.runs(p, section.title)
        self.heading(p, level, section.ident)
        self.blocks(section.body, level)

    def heading(self, p: Paragraph, level: int, ident: str) -> None:
        """A bookmark around the heading's text, the target of its contents entry."""
        name = "_Toc_" + re.sub(r"[^A-Za-z0-9_]", "_", ident)[:35]
        self.bookmark_id += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), name)
        end.set(qn("w:id"), str(self.bookmark_id))
        ppr = p._p.pPr
        p._p.insert(1 if ppr is not None else 0, start)
        p._p.append(end)
        self.headings.append((level, name, p))

    # ---- the body

    def blocks(self, blocks, level: int) -> None:
        for block in blocks:
            if isinstance(block, Section):
                self.section(block)
            elif isinstance(block, Operative):
                _paragraphs(self.body, [block])
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Included) and block.version is not None:
                self.included(block, level)

    def included(self, block: Included, level: int) -> None:
        """The resolution's own writer code, its heading an entry one level under the section it is in."""
        body_el = self.body.document.element.body
        before = set(body_el)  # what was written already (the section properties stay last)
        text(self.body, block.document, block.version, in_report=True)
        new = [Paragraph(el, self.body.document._body) for el in body_el if el not in before and el.tag == qn("w:p")]
        heading = new[0]
        if len(new) > 1:
            # "Resolution 5/2" (第 5/2 号决议), the title on the next line: one heading (its contents entry both),
            # the title after a line break in the same style (H1G) rather than a paragraph of its own
            title = new[1]
            heading.runs[-1].add_break() if heading.runs else heading.add_run().add_break()
            for child in list(title._p):
                if child.tag != qn("w:pPr"):
                    heading._p.append(child)
            title._p.getparent().remove(title._p)
        _outline(heading, min(level, 2))
        for p in new[1:]:  # its annexes' titles (H1G too): not entries of the report's contents
            if p._p.style == heading._p.style:
                _outline(p, 9)
        self.heading(heading, min(level + 1, 3), block.ident or block.key)

    def table(self, table: Table) -> None:
        body, s = self.body, self.body.sizes
        if table.caption:
            caption = body.add_paragraph("subheading")
            caption.paragraph_format.keep_with_next = True
            caption.paragraph_format.left_indent = s["text_indent_left"]  # over the table, in the text column
            body.runs(caption, table.caption)
        rows = [*table.header, *table.rows]
        columns = table.columns
        widths = list(table.widths) if len(table.widths) == columns else [1 / columns] * columns
        grid = [Emu(round(self.column * w)) for w in widths]
        t = body.document.add_table(rows=len(rows), cols=columns)
        t.autofit = False
        if body.rtl:
            t.table_direction = WD_TABLE_DIRECTION.RTL
        tbl_pr = t._tbl.tblPr
        for width, value in ((tbl_pr.get_or_add_tblW(), self.column), (tbl_pr.get_or_add_tblInd(), s["text_indent_left"])):
            width.set(qn("w:w"), str(value.twips))
            width.set(qn("w:type"), "dxa")
        borders = tbl_pr.get_or_add_tblBorders()  # a rule over the table and under it, as UN tables
        borders.get_or_add_top().set_rule(4, space=0)
        borders.get_or_add_bottom().set_rule(4, space=0)
        oxml.set_cell_margins(t, start=0, end=113, top=28, bottom=28)
        for column, width in zip(t.columns, grid):
            column.width = width
        for r, (row, cells) in enumerate(zip(t.rows, rows)):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.insert(0, OxmlElement("w:cantSplit"))  # a row never splits across pages
            header = r < len(table.header)
            if header:
                tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
            for c, cell in enumerate(row.cells):
                cell.width = grid[c]
                p = cell.paragraphs[0]
                oxml.set_style(p, (_HEAD_CELL if header else _CELL)[0])
                if c < len(cells):
                    body.runs(p, cells[c])
                if r == len(table.header) - 1:
                    oxml.bottom_rule(cell, eighths=4)  # under the column heads
        after = body.add_paragraph("operative")  # the space after a table (the PDF's table margin)
        after.paragraph_format.line_spacing = Emu(s["table_after"])
        after.paragraph_format.space_after = 0
        body.table_spacers.append(after._p)  # collapse_after_tables

    # ---- the contents

    def contents(self, anchor: Paragraph) -> None:
        """The TOC field's paragraphs in place of `anchor`, one per heading, pre-filled."""
        entries = []
        for level, name, heading in self.headings:
            p = Paragraph(OxmlElement("w:p"), anchor._parent)
            oxml.set_style(p, _TOC[level][0])
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), name)
            link.set(qn("w:history"), "1")
            p._p.append(link)
            for run in _entry_runs(heading):
                link.append(run)
            entry = Paragraph(link, p)
            entry.add_run().add_tab()
            oxml.add_field(entry, f"PAGEREF {name} \\h", "")
            entries.append(p)
        # stale: Word computes it again, with the page numbers, on opening
        entries[0]._p.insert(1, oxml.field_start('TOC \\o "1-3" \\h \\z \\u', dirty=True))
        entries[-1]._p.append(oxml.field_char("end"))
        for p in entries:
            anchor._p.addprevious(p._p)
        anchor._p.getparent().remove(anchor._p)
        # w:val written out (CT_OnOff drops a true value): as Word writes the setting
        self.body.document.settings.element.get_or_add_updateFields().set(qn("w:val"), "true")


def _contents_heads(body: _Body, frame, version: Version) -> None:
    """"Chapter ... Page" over the contents, the PDF's column heads: the table size, italic in Latin
    and Cyrillic scripts, the page head at the right of the text column."""
    s, words = body.sizes, version.language.report
    heads = body.add_paragraph("operative")
    fmt = heads.paragraph_format
    fmt.left_indent, fmt.right_indent = s["text_indent_left"], 0  # the tab stop inside the line (LibreOffice)
    fmt.first_line_indent, fmt.space_after = 0, s["paragraph_after"]
    fmt.line_spacing = s["table_leading"]
    for stop in heads.style.paragraph_format.tab_stops:  # the text style's number tabs: not here
        fmt.tab_stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    fmt.tab_stops.add_tab_stop(Emu(frame - s["text_indent_right"]), WD_TAB_ALIGNMENT.RIGHT)
    body.text_run(heads, words.get("chapter", ""))
    heads.add_run().add_tab()
    body.text_run(heads, words.get("page", ""))
    for run in heads.runs:
        run.font.size = s["table_font"]
        run.italic = not (body.cjk or body.rtl)


def _entry_runs(heading: Paragraph):
    """The heading's runs as Word's TOC copies them: text and tabs, not its notes; a line break
    (between "Resolution 5/2" and its title, "Annex" and its title) becomes a space, as the PDF's
    contents set them on one line (Word's own update of the field copies the break)."""
    for run in heading._p.iter(qn("w:r")):
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style is not None and style.get(qn("w:val")) == "FootnoteReference":
            continue
        if run.find(qn("w:footnoteReference")) is not None:
            continue
        run = copy.deepcopy(run)
        for br in run.findall(qn("w:br")):
            space = OxmlElement("w:t")
            space.set(qn("xml:space"), "preserve")
            space.text = " "
            br.addprevious(space)
            run.remove(br)
        yield run


def _outline(p: Paragraph, level: int) -> None:
    """The paragraph's own outline level (0: a level-1 heading ... 9: body text)."""
    _outline_level(p._p.get_or_add_pPr(), level)


def _outline_level(ppr, level: int) -> None:
    """w:outlineLvl in a paragraph's or a style's properties (python-docx places it)."""
    ppr.get_or_add_outlineLvl().val = level


def _install_styles(body: _Body, doc: Document, version: Version) -> None:
    """The report's styles, beside the resolutions' (styles.py): headings 1-3, contents entries
    1-3, table cells and column heads, in the sizes of layout.yaml."""
    s, styles = body.sizes, body.document.styles
    right = Emu(body.sizes["text_indent_right"])
    sheet = paper(doc.station["paper"])
    frame = Emu(sheet["width"] - sheet["left"] - sheet["right"])

    def define(style_id, name, size_key, leading_key, bold, east, after=None, italic=False):
        style = define_style(styles, name, version, s[size_key], s[leading_key], bold, east, italic=italic,
                             style_id=style_id, fresh=True)
        style.paragraph_format.space_after = s[after] if after else 0
        return style

    for level, (style_id, name, size_key, leading_key, after, before) in _HEADINGS.items():
        style = define(style_id, name, size_key, leading_key, True, HEI, after)
        fmt = style.paragraph_format
        fmt.keep_with_next = True
        fmt.space_before = s[before]
        # the label hangs number_tab before the text column, the title in it (as the PDF's)
        fmt.left_indent, fmt.right_indent = s["text_indent_left"], right
        fmt.first_line_indent = -s["number_tab"]
        fmt.tab_stops.add_tab_stop(s["text_indent_left"])
        _outline_level(style.element.get_or_add_pPr(), level - 1)
    for level, (style_id, name) in _TOC.items():
        style = define(style_id, name, "body_font", "body_leading", False, SONG)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = 0, s["contents_entry_after"]  # as the PDF's entries
        indent = s["text_indent_left"] + (level - 1) * s["number_tab"]
        # the label hangs number_tab before the title; the page number right, after dot leaders
        fmt.left_indent, fmt.first_line_indent = indent, -s["number_tab"]
        fmt.right_indent = Emu(right + s["number_tab"])
        fmt.tab_stops.add_tab_stop(indent)
        fmt.tab_stops.add_tab_stop(Emu(frame - right), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    define(*_CELL, "table_font", "table_leading", False, SONG)  # the PDF's table size (layout.yaml)
    define(*_HEAD_CELL, "table_font", "table_leading", False, HEI if body.cjk else SONG, italic=True)
    if body.rtl:
        styles[_HEAD_CELL[1]].font.bold = True
