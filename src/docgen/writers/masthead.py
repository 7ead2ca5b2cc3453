"""What the first page's masthead says, derived once from the model for every writer.

The right-hand block stays in English in every language version (un-layout.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import tables
from ..model import Document, Version


@dataclass(frozen=True)
class Masthead:
    symbol_first: str  # "CTOC": printed 20 pt
    symbol_rest: str  # "/COP/2010/17": printed 10 pt
    organ_lines: list[str]  # the organ's name, as broken in the masthead
    distribution: list[str]  # Distr.: General / date / language / Original: ...
    job_line: str  # "V.10-57396 (C)", or "" without a job number
    barcode_digits: str  # "1057396": what the Code 39 barcode encodes


def job_digits(job_number: str) -> str:
    """V.10-57396 -> 1057396: the digits the UN barcode encodes."""
    return "".join(ch for ch in job_number if ch.isdigit())


def english_date(date) -> str:
    return f"{date.day} {date.strftime('%B')} {date.year}"


def masthead(doc: Document, version: Version) -> Masthead:
    meta = doc.meta
    lang = tables.language(version.lang)
    first, _, rest = meta.symbol.partition("/")
    distribution = ["Distr.: General", english_date(meta.distributed)]
    if version.lang != "en" or meta.original != "en":
        distribution.append(lang.name)
    distribution.append(f"Original: {tables.language(meta.original).name}")
    return Masthead(
        symbol_first=first,
        symbol_rest="/" + rest if rest else "",
        organ_lines=list(doc.organ.names[version.lang]),
        distribution=distribution,
        job_line=f"{meta.job_number} ({lang.job_suffix})" if meta.job_number else "",
        barcode_digits=job_digits(meta.job_number),
    )
