"""Programme staff: completion across trusts, the comparison, its exports, the early
warning, bulk papers."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import Cycle
from assessments.selectors import cycle_among_all, cycle_by_slug
from reports.exports import as_csv, as_xlsx, download
from reports.models import BulkExport
from reports.national import queries as programme
from reports.national import rows as programme_rows
from reports.national.bulk import bulk_export_start, closed_assessments, progress_of
from reports.national.exports import (
    WARNING_COLUMNS,
    comparison_columns,
    comparison_rows,
    warning_rows,
)
from reports.national.forms import NationalQuery
from reports.national.warning import early_warnings, early_warnings_read, rules_in_words
from trusts.models import Region, Trust, TrustType
from trusts.permissions import Permission, requires


def _filter_context(filters: programme.Filters) -> dict:
    """The filters' choices, from the trusts there are (one query): no region, ICB or type
    is offered that would match nothing; and every trust's name for the search."""
    trusts = list(
        Trust.objects.order_by("name").values_list("name", "region", "trust_type", "icb_code")
    )
    regions = {region for _, region, _, _ in trusts}
    types = {trust_type for _, _, trust_type, _ in trusts}
    return {
        "filters": filters,
        "regions": [(code, label) for code, label in Region.choices if code in regions],
        "trust_types": [(code, label) for code, label in TrustType.choices if code in types],
        "icbs": [(icb, icb) for icb in sorted({icb for *_, icb in trusts if icb})],
        "trust_names": [name for name, *_ in trusts],  # the trend search's suggestions
    }


@requires(Permission.NATIONAL_VIEW)
@require_GET
def programme_home(request):
    cycle = Cycle.objects.first()
    if cycle is None:
        return redirect("quarter:cycle-list")
    return redirect("national:programme-completion", cycle=cycle.slug)


@requires(Permission.NATIONAL_VIEW)
@require_GET
def completion_view(request, cycle: str):
    found, cycles = cycle_among_all(cycle)
    filters = NationalQuery(request.GET).filters
    return render(
        request,
        "national/completion.html",
        {
            "cycle": found,
            "cycles": cycles,
            "completion": programme_rows.completion(programme.completion_counts(found, filters)),
            **_filter_context(filters),
        },
    )


@requires(Permission.NATIONAL_VIEW)
@require_GET
def comparison_view(request, cycle: str):
    found, cycles = cycle_among_all(cycle)
    titles = framework_titles(found)
    numbers = tuple(number for number, _ in titles)
    query = NationalQuery(request.GET, numbers=numbers)
    filters, sort, descending = query.filters, query.sort_by, query.descending
    trusts = programme.closed_results(found, filters)
    headers = _sort_headers(filters, numbers, sort, descending)
    search = programme.trust_search(query.typed_trust)
    return render(
        request,
        "national/comparison.html",
        {
            "cycle": found,
            "cycles": cycles,
            "headers": headers,
            "rests_on_headings": programme_rows.HEADINGS,
            "columns": len(headers) + len(programme_rows.HEADINGS),
            "trust_link": f"?{filters.as_query}&trust=" if filters.as_query else "?trust=",
            "keep": [("sort", sort), ("order", "desc" if descending else "asc")],
            "rows": [
                (trust, programme_rows.comparison_cells(trust, numbers))
                for trust in programme.sorted_trusts(trusts, sort, descending)
            ],
            "key": programme_rows.heat_key(),
            "confidence_meaning": programme_rows.confidence_meaning(),
            "principle": query.shown_principle,
            "principles": titles,
            "distribution": programme_rows.distribution_rows(trusts, query.shown_principle)
            if query.shown_principle
            else [],
            "search": search,
            "chosen": search.chosen,
            "trend": programme_rows.trend_rows(programme.trust_trend(search.chosen, filters))
            if search.chosen
            else None,
            **_filter_context(filters),
        },
    )


@requires(Permission.NATIONAL_VIEW)
@require_GET
def programme_trust(request, ods_code: str):
    """One trust as the programme sees it: its quarters, how many answered, its published
    scores and its board papers; never a person's answers."""
    trust = get_object_or_404(Trust, ods_code=ods_code.upper())
    quarters, board_size = programme.trust_quarters(trust)
    rows = programme_rows.quarter_rows(quarters)
    latest_closed = next((q for q in rows if q.status == "closed"), None)
    return render(
        request,
        "national/trust.html",
        {
            "trust": trust,
            "quarters": rows,
            "board_size": board_size,
            "latest_closed": latest_closed,
            "confidence_meaning": programme_rows.confidence_meaning(),
        },
    )


