"""Guards of the speed levers (performance.md, issue #14): what must stay unimported, uncopied,
unread twice. Timings themselves are `make bench`'s; nothing here measures time."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import pikepdf
import pytest

from tests.conftest import EN, ZH


def _python(code: str) -> dict:
    """Run code in a fresh interpreter (imports start from nothing); it prints one JSON value."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_pdf_build_never_imports_what_it_does_not_use():
    """docgen.building imports no engine; a PDF imports neither pycparser (WeasyPrint's C declarations
    come precompiled) nor pikepdf (the font check reads WeasyPrint's own font table)."""
    _python("from docgen.writers.pdf import write; print(1)")  # the first process precompiles the declarations
    found = _python(f"""
        import json, sys
        from pathlib import Path
        import docgen.pipeline
        before = sorted(m for m in ("multiprocessing", "weasyprint", "importlib.metadata") if m in sys.modules)
        from docgen.writers import Settings, writer
        docs, _ = docgen.pipeline.read_all([Path({str(ZH)!r})])
        writer("pdf")(docs[0], docs[0].versions["zh"], Settings())
        after = sorted(m for m in ("pycparser", "cffi.cparser", "pikepdf") if m in sys.modules)
        print(json.dumps([before, after]))
    """)
    assert found == [[], []]


def test_font_files_are_not_copied_into_python():
    """Each face WeasyPrint used holds its subset only: the whole file was never read out of HarfBuzz."""
    sizes = _python(f"""
        import json
        from pathlib import Path
        import docgen.pipeline
        from docgen.writers.html import render_html
        from docgen.writers.pdf import render
        from docgen.writers.pdf.weasyprint import font_configuration
        docs, _ = docgen.pipeline.read_all([Path({str(ZH)!r})])
        document = render(render_html(docs[0], docs[0].versions["zh"]))
        document.write_pdf(font_config=font_configuration())
        print(json.dumps({{f.family: len(f.__dict__["_docgen_file_content"]) for f in document.fonts.values()}}))
    """)
    assert any("Song SC" in family for family in sizes)
    assert all(size < 2_000_000 for size in sizes.values()), sizes  # the CJK files are 16-25 MB


def test_the_font_check_sees_what_a_pdf_reader_sees(built):
    """checks.embedded_fonts reads WeasyPrint's own font table: the same names as pikepdf finds in the file."""
    from docgen import pipeline
    from docgen.writers.html import render_html
    from docgen.writers.pdf import checks, render
    from docgen.writers.pdf.weasyprint import font_configuration

    docs, _ = pipeline.read_all([ZH])
    document = render(render_html(docs[0], docs[0].versions["zh"]))
    out = io.BytesIO()
    document.write_pdf(out, font_config=font_configuration())
    names = set()
    with pikepdf.open(io.BytesIO(out.getvalue())) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                names.add(str(font.BaseFont)[1:].split("+", 1)[-1])
    assert set(checks.embedded_fonts(document)) == names
    assert any(n.startswith("docgen-Song-SC") for n in names)


def test_the_font_check_fails_on_a_system_font():
    from docgen.writers import RenderError
    from docgen.writers.pdf import checks

    class Font:
        def __init__(self, name):
            self.name = name
            self.missing = {}

    class Document:
        fonts = {"a": Font(b"/ABCDEF+docgen-Times"), "b": Font(b"/GHIJKL+DejaVu-Sans")}

    with pytest.raises(RenderError, match="DejaVu-Sans"):
        checks.embedded_fonts(Document())


def test_fontconfig_knows_only_docgens_fonts_and_a_missing_glyph_fails():
    """The font configuration starts empty (weasyprint/fonts.py, 3.): no system font is known, so none can
    stand in for a character docgen's faces lack; such a character is drawn as .notdef, which the
    font check reports by code point (the preflight glyph check is bypassed here on purpose)."""
    from docgen import pipeline
    from docgen.writers import RenderError
    from docgen.writers.html import render_html
    from docgen.writers.pdf import checks, render
    from docgen.writers.pdf.weasyprint import font_configuration
    from weasyprint.text.ffi import fontconfig

    config = font_configuration(("bench-test",))
    assert fontconfig.FcConfigGetFonts(config._config, fontconfig.FcSetSystem) == ffi_null()
    docs, _ = pipeline.read_all([ZH])
    html = render_html(docs[0], docs[0].versions["zh"])
    at = html.index("</h1>")
    document = render(html[:at] + "\u16a0" + html[at:], config)  # RUNIC LETTER FEHU: in no docgen face
    document.write_pdf(io.BytesIO(), font_config=config)
    with pytest.raises(RenderError, match="U\\+16A0"):
        checks.embedded_fonts(document)


