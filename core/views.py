from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.access import public
from core.kept import typed_back

# A file every page links to: if the static manifest cannot name it, no page renders.
PAGE_STYLESHEET = "quarterdeck.css"


def database_state() -> tuple[str, str]:
    """("ok" or "unreachable", "ok" or "pending"): can we query, are migrations applied."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unreachable", "unknown"
    return "ok", "pending" if pending else "ok"


def static_state() -> str:
    """ "ok" when the page stylesheet's URL can be made: under the manifest storage that
    needs the manifest collectstatic writes, and the file in it."""
    try:
        staticfiles_storage.url(PAGE_STYLESHEET)
    except ValueError:
        return "missing"
    return "ok"


@public
@never_cache
@require_GET
def healthz(request):
    """For load balancers and uptime monitors: 200 only when the database answers, every
    migration is applied and the static files can be named, so a server that would show
    only error pages is taken out of service."""
    database, migrations = database_state()
    checks = {"database": database, "migrations": migrations, "static": static_state()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def service_facts() -> dict:
    """The figures the public pages state, read from the settings that decide them, so the
    privacy notice and help never drift from what the service does."""
    return {
        "owner": settings.SERVICE_OWNER,
        "contact_email": settings.CONTACT_EMAIL,
        "minimum_group": settings.MIN_RESPONSES,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "kept_hours": settings.KEPT_INPUT_HOURS,
        "invitation_days": settings.INVITATION_DAYS,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "processor": settings.SERVICE_PROCESSOR,
        "retention": settings.RETENTION,
        "browser_cookie": settings.BROWSER_KEY_COOKIE,
        "browser_key_days": settings.BROWSER_KEY_DAYS,
        "open_data": settings.OPEN_DATA,
    }


def public_page(template: str):
    """A page for everyone, signed in or not: about, accessibility, privacy, cookies, help."""

    @public
    @require_GET
    def page(request):
        return render(request, template, {"service": service_facts()})

    return page


def _typed(request) -> dict:
    sent = request.method == "POST"
    return {"was_save": sent, "typed": typed_back(request.POST) if sent else []}


def server_error(request):
    """handler500: the plain error page, with everything that was sent shown back when
    the page was a form. Rendered without the request's context processors, so that a
    fault in them, or in the database, cannot stop the page itself."""
    return HttpResponseServerError(loader.render_to_string("500.html", _typed(request)))


def _from_our_pages(request) -> bool:
    """Whether the browser says the form was sent from one of our own pages: another
    site's form is refused without being shown back, so it cannot put words on ours."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    sender = request.headers.get("Origin") or request.headers.get("Referer") or ""
    ours = f"{request.scheme}://{request.get_host()}"
    return sender == ours or sender.startswith(f"{ours}/")


@public
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that came back without its token (a page left open too
    long, cookies blocked). Nothing was saved; everything that was sent from one of our
    own pages is shown back."""
    typed = _typed(request) if _from_our_pages(request) else {"was_save": False, "typed": []}
    return render(request, "403_csrf.html", typed, status=403)
