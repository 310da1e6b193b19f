"""One function renders a PDF from HTML (docs/decisions/0009-board-paper-pdf.md).

WeasyPrint reads only Quarterdeck's own static files, from disk: the document's base URL
is on a reserved domain that never resolves, and the fetcher refuses every other URL, so
a paper can never fetch anything over the network or read any other file.
"""

import mimetypes
from functools import cache
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://quarterdeck.invalid/"
PDF_VARIANT = "pdf/ua-1"  # tagged, with document title and language, for screen readers


class PaperRenderError(Exception):
    """A board paper could not be rendered. WeasyPrint stops on a failed fetch with a
    ``BaseException`` subclass, which would pass every ``except Exception``; this is the
    ordinary exception we raise in its place."""


class StaticFilesOnly(URLFetcher):
    def __init__(self):
        super().__init__(fail_on_errors=True, allowed_protocols={"https"})

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            raise PermissionError(f"A board paper may read only Quarterdeck's static files: {url}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def static_path(url: str) -> str | None:
    """The file on disk behind one of our static URLs, or None for anything else."""
    prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    relative = url[len(prefix) :].split("?")[0].split("#")[0]
    if not relative or ".." in PurePosixPath(relative).parts:
        return None
    # Locally the source file; in production ``{% static %}`` names the hashed copy that
    # collectstatic wrote, which only the storage knows.
    found = finders.find(relative)
    if found is None and staticfiles_storage.exists(relative):
        found = staticfiles_storage.path(relative)
    return found


@cache
def _fetcher() -> StaticFilesOnly:
    # One per process: it holds no state between fetches, and making one sets up TLS.
    return StaticFilesOnly()


def render_pdf(html: str) -> bytes:
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
            pdf_variant=PDF_VARIANT
        )
    except FatalURLFetchingError as problem:
        raise PaperRenderError(str(problem)) from problem
