"""Where you're signed in: a person's own sessions, and signing out of any of them."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts import sessions
from core.kept import never_kept
from trusts.permissions import Permission, requires


@requires(Permission.SERVICE_USE)
@require_GET
def sessions_page(request):
    places = sessions.places_of(request.user, current_key=request.session.session_key)
    return render(
        request,
        "accounts/sessions.html",
        {
            "places": places,
            "others": [place for place in places if not place.this_device],
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "has_password": settings.PASSWORD_SIGN_IN and request.user.has_usable_password(),
        },
    )


@never_kept  # nothing is typed: signed in again, the person presses the button again
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def session_end(request, pk: int):
    """Signs the person out of one of their sessions (another person's is a 404)."""
    session = get_object_or_404(request.user.signed_in_sessions.all(), pk=pk)
    if request.method == "POST":
        if session.session_key == request.session.session_key:
            messages.info(request, "This is the device you are using: sign out here with Sign out.")
        else:
            sessions.session_end(session=session, by=request.user)
            messages.success(request, f"You have been signed out on {session.device}.")
    return redirect("accounts:sessions")


@never_kept
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def sessions_end_others(request):
    """Signs the person out everywhere but here."""
    if request.method == "POST":
        ended = sessions.sessions_end_others(
            user=request.user,
            by=request.user,
            keep=request.session.session_key,
            why="signed out everywhere else",
        )
        if ended:
            messages.success(request, "You have been signed out everywhere else.")
        else:
            messages.info(request, "You were not signed in anywhere else.")
    return redirect("accounts:sessions")


urlpatterns = [
    path("account/sessions/", sessions_page, name="sessions"),
    path("account/sessions/<int:pk>/sign-out/", session_end, name="session-end"),
    path("account/sessions/sign-out-elsewhere/", sessions_end_others, name="sessions-end-others"),
]
