"""The import's invariant (issue #22): nothing is written unless the YAML says what the draft shows.

The YAML the import would write is rendered back to a Word draft by docgen's own writer, and both
drafts are read to the text their reader sees (body paragraphs, then notes in call order; labels
and calls included) by a walker that shares nothing with the importing reader but the resolution
of tracked changes: any text that walker finds and the reader lost (a wrapper it does not know, a
field result, a text box) shows up as a difference. Differences that are layout, not text, are
normalised away: the kind of whitespace (tabs, no-break spaces, French spacing), Han/Latin gaps,
soft hyphens, a typed label's own form (transforms renumber; its place and depth are kept), the
split of italic runs. Emphasis is compared where drafts show italics (not Chinese, not Arabic).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docgen.readers import docx as reader
from docgen.readers.docx import DraftError, w

_IGNORED = {"pPr", "rPr", "del", "moveFrom", "instrText", "delText", "sectPr", "commentReference", "annotationRef"}
_LABEL = re.compile(r"^(\t*)([^\t]{1,12})\t")
_SPACE = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a\u200b\u2060\ufeff]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"


@dataclass
class Line:
    where: str
    text: str


class _Walk:
    """A paragraph -> [(char, italic)] and the note ids it calls, in order."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.fields: list[bool] = []  # open complex fields: in their result?

    def paragraph(self, p, in_note: bool = False):
        self.chars: list[tuple[str, bool]] = []
        self.calls: list[str] = []
        self.skip_mark = False
        self.in_note, self.leading = in_note, in_note
        self._walk(p)
        return self.chars, self.calls

    def _walk(self, el) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "r":
                self._run(child)
            elif tag not in _IGNORED:
                self._walk(child)

    def _run(self, r) -> None:
        rpr = r.find(w("rPr"))
        italic, style = False, ""
        if rpr is not None:
            i = rpr.find(w("i"))
            italic = i is not None and i.get(w("val"), "true") not in ("0", "false", "off")
            rs = rpr.find(w("rStyle"))
            style = self.styles.get(rs.get(w("val")), rs.get(w("val"))) if rs is not None else ""
            vanish = rpr.find(w("vanish"))
            if vanish is not None and vanish.get(w("val"), "true") not in ("0", "false", "off") and r.find(w("fldChar")) is None:
                return
        mark = reader._is_note_mark_style(style)
        if self.leading and (mark or r.find(w("footnoteRef")) is not None):
            return  # a note's own mark
        if self.skip_mark and mark and r.find(w("footnoteReference")) is None:
            self.skip_mark = False
            return  # a custom mark after its call
        skip_text = False
        for child in r:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "fldChar":
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if not all(self.fields):
                continue  # a field's instruction
            text = ""
            if tag == "t":
                if skip_text:
                    skip_text = False
                    continue
                text = reader.font_text((child.text or "").replace("\u00ad", ""), reader.run_font(rpr))
            elif tag == "tab":
                text = "\t"
            elif tag in ("br", "cr") and child.get(w("type"), "textWrapping") == "textWrapping":
                text = " "
            elif tag == "noBreakHyphen":
                text = "\u2011"
            elif tag == "sym":
                text = reader.symbol(child.get(w("font"), ""), child.get(w("char"), "20"))
            elif tag == "footnoteReference":
                self.calls.append(child.get(w("id")))
                self.chars.append(("\x00", False))
                self.skip_mark = skip_text = child.get(w("customMarkFollows")) in ("1", "true", "on")
                self.leading = False
                continue
            elif tag in ("pict", "drawing", "object", "AlternateContent") or any(True for _ in child.iter(w("t"))):
                self._walk(child)  # a text box's text (or any text in an unknown wrapper) is text the reader sees
                continue
            if self.leading:
                text = text.lstrip()
                self.leading = not text
            self.chars += [(c, italic) for c in text]


def visible(path: Path, changes: str | None, flat: bool) -> tuple[list[Line], list[str]]:
    """What a reader of the draft sees, one Line per paragraph and note; and, where drafts show no
    italics (`flat`), the italic words found (to report: the YAML cannot take them from the draft)."""
    package = reader._Package(Path(path))
    styles_tree = package.xml("word/styles.xml")
    styles = reader._style_names(styles_tree)
    body = package.xml("word/document.xml")
    notes = package.xml("word/footnotes.xml")
    for root in (body, notes):
        if root is not None:
            reader._resolve(root, changes or "accept")
    numbering = reader._Numbering(package, styles_tree)
    walk = _Walk(styles)
    lines: list[Line] = []
    order: list[str] = []
    italics: list[str] = []
    for index, p in enumerate(reader.body_paragraphs(body.find(w("body"))), 1):
        chars, called = walk.paragraph(p)
        raw = "".join(c for c, _ in chars)
        if not raw.strip():
            continue
        prefix = ""
        m = _LABEL.match(raw)
        if m:
            prefix, chars = "\u203a" * len(m.group(1)) + "\u00a7 ", chars[m.end():]
        else:
            ppr = p.find(w("pPr"))
            style = ppr.find(w("pStyle")) if ppr is not None else None
            auto = numbering.level(p, style.get(w("val")) if style is not None else "")
            if auto:
                prefix = "\u203a" * auto[0] + "\u00a7 "
        numbers = []
        for note_id in called:
            order.append(note_id)
            numbers.append(len(order))
        text = prefix + _render(chars, numbers, flat, italics)
        lines.append(Line(f"paragraph {index} (\u201c{reader.short(raw.strip(), 50)}\u201d)", text))
    by_id = {}
    if notes is not None:
        for note in notes.iter(w("footnote")):
            if note.get(w("type")) in (None, "normal"):
                by_id[note.get(w("id"))] = note
    for n, note_id in enumerate(order, 1):
        note = by_id.get(note_id)
        if note is None:
            raise DraftError(f"{Path(path).name}: a footnote call refers to note id {note_id}, which footnotes.xml does not hold")
        chars: list[tuple[str, bool]] = []
        walk.leading = True
        for p in note.iter(w("p")):
            got, _ = walk.paragraph(p, in_note=not chars)
            if chars and got:
                chars.append((" ", False))
            chars += got
        lines.append(Line(f"footnote {n} (\u201c{reader.short(''.join(c for c, _ in chars), 50)}\u201d)",
                          f"[{n}] " + _render(chars, [], flat, italics)))
    return lines, italics


