"""PDF/A-3a (tagged) for archives: the Akoma Ntoso XML embedded as the PDF's Source, the YAML as Data.

Dates of the attachments come from the content (the issue date), so the same sources give the
same bytes.
"""

from __future__ import annotations

import datetime as dt

from weasyprint import Attachment

from ...model import Document, Version
from .. import Settings, writer
from .fetcher import FETCHER  # nothing is fetched: spares making WeasyPrint's URLFetcher (urllib.request)


def attachments_for(doc: Document, version: Version) -> list[Attachment]:
    when = dt.datetime.combine(doc.meta.distributed, dt.time(), tzinfo=dt.timezone.utc)
    xml = writer("akn")(doc, version, Settings())  # validated against the schema on the way
    files = [Attachment(string=xml, url_fetcher=FETCHER, name=f"{doc.name}.{version.lang}.xml", relationship="Source",
                        description="Akoma Ntoso 3.0 (AKN4UN) of this document", created=when, modified=when)]
    for source in (doc.folder / "document.yaml", version.path):
        files.append(Attachment(string=source.read_bytes(), url_fetcher=FETCHER, name=f"{doc.name}.{source.name}",
                                relationship="Data",
                                description="docgen source (YAML)", created=when, modified=when))
    return files
