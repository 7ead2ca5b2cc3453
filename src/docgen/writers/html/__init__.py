"""HTML writer: the model through Jinja templates into the HTML that WeasyPrint lays out.

Inline text becomes HTML here (in Python, not in templates): footnote bodies are placed at
their calls as `float: footnote` spans carrying the model's numbers; in Chinese, runs of Latin
letters or digits next to Han get a quarter-em margin (no character added to the text layer);
document symbols are kept unbroken by word joiners.

Accessibility (#15): `lang` on the root and on every span in another language (document symbols
in Chinese, Arabic or Russian text, the English masthead block), one h1, the emblem with its
alternative text. The HTML file itself (`write`, read in a browser) has the footnotes at the end,
calls and notes linked both ways with DPUB-ARIA roles (doc-noteref, doc-footnote, doc-backlink);
the HTML laid out by WeasyPrint (`render_html(..., for_print=True)`) keeps them at their calls as
`float: footnote` spans.
"""

from __future__ import annotations

import os
import re
from functools import cache
from html import escape

import jinja2
from markupsafe import Markup

from docgen.data import fonts, layout
from docgen.data.tables import HAN, IDEOGRAPHS
from docgen.model import Document, Emphasis, FootnoteCall, Reference, Text, Version, plain_text
from docgen.model import leaves as model_leaves
from docgen.paths import TEMPLATES, cache_folder
from docgen.writers import RenderError
from docgen.writers.barcode import code39_svg


_IDEOGRAPH = re.compile(rf"[{IDEOGRAPHS}]")
_NON_HAN_RUN = re.compile(rf"[^{HAN}]+")
# Dashes and ellipses in Chinese text are the CJK font's, full width: —— is 2 em, …… is 2 em,
# centred on the Han characters (clreq 3.1.5), not the Latin font's, lower and narrower.
_CJK_PUNCT = re.compile("[\u2014\u2026]+")
SYMBOL = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,10}(?:\.\d+)?(?:/[A-Za-z0-9.]+(?:-[0-9]+)?)+")
_SYMBOL_AT_END = re.compile(SYMBOL.pattern + "$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]]")
_INNER_DOT = re.compile(r"\.(?=[A-Za-z0-9])")  # E/C.12/GC/19 broke after "C." (#22); a final dot is the sentence's


