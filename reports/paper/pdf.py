"""One function renders a PDF from HTML (docs/decisions/0009-board-paper-pdf.md).

WeasyPrint reads only Quarterdeck's own static files, from disk: the document's base URL
is on a reserved domain that never resolves, and the fetcher refuses every other URL, so
a paper can never fetch anything over the network or read any other file.
"""

import gc
import io
import mimetypes
import re
from contextlib import contextmanager
from functools import cache, partial
from pathlib import PurePosixPath

import pikepdf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from core.text import printable

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


@contextmanager
def _no_cycle_collection():
    """WeasyPrint makes hundreds of thousands of short-lived objects per paper, and the
    cycle collector walks them again and again while it does (a tenth of the render); the
    objects are freed as usual when their last reference goes, and anything left in a
    cycle is collected as soon as the render ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``; control characters in it (a vertical tab pasted from Word, say),
    which no font draws, are printed as spaces."""
    with _no_cycle_collection():
        try:
            content = HTML(
                string=printable(html), base_url=BASE_URL, url_fetcher=_fetcher()
            ).write_pdf(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as problem:
            raise PaperRenderError(str(problem)) from problem
        return tagged_for_pdf_ua(content)


def tagged_for_pdf_ua(content: bytes) -> bytes:
    """The structure tree as PDF/UA asks, where WeasyPrint's falls short: each table
    header cell says what it heads (/Scope /Column in a table's head, /Row for a row's
    own heading), the Span and NonStruct wrappers WeasyPrint puts around each line of a
    block are removed, their content given to the block itself, and the running header and
    page number, which WeasyPrint tags outside the tree, become pagination artifacts."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return content
        _scope_headers(tree, in_head=False)
        moved: dict[tuple[int, int], pikepdf.Dictionary] = {}
        _unwrap(tree, moved)
        _repoint_parent_tree(pdf, tree, moved)
        _margins_as_artifacts(pdf, tree)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


WRAPPERS = {"/Span", "/NonStruct"}
# A wrapper with any of these says something of its own, and is kept.
MEANINGFUL = {"/A", "/Alt", "/ActualText", "/Lang", "/E", "/C", "/ID"}


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _unwrap(node, moved: dict) -> None:
    """Splices each plain wrapper's content into ``node``, depth first. Its marked
    content goes as references naming their page, recorded in ``moved`` (page object and
    MCID to the element that now holds it) for the parent tree."""
    kept = []
    for kid in _kids(node):
        if not (isinstance(kid, pikepdf.Dictionary) and "/S" in kid):
            kept.append(kid)
            continue
        _unwrap(kid, moved)
        plain = kid.get("/S") in WRAPPERS and not MEANINGFUL & set(kid.keys())
        if not plain or "/S" not in node:  # never onto the tree's root
            kept.append(kid)
            continue
        for inner in _kids(kid):
            if isinstance(inner, int) or (isinstance(inner, pikepdf.Object) and _is_int(inner)):
                page = kid.get("/Pg") or node.get("/Pg")
                inner = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=int(inner))
            if isinstance(inner, pikepdf.Dictionary) and inner.get("/Type") == "/MCR":
                moved[(inner.Pg.objgen, int(inner.MCID))] = node
            elif isinstance(inner, pikepdf.Dictionary) and "/S" in inner:
                inner.P = node
            kept.append(inner)
    if kept or "/K" in node:
        node.K = pikepdf.Array(kept)


def _is_int(value) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _page_parents(pdf, tree):
    """Each page with its entry of the parent tree: the element of each marked-content id
    on the page, by id."""
    numbers = tree.ParentTree.get("/Nums")
    if numbers is None:
        return
    by_key = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        parents = by_key.get(int(key)) if key is not None else None
        if isinstance(parents, pikepdf.Array):
            yield page, parents


def _repoint_parent_tree(pdf, tree, moved: dict) -> None:
    """The parent tree maps each page's marked content to its element: point what moved
    at the element that holds it now."""
    if not moved:
        return
    for page, parents in _page_parents(pdf, tree):
        for mcid in range(len(parents)):
            holder = moved.get((page.obj.objgen, mcid))
            if holder is not None:
                parents[mcid] = holder


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


MARKED_CONTENT = re.compile(rb"/\w+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _as_artifact(match: re.Match, *, outside: set[int]) -> bytes:
    return ARTIFACT if int(match.group(1)) in outside else match.group(0)


def _margins_as_artifacts(pdf, tree) -> None:
    """Marked content whose element the tree never reaches (WeasyPrint's page margin
    boxes: the running header and "Page N of M") is marked as a pagination artifact, as
    PDF/UA asks of decoration, and leaves the parent tree."""
    reachable = set()

    def reach(node):
        for kid in _kids(node):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                reachable.add(kid.objgen)
                reach(kid)

    reach(tree)
    for page, parents in _page_parents(pdf, tree):
        outside = {
            mcid
            for mcid, element in enumerate(parents)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        if not outside:
            continue
        # A byte-level edit of the one kind of mark WeasyPrint writes (/Tag <</MCID n>>
        # BDC): parsing every page's operators would take a quarter of the render again.
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()
            marked = MARKED_CONTENT.sub(partial(_as_artifact, outside=outside), data)
            if marked != data:
                stream.write(marked)
        for mcid in outside:
            parents[mcid] = None
