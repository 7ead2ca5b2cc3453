"""docgen's gate to WeasyPrint (writers/pdf/weasyprint/): one version, one ordered registry, each
patch shown on its repro (fails on stock WeasyPrint, passes patched), the precompiled C
declarations, and what a build does with another WeasyPrint. Nothing here measures time."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from docgen.data import fonts
from docgen.writers.pdf.weasyprint import HTML, engine, registry, stock

from tests.conftest import REPROS, ROOT, ZH


def _python(code: str, **env) -> dict:
    """Run code in a fresh interpreter; it prints one JSON value last."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            env={**os.environ, **env}, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _system_fonts():
    """WeasyPrint's own FontConfiguration (system fonts): docgen's knows only the faces a page declares."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _face(family: str) -> str:
    return f'@font-face {{ font-family: "{family}"; src: url("{fonts.path(fonts.regular(family)).as_uri()}") }}'


def _lines(document) -> list:
    """The line boxes of the first page, in order."""
    from weasyprint.formatting_structure import boxes

    found = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            found.append(box)
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    return found


def _text(line) -> str:
    from weasyprint.formatting_structure import boxes

    if isinstance(line, boxes.TextBox):
        return line.text
    return "".join(_text(child) for child in getattr(line, "children", ()))


def _right_edge(line) -> float:
    from weasyprint.formatting_structure import boxes

    edges = []

    def walk(box):
        if isinstance(box, boxes.TextBox):
            edges.append(box.position_x + box.width)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(line)
    return max(edges)


# ---------------------------------------------------------------- the registry


def test_every_name_is_patched_once_and_is_what_its_patch_was_written_for():
    engine()
    seen = set()
    for patch in registry.PATCHES:
        key = (id(patch.owner), patch.name)
        assert key not in seen, patch.name
        seen.add(key)
        assert registry.fingerprint(patch.original) == patch.stock, patch.name
        if patch.new is not None:
            assert registry._get(patch.owner, patch.name) is patch.new, patch.name
    assert not registry.changed()
    concerns = list(dict.fromkeys(p.concern for p in registry.PATCHES))
    assert concerns == ["footnotes", "fonts", "subsets", "streams", "hyphenation", "rtl", "justify", "tagging", "stylesheets"]


def test_stock_gives_weasyprints_objects_back_for_a_while():
    from weasyprint.layout import LayoutContext, inline

    engine()
    patched = inline.text_align, LayoutContext._update_footnote_area
    with stock("justify"):
        assert inline.text_align is not patched[0] and LayoutContext._update_footnote_area is patched[1]
        with stock():
            assert LayoutContext._update_footnote_area is not patched[1]
    assert (inline.text_align, LayoutContext._update_footnote_area) == patched
    with pytest.raises(ValueError, match="no such concern"):
        with stock("nonsense"):
            pass


def test_a_changed_weasyprint_function_is_refused_before_anything_is_patched():
    """A fingerprint that does not match (as after a WeasyPrint release that changed a function
    docgen copies) is the gate's clear error; nothing of WeasyPrint is replaced."""
    found = _python("""
        import json
        from docgen.writers.pdf.weasyprint import registry, engine, UnsupportedWeasyPrint
        from docgen.writers import RenderError
        real = registry.fingerprint
        registry.fingerprint = lambda value, *sources: (
            "changed" if getattr(value, "__name__", "") == "split_text_box" else real(value, *sources))
        try:
            engine()
            message = ""
        except UnsupportedWeasyPrint as exc:
            message = str(exc)
        from weasyprint.layout import inline, LayoutContext
        print(json.dumps([message, inline.split_text_box.__module__, LayoutContext._update_footnote_area.__module__,
                          issubclass(UnsupportedWeasyPrint, RenderError)]))
    """)
    message, split_module, footnote_module, is_render_error = found
    assert "needs WeasyPrint 70.x" in message and "split_text_box" in message and "pip install" in message
    assert split_module == "weasyprint.layout.inline" and footnote_module == "weasyprint.layout"  # stock, both
    assert is_render_error


# ---------------------------------------------------------------- another WeasyPrint


