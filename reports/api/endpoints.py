"""The read-only API, built on django-ninja (docs/decisions/0042-the-api.md): each
operation reads what the national view reads, through the trusts its caller may see, and
sends it as reports.api.responses does. Programme staff read every trust; a digital lead
reads the trusts where they are the coordinator."""

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache, wraps

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel, field_validator

from assessments.models import Cycle
from assessments.results import rules
from assessments.selectors import cycle_by_slug
from core.access import public
from principles.content import framework_content
from reports.api import schemas
from reports.api.auth import RateLimited, TokenAuth, rate_limited
from reports.api.responses import MOST_PER_PAGE, PAGE_SIZE, Table, paged, respond
from reports.national import queries as national
from reports.national import rows as national_rows
from reports.national.exports import (
    WARNING_COLUMNS,
    comparison_columns,
    comparison_rows,
    warning_rows,
)
from reports.national.warning import early_warnings
from trusts.models import Region, Trust, TrustType
from trusts.permissions import Permission, has_permission_somewhere, trust_ids_with


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """Each operation is known by one name: its function's, its URL's, its permission's
        key and its operationId in the document."""
        return operation.view_func.__name__

    def get_root_path(self, path_params) -> str:
        """Where the document's paths start: the reference page, which stands in for
        django-ninja's own landing page (reports.api.urls)."""
        return reverse("api:reference", kwargs=path_params)


api = Api(
    title="Quarterdeck API",
    version="1",
    description=(
        "Read-only data for programme staff and digital leads: trusts, quarters, completion, "
        "published results, a trust's trend and the early warning. Every request carries "
        "`Authorization: Bearer <token>`; a token is made on the API tokens page of your "
        "account. Lists come a page at a time; ask for `text/csv` in `Accept` for CSV."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the reference page is ours (reports.api.views), in the NHS.UK layout
    docs_decorator=public,
    auth=TokenAuth(),
)
api.add_exception_handler(RateLimited, rate_limited)

# The permission each operation needs, by its URL name: the URL walk reads it (urls.py).
PERMISSIONS: dict[str, Permission] = {}

PROBLEMS = {
    401: schemas.Problem,
    403: schemas.Problem,
    404: schemas.Problem,
    429: schemas.Problem,  # with Retry-After, in seconds (documented below)
}


def documented(*, csv: bool = True) -> dict:
    """What the document says of every operation beyond its JSON: the CSV it offers, the
    ETag and 304, and the 422 of a parameter not understood."""
    ok = {
        "headers": {
            "ETag": {"schema": {"type": "string"}, "description": "For If-None-Match."},
            "Link": {"schema": {"type": "string"}, "description": "The pages either side."},
        }
    }
    if csv:
        ok["content"] = {"text/csv": {"schema": {"type": "string"}}}
    return {
        "responses": {
            200: ok,
            304: {"description": "Not modified: the ETag sent in If-None-Match is current."},
            429: {
                "headers": {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
                }
            },
            422: {
                "description": "A parameter not understood.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "detail": {"type": "array", "items": {"type": "object"}}
                            },
                            "required": ["detail"],
                        }
                    }
                },
            },
        }
    }


def read(path: str, schema: type[BaseModel], tag: str, *, csv: bool = True):
    """A GET operation of the API, documented with every answer it may give."""
    return api.get(
        path, response={200: schema, **PROBLEMS}, tags=[tag], openapi_extra=documented(csv=csv)
    )


def needs(permission: Permission, *asked: type[Schema]):
    """An operation that needs ``permission`` (the API's own, for every one of them; the
    national view's for the early warning): 403 otherwise. A query parameter that is none
    of ``asked``'s fields is a 422, never ignored: a filter misspelt would otherwise
    answer with every trust."""
    known = {name for schema in asked for name in schema.model_fields}

    def decorator(operation):
        @wraps(operation)
        def checked(request, *args, **kwargs):
            if not has_permission_somewhere(request.user, permission):
                raise HttpError(403, "Your roles do not let you read this.")
            if unknown := sorted(set(request.GET) - known):
                raise ValidationError(
                    [
                        {
                            "type": "unknown_parameter",
                            "loc": ["query", name],
                            "msg": f"{name} is not a parameter of this operation.",
                        }
                        for name in unknown
                    ]
                )
            return operation(request, *args, **kwargs)

        PERMISSIONS[operation.__name__] = permission
        return checked

    return decorator


# What the caller asks for


class Where(Schema):
    """The national view's filters."""

    region: Region | None = Field(None, description="An NHS England region's ODS code.")
    icb: str | None = Field(
        None, max_length=5, pattern=r"^[A-Za-z0-9]*$", description="An ICB's ODS code."
    )
    type: TrustType | None = Field(None, description="A trust type's code.")

    @field_validator("region", "icb", "type", mode="before")
    @classmethod
    def left_blank_is_any(cls, value):
        """As the national view's form sends "All regions": empty, or only spaces."""
        if isinstance(value, str):
            value = value.strip()
        return value or None

    @property
    def narrows(self) -> bool:
        return bool(self.region or self.icb or self.type)