_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True}  # what compiled code depends on: in its cache key


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between processes, in the user's cache (`paths.cache_folder`).

    Compiling the two templates is ~20 ms of every cold build; loading their code is ~1 ms.
    Jinja keys an entry on the template's file and checks its source's SHA-1, so an edited
    template is compiled again; the key here adds the environment's options (the code depends
    on them and Jinja does not key on them). A cache that cannot be read or written is no cache:
    the template is compiled, never an error."""

    def __init__(self):
        folder = cache_folder("jinja")
        super().__init__(str(folder), "%s.cache")
        self.ready = None  # the folder is made on the first write

    def get_cache_key(self, name, filename=None):
        return super().get_cache_key(f"{name}|{sorted(_ENVIRONMENT.items())}", filename)

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged entry
            bucket.reset()

    def dump_bytecode(self, bucket):
        try:
            if self.ready is None:
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
                self.ready = True
            super().dump_bytecode(bucket)
        except OSError:
            pass


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
                             undefined=jinja2.StrictUndefined, bytecode_cache=_CompiledTemplates(), **_ENVIRONMENT)
    # `| inline`, `| gaps`, ... render a version's text; the functions for the version being
    # rendered come with the template's context as `_<name>` (`context`'s "_filters"; one
    # environment, templates compiled once).
    for name in _VERSION_FILTERS:
        env.filters[name] = jinja2.pass_context(lambda ctx, *args, _name=name: ctx[f"_{_name}"](*args))
    return env


_VERSION_FILTERS = ("inline", "gaps", "printable", "contents_title")


# ---------------------------------------------------------------- inline text


class _InlineRenderer:
    """Renders one block's inline nodes; knows each text's neighbours for the Han/Latin gap."""

    def __init__(self, nodes, cjk: bool, latin_lang: str = "", for_print: bool = True, lang: str = "",
                 role: str = "body", rtl: bool = False):
        self.cjk = cjk
        self.lang = lang  # the page's language: which characters its faces lack (fonts.SUBSTITUTES)
        self.role = role  # the font role of the text being rendered (emphasis inside <i>)
        self.rtl = rtl  # the page's language is written right to left
        self.latin_lang = latin_lang  # lang of Latin document symbols in a non-Latin text, or ""
        self.for_print = for_print
        self.link_label = "{n}"  # what the call's link says in the PDF (the language table's)
        leaves = list(model_leaves(nodes))
        self.neighbours = {}
        for i, leaf in enumerate(leaves):
            prev = _last_char(leaves[:i])
            nxt = _first_char(leaves[i + 1:])
            self.neighbours[id(leaf)] = (prev, nxt, leaves[i + 1] if i + 1 < len(leaves) else None)

    def render(self, nodes) -> str:
        out = []
        held, held_after = "", ""
        for node in nodes:
            if isinstance(node, Text):
                prev, nxt, following = self.neighbours[id(node)]
                text = node.text
                if isinstance(following, FootnoteCall) and text:
                    # the call stays with the character before it, or with the whole symbol it follows
                    symbol = _SYMBOL_AT_END.search(text)
                    cut = symbol.start() if symbol else len(text) - 1
                    text, held = text[:cut], text[cut:]
                    held_after = text[-1] if text else prev
                out.append(self.text(text, prev, nxt if not held else held))
            elif isinstance(node, FootnoteCall):
                out.append(self.call(node, self.text(held, held_after, "") if held else ""))
                held = ""
            elif isinstance(node, Emphasis):
                role, self.role = self.role, "emphasis"
                out.append(f"<i>{self.render(node.children)}</i>")
                self.role = role
            elif isinstance(node, Reference):
                out.append(f'<span class="ref" data-href="{escape(node.href)}">{self.render(node.children)}</span>')
        return "".join(out)

    def call(self, call: FootnoteCall, held: str) -> str:
        """The footnote call, with the character before it (`held`, already HTML) kept on its line.
        Its ids are its place in the page (`seq`: a report's included texts may repeat numbers)."""
        body = self.footnotes[call.key]
        n, at = call.number, call.seq or call.number
        if not self.for_print:  # a11y (#15): a link to the note at the end, and back
            self.called.append((at, n, Markup(body)))
            return (f'{held}\u2060<sup class="noteref"><a id="fnref-{at}" href="#fn-{at}" '
                    f'role="doc-noteref">{n}</a></sup>')
        # No wrapping span: WeasyPrint 70 sometimes breaks a line after its first word when an
        # inline span that cannot fit follows; a word joiner does the keeping.
        return (f'{held}\u2060<a id="fnref-{at}"></a>'
                f'<span class="fn" id="fn-{at}" data-n="{n}" data-pdf-tag="Note" '
                f'data-link-label="{escape(self.link_label.format(n=n))}">{body}</span>')

    def text(self, text: str, prev: str, nxt: str) -> str:
        if self.for_print and self.lang:  # the PDF: a character the role's faces lack as its stand-in
            text = fonts.printable(text, self.lang, self.role)
        if not self.cjk:
            html = _symbols(escape(text), self.latin_lang)
            return _ltr_urls(html) if self.for_print and self.rtl else html
        out = []
        pos = 0
        for m in _NON_HAN_RUN.finditer(text):
            out.append(escape(text[pos:m.start()]))
            run = m.group()
            before = text[m.start() - 1] if m.start() else prev
            after = text[m.end()] if m.end() < len(text) else nxt
            classes = []
            if run[0].isascii() and run[0].isalnum() and before and _IDEOGRAPH.match(before):
                classes.append("gap-before")
            if run[-1].isascii() and run[-1].isalnum() and after and _IDEOGRAPH.match(after):
                classes.append("gap-after")
            inner = _CJK_PUNCT.sub(lambda p: f'<span class="cjk-punct">{p.group()}</span>', _symbols(escape(run), self.latin_lang))
            out.append(f'<span class="{" ".join(classes)}">{inner}</span>' if classes else inner)
            pos = m.end()
        out.append(escape(text[pos:]))
        return "".join(out)


def _ltr_urls(html: str) -> str:
    """A URL in right-to-left text, embedded left to right (a `dir="ltr"` span; no control
    character in the text layer, where a copied URL must stay whole): broken at a line's end after
    "-" or "/", that character was resolved right to left and drawn at the start of the URL's
    line, "-https://..." (#22)."""
    return _URL.sub(lambda m: f"<span dir=\"ltr\">{m.group()}</span>", html)


def _symbols(html: str, lang: str = "") -> str:
    """A word joiner after each slash and inner dot keeps a symbol whole (E/CN.15/2006/10,
    E/C.12/GC/19: a break is allowed after a full stop before a digit); it draws nothing and
    is not in the PDF's text. (`white-space: nowrap` spans did too, but WeasyPrint 70 then
    sometimes broke the line before them after the paragraph's first word.) In a text not in
    Latin script, the symbol is marked as Latin-script English (`lang`, PDF /Lang: #15)."""
    def keep(m):
        symbol = _INNER_DOT.sub(".\u2060", m.group().replace("/", "/\u2060"))
        return f'<span lang="{lang}">{symbol}</span>' if lang else symbol
    return SYMBOL.sub(keep, html)


def _last_char(leaves) -> str:
    for leaf in reversed(leaves):
        if isinstance(leaf, Text) and leaf.text:
            return leaf.text[-1]
    return ""


def _first_char(leaves) -> str:
    for leaf in leaves:
        if isinstance(leaf, Text) and leaf.text:
            return leaf.text[0]
    return ""


# ---------------------------------------------------------------- the page


@cache
def _emblem(alt: str) -> Markup:
    """The emblem with its alternative text: <title> (PDF Figure /Alt) and aria-label (HTML)."""
    svg = (TEMPLATES / "emblem.svg").read_text("utf-8")
    svg = re.sub(r' aria-label="[^"]*"', "", svg, count=1)
    start = svg.index(">") + 1
    return Markup(f'{svg[:start - 1]} aria-label="{escape(alt)}">'
                  f"<title>{escape(alt)}</title>{svg[start:]}")


def _families(version: Version) -> list[str]:
    """The font families this version's page can ask for: only those are declared (and loaded).

    They come from the language table by role (fonts.py): loading a CJK face costs WeasyPrint
    and Fontconfig tens of milliseconds; an English page needs none, a Chinese one Song and
    Hei, and Kai only for emphasis. A face the page asks for but that is not declared is still
    caught: the PDF writer fails on any fallback font.
    """
    roles = ("body", "heading", "organ", "latin")
    if any(_has_emphasis(inlines) for _, inlines, _ in version.texts()):
        roles += ("emphasis",)
    return fonts.page_families(version.lang, roles)


def _has_emphasis(nodes) -> bool:
    return any(isinstance(n, Emphasis) or _has_emphasis(getattr(n, "children", ())) for n in nodes)


def forget() -> None:
    """Drop what this module keeps of templates/ (compiled templates, the layout table, the emblem)."""
    layout.forget()
    for cached in (environment, _emblem):
        cached.cache_clear()


_HYPHENATION_CHECKED: set = set()  # language codes whose table agrees with Pyphen (checked once per process)


def _check_hyphenation(lang) -> None:
    """WeasyPrint picks the Pyphen dictionary from the page's lang; make sure it is the table's
    (a data error in languages/<code>.yaml, reported as a failed output, never as a bug)."""
    if lang.code not in _HYPHENATION_CHECKED and lang.hyphenates:
        import pyphen

        chosen = pyphen.language_fallback(lang.bcp47.replace("-", "_"))
        if pyphen.LANGUAGES.get(chosen) != pyphen.LANGUAGES.get(lang.hyphenation):
            raise RenderError(f"lang {lang.bcp47!r} hyphenates with Pyphen's {chosen!r}, "
                              f"not {lang.hyphenation!r} as data/languages/{lang.code}.yaml says")
    _HYPHENATION_CHECKED.add(lang.code)


# Where the HTML output finds its fonts: beside the outputs, in <out>/fonts/, put there by the
# build (outputs.install_fonts). Relative, so an output folder copied elsewhere or served over
# HTTP keeps its fonts, and no machine path is in the file. WeasyPrint, rendering the PDF, is
# given the font files where they are instead (file URLs that never reach an output).
FONTS_HREF = "../fonts/"


def context(doc: Document, version: Version, fonts_href: str | None = None, for_print: bool = True) -> dict:
    lang = version.language
    _check_hyphenation(lang)
    meta = doc.meta
    cjk = lang.is_cjk
    latin_lang = "" if lang.script == "latin" else "en"  # Latin symbols in other scripts (#15)
    footnotes = {}
    called: list[tuple[int, int, Markup]] = []
    renderer_for = lambda nodes, role="body": _InlineRenderer(nodes, cjk, latin_lang, for_print,  # noqa: E731
                                                              version.lang, role, lang.direction == "rtl")
    for note in version.all_footnotes():
        footnotes[note.key] = renderer_for(note.text).render(note.text)

    def inline(nodes, role="body"):
        r = renderer_for(nodes, role)
        r.footnotes = footnotes
        r.called = called
        r.link_label = lang.footnote_link
        return Markup(r.render(nodes))

    def gaps(text, role="body"):
        r = renderer_for([Text(text)], role)
        return Markup(r.text(text, "", ""))

    def contents_title(text):
        """A contents entry's title, its last word (in Chinese its last character) in `.toc-end`,
        which does not break and carries the dot leader: a title that fills its last line takes
        that word down with the leader, as a typesetter does, rather than leave a line of dots.
        A word is never split (Arabic letters join across it): a one-word title is all `.toc-end`."""
        cut = max(len(text) - 1, 0) if cjk else text.rfind(" ") + 1
        head, last = text[:cut], text[cut:]
        r = renderer_for([Text(text)])
        return Markup(f'{r.text(head, "", last[:1])}<span class="toc-end" data-pdf-tag="" data-pdf-after="Artifact">{r.text(last, head[-1:], "")}</span>')

    def printable(text, role="body"):  # page furniture: stand-ins in the PDF, the text itself in HTML
        return fonts.printable(text, version.lang, role) if for_print else text

    head = version.masthead
    s = layout.settings_for(version.lang)
    paper = layout.paper(doc.station["paper"])
    env = environment()
    css = env.get_template("resolution.css.j2").render(
        fonts=fonts.declarations(version.lang, _families(version), fonts_href), s=s, paper=paper, lang=lang,
        report=meta.is_report,  # a report's rules (contents, chapters, tables) only on a report's page
        faces={role: fonts.css_families(version.lang, role) for role in ("body", "heading", "organ", "emphasis", "latin")},
    )
    return {
        "doc": doc, "meta": meta, "version": version, "lang": lang, "css": Markup(css),
        "title_text": plain_text(version.title), "organ_name": doc.organ.show_as,
        "organ_lines": head.organ_lines, "symbol_first": head.symbol_first, "symbol_rest": head.symbol_rest,
        "distribution": head.distribution, "emblem": _emblem(lang.emblem_alt), "job_line": head.job_line,
        "latin_lang": latin_lang, "block_lang": _block_lang(lang, head.block),
        "notes_at_end": called,  # filled while the body renders (browser HTML only)
        "barcode": Markup(code39_svg(head.barcode_digits)) if head.barcode_digits else "",
        "created": head.issued.isoformat(),
        "_filters": {"inline": inline, "gaps": gaps, "printable": printable, "contents_title": contents_title},
    }


def _block_lang(lang, block) -> str:
    """`lang` of the masthead's right-hand block where it is not the page's language (#15)."""
    return "" if block.code == lang.code else block.bcp47


def render_html(doc: Document, version: Version, fonts_href: str | None = None,
                for_print: bool = True) -> str:
    """The page as HTML; fonts by file URL for WeasyPrint, or relative to fonts_href for the HTML output;
    footnotes at their calls for print, at the end (linked both ways) for the HTML output (#15)."""
    ctx = context(doc, version, fonts_href, for_print)
    filters = ctx.pop("_filters")
    page = "report.html.j2" if doc.meta.is_report else "resolution.html.j2"
    return environment().get_template(page).render(**ctx, **{f"_{name}": filters[name] for name in _VERSION_FILTERS})


def write(doc: Document, version: Version, settings) -> bytes:
    return render_html(doc, version, FONTS_HREF, for_print=False).encode("utf-8")


FONT_URL = re.compile(r'url\("' + re.escape(FONTS_HREF) + r'([^"/]+)"\)')


def fonts_used(html: bytes) -> list[str]:
    """The font files an HTML output refers to (in <out>/fonts/)."""
    return sorted(set(FONT_URL.findall(html.decode("utf-8"))))