def test_a_page_without_faces_is_an_error_not_a_crash():
    """docgen's font configuration knows no system font (weasyprint/fonts.py, 3.): text on a page that
    declares no face has no font at all, where WeasyPrint would dereference a null font."""
    from docgen.writers import RenderError
    from docgen.writers.pdf import render
    from docgen.writers.pdf.weasyprint import HTML, font_configuration

    with pytest.raises(RenderError, match="declares no font"):
        render("<html><body><p>Words.</p></body></html>")
    with pytest.raises(RenderError, match="no font at all"):
        HTML(string="<p>Words.</p>").render(font_config=font_configuration(("no-face-test",))).write_pdf()


def ffi_null():
    from weasyprint.text.ffi import ffi

    return ffi.NULL


def test_compiled_templates_are_kept_between_processes(tmp_path, monkeypatch):
    """The second process loads the templates' code from the cache (Jinja's compiler is never
    called) and writes the same HTML; a damaged cache entry is compiled again, never an error."""
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    code = f"""
        import hashlib, json, jinja2
        from pathlib import Path
        import docgen.pipeline
        from docgen.writers.html import render_html
        compiled = []
        original = jinja2.Environment.compile
        jinja2.Environment.compile = lambda self, *a, **k: compiled.append(1) or original(self, *a, **k)
        docs, _ = docgen.pipeline.read_all([Path({str(ZH)!r})])
        html = render_html(docs[0], docs[0].versions["zh"])
        print(json.dumps([len(compiled), hashlib.sha256(html.encode()).hexdigest()]))
    """
    first = _python(code)
    entries = sorted((tmp_path / "cache" / "jinja").iterdir())
    assert first[0] == 4 and len(entries) == 4  # the page, its masthead and text parts, its stylesheet
    assert _python(code) == [0, first[1]]
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # cut short
    assert _python(code) == [1, first[1]]


def test_word_drafts_from_a_warm_process_match_a_fresh_build(built):
    """Cached style ids and styles.xml: the third draft in a process is the same file as a fresh build's."""
    from docgen import pipeline
    from docgen.writers import Settings, writer

    zh, _ = pipeline.read_all([ZH])
    en, _ = pipeline.read_all([EN])
    write = writer("docx")
    first = write(zh[0], zh[0].versions["zh"], Settings())
    write(en[0], en[0].versions["en"], Settings())
    third = write(zh[0], zh[0].versions["zh"], Settings())
    assert first == third == (built / ZH.name / f"{ZH.name}.zh.docx").read_bytes()


@pytest.mark.parametrize("digits", ["1057396", "0", "4242", "9876543210"])
def test_the_barcode_is_the_one_python_barcode_draws(digits):
    """docgen draws python-barcode's bars from its table without importing the package (Pillow):
    the same bars, at the same places, as python-barcode's own SVG writer draws them."""
    import re

    from barcode import Code39
    from barcode.writer import SVGWriter

    from docgen.writers.barcode import code39_svg

    buffer = io.BytesIO()
    Code39(digits, writer=SVGWriter(), add_checksum=False).write(buffer, options={
        "write_text": False, "module_height": 8.0, "module_width": 0.25, "quiet_zone": 2.0, "compress": False})
    reference = buffer.getvalue().decode()
    bars = re.findall(r'<rect x="([\d.]+)mm" y="([\d.]+)mm" width="([\d.]+)mm" height="([\d.]+)mm" '
                      r'style="fill:black;"/>', reference)
    ours = code39_svg(digits)
    assert re.findall(r"M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-\3z", ours) == bars and len(bars) >= 15
    for axis in ("width", "height"):
        size = float(re.search(rf'<svg[^>]* {axis}="([\d.]+)mm"', reference).group(1))
        assert f' {axis}="{size:g}mm"' in ours
