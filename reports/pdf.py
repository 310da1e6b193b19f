"""One function renders a PDF from HTML (docs/decisions/0009-board-paper-pdf.md).

WeasyPrint reads only Quarterdeck's own static files, from disk: the document's base URL
is on a reserved domain that never resolves, and the fetcher refuses every other URL, so
a paper can never fetch anything over the network or read any other file.
"""

import io
import mimetypes
from functools import cache
from pathlib import PurePosixPath

import pikepdf
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
        content = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
            pdf_variant=PDF_VARIANT
        )
    except FatalURLFetchingError as problem:
        raise PaperRenderError(str(problem)) from problem
    return with_header_scopes(content)


def with_header_scopes(content: bytes) -> bytes:
    """Each table header cell in the structure tree says what it heads, as PDF/UA asks:
    /Scope /Column in a table's head, /Row for a row's own heading. WeasyPrint tags the
    cells as TH but leaves the scope out."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return content
        _scope_headers(tree, in_head=False)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _scope_headers(node, *, in_head: bool) -> None:
    kind = node.get("/S")
    in_head = in_head or kind == "/THead"
    if kind == "/TH":
        attributes = node.get("/A")
        table = attributes if isinstance(attributes, pikepdf.Dictionary) else None
        if table is None:
            table = pikepdf.Dictionary(O=pikepdf.Name.Table)
            node.A = table if attributes is None else pikepdf.Array([*attributes, table])
        table.Scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _scope_headers(kid, in_head=in_head)