class Paging(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1.")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MOST_PER_PAGE, description="Rows a page holds.")


QUARTER = Path(
    ..., pattern=r"^[0-9]{4}-[0-9]{2}-q[1-4]$", description="A quarter, e.g. 2026-27-q3."
)
ODS_CODE = Path(..., max_length=10, pattern=r"^[A-Za-z0-9]+$", description="An ODS code.")


@dataclass(frozen=True)
class Reach(national.Filters):
    """The filters asked for, within the trusts the caller may read (None: every trust)."""

    trust_ids: tuple[int, ...] | None = None

    @property
    def unscoped(self) -> national.Filters:
        """The filters alone, over every trust (the trend's other trusts)."""
        return national.Filters(self.region, self.icb, self.trust_type)

    def apply(self, trusts: QuerySet, prefix: str = "") -> QuerySet:
        trusts = super().apply(trusts, prefix)
        if self.trust_ids is None:
            return trusts
        return trusts.filter(**{f"{prefix}pk__in": self.trust_ids})

    def as_sql(self, trust: str) -> tuple[str, list]:
        where, params = super().as_sql(trust)
        if self.trust_ids is None:
            return where, params
        if not self.trust_ids:
            return f"{where} AND 1 = 0", params  # no trust to read: no row
        marks = ", ".join(["%s"] * len(self.trust_ids))
        return f"{where} AND {trust}.id IN ({marks})", [*params, *self.trust_ids]


def reach(request, where: Where) -> Reach:
    user = request.user
    return Reach(
        region=where.region or "",
        icb=(where.icb or "").upper(),
        trust_type=where.type or "",
        trust_ids=None
        if user.is_programme_staff
        else tuple(trust_ids_with(user, Permission.API_USE)),
    )


def trust_of(request, ods_code: str) -> Trust:
    trust = reach(request, Where()).apply(Trust.objects.all()).filter(ods_code=ods_code.upper())
    found = trust.first()
    if found is None:
        raise HttpError(404, "No such trust.")
    return found


# Trusts


def trust_row(trust: Trust) -> dict:
    return {
        "ods_code": trust.ods_code,
        "name": trust.name,
        "region_code": trust.region,
        "region": Region(trust.region).label,
        "icb_code": trust.icb_code,
        "trust_type_code": trust.trust_type,
        "trust_type": TrustType(trust.trust_type).label if trust.trust_type else "",
    }


def by_name(row: dict) -> tuple[str, str]:
    """The order of every list of trusts: by name, and by code where two share a name,
    so that a page holds the same trusts however often it is asked for."""
    return row["name"], row["ods_code"]


def flat(schema: type[BaseModel]) -> Table:
    """A page's CSV with a column for each of the schema's fields, as named in the JSON."""
    names = tuple(schema.model_fields)
    return Table(names, lambda results: [[row[name] for name in names] for row in results])


@read("/trusts", schemas.TrustPage, "Trusts")
@needs(Permission.API_USE, Where, Paging)
def trusts(request, where: Query[Where], paging: Query[Paging]):
    """The trusts you may read, by name, with the national view's filters."""
    found = reach(request, where).apply(Trust.objects.order_by("name", "ods_code"))
    rows = [trust_row(trust) for trust in found]
    return respond(
        request,
        schemas.TrustPage,
        paged(request, rows, paging.page, paging.page_size),
        flat(schemas.Trust),
    )


@read("/trusts/{ods_code}", schemas.Trust, "Trusts", csv=False)
@needs(Permission.API_USE)
def trust(request, ods_code: str = ODS_CODE):
    """One trust you may read."""
    return respond(request, schemas.Trust, trust_row(trust_of(request, ods_code)))


@read("/trusts/{ods_code}/trend", schemas.Trend, "Trusts", csv=False)
@needs(Permission.API_USE, Where)
def trust_trend(request, where: Query[Where], ods_code: str = ODS_CODE):
    """The trust's overall score in each closed quarter, beside the median of the other
    trusts where there are enough of them to show one. Programme staff may narrow the
    other trusts with the national view's filters; a digital lead reads their trust's
    quarters beside every other trust, and how many there were only where there were
    enough (a count of one or two would say whether a named trust had published)."""
    found = trust_of(request, ods_code)
    everything = request.user.is_programme_staff
    if where.narrows and not everything:
        raise HttpError(403, "Only programme staff may narrow the trusts compared with.")
    points = []
    for point in national.trust_trend(found, reach(request, where).unscoped):
        if not everything and point.trust is None:
            continue  # a quarter only other trusts published
        quarter = Cycle(year=point.year, quarter=point.quarter)
        points.append(
            {
                "quarter": quarter.slug,
                "label": quarter.label,
                "overall": rules.exported(point.trust),
                "peers_median": rules.exported(point.peers),
                "peers": point.peer_count
                if everything or rules.enough_trusts(point.peer_count)
                else None,
            }
        )
    return respond(request, schemas.Trend, {"trust": trust_row(found), "points": points})


# Quarters


@read("/quarters", schemas.QuarterPage, "Quarters")
@needs(Permission.API_USE, Paging)
def quarters(request, paging: Query[Paging]):
    """Every quarter, newest first."""
    rows = [
        {
            "quarter": cycle.slug,
            "label": cycle.label,
            "year": cycle.year,
            "number": cycle.quarter,
            "opens_on": cycle.opens_on,
            "closes_on": cycle.closes_on,
        }
        for cycle in Cycle.objects.all()
    ]
    return respond(
        request,
        schemas.QuarterPage,
        paged(request, rows, paging.page, paging.page_size),
        flat(schemas.Quarter),
    )


@read("/quarters/{quarter}/completion", schemas.CompletionPage, "Quarters")
@needs(Permission.API_USE, Where, Paging)
def completion(request, where: Query[Where], paging: Query[Paging], quarter: str = QUARTER):
    """How many of each board have submitted this quarter, by trust name: counts only."""
    rows = [
        {
            "ods_code": row.trust.ods_code,
            "name": row.trust.name,
            "status": row.status.value,
            "submitted": row.submitted,
            "board_size": row.board_size,
        }
        for row in national.completion_counts(cycle_by_slug(quarter), reach(request, where))
    ]
    rows.sort(key=by_name)
    return respond(
        request,
        schemas.CompletionPage,
        paged(request, rows, paging.page, paging.page_size),
        flat(schemas.Completion),
    )


@lru_cache(maxsize=4096)
def exported(value: Fraction | None) -> float | None:
    """rules.exported, once per process for each value: 200 trusts' 2,000 figures hold a
    few hundred different ones, and rounding a Fraction costs more than finding it kept."""
    return rules.exported(value)


@read("/quarters/{quarter}/results", schemas.ResultPage, "Quarters")
@needs(Permission.API_USE, Where, Paging)
def results(request, where: Query[Where], paging: Query[Paging], quarter: str = QUARTER):
    """Each trust's published scores for the quarter, by trust name: closed quarters with
    at least the minimum number of responses only, as in every other output. The CSV has
    the national comparison file's columns."""
    cycle = cycle_by_slug(quarter)
    found = sorted(
        national.closed_results(cycle, reach(request, where)), key=lambda t: (t.name, t.ods_code)
    )
    # Every principle of the quarter's framework, published or not: a file's columns do
    # not change with what it holds.
    numbers = tuple(p.number for p in framework_content(cycle.framework).principles)
    rows = [
        {
            "ods_code": trust.ods_code,
            "name": trust.name,
            "region_code": trust.region,
            "trust_type_code": trust.trust_type,
            "principles": [
                {"principle": n, "score": exported(trust.scores.get(n))} for n in numbers
            ],
            "overall": exported(trust.overall),
            "respondents": trust.rests_on.submitted,
            "board_size": trust.rests_on.board_size,
            "response_rate": exported(
                national_rows.response_rate(trust.rests_on.submitted, trust.rests_on.board_size)
            ),
            "confidence": national_rows.confidence(trust.rests_on),
        }
        for trust in found
    ]
    by_code = {trust.ods_code: trust for trust in found}
    return respond(
        request,
        schemas.ResultPage,
        paged(request, rows, paging.page, paging.page_size),
        # The national comparison file's columns and cells.
        Table(
            tuple(column.name for column in comparison_columns(numbers)),
            lambda page: comparison_rows([by_code[row["ods_code"]] for row in page], numbers),
        ),
    )


@read("/quarters/{quarter}/early-warning", schemas.WarningPage, "Quarters")
@needs(Permission.NATIONAL_VIEW, Where, Paging)
def early_warning(request, where: Query[Where], paging: Query[Paging], quarter: str = QUARTER):
    """Programme staff only: the trusts that may be slipping this quarter, by name, each
    with its reasons in words. Never ranked. The CSV is the national view's early warning
    file: one row for each reason."""
    found = early_warnings(cycle_by_slug(quarter), reach(request, where))
    rows = [
        {
            "ods_code": warning.trust.ods_code,
            "name": warning.trust.name,
            "region_code": warning.trust.region,
            "icb_code": warning.trust.icb_code,
            "trust_type_code": warning.trust.trust_type,
            "reasons": [{"kind": r.kind, "words": r.words} for r in warning.reasons],
        }
        for warning in found
    ]
    rows.sort(key=by_name)
    by_code = {warning.trust.ods_code: warning for warning in found}
    return respond(
        request,
        schemas.WarningPage,
        paged(request, rows, paging.page, paging.page_size),
        Table(
            tuple(column.name for column in WARNING_COLUMNS),
            lambda page: warning_rows([by_code[row["ods_code"]] for row in page]),
        ),
    )
