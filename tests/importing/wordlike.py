"""Emulated Word and LibreOffice saves of a docgen draft, for the import's tests (issue #22).

Each transformation takes the bytes of a .docx and returns the bytes of the same draft as an
editor's word processor could store it. KEEPS: the visible text is unchanged (the import must say
"no change"); LOSSY: the draft now shows something the YAML cannot say (the import must refuse, or
report it). Plain functions over lxml; `rng` chooses where, so a seed reproduces a case.

    python -m tests.importing.wordlike DRAFT_DIR   # measure every transformation over the drafts there
"""

from __future__ import annotations

import copy
import io
import random
import re
import zipfile
from dataclasses import dataclass
from typing import Callable

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# ---------------------------------------------------------------- the package as parts


class Parts(dict):
    """name -> bytes, with parsed XML parts written back on `save`."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            super().__init__((n, z.read(n)) for n in z.namelist())
        self.trees: dict[str, etree._Element] = {}

    def xml(self, name: str):
        if name not in self.trees:
            self.trees[name] = etree.fromstring(self[name])
        return self.trees[name]

    def save(self) -> bytes:
        for name, tree in self.trees.items():
            self[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.items():
                z.writestr(name, data)
        return out.getvalue()


def body_paragraphs(parts: Parts) -> list:
    """The paragraphs after the masthead table (the body text the YAML holds)."""
    body = parts.xml("word/document.xml").find(w("body"))
    return [p for p in body.iter(w("p")) if not any(a.tag == w("tbl") for a in p.iterancestors())
            and "".join(p.itertext()).strip()]


def note_paragraphs(parts: Parts) -> list:
    if "word/footnotes.xml" not in parts:
        return []
    return [p for n in parts.xml("word/footnotes.xml").iter(w("footnote")) if n.get(w("type")) is None
            for p in n.iter(w("p"))]


def text_runs(root) -> list:
    return [r for r in root.iter(w("r")) if r.find(w("t")) is not None and (r.find(w("t")).text or "").strip()]


def sample(rng: random.Random, items: list, share: float = 0.5) -> list:
    return [x for x in items if rng.random() < share] or (items[:1] if items else [])


def _wrap(el, tag: str, **attrs) -> etree._Element:
    """Put `el` inside a new element `tag` at its place."""
    parent = el.getparent()
    wrapper = etree.Element(w(tag), {w(k): v for k, v in attrs.items()})
    parent.replace(el, wrapper)
    wrapper.append(el)
    return wrapper


def _run(text: str = "", rpr=None) -> etree._Element:
    r = etree.Element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    if text:
        t = etree.SubElement(r, w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


# ---------------------------------------------------------------- keeps the visible text


def block_sdt(parts: Parts, rng: random.Random) -> None:
    """A block-level content control around paragraphs (Word: Developer > Rich Text)."""
    for p in sample(rng, body_paragraphs(parts)):
        sdt = _wrap(p, "sdt")
        sdt.insert(0, etree.Element(w("sdtPr")))
        content = etree.SubElement(sdt, w("sdtContent"))
        content.append(p)


def block_custom_xml(parts: Parts, rng: random.Random) -> None:
    """Custom XML markup around whole paragraphs (older Word, SharePoint templates)."""
    for p in sample(rng, body_paragraphs(parts) + note_paragraphs(parts)):
        _wrap(p, "customXml", element="para")


def inline_sdt(parts: Parts, rng: random.Random) -> None:
    for r in sample(rng, text_runs(parts.xml("word/document.xml"))):
        sdt = _wrap(r, "sdt")
        content = etree.SubElement(sdt, w("sdtContent"))
        content.append(r)


def bidi_wrappers(parts: Parts, rng: random.Random) -> None:
    """w:dir / w:bdo around runs (Word 2010+ writes them in right-to-left text)."""
    for r in sample(rng, text_runs(parts.xml("word/document.xml")) + [r for p in note_paragraphs(parts) for r in text_runs(p)]):
        _wrap(r, rng.choice(["dir", "bdo"]), val=rng.choice(["rtl", "ltr"]))


def _explode(r, rng: random.Random, text_pieces) -> None:
    """Rebuild run `r` as one run per piece, in order, each with `r`'s formatting: every w:t is cut
    by `text_pieces(text)` into [("t", text) | ("sym", code)]; tabs, breaks and calls keep their place."""
    rpr = r.find(w("rPr"))
    new = []
    for child in r:
        if child.tag == w("rPr"):
            continue
        if child.tag == w("t"):
            for kind, value in text_pieces(child.text or ""):
                if kind == "t":
                    new.append(_run(value, rpr))
                else:
                    run = _run(rpr=rpr)
                    etree.SubElement(run, w("sym"), {w("font"): "Symbol", w("char"): value})
                    new.append(run)
        else:
            run = _run(rpr=rpr)
            run.append(copy.deepcopy(child))
            new.append(run)
    at = r
    for run in new:
        at.addnext(run)
        at = run
        if rng.random() < 0.2:
            at.addnext(etree.Element(w("proofErr"), {w("type"): "spellStart"}))
            at = at.getnext()
    r.getparent().remove(r)


def split_runs(parts: Parts, rng: random.Random) -> None:
    """Word splits runs at spaces, at spell-check marks, at edits: same formatting, several runs."""
    def cut(text):
        cuts = sorted({m.end() for m in re.finditer(r" ", text)} | {rng.randrange(0, len(text) + 1)})
        return [("t", text[a:b]) for a, b in zip([0] + cuts, cuts + [len(text)]) if text[a:b]]

    roots = [parts.xml("word/document.xml")] + ([parts.xml("word/footnotes.xml")] if "word/footnotes.xml" in parts else [])
    for root in roots:
        for r in sample(rng, text_runs(root), 0.7):
            _explode(r, rng, cut)


def page_breaks(parts: Parts, rng: random.Random) -> None:
    """A page or column break as the first run of a paragraph, or inside it; rendered-break marks."""
    paragraphs = body_paragraphs(parts)
    chosen = sample(rng, paragraphs, 0.3) + [paragraphs[-1]]
    for p in chosen:
        kind = rng.choice(["page", "column", "rendered"])
        r = etree.Element(w("r"))
        if kind == "rendered":
            etree.SubElement(r, w("lastRenderedPageBreak"))
        else:
            etree.SubElement(r, w("br"), {w("type"): kind})
        ppr = p.find(w("pPr"))
        runs = p.findall(w("r"))
        if rng.random() < 0.6 or not runs:
            p.insert(p.index(ppr) + 1 if ppr is not None else 0, r)
        else:
            rng.choice(runs).addnext(r)
    # the last operative paragraph followed by a page break in the closing lines' first run
    for p in paragraphs[-2:]:
        ppr = p.find(w("pPr"))
        r = etree.Element(w("r"))
        etree.SubElement(r, w("br"), {w("type"): "page"})
        p.insert(p.index(ppr) + 1 if ppr is not None else 0, r)


def _hyperlinks(parts: Parts):
    root = parts.xml("word/document.xml")
    rels = parts.xml("word/_rels/document.xml.rels")
    targets = {r.get("Id"): r for r in rels.iter(f"{{{PKG}}}Relationship")}
    return [(h, targets.get(h.get(f"{{{R}}}id"))) for h in root.iter(w("hyperlink"))]


def hyperlink_fields(parts: Parts, rng: random.Random) -> None:
    """Hyperlinks stored as fields: w:fldSimple, or fldChar begin/instrText/separate/end."""
    for h, rel in _hyperlinks(parts):
        if rel is None:
            continue
        target = rel.get("Target")
        runs = list(h)
        if rng.random() < 0.5:
            field = etree.Element(w("fldSimple"), {w("instr"): f' HYPERLINK "{target}" \\o "tip" '})
            h.getparent().replace(h, field)
            for r in runs:
                field.append(r)
            continue
        rpr = runs[0].find(w("rPr")) if runs else None
        begin, instr, separate, end = _run(rpr=rpr), _run(rpr=rpr), _run(rpr=rpr), _run(rpr=rpr)
        etree.SubElement(begin, w("fldChar"), {w("fldCharType"): "begin"})
        it = etree.SubElement(instr, w("instrText"))
        it.text = f' HYPERLINK "{target}" '
        it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        etree.SubElement(separate, w("fldChar"), {w("fldCharType"): "separate"})
        etree.SubElement(end, w("fldChar"), {w("fldCharType"): "end"})
        parent, at = h.getparent(), h.getparent().index(h)
        parent.remove(h)
        for k, el in enumerate([begin, instr, separate, *runs, end]):
            parent.insert(at + k, el)


def absolute_links(parts: Parts, rng: random.Random) -> None:
    """Word makes relative link targets absolute, with backslashes on Windows."""
    for h, rel in _hyperlinks(parts):
        if rel is not None and rel.get("Target", "").startswith("/akn/"):
            tail = rel.get("Target")
            rel.set("Target", rng.choice([
                "file:///C:\\Users\\editor\\Documents" + tail.replace("/", "\\"),
                "..\\..\\" + tail.lstrip("/").replace("/", "\\"),
                "file:///C:/Users/editor" + tail,
            ]))
            rel.set("TargetMode", "External")


def index_fields(parts: Parts, rng: random.Random) -> None:
    """XE (index entry) fields, hidden bookmarks and a TOC-like field with a cached result."""
    for p in sample(rng, body_paragraphs(parts), 0.3):
        runs = p.findall(w("r"))
        if not runs:
            continue
        at = rng.choice(runs)
        begin, instr, end = _run(), _run(), _run()
        etree.SubElement(begin, w("fldChar"), {w("fldCharType"): "begin"})
        it = etree.SubElement(instr, w("instrText"))
        it.text = ' XE "specimen:layout" '
        etree.SubElement(end, w("fldChar"), {w("fldCharType"): "end"})
        for el in (end, instr, begin):
            at.addnext(el)
        p.insert(len(p), etree.Element(w("bookmarkStart"), {w("id"): "90", w("name"): "_Toc1"}))
        p.append(etree.Element(w("bookmarkEnd"), {w("id"): "90"}))


def soft_hyphens(parts: Parts, rng: random.Random) -> None:
    """Optional hyphens inside long words: U+00AD in the text, or w:softHyphen elements."""
    for r in sample(rng, text_runs(parts.xml("word/document.xml")), 0.5):
        t = r.find(w("t"))
        m = re.search(r"\w{6,}", t.text)
        if not m:
            continue
        cut = m.start() + 3
        if rng.random() < 0.5:
            t.text = t.text[:cut] + "\u00ad" + t.text[cut:]
        else:
            rest = etree.Element(w("t"))
            rest.text = t.text[cut:]
            rest.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = t.text[:cut]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.addnext(etree.Element(w("softHyphen")))
            t.getnext().addnext(rest)


SYMBOL = {"(": "F028", ")": "F029", ".": "F02E", ",": "F02C", "-": "F02D"}


def symbol_characters(parts: Parts, rng: random.Random) -> None:
    """Punctuation typed through Insert > Symbol (Symbol font): w:sym instead of text, labels too."""
    def cut(text):
        out = []
        for piece in re.split(r"([()])", text):
            if piece in SYMBOL and rng.random() < 0.7:
                out.append(("sym", rng.choice([SYMBOL[piece], SYMBOL[piece][2:]])))
            elif piece:
                out.append(("t", piece))
        return out

    for r in text_runs(parts.xml("word/document.xml")):
        if re.search(r"[()]", r.find(w("t")).text or ""):
            _explode(r, rng, cut)


def formatting_changes(parts: Parts, rng: random.Random) -> None:
    """Tracked formatting (bold on, a paragraph's spacing): rPrChange / pPrChange, nothing the YAML holds."""
    for r in sample(rng, text_runs(parts.xml("word/document.xml")), 0.3):
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            r.insert(0, rpr)
        old = copy.deepcopy(rpr)
        rpr.insert(0, etree.Element(w("b")))
        change = etree.SubElement(rpr, w("rPrChange"), {w("id"): "700", w("author"): "Editor", w("date"): "2026-01-02T00:00:00Z"})
        change.append(old)
    for p in sample(rng, body_paragraphs(parts), 0.3):
        ppr = p.find(w("pPr"))
        if ppr is None:
            continue
        old = copy.deepcopy(ppr)
        etree.SubElement(ppr, w("spacing"), {w("after"): "120"})
        change = etree.SubElement(ppr, w("pPrChange"), {w("id"): "701", w("author"): "Editor"})
        change.append(etree.Element(w("pPr")))
        change[0].extend(list(old.iterchildren(w("pStyle"))))


def hidden_and_empty(parts: Parts, rng: random.Random) -> None:
    """Hidden text (w:vanish), Word's empty paragraphs, smart tags: nothing a reader sees."""
    body = parts.xml("word/document.xml").find(w("body"))
    paragraphs = body_paragraphs(parts)
    for p in sample(rng, paragraphs, 0.3):
        r = _run("HIDDEN NOTE ")
        rpr = etree.Element(w("rPr"))
        etree.SubElement(rpr, w("vanish"))
        r.insert(0, rpr)
        runs = p.findall(w("r"))
        (runs[-1] if runs else p).addnext(r) if runs else p.append(r)
    for p in sample(rng, paragraphs, 0.2):
        p.addnext(etree.Element(w("p")))
    for r in sample(rng, text_runs(body), 0.2):
        _wrap(r, "smartTag", element="place")


def renumber_notes(parts: Parts, rng: random.Random) -> None:
    """Footnote ids out of call order (LibreOffice after a note is added; Word after a cut/paste)."""
    if "word/footnotes.xml" not in parts:
        return
    notes = [n for n in parts.xml("word/footnotes.xml").iter(w("footnote")) if n.get(w("type")) is None]
    old = [n.get(w("id")) for n in notes]
    new = [str(i) for i in range(2, len(old) + 2)]
    rng.shuffle(new)
    mapping = dict(zip(old, new))
    for n in notes:
        n.set(w("id"), mapping[n.get(w("id"))])
    parent = notes[0].getparent() if notes else None
    if parent is not None and rng.random() < 0.5:  # and stored in a different order
        for n in notes:
            parent.remove(n)
        for n in sorted(notes, key=lambda n: rng.random()):
            parent.append(n)
    for ref in parts.xml("word/document.xml").iter(w("footnoteReference")):
        ref.set(w("id"), mapping.get(ref.get(w("id")), ref.get(w("id"))))


def tracked_move(parts: Parts, rng: random.Random) -> None:
    """A paragraph's last word cut and pasted back in place with tracking on (moveFrom + moveTo):
    once accepted, the text is the same."""
    for p in sample(rng, body_paragraphs(parts), 0.2):
        runs = text_runs(p)
        if not runs:
            continue
        r = runs[-1]
        src = copy.deepcopy(r)
        for t in src.iter(w("t")):
            t.tag = w("delText")
        attrs = {w("id"): "800", w("author"): "Mover", w("date"): "2026-01-03T00:00:00Z"}
        frm = etree.Element(w("moveFrom"), attrs)
        frm.append(src)
        to = _wrap(r, "moveTo", **{"id": "801", "author": "Mover"})
        to.addprevious(frm)


def paragraph_move(parts: Parts, rng: random.Random) -> None:
    """A whole paragraph cut and pasted back at its place with tracking on: a moved-from copy (its
    runs and its mark in w:moveFrom) before the moved-to paragraph. Accepted or rejected, the text
    is the same."""
    # paragraphs without notes or links: a moved note is a second note in Word, and LibreOffice
    # drops hyperlinks inside moved text (its loss, not emulated here)
    plain = [p for p in body_paragraphs(parts)[4:] if not list(p.iter(w("footnoteReference"), w("hyperlink")))]
    for p in sample(rng, plain, 0.2):
        gone = copy.deepcopy(p)
        attrs = {w("id"): "810", w("author"): "Mover", w("date"): "2026-01-03T00:00:00Z"}
        for el, kind in ((gone, "moveFrom"), (p, "moveTo")):
            runs = [c for c in el if c.tag != w("pPr")]
            wrapper = etree.Element(w(kind), attrs)
            for r in runs:
                wrapper.append(r)
            if kind == "moveFrom":
                for t in wrapper.iter(w("t")):
                    t.tag = w("delText")
            el.append(wrapper)
            ppr = el.find(w("pPr"))
            if ppr is not None:
                rpr = ppr.find(w("rPr"))
                if rpr is None:
                    rpr = etree.SubElement(ppr, w("rPr"))
                etree.SubElement(rpr, w(kind), attrs)
        p.addprevious(gone)


# ---------------------------------------------------------------- lossy: the YAML cannot say it


def text_box(parts: Parts, rng: random.Random) -> None:
    """Visible text in a text box anchored in a paragraph (VML, as older Word writes it): not a
    paragraph of the YAML."""
    p = rng.choice(body_paragraphs(parts)[2:])
    r = etree.SubElement(p, w("r"))
    pict = etree.SubElement(r, w("pict"))
    v = "urn:schemas-microsoft-com:vml"
    shape = etree.SubElement(pict, f"{{{v}}}shape", {"style": "width:100pt;height:40pt", "type": "#_x0000_t202"})
    box = etree.SubElement(etree.SubElement(shape, f"{{{v}}}textbox"), w("txbxContent"))
    etree.SubElement(box, w("p")).append(_run("Boxed text"))


def body_table(parts: Parts, rng: random.Random) -> None:
    """A table with text between body paragraphs."""
    p = rng.choice(body_paragraphs(parts)[2:])
    tbl = etree.Element(w("tbl"))
    cell = etree.SubElement(etree.SubElement(tbl, w("tr")), w("tc"))
    cp = etree.SubElement(cell, w("p"))
    cp.append(_run("Cell text"))
    p.addnext(tbl)


def italics_added(parts: Parts, rng: random.Random) -> None:
    """An editor's italics on a word of the body (in CJK and Arabic drafts the YAML shows none)."""
    for r in sample(rng, text_runs(parts.xml("word/document.xml"))[6:], 0.2):
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            r.insert(0, rpr)
        if rpr.find(w("i")) is None:
            rpr.insert(0, etree.Element(w("i")))


def ruby_text(parts: Parts, rng: random.Random) -> None:
    """A word with a phonetic guide (w:ruby) at a paragraph's end: visible text in a wrapper the
    reader does not know (what the invariant exists for: a reader's blind spot is refused)."""
    for p in sample(rng, body_paragraphs(parts)[3:], 0.2):
        ruby = etree.SubElement(p, w("ruby"))
        etree.SubElement(ruby, w("rt")).append(_run("guide"))
        etree.SubElement(ruby, w("rubyBase")).append(_run(" base"))


def computed_fields(parts: Parts, rng: random.Random) -> None:
    """A PAGE field in a paragraph and a table of contents (TOC field) after the heading: text
    Word computes, which the YAML has no place for."""
    paragraphs = body_paragraphs(parts)
    p = rng.choice(paragraphs[4:])
    field = etree.SubElement(p, w("fldSimple"), {w("instr"): " PAGE "})
    field.append(_run("3"))
    heading = paragraphs[2] if rng.random() < 0.5 else paragraphs[3]
    toc = etree.Element(w("p"))
    for kind, text in (("begin", None), (None, ' TOC \\o "1-3" '), ("separate", None), (None, "Contents\t1"), ("end", None)):
        r = etree.SubElement(toc, w("r"))
        if kind:
            etree.SubElement(r, w("fldChar"), {w("fldCharType"): kind})
        elif text.startswith(" TOC"):
            etree.SubElement(r, w("instrText")).text = text
        else:
            etree.SubElement(r, w("t")).text = text
    heading.addnext(toc)


@dataclass(frozen=True)
class Transformation:
    name: str
    apply: Callable[[Parts, random.Random], None]
    keeps: bool  # the visible text is unchanged: the import must say "no change"
    tracked: bool = False  # makes tracked changes: imported with --changes accept


KEEPS = [Transformation(f.__name__, f, True, f in (tracked_move, paragraph_move)) for f in (
    block_sdt, block_custom_xml, inline_sdt, bidi_wrappers, split_runs, page_breaks, hyperlink_fields,
    absolute_links, index_fields, soft_hyphens, symbol_characters, formatting_changes, hidden_and_empty,
    renumber_notes, tracked_move, paragraph_move)]
LOSSY = [Transformation(f.__name__, f, False) for f in (text_box, body_table, ruby_text, computed_fields)]
ALL = KEEPS + LOSSY


def transform(data: bytes, steps: list[Transformation], seed: int) -> bytes:
    """Apply the steps in order to a draft's bytes; the same seed gives the same file."""
    rng = random.Random(seed)
    parts = Parts(data)
    for step in steps:
        step.apply(parts, rng)
    return parts.save()


# ---------------------------------------------------------------- measuring


def outcome(draft_path, folder, changes=None) -> tuple[str, str]:
    """("no change" | "would write a change" | "refused", detail) of a dry-run import."""
    from docgen import importing
    from docgen.readers.docx import DraftError

    try:
        result = importing.import_file(draft_path, folder, changes)
    except (importing.ImportFailure, DraftError) as exc:
        return "refused", str(exc)
    if result.new == result.old:
        return "no change", ""
    return "would write a change", result.diff[:400]


def measure(drafts_dir, content, seeds=(1, 2, 3), out=None) -> dict:
    """Every transformation (alone, and all KEEPS at once) over every draft: a table of outcomes."""
    from pathlib import Path

    table: dict[tuple[str, str], str] = {}
    counts = {"no change": 0, "would write a change": 0, "refused": 0}
    tmp = Path(out or "/tmp/wordlike")
    tmp.mkdir(parents=True, exist_ok=True)
    for draft in sorted(Path(drafts_dir).rglob("*.docx")):
        name, lang = draft.stem.rsplit(".", 1)
        folder = Path(content) / name
        cases = [([t], t.name, t.tracked) for t in ALL] + [(KEEPS, "all-keeps", True)]
        for steps, label, tracked in cases:
            for seed in seeds:
                path = tmp / f"{draft.stem}.{label}.{seed}.docx"
                path.write_bytes(transform(draft.read_bytes(), steps, seed))
                got, detail = outcome(path, folder, "accept" if tracked else None)
                counts[got] += 1
                keeps = all(s.keeps for s in steps)
                table[(draft.name, f"{label}#{seed}")] = f"{got} ({'keeps' if keeps else 'lossy'}) {detail.splitlines()[0][:160] if detail else ''}"
    return {"counts": counts, "table": table}


if __name__ == "__main__":  # pragma: no cover
    import sys

    result = measure(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "content")
    for key, value in sorted(result["table"].items()):
        print(*key, value, sep="\t")
    print(result["counts"])
