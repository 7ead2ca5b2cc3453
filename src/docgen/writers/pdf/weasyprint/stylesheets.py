"""The page's stylesheet parsed once per distinct text, as WeasyPrint does for its own sheets.

The `<style>` text docgen's template writes (~8 KB of CSS) is parsed, its selectors compiled and
its declarations validated on every render (~8 ms). It is reused per exact text, base URL, media
type and FontConfiguration (with its count of registered faces, `fonts.add_font_face`: the
@font-face rules were registered when the text was first parsed, and stay registered). It stays
an author stylesheet; its one per-render effect, the @page rules it adds to the render's list, is
recorded and replayed. A text with `@import`, `@layer`, `@counter-style`, `@color-profile` or
`var(` (more state than that) is parsed as before. `weasyprint.css.CSS` is what
`find_stylesheets` calls; the class itself is unchanged for everyone else who imported it.
"""

from __future__ import annotations

from weasyprint import css as wp_css

from docgen.writers.pdf.weasyprint.registry import patch, relies_on

stats = {"hits": 0}
STYLESHEETS = 4  # one per language's CSS text (~160 KB each)
_MORE_STATE = ("@import", "@layer", "@counter-style", "@color-profile", "var(")
_stylesheets: dict = {}  # (text, base URL, media type, FontConfiguration, faces) -> (CSS, its @page rules)


def stylesheet(string=None, base_url=None, media_type="print", font_config=None, page_rules=None, layers=None,
               **kwargs):
    """`CSS(...)` as `find_stylesheets` calls it for a `<style>` element, reused per exact text (see above)."""
    if (not isinstance(string, str) or kwargs.keys() - {"url_fetcher", "counter_style", "color_profiles"}
            or page_rules is None or layers is None or layers or any(s in string for s in _MORE_STATE)):
        return _stock_css(string=string, base_url=base_url, media_type=media_type, font_config=font_config,
                          page_rules=page_rules, layers=layers, **kwargs)
    key = (string, base_url, media_type, font_config, font_config.__dict__.get("_docgen_faces", 0))
    found = _stylesheets.pop(key, None)
    if found is None:
        before = len(page_rules)
        css = _stock_css(string=string, base_url=base_url, media_type=media_type, font_config=font_config,
                         page_rules=page_rules, layers=layers, **kwargs)
        found = (css, tuple(page_rules[before:]))
        key = key[:-1] + (font_config.__dict__.get("_docgen_faces", 0),)  # its faces are registered now
        if len(_stylesheets) >= STYLESHEETS:
            del _stylesheets[next(iter(_stylesheets))]
    else:
        stats["hits"] += 1
        css = found[0]
        page_rules.extend(found[1])
        css.page_rules, css.layers = page_rules, layers
    _stylesheets[key] = found
    return css


_stock_css = patch("stylesheets", wp_css, "CSS", stylesheet, "2d73574e33033e57")
relies_on("stylesheets", wp_css, "find_stylesheets", "d750969fce548e0c")  # how it calls CSS(...) for a <style> element
