"""A warm process's memos (writers/pdf/weasyprint/: subsets.py, stylesheets.py) change nothing:
after an edit, a render in a process that has rendered the document before is byte for byte the
render of a fresh process. Timings are `make bench`'s; nothing here measures time."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap

from tests.conftest import SPECIMEN, ZH

# (document, language, text in one paragraph, the same paragraph edited)
EDITS = [
    (ZH, "zh", "注意到全球打击人口贩运举措", "注意到全球打击人口贩运的各项举措"),
    (SPECIMEN, "en", "*Takes note* of the specimen text", "*Takes note with appreciation* of the specimen text"),
    (SPECIMEN, "ar", "تحيط علما بالنص النموذجي", "تحيط علما مع التقدير بالنص النموذجي"),
]


def _renders(folders: dict, plan: list) -> list:
    """Render `plan` [(folder name, language), ...] in one fresh process: digests and memo hits."""
    code = f"""
        import hashlib, json
        from pathlib import Path
        import docgen.pipeline
        from docgen.writers import Settings, writer
        from docgen.writers.pdf.weasyprint import subsets, stylesheets

        def stats():
            return {{**subsets.stats, "stylesheet hits": stylesheets.stats["hits"]}}
        folders = {json.dumps({k: str(v) for k, v in folders.items()})}
        results = []
        for name, lang in {json.dumps(plan)}:
            docs, _ = docgen.pipeline.read_all([Path(folders[name])])
            before = stats()
            data = writer("pdf")(docs[0], docs[0].versions[lang], Settings())
            hits = {{k: v - before[k] for k, v in stats().items()}}
            results.append([hashlib.sha256(data).hexdigest(), hits])
        print(json.dumps(results))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _edited(tmp_path, folder, lang, old, new):
    copy = tmp_path / f"{lang}-edited" / folder.name  # the same document, as `docgen watch` sees it after a save
    shutil.copytree(folder, copy)
    source = copy / f"{lang}.yaml"
    text = source.read_text("utf-8")
    assert text.count(old) == 1, old
    source.write_text(text.replace(old, new), "utf-8")
    return copy


def test_an_edited_paragraph_renders_as_in_a_process_that_remembers_nothing(tmp_path):
    folders, warm_plan, cold_plan = {}, [], []
    for folder, lang, old, new in EDITS:
        original, edited = f"{folder.name}-{lang}", f"{folder.name}-{lang}-edited"
        folders[original], folders[edited] = folder, _edited(tmp_path, folder, lang, old, new)
        warm_plan += [[original, lang], [edited, lang], [edited, lang]]
        cold_plan += [[edited, lang]]
    warm = _renders(folders, warm_plan)
    cold = _renders(folders, cold_plan)
    for i, (folder, lang, _, _) in enumerate(EDITS):
        (original, _), (edited, hits), (again, again_hits) = warm[3 * i:3 * i + 3]
        assert edited != original, f"{folder.name} {lang}: the edit changed nothing"
        assert edited == cold[i][0] == again, f"{folder.name} {lang}: the warm render differs from a memo-free one"
        assert hits["stylesheet hits"] == 1, hits
        # the same document again: its font subsets and their streams from the memo
        assert again_hits["font misses"] == 0 and again_hits["deflate hits"] == again_hits["font hits"] > 0, again_hits
    assert all(hits["font hits"] == hits["stylesheet hits"] == 0 for _, hits in cold)  # nothing remembered there


def test_a_remembered_font_stream_is_deflated_as_zlib_would():
    """pydyf's compressor hands back a remembered subset's stream, and anything else as zlib does;
    between renders the memo keeps the stream only."""
    import zlib

    from docgen.writers.pdf.weasyprint import engine, subsets

    pydyf = engine() and subsets.pydyf

    def remembered(entry, data):
        entry.data = data
        subsets._by_data[id(data)] = entry
        return data

    data = bytes(range(256)) * 64
    entry = subsets._Subset(None, None)
    try:
        first = pydyf.zlib.compressobj(level=9)
        out = first.compress(remembered(entry, data)) + first.flush()
        assert entry.data is None and id(data) not in subsets._by_data and out == entry.deflated
        inflated = remembered(entry, zlib.decompress(entry.deflated))
        again = pydyf.zlib.compressobj(level=9)
        assert again.compress(inflated) + again.flush() is entry.deflated
        mixed = pydyf.zlib.compressobj(level=9)
        more = mixed.compress(remembered(entry, data)) + mixed.compress(b"tail") + mixed.flush()
    finally:
        subsets._by_data.pop(id(entry.data), None)
    assert zlib.decompress(out) == data
    assert zlib.decompress(more) == data + b"tail"


def test_a_reused_stylesheet_keeps_its_page_rules_and_an_edited_one_is_parsed_again():
    from weasyprint.text.fonts import FontConfiguration

    from docgen.writers.pdf.weasyprint import HTML, stock, stylesheets

    config = FontConfiguration()  # WeasyPrint's own (system fonts): this page declares no face

    def page(size: str) -> str:
        return (f"<html lang='en'><head><style>@page {{ size: A6; margin: 2cm; @top-center {{ content: 'Head' }} }}"
                f" p {{ font: {size} Liberation Serif }}</style></head><body><p>Some words.</p></body></html>")

    with stock("stylesheets"):
        plain = [HTML(string=page(size)).write_pdf(font_config=config) for size in ("10pt", "12pt")]
    before = stylesheets.stats["hits"]
    remembered = [HTML(string=page(size)).write_pdf(font_config=config) for size in ("10pt", "12pt", "10pt", "12pt")]
    assert stylesheets.stats["hits"] - before >= 2
    assert plain[0] != plain[1] and remembered == plain + plain