def _render(chars: list[tuple[str, bool]], numbers: list[int], flat: bool, italics: list[str]) -> str:
    """Chars -> normalised text: calls as [^n], italic spans as *...* (toggled at non-space
    characters only, so a split at a space does not show), whitespace and CJK gaps normalised."""
    out, state, calls, run = [], False, iter(numbers), []
    for c, italic in chars:
        if c == "\x00":
            out.append(f"[^{next(calls)}]")
            continue
        if flat:
            if italic and not c.isspace():
                run.append(c)
            elif run and not italic:
                italics.append("".join(run))
                run = []
            out.append(c)
            continue
        if not c.isspace() and italic != state:
            out.append("*")
            state = italic
        out.append(c)
    if state:
        out.append("*")
    if run:
        italics.append("".join(run))
    return normalise("".join(out))


def normalise(text: str) -> str:
    text = _SPACE.sub(" ", text)
    text = re.sub(rf"(?<=[{_CJK}]) | (?=[{_CJK}])", "", text)
    text = re.sub(r" (?=[;:!?\u00bb\u203a%])|(?<=[\u00ab\u2039]) ", "", text)
    return text.strip()


def differences(draft: list[Line], yaml: list[Line], limit: int = 3) -> list[str]:
    """The first differences, each naming the draft's paragraph and showing both texts."""
    out = []
    a, b = [x.text for x in draft], [x.text for x in yaml]
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for k in range(max(a2 - a1, b2 - b1)):
            d = draft[a1 + k] if a1 + k < a2 else None
            y = yaml[b1 + k] if b1 + k < b2 else None
            where = d.where if d else f"after {draft[a1 - 1].where if a1 else 'the start'}"
            out.append(f"{where}:\n    draft shows: {d.text if d else '(nothing)'}\n    YAML gives:  {y.text if y else '(nothing)'}")
            if len(out) >= limit:
                return out
    return out


def check(draft_path: Path, changes: str | None, folder: Path, lang: str, text: str, flat: bool) -> list[str]:
    """Refuse (ImportFailure) unless `text`, as `folder`'s `<lang>.yaml`, renders to what the draft
    shows; returns the italic words of a draft that shows none (for the summary)."""
    import tempfile

    from docgen import pipeline
    from docgen.diagnostics import errors
    from docgen.importing.folder import copy_for_check
    from docgen.importing.report import ImportFailure
    from docgen.writers import RenderError, Settings, writer

    seen, italics = visible(draft_path, changes, flat)
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        # the other language versions are left out: a structural edit of the original makes them
        # differ (the summary's business), and the draft renders from this version alone
        copy = copy_for_check(folder, Path(tmp), lambda n: not n.endswith((".docx", ".pdf"))
                              and not (n.endswith(".yaml") and n[:-5] not in (lang, "document", "organs")))
        (copy / f"{lang}.yaml").write_text(text, encoding="utf-8")
        doc, diagnostics = pipeline.read(copy, checks=False)
        if doc is None or lang not in doc.versions:
            listing = "\n".join(f"  {str(d).replace(str(copy), str(folder))}" for d in errors(diagnostics))
            raise ImportFailure(f"the imported {lang}.yaml would not read; nothing written:\n{listing}")
        rendered = Path(tmp) / "rendered.docx"
        try:
            rendered.write_bytes(writer("docx")(doc, doc.versions[lang], Settings()))
        except RenderError as exc:
            raise ImportFailure(f"the imported {lang}.yaml would not render as a draft ({exc}); nothing written") from None
        got, _ = visible(rendered, None, flat)
    found = differences(seen, got)
    if found:
        raise ImportFailure(f"{Path(draft_path).name}: the YAML the import would write does not say what the draft shows "
                            "(nothing written; this is docgen's limit, not your edit's: report it with the draft):\n  "
                            + "\n  ".join(found))
    return italics
