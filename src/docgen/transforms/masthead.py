"""What the first page's masthead says, derived once from the model for every writer.

The right-hand block is in English in the English, Russian, Arabic and Chinese versions and in
their own language in French and Spanish (languages.md): `masthead_block` in the language table.
"""

from __future__ import annotations

from docgen.data import layout, tables
from docgen.model import Document, Masthead, Version


def job_digits(job_number: str) -> str:
    """V.10-57396 -> 1057396: the digits the UN barcode encodes."""
    return "".join(ch for ch in job_number if ch.isdigit())


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def masthead(doc: Document, version: Version) -> Masthead:
    """The masthead of the document's form: the adopted text's (Distr.: General, no "Original:"
    on an organ's issued texts that print none, A/RES) or the draft's (its L. symbol, Distr.:
    Limited, its date and job number). The masthead names `doc.masthead_organ` (the General
    Assembly over the Human Rights Council); the adopting body then opens the session lines."""
    meta, draft = doc.meta, (doc.meta.draft if doc.meta.form == "draft" else None)
    lang = version.language
    symbol = draft.full_symbol if draft else meta.symbol
    distributed = draft.distributed if draft else meta.distributed
    job_number = draft.job_number if draft else meta.job_number
    first, _, rest = symbol.partition("/")
    words = tables.block_language(version.lang)
    names = words.block["languages"]
    distribution = [words.block["limited" if draft else "distr"], words.format_date(distributed)]
    if version.lang != words.code or meta.original != version.lang:
        distribution.append(_capital(names[version.lang]))
    if draft or meta.in_report or meta.is_report or doc.organ.original_line:
        distribution.append(words.block["original"].format(language=names[meta.original]))
    session = list(version.session)
    if doc.masthead_organ.key != doc.organ.key:
        session.insert(0, " ".join(doc.organ.names[version.lang]))
    if draft and draft.committee:
        session.insert(1 if session else 0, lang.committees[draft.committee])
    return Masthead(
        symbol_first=first,
        symbol_rest="/" + rest if rest else "",
        organ_lines=list(doc.masthead_organ.names[version.lang]),
        distribution=distribution,
        job_line=f"{job_number} ({lang.job_suffix})" if job_number else "",
        barcode_digits=job_digits(job_number),
        block=words,
        session_lines=tuple(session),
        adoption_lines=tuple(_sponsors_line(doc, version) if draft else _adoption_lines(doc, version)),
        first_page_notes=tuple(f"{mark} {note}" for mark, note in version.sponsor_notes.items()) if draft else (),
        symbol=symbol,
        issued=distributed,
        job_number=job_number or "",
        organ_size=organ_size(doc.masthead_organ.names[version.lang], version.lang),
    )


def organ_size(lines, lang: str) -> str:
    """The layout size the organ's name is set in: organ_font, or organ_font_long when a line is
    longer than its column holds at organ_font (layout.yaml: organ_line_chars; Han counts two)."""
    limit = int(layout.settings_for(lang)["organ_line_chars"])
    longest = max((sum(2 if ord(ch) > 0x2e80 else 1 for ch in line) for line in lines), default=0)
    return "organ_font_long" if longest > limit else "organ_font"


def _adoption_lines(doc: Document, version: Version) -> list[str]:
    """"Resolution adopted by the General Assembly on 14 November 2044" and the bracket under it,
    on a text issued on its own; none on a text printed in a report, or by an organ whose table
    gives no adoption line (`adopted_by`)."""
    meta, lang = doc.meta, version.language
    body = doc.organ.adopted_by.get(version.lang)
    if meta.in_report or meta.is_report or not body:
        return []
    lines = [lang.adoption[meta.type].format(body=body, date=lang.format_date(meta.adopted))]
    if meta.adoption is not None:
        documents = lang.join(meta.adoption.documents)
        if meta.adoption.committee:
            committee = {**lang.committees, **lang.committees_in_bracket}[meta.adoption.committee]
            lines.append(lang.committee_bracket.format(committee=committee, documents=documents))
        else:
            lines.append(lang.plenary_bracket.format(documents=documents))
    return lines


def _sponsors_line(doc: Document, version: Version) -> list[str]:
    """"Albania, Andorra and the State of Palestine*: draft resolution"."""
    lang = version.language
    return [lang.sponsors_line.format(names=lang.join(version.sponsors), draft=lang.draft[doc.meta.type])]