def test_another_weasyprint_fails_the_pdfs_with_one_clear_message_and_builds_the_rest(tmp_path):
    """WeasyPrint 71 (simulated): every PDF fails with the gate's message, DOCX, AKN and HTML are
    written, the build exits 1 listing only the PDF failures."""
    out = tmp_path / "out"
    code = f"""
        import sys
        import weasyprint
        weasyprint.__version__ = "71.0"
        from docgen.cli import main
        sys.exit(main(["build", {str(ZH)!r}, "--out", {str(out)!r}, "--jobs", "1"]))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "the PDF writer needs WeasyPrint 70.x (docgen patches its internals); found 71.0" in said, said
    assert "pip install 'weasyprint>=70,<71'" in said
    assert "internal error" not in said
    written = sorted(p.name for p in (out / ZH.name).iterdir() if not p.name.startswith("."))
    assert any(n.endswith(".docx") for n in written) and any(n.endswith(".xml") for n in written)
    assert any(n.endswith(".html") for n in written) and not any(n.endswith(".pdf") for n in written), written
    failures = [line for line in said.splitlines() if "needs WeasyPrint" in line]
    assert failures and all("pdf" in line for line in failures), failures


def test_nothing_outside_the_pdf_writer_imports_weasyprint():
    """Reading, checking and writing the other formats never import WeasyPrint (so another
    version of it cannot break them); only writers/pdf/weasyprint/ imports it."""
    found = _python(f"""
        import json, sys
        from pathlib import Path
        from docgen import pipeline
        from docgen.building import job
        from docgen.writers import Settings, writer
        import docgen.writers.pdf  # the writer itself imports WeasyPrint only for the first PDF
        docs, _ = pipeline.read_all([Path({str(ZH)!r})])
        for fmt in ("html", "docx", "akn"):
            writer(fmt)(docs[0], docs[0].versions["zh"], Settings())
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "pydyf"))))
    """)
    assert found == []
    importers = subprocess.run(["grep", "-rlE", r"^\s*(import|from) (weasyprint|pydyf)", str(ROOT / "src" / "docgen")],
                               capture_output=True, text=True).stdout.split()
    assert importers and all("/writers/pdf/weasyprint/" in path for path in importers), importers


# ---------------------------------------------------------------- the C declarations (cdef.py)

_DECLARATIONS = """
    import hashlib, json, sys
    from pathlib import Path
    import docgen.pipeline
    from docgen.writers import Settings, writer
    docs, _ = docgen.pipeline.read_all([Path({zh!r})])
    data = writer("pdf")(docs[0], docs[0].versions["zh"], Settings())
    from weasyprint.text import ffi, fonts
    print(json.dumps([type(ffi.ffi).__module__, fonts.ffi is ffi.ffi, "pycparser" in sys.modules,
                      hashlib.sha256(data).hexdigest()]))