def _sort_headers(
    filters: programme.Filters, numbers: tuple[int, ...], sort: str, descending: bool
):
    """Column headings that sort the table by following a link: no JavaScript needed."""
    headers = [("name", "Trust"), *((f"p{n}", f"P{n}") for n in numbers), ("overall", "Overall")]
    result = []
    for key, label in headers:
        active = key == sort
        order = "asc" if active and descending else ("desc" if active or key != "name" else "asc")
        query = "&".join(filter(None, [filters.as_query, f"sort={key}", f"order={order}"]))
        aria = ("descending" if descending else "ascending") if active else "none"
        result.append((label, f"?{query}", aria))
    return result


def framework_titles(cycle: Cycle) -> list[tuple[int, str]]:
    from principles.content import framework_content

    return [(p.number, p.title) for p in framework_content(cycle.framework).principles]


@requires(Permission.NATIONAL_VIEW)
@require_GET
def comparison_export(request, cycle: str, extension: str):
    if extension not in ("csv", "xlsx"):
        raise Http404("No such export.")
    found = cycle_by_slug(cycle)
    numbers = tuple(number for number, _ in framework_titles(found))
    filters = NationalQuery(request.GET, numbers=numbers).filters
    trusts = programme.sorted_trusts(programme.closed_results(found, filters), "name", False)
    columns, rows = comparison_columns(numbers), comparison_rows(trusts, numbers)
    if extension == "csv":
        content = as_csv(columns, rows)
    else:
        content = as_xlsx(columns, rows, title="Comparison")
    return download(content, f"comparison-{found.slug}.{extension}", extension)


@requires(Permission.NATIONAL_VIEW)
@require_GET
def early_warning_view(request, cycle: str):
    """The trusts whose boards may need a conversation, each with its reasons in words."""
    found, cycles = cycle_among_all(cycle)
    filters = NationalQuery(request.GET).filters
    read = early_warnings_read(found, filters)
    return render(
        request,
        "national/early_warning.html",
        {
            "cycle": found,
            "cycles": cycles,
            "warnings": read.warnings,
            "not_worked_out": read.not_worked_out,
            "rules": rules_in_words(),
            **_filter_context(filters),
        },
    )


@requires(Permission.NATIONAL_VIEW)
@require_GET
def early_warning_export(request, cycle: str):
    found = cycle_by_slug(cycle)
    filters = NationalQuery(request.GET).filters
    content = as_csv(WARNING_COLUMNS, warning_rows(early_warnings(found, filters)))
    return download(content, f"early-warning-{found.slug}.csv", "csv")


@requires(Permission.PAPERS_BULK)
@require_http_methods(["GET", "POST"])
def bulk_papers(request, cycle: str):
    found, cycles = cycle_among_all(cycle)
    closed = closed_assessments(found).count()
    if request.method == "POST":
        if not closed:
            # A ZIP of no papers would do nothing: say why, and start nothing.
            messages.error(request, nothing_closed(found))
            return redirect("national:bulk-papers", found.slug)
        export = bulk_export_start(cycle=found, by=request.user)
        messages.success(
            request,
            f"We are making the ZIP of {closed} board paper{'s' if closed != 1 else ''}. "
            "Its progress is below; it is ready to download when it says so.",
        )
        return redirect(reverse("national:bulk-papers", args=[found.slug]) + f"#export-{export.pk}")
    latest = BulkExport.objects.filter(cycle=found).order_by("-pk").first()
    return render(
        request,
        "national/bulk.html",
        {
            "cycle": found,
            "cycles": cycles,
            "progress": progress_of(latest) if latest else None,
            "closed": closed,
            "nothing_closed": "" if closed else nothing_closed(found),
        },
    )


def nothing_closed(cycle: Cycle) -> str:
    return (
        f"No trust has closed {cycle.label} yet, so there are no board papers to put in a "
        "ZIP. You can make one once a trust closes its quarter."
    )


@requires(Permission.PAPERS_BULK)
@require_GET
def bulk_papers_download(request, pk: int):
    export = get_object_or_404(BulkExport, pk=pk)
    if not export.zip_file:
        raise Http404("This ZIP is not ready.")
    if not export.total:
        raise Http404("This ZIP has no board papers in it.")
    return FileResponse(
        export.zip_file.open("rb"),
        as_attachment=True,
        filename=f"board-papers-{export.cycle.slug}.zip",
        content_type="application/zip",
    )
