"""How every API answer is sent: a page of rows, as JSON or (when the client's Accept asks
for it) CSV, with an ETag that a client sends back in If-None-Match to be told "304, not
changed" instead of the rows again. The tag is the answer's own digest, so it changes
exactly when a byte of the answer would."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from pydantic import BaseModel

from reports.exports import Column, as_csv

JSON = "application/json"
CSV = "text/csv"
PAGE_SIZE = 250
MOST_PER_PAGE = 1000


@dataclass(frozen=True)
class Table:
    """The CSV form of a page: its column names, and the cells of each row of a page."""

    columns: Sequence[str]
    rows: Callable[[list], list[list]]


def wants_csv(request: HttpRequest) -> bool:
    """Whether the Accept header prefers CSV to JSON (by quality, then by order)."""
    best, chosen = -1.0, JSON
    for part in request.headers.get("Accept", "").split(","):
        kind, *params = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind in (CSV, JSON) and quality > best:
            best, chosen = quality, kind
    return chosen == CSV and best > 0


def paged(request: HttpRequest, rows: list, page: int, page_size: int) -> dict:
    """One page of the rows, with the count and the addresses of the pages either side."""
    start = (page - 1) * page_size

    def address(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": len(rows),
        "page": page,
        "page_size": page_size,
        "next": address(page + 1) if start + page_size < len(rows) else None,
        # The page before, where there is one with rows in it.
        "previous": address(page - 1) if page > 1 and start - page_size < len(rows) else None,
        "results": rows[start : start + page_size],
    }


def respond(
    request: HttpRequest, schema: type[BaseModel], data: dict, table: Table | None = None
) -> HttpResponse:
    """The data as the schema describes it, in JSON, or as CSV where asked and offered;
    304 where the client already holds this very answer."""
    if table is not None and wants_csv(request):
        columns = [Column(name, "") for name in table.columns]
        content = as_csv(columns, table.rows(data["results"]))
        kind = f"{CSV}; charset=utf-8"
    else:
        content = schema.model_validate(data).model_dump_json().encode()
        kind = JSON
    tag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    held = _tags(request.headers.get("If-None-Match", ""))
    if tag in held or "*" in held:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=kind)
    # A program keeps the ETag and sends it back; no cache keeps the data (the house's
    # no-store on every response, core.middleware.SecurityHeaders, stands).
    response["ETag"] = tag
    response["Vary"] = "Accept, Authorization"
    links = [f'<{data[rel]}>; rel="{rel}"' for rel in ("next", "previous") if data.get(rel)]
    if links:
        response["Link"] = ", ".join(links)
    return response


def _tags(header: str) -> set[str]:
    """The ETags an If-None-Match header holds, weak ones compared as strong."""
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