"""


def test_weasyprints_declarations_come_precompiled_from_docgens_cache(tmp_path):
    """The first process writes cffi's out-of-line module into docgen's cache (not WeasyPrint's
    site-packages); the next parses nothing, and the PDF is the same."""
    import weasyprint

    cache = tmp_path / "cache"
    code = _DECLARATIONS.format(zh=str(ZH))
    first = _python(code, DOCGEN_CACHE=str(cache))
    generated = list((cache / "cffi").glob("weasyprint_cdef_*.py"))
    assert len(generated) == 1
    second = _python(code, DOCGEN_CACHE=str(cache))
    assert second[:3] == ["_cffi_backend", True, False]  # the out-of-line ffi, everywhere; no C parsed
    assert first[3] == second[3]
    site = weasyprint.__file__.rsplit("/", 1)[0]
    assert not [p for p in subprocess.run(["find", site, "-newer", str(generated[0])], capture_output=True,
                                          text=True).stdout.split() if "cdef" in p or "docgen" in p]


def test_an_unwritable_cache_is_cffis_own_parse_and_the_same_pdf(tmp_path):
    cache = tmp_path / "cache"
    _python(_DECLARATIONS.format(zh=str(ZH)), DOCGEN_CACHE=str(cache))  # writes the module
    fast = _python(_DECLARATIONS.format(zh=str(ZH)), DOCGEN_CACHE=str(cache))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    slow = _python(_DECLARATIONS.format(zh=str(ZH)), DOCGEN_CACHE=str(blocked / "cache"))
    assert fast[:3] == ["_cffi_backend", True, False]
    assert slow[:3] == ["cffi.api", True, True]  # the normal parse
    assert slow[3] == fast[3]


def test_the_stand_in_answers_as_cffi_and_settles_on_the_real_ffi():
    """Anything but one plain cdef goes to a real cffi.FFI; what was given out is replaced on leaving."""
    import types

    import cffi

    from docgen.writers.pdf.weasyprint import cdef

    module = types.ModuleType("weasyprint._docgen_test_cdef")
    sys.modules[module.__name__] = module
    try:
        with cdef.precompiled_declarations() as made:
            module.ffi = cffi.FFI()
            module.ffi.cdef("int abs(int);", override=True)  # not the plain form: cffi's own
        assert type(module.ffi) is cffi.api.FFI and not made[0].precompiled
        assert module.ffi.sizeof("int") == 4
    finally:
        del sys.modules[module.__name__]
    assert cffi.FFI is cffi.api.FFI


# ---------------------------------------------------------------- each patch on its repro


def test_footnotes_rounding_repro():
    """repros/fn_rounding.html: three pages for two lines in stock WeasyPrint 70 (every footnote
    pushed on by an exact float comparison), one page patched."""
    html = (REPROS / "fn_rounding.html").read_text("utf-8")
    engine()
    with stock("footnotes"):
        assert len(HTML(string=html).render(font_config=_system_fonts()).pages) > 1
    assert len(HTML(string=html).render(font_config=_system_fonts()).pages) == 1


def test_hyphenation_ignores_the_word_joiner_before_a_footnote_call():
    """The word "máquina" + WORD JOINER: stock Pyphen counts the joiner as a letter and breaks "máqui-na",
    two letters where three are the minimum after the break; patched, the word stays whole."""
    html = ('<html lang="es"><head><style>' + _face("docgen Times") +
            'p { font: 16px "docgen Times"; width: 10px; hyphens: auto; hyphenate-limit-chars: 5 3 3 }'
            '</style></head><body><p>máquina\u2060</p></body></html>')
    engine()
    with stock("hyphenation"):
        stock_lines = [_text(line) for line in _lines(HTML(string=html).render(font_config=_system_fonts()))]
    lines = [_text(line) for line in _lines(HTML(string=html).render(font_config=_system_fonts()))]
    assert stock_lines[0].startswith("máqui") and len(stock_lines) == 2, stock_lines
    assert lines == ["máquina\u2060"], lines


def _chinese_page(width: int) -> str:
    text = "注意到全球打击人口贩运举措，并强调各国在预防和打击这种犯罪方面负有主要责任，欢迎缔约方会议的工作。" * 2
    return (f'<html lang="zh-Hans"><head><style>{_face("docgen Song SC")}'
            f'p {{ font: 10.5px "docgen Song SC"; width: {width}px; text-align: justify }}'
            f'</style></head><body><p lang="zh-Hans">{text}</p></body></html>')


def test_chinese_lines_are_justified_between_characters():
    """Stock WeasyPrint justifies by widening spaces only: a Chinese line (no spaces) stays ragged,
    short of the right edge; patched, every line but the last ends at the edge."""
    html = _chinese_page(203)
    engine()
    with stock("justify"):
        ragged = _lines(HTML(string=html).render(font_config=_system_fonts()))
    justified = _lines(HTML(string=html).render(font_config=_system_fonts()))
    edge = justified[0].position_x + 203
    assert len(ragged) > 2 and any(edge - _right_edge(line) > 1 for line in ragged[:-1])
    assert all(abs(edge - _right_edge(line)) < 0.01 for line in justified[:-1])


def _rtl_page() -> str:
    return ('<html dir="rtl"><head><style>@page { size: 200px 200px; margin: 0 } body { margin: 0 }'
            ' p { text-indent: 20px; margin: 0; font: 10px serif } div { width: 50px; margin: 10px auto;'
            ' border-top: 1px solid } </style></head><body><p>abc</p><div></div></body></html>')


def test_right_to_left_first_line_indent_is_at_the_start():
    """Stock: an Arabic paragraph's first line starts flush right, its indent on the left. The fix
    is rtl.py's, applied by the one patch of inline.text_align (justify.py)."""
    engine()
    with stock("justify"):
        line = _lines(HTML(string=_rtl_page()).render(font_config=_system_fonts()))[0]
        assert abs(_right_edge(line) - 200) < 0.5
    line = _lines(HTML(string=_rtl_page()).render(font_config=_system_fonts()))[0]
    assert abs(_right_edge(line) - 180) < 0.5


def test_right_to_left_centred_block_stays_centred():
    """Stock: a block with auto margins in a right-to-left container is moved off the page."""
    engine()

    def rule_x():
        body = HTML(string=_rtl_page()).render(font_config=_system_fonts()).pages[0]._page_box.children[0].children[0]
        return body.children[1].border_box_x()

    with stock("rtl"):
        assert abs(rule_x() - 75) > 1
    assert abs(rule_x() - 75) < 0.5


