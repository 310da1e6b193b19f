"""The API's reference page: every operation from the OpenAPI document, with who may call
it, its parameters and the fields it returns, in the NHS.UK layout (no script needed)."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.access import public
from reports.api.endpoints import PERMISSIONS, api
from reports.api.responses import MOST_PER_PAGE, PAGE_SIZE
from trusts.permissions import Permission

WHO = {
    Permission.API_USE: "Programme staff (every trust) and digital leads (their own trusts)",
    Permission.NATIONAL_VIEW: "Programme staff only",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    meaning: str
    required: bool = False


@dataclass(frozen=True)
class Operation:
    name: str  # its operationId
    path: str
    summary: str
    description: str
    who: str
    parameters: tuple[Field, ...]
    returns: tuple[Field, ...]
    paged: bool


@cache
def operations() -> tuple[Operation, ...]:
    document = api.get_openapi_schema(path_prefix="/api/v1")
    components = document["components"]["schemas"]

    def resolve(schema: dict) -> dict:
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def kind(schema: dict) -> str:
        schema = resolve(schema)
        if "anyOf" in schema:
            kinds = [kind(s) for s in schema["anyOf"] if s.get("type") != "null"]
            return " or ".join(kinds) + " or null"
        if "enum" in schema:
            return "one of " + ", ".join(str(value) for value in schema["enum"])
        if schema.get("type") == "array":
            return f"list of {kind(schema['items'])}"
        if "properties" in schema:
            return "object: " + ", ".join(schema["properties"])
        return schema.get("format", schema.get("type", "object"))

    found = []
    for path, methods in document["paths"].items():
        operation = methods["get"]
        ok = resolve(operation["responses"][200]["content"]["application/json"]["schema"])
        properties = ok["properties"]
        paged = "results" in properties
        if paged:
            properties = resolve(properties["results"]["items"])["properties"]
        found.append(
            Operation(
                name=operation["operationId"],
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                who=WHO[PERMISSIONS[operation["operationId"]]],
                parameters=tuple(
                    Field(
                        p["name"],
                        kind(p["schema"]),
                        p.get("description", p["schema"].get("description", "")),
                        p.get("required", False),
                    )
                    for p in operation.get("parameters", ())
                ),
                returns=tuple(
                    Field(name, kind(schema), schema.get("description", ""))
                    for name, schema in properties.items()
                ),
                paged=paged,
            )
        )
    return tuple(found)


@public
@require_GET
def reference(request):
    return render(
        request,
        "api/reference.html",
        {
            "operations": operations(),
            "base": request.build_absolute_uri("/api/v1"),
            "page_size": PAGE_SIZE,
            "most_per_page": MOST_PER_PAGE,
            "per_minute": settings.API_REQUESTS_PER_MINUTE,
        },
    )
