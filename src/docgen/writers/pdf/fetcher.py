"""What WeasyPrint fetches for docgen's pages, without urllib.request.

docgen's pages fetch one kind of URL: the footnote rule's `data:image/svg+xml,...` background
(fonts are registered where they are, `patches.py` 3.). WeasyPrint's default fetcher opens it
through urllib.request's OpenerDirector (http.client, ssl, socket, email: 15-20 ms of a cold
build, `loading.py` defers that import) and wraps the answer's headers in an EmailMessage.

`FETCHER` reads a plain data: URL (`data:type/subtype,percent-encoded bytes`, nothing else)
itself, with what urllib's DataHandler and WeasyPrint's URLFetcher give for it: the same bytes,
URL, status and content type, no charset; its headers (an EmailMessage, as WeasyPrint's) are made
only if asked for. Any other URL (base64, parameters, a fragment, file:, http:...) goes to
WeasyPrint's own fetcher. `BASE_URL`: the templates folder as WeasyPrint's `path2url` writes it
(a path given as base_url goes through urllib.request.pathname2url on every render).
"""

from __future__ import annotations

import os
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote_to_bytes

from weasyprint.urls import URLFetcherResponse

from ...paths import TEMPLATES

BASE_URL = Path(os.path.abspath(TEMPLATES)).as_uri() + "/"
_PLAIN_DATA = re.compile(r"data:([a-z]+/[a-z0-9.+-]+),([^#]*)")  # urllib: a fragment is cut off


class _Response(URLFetcherResponse):
    """WeasyPrint's response for a data: URL of a type without parameters."""

    def __init__(self, url: str, content_type: str, body: bytes):
        self.url, self.status, self._content_type = url, None, content_type
        self._file_obj = BytesIO(body)

    @property
    def headers(self):  # as WeasyPrint makes them from urllib's, on first use
        from email.message import EmailMessage

        headers = self.__dict__.get("_headers")
        if headers is None:
            headers = self.__dict__["_headers"] = EmailMessage()
            headers["Content-type"] = self._content_type
            headers["Content-length"] = str(len(self._file_obj.getbuffer()))
        return headers

    @property
    def content_type(self):
        return self._content_type

    @property
    def charset(self):
        return None


class Fetcher:
    """A WeasyPrint url_fetcher: plain data: URLs here, anything else by WeasyPrint's URLFetcher."""

    _fail_on_errors = False  # as WeasyPrint's default (read by weasyprint.urls.fetch)

    def __init__(self):
        self._default = None

    def __call__(self, url: str):
        if (match := _PLAIN_DATA.fullmatch(url)) and not url[-1:].isspace():  # urllib strips it
            return _Response(url, match[1], unquote_to_bytes(match[2]))
        if self._default is None:
            from weasyprint.urls import URLFetcher

            self._default = URLFetcher()
        return self._default(url)

    fetch = __call__


FETCHER = Fetcher()