def test_right_to_left_ligatures_read_in_the_order_typed(tmp_path):
    """Noto Naskh's لله ligature: stock maps the glyph to its characters in logical order, which
    text extraction reverses (هلل); patched it reads لله."""
    html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><style>{_face("docgen Naskh")}'
            f'p {{ font-family: "docgen Naskh" }}</style></head><body><p>الحمد لله على ذلك</p></body></html>')
    engine()

    def text():
        out = tmp_path / "ligature.pdf"
        HTML(string=html).write_pdf(out, font_config=_system_fonts())
        return subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout

    with stock("rtl"):
        assert "لله" not in text()
    assert "لله" in text()


def test_margin_boxes_are_artifacts(tmp_path):
    """Stock tagging marks running heads as content no structure element holds (PDF/UA-1 7.1);
    patched they are Artifacts. (tests/writers/test_accessibility.py checks every other tagging fix on stock.)"""
    html = ('<html lang="en"><head><style>@page { @top-center { content: "Head" } }</style></head>'
            '<body><p>Words.</p></body></html>')
    engine()

    def streams(path):
        import pikepdf

        with pikepdf.open(path) as pdf:
            return b"".join(page.Contents.read_bytes() for page in pdf.pages)

    with stock("tagging"):
        HTML(string=html).write_pdf(tmp_path / "stock.pdf", font_config=_system_fonts(), pdf_variant="pdf/ua-1")
    HTML(string=html).write_pdf(tmp_path / "patched.pdf", font_config=_system_fonts(), pdf_variant="pdf/ua-1")
    assert b"/Pagination" in streams(tmp_path / "patched.pdf")
    assert b"/Pagination" not in streams(tmp_path / "stock.pdf")


def test_one_pass_subsets_and_level_6_streams_change_only_font_bytes():
    """Stock: HarfBuzz twice and level-9 streams; docgen: one pass at level 6. The pages read the
    same, the file differs (fonts ~2 % larger, streams deflated at zlib's default)."""
    import io

    import pdfplumber

    html = _chinese_page(203)
    engine()

    def render():
        out = io.BytesIO()
        HTML(string=html).write_pdf(out, font_config=_system_fonts())
        with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
            return out.getvalue(), [(c["text"], round(c["x0"], 2)) for c in pdf.pages[0].chars]

    with stock("subsets"):
        stock_bytes, stock_chars = render()
    data, chars = render()
    assert chars == stock_chars and hashlib.sha256(data).digest() != hashlib.sha256(stock_bytes).digest()


def test_another_installed_weasyprint_is_refused_before_it_is_imported():
    """The gate reads the installed version first: nothing of another WeasyPrint is imported or touched."""
    found = _python("""
        import json, sys
        from docgen.writers.pdf import weasyprint as gate
        gate._installed_version = lambda: "71.0"
        try:
            gate.engine()
        except gate.UnsupportedWeasyPrint as exc:
            print(json.dumps([sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "pydyf")), str(exc)]))
    """)
    assert found[0] == [] and "needs WeasyPrint 70.x" in found[1] and "found 71.0" in found[1]


def test_a_stream_whose_data_ends_with_a_carriage_return_keeps_its_length():
    """streams.py's repro: pydyf puts a line feed between a stream's data and `endstream`, so data
    whose last byte is a carriage return (a compressed stream's checksum: one in 256) reads as
    ending at CR LF, a byte short of its /Length (PDF/A 6.1.7.1); one content stream of the zh
    decision's PDF did. Patched, such data is followed by CR LF; other streams are unchanged."""
    import pydyf

    engine()

    def length_holds(data: bytes) -> bool:  # the data: after `stream` LF, before the EOL (CR LF or LF) before `endstream`
        head, _, rest = data.partition(b"\nstream\n")
        body = rest[:rest.rindex(b"endstream")]
        body = body[:-2] if body.endswith(b"\r\n") else body[:-1]
        return len(body) == int(re.search(rb"/Length (\d+)", head).group(1))

    ends_with_cr, plain = pydyf.Stream([b"BT ET\r"]), pydyf.Stream([b"BT ET"])
    assert length_holds(ends_with_cr.data) and length_holds(plain.data)
    with stock("streams"):
        assert not length_holds(ends_with_cr.data)
        stock_plain = plain.data
    assert plain.data == stock_plain
