"""What the first page's masthead says, derived once from the model for every writer.

The right-hand block is in English in the English, Russian, Arabic and Chinese versions and in
their own language in French and Spanish (languages.md): `masthead_block` in the language table.
"""

from __future__ import annotations

from docgen.data import tables
from docgen.model import Document, Masthead, Version


def job_digits(job_number: str) -> str:
    """V.10-57396 -> 1057396: the digits the UN barcode encodes."""
    return "".join(ch for ch in job_number if ch.isdigit())


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def masthead(doc: Document, version: Version) -> Masthead:
    meta = doc.meta
    lang = version.language
    first, _, rest = meta.symbol.partition("/")
    words = tables.block_language(version.lang)
    names = words.block["languages"]
    distribution = [words.block["distr"], words.format_date(meta.distributed)]
    if version.lang != words.code or meta.original != version.lang:
        distribution.append(_capital(names[version.lang]))
    distribution.append(words.block["original"].format(language=names[meta.original]))
    return Masthead(
        symbol_first=first,
        symbol_rest="/" + rest if rest else "",
        organ_lines=list(doc.organ.names[version.lang]),
        distribution=distribution,
        job_line=f"{meta.job_number} ({lang.job_suffix})" if meta.job_number else "",
        barcode_digits=job_digits(meta.job_number),
        block=words,
    )
