"""Open data: programme staff publish a quarter once, from the national view; anyone reads
the published quarters and their files, without signing in, while settings.OPEN_DATA is on."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from assessments.errors import AssessmentError
from assessments.results import rules
from assessments.selectors import cycle_among_all
from reports.opendata import files, presenters
from reports.opendata.actions import open_data_publish, publish_problem
from reports.opendata.figures import OPEN_DATA_SPREAD_TRUSTS
from reports.opendata.forms import PublishForm
from reports.opendata.queries import published_release, published_releases, release_of
from trusts.permissions import Permission, public, requires


@requires(Permission.NATIONAL_VIEW)
@require_http_methods(["GET", "POST"])
def publish(request, cycle: str):
    """What the quarter's open data would show, and the button that publishes it; once
    published, what was published and where."""
    found, cycles = cycle_among_all(cycle)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            open_data_publish(cycle=found, by=request.user)
        except AssessmentError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                f"The open data for {found.label} is published. Its figures will not change.",
            )
            return redirect("opendata:publish", found.slug)
    release = release_of(found)
    return render(
        request,
        "opendata/publish.html",
        {
            "cycle": found,
            "cycles": cycles,
            "form": form,
            "release": release,
            "lines": presenters.page_lines(found, release),
            "problem": publish_problem(found, release) if release is None else "",
            "switched_on": settings.OPEN_DATA,
            "minimum": rules.MIN_TRUSTS,
            "spread": OPEN_DATA_SPREAD_TRUSTS,
        },
        status=409 if form.errors else 200,
    )


def switched_on(view):
    """Not there at all ("Page not found") unless the service publishes open data: checked
    before the method, so that no request learns the addresses exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.OPEN_DATA:
            raise Http404("Open data is not published by this service.")
        return view(request, *args, **kwargs)

    return wrapped


@public
@switched_on
@require_GET
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "releases": published_releases(),
            "licence": files.LICENCE,
            "licence_url": files.LICENCE_URL,
            "attribution": files.ATTRIBUTION,
            "columns": files.documented_columns(settings.MIN_RESPONSES),
            "suppression": files.suppression_words(rules.MIN_TRUSTS),
            "leaves_out": files.LEAVES_OUT,
        },
    )


MAKERS = {"csv": files.csv_file, "json": files.json_file}


@public
@switched_on
@require_safe
def quarter(request, cycle: str, extension: str):
    """A published quarter's file, the same bytes every time; a client that has them
    (its ETag or date) is told they have not changed."""
    if extension not in MAKERS:
        raise Http404("No such file.")
    release = published_release(cycle)
    if release is None:
        raise Http404("That quarter's open data has not been published.")
    made = MAKERS[extension](release)
    published = int(release.published_at.timestamp())
    response = get_conditional_response(request, etag=made.etag, last_modified=published)
    if response is None:
        response = HttpResponse(made.content, content_type=made.content_type)
        disposition = "attachment" if extension == "csv" else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{made.filename}"'
        response["Link"] = f'<{files.LICENCE_URL}>; rel="license"'
        # Open data may be read by a page on any site; nothing here depends on who asks.
        response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = made.etag
    response["Last-Modified"] = http_date(published)
    return response
