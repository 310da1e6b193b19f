"""One function renders a PDF from HTML (docs/decisions/0009-board-paper-pdf.md).

WeasyPrint reads only Quarterdeck's own static files, from disk: the document's base URL
is on a reserved domain that never resolves, and the fetcher refuses every other URL, so
a paper can never fetch anything over the network or read any other file.
"""

import gc
import io
import mimetypes
import os
import re
import threading
from functools import cache, lru_cache, partial
from pathlib import PurePosixPath

import pikepdf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from core.text import printable

BASE_URL = "https://quarterdeck.invalid/"
PDF_VARIANT = "pdf/ua-1"  # tagged, with document title and language, for screen readers
PRINT_STYLESHEET = "print/board-paper.css"


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


def print_stylesheet() -> CSS:
    """The print stylesheet, parsed once per version of the file: WeasyPrint takes about
    as long to parse and check it as to render a whole one-page document, and the parsed
    sheet holds nothing of the document it styles. Read through our fetcher, as a <link>
    would be; an edit to the file (its modification time) is read afresh."""
    url = BASE_URL + static(PRINT_STYLESHEET).lstrip("/")
    path = static_path(url)
    return _parsed_stylesheet(url, os.stat(path).st_mtime_ns if path else None)


@lru_cache(maxsize=1)
def _parsed_stylesheet(url: str, version: int | None) -> CSS:
    """``version`` only keys the cache."""
    return CSS(url=url, url_fetcher=_fetcher())


class _CycleCollectionPause:
    """WeasyPrint makes hundreds of thousands of short-lived objects per paper, and the
    cycle collector walks them again and again while it does (a tenth of the render); the
    objects are freed as usual when their last reference goes, and anything left in a
    cycle is collected as soon as the render ends.

    The collector is the whole process's, and the app server renders in several threads
    at once: the first render in turns it off (if it was on) and the last one out turns it
    back on, so no render ends another's pause or leaves it off for good."""

    def __init__(self):
        self._lock = threading.Lock()
        self._renders = 0
        self._was_enabled = False

    def __enter__(self):
        with self._lock:
            if self._renders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._renders += 1

    def __exit__(self, *exc):
        with self._lock:
            self._renders -= 1
            if self._renders == 0 and self._was_enabled:
                gc.enable()
        return False


_no_cycle_collection = _CycleCollectionPause()


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` in the print stylesheet (which a document's own <style>, the
    running header's words and "DRAFT", adds to); control characters in it (a vertical
    tab pasted from Word, say), which no font draws, are printed as spaces."""
    with _no_cycle_collection:
        try:
            content = HTML(
                string=printable(html), base_url=BASE_URL, url_fetcher=_fetcher()
            ).write_pdf(pdf_variant=PDF_VARIANT, stylesheets=[print_stylesheet()])
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
        walk = _TreeWalk()
        walk.visit(tree, in_head=False)
        _repoint_parent_tree(pdf, tree, walk.moved)
        _margins_as_artifacts(pdf, tree, walk.kept)
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


def _is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


class _TreeWalk:
    """One depth-first walk of the structure tree that scopes each header cell and splices
    each plain wrapper's content into its parent (each element is read once: every read
    crosses into pikepdf, and three walks took a twentieth of the render). It records the
    marked content that moved (page object and MCID to the element that now holds it), for
    the parent tree, and every element left in the tree (by object number), so that what
    the tree no longer reaches can be found."""

    def __init__(self):
        self.moved: dict[tuple[int, int], pikepdf.Dictionary] = {}
        self.kept: set[tuple[int, int]] = set()

    def visit(self, node, *, in_head: bool) -> None:
        kind = node.get("/S")
        in_head = in_head or kind == "/THead"
        if kind == "/TH":
            _scope_header(node, in_head=in_head)
        kept = []
        for kid in _kids(node):
            if not _is_element(kid):
                kept.append(kid)
                continue
            self.visit(kid, in_head=in_head)
            if kind is None or not _is_plain_wrapper(kid):  # never onto the tree's root
                kept.append(kid)
                self.kept.add(kid.objgen)
                continue
            kept += self._spliced(kid, node)
        if kept or "/K" in node:
            node.K = pikepdf.Array(kept)

    def _spliced(self, wrapper, node) -> list:
        """The wrapper's content, to go into ``node``: its marked content as references
        naming their page."""
        spliced = []
        for inner in _kids(wrapper):
            if isinstance(inner, int) or (isinstance(inner, pikepdf.Object) and _is_int(inner)):
                page = wrapper.get("/Pg") or node.get("/Pg")
                inner = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=int(inner))
            if isinstance(inner, pikepdf.Dictionary) and inner.get("/Type") == "/MCR":
                self.moved[(inner.Pg.objgen, int(inner.MCID))] = node
            elif _is_element(inner):
                inner.P = node
            spliced.append(inner)
        return spliced


def _is_plain_wrapper(element) -> bool:
    return element.get("/S") in WRAPPERS and not MEANINGFUL & set(element.keys())


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


def _scope_header(cell, *, in_head: bool) -> None:
    attributes = cell.get("/A")
    table = attributes if isinstance(attributes, pikepdf.Dictionary) else None
    if table is None:
        table = pikepdf.Dictionary(O=pikepdf.Name.Table)
        cell.A = table if attributes is None else pikepdf.Array([*attributes, table])
    table.Scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row


MARKED_CONTENT = re.compile(rb"/\w+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _as_artifact(match: re.Match, *, outside: set[int]) -> bytes:
    return ARTIFACT if int(match.group(1)) in outside else match.group(0)


def _margins_as_artifacts(pdf, tree, kept: set) -> None:
    """Marked content whose element the tree never reaches (WeasyPrint's page margin
    boxes: the running header and "Page N of M") is marked as a pagination artifact, as
    PDF/UA asks of decoration, and leaves the parent tree. ``kept`` holds the object
    number of every element in the tree."""
    for page, parents in _page_parents(pdf, tree):
        outside = {
            mcid
            for mcid, element in enumerate(parents)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in kept
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
