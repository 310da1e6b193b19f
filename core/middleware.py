"""Request-wide behaviour: one log line per request, and a clear page when the database
is locked or too slow."""

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render

from core.kept import typed_back
from core.logs import bind_request_id, request_id_for, unbind_request_id

logger = logging.getLogger("quarterdeck.requests")


class RequestLog:
    """Logs method, route pattern (never the raw path, which can hold an invitation's
    token), view, status and duration, under a request id that goes back as
    ``X-Request-ID``. Nothing personal: no user, address or query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.headers.get("X-Request-ID"))
        bound = bind_request_id(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            match = request.resolver_match
            logger.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "route": f"/{match.route}" if match else "(no route)",
                        "view": match.view_name if match else "",
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                },
            )
            return response
        finally:
            unbind_request_id(bound)


class SecurityHeaders:
    """Permissions-Policy on every response, and ``Cache-Control: no-store`` on every
    page and download that does not set its own: a shared computer's browser must not
    keep a board paper, an export or a signed-in page. (Static files are served before
    this, with their own long caching.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class DatabaseBusy:
    """A statement that waited too long for a lock, or ran past its time, is rolled back
    by the action's transaction; the person gets a page that says so, with everything
    they sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database busy: %s", type(exception.__cause__ or exception).__name__)
        response = render(
            request,
            "database_busy.html",
            {
                "typed": typed_back(request.POST) if request.method == "POST" else [],
                "was_save": request.method == "POST",
                # The page must not need the database: no banner lookup.
                "invented_data": (),
            },
            status=503,
        )
        response["Retry-After"] = "10"
        return response
