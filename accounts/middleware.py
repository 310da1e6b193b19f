"""Sessions that end when idle without losing what was typed, and the second factor."""

import time
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import keeping, sessions, sso, tenants, two_factor
from core.kept import LOOKING_AGAIN

LAST_SEEN = "quarterdeck.last_seen"
# When the person last proved who they are (signing in, or again before a change to how
# they sign in: accounts.self_service).
SIGNED_IN_AT = "quarterdeck.signed_in_at"
# The idle clock is written back at most once a minute, not on every request.
REFRESH_SECONDS = 60

SIGNED_OUT_TYPED = (
    "You were signed out after {minutes} minutes without activity, so that page was not "
    "saved. Sign in again and what you typed will be shown back, ready to save."
)
SIGNED_OUT = "You were signed out after {minutes} minutes without activity. Sign in to carry on."
OUTGROWN = (
    "You were signed out: you now belong to a trust (or hold a role) that the organisation's "
    "account you signed in with cannot sign you in for. Sign in with an account that covers "
    "everything you are on Quarterdeck, such as NHSmail, or with your password."
)
OUTGROWN_TYPED = OUTGROWN + " What you typed on that page will be shown back, ready to save."
SESSION_ENDED_TYPED = (
    "Your session ended before that page was saved (you may have signed out on another "
    "device, or changed your password). Sign in again and what you typed will be shown "
    "back, ready to save."
)


def session_probe(view):
    """Marks a view the timeout warning calls: an idle session gets a 401, not a page."""
    view.session_probe = True
    return view


def before_second_factor(view):
    """Marks a view a person may reach between their password and their second factor."""
    view.before_second_factor = True
    return view


@receiver(user_logged_in, dispatch_uid="quarterdeck-sign-in")
def at_sign_in(sender, request, user, **kwargs):
    request.session[LAST_SEEN] = request.session[SIGNED_IN_AT] = int(time.time())
    two_factor.decide_at_sign_in(request, user)
    keeping.remember_browser(request, user)
    keeping.note_at_sign_in(request, user)
    sessions.session_record(request, user)


@receiver(sso.signed_in_again, dispatch_uid="quarterdeck-signed-in-again")
def at_sign_in_again(sender, request, user, confirmed, **kwargs):
    """The person signed in on this session came back from their organisation's sign-in:
    the record of where they are signed in says how, now; and where the provider asked
    them again just now, that counts as confirming it is them, with Quarterdeck's own
    second factor too where the provider is not trusted to have asked for one (as at
    sign-in: two_factor.decide_at_sign_in)."""
    sessions.session_record(request, user)
    if confirmed:
        request.session[SIGNED_IN_AT] = int(time.time())
        two_factor.decide_at_sign_in(request, user)


@receiver(user_logged_out, dispatch_uid="quarterdeck-sign-out")
def at_sign_out(sender, request, user, **kwargs):
    # However it came: the sign-out button, the idle timeout, a refused single sign-on.
    sessions.session_forget(request)


def needs_sign_in(view) -> bool:
    """A view that declares a permission (core.access) is for signed-in people only."""
    return getattr(view, "required_permission", None) is not None


class IdleTimeout:
    """Signs a person out after settings.SESSION_IDLE_MINUTES without a request. A form
    sent after that, or from a browser whose session has gone some other way, is kept for
    its person (accounts.keeping) and they are asked to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read only when a form view asks for it (core.kept.typed).
        request.kept_input = partial(keeping.restore, request)
        response = self.get_response(request)
        key = getattr(request, "browser_key", None)
        if key:
            response.set_cookie(
                settings.BROWSER_KEY_COOKIE,
                key,
                max_age=settings.BROWSER_KEY_DAYS * 24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif key == "":
            response.delete_cookie(settings.BROWSER_KEY_COOKIE, samesite="Lax")
        return response

    def process_view(self, request, view, args, kwargs):
        # After CSRF: only a genuine form from our own page is ever kept.
        if not request.user.is_authenticated:
            return self.session_gone(request, view)
        now = int(time.time())
        seen = request.session.get(LAST_SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
            return self.sign_out(request, view)
        if tenants.session_outgrown(request):
            return self.sign_out(request, view, words=(OUTGROWN_TYPED, OUTGROWN))
        if request.headers.get(LOOKING_AGAIN):  # the page's script, not the person
            return None
        if seen is None or now - seen >= REFRESH_SECONDS or getattr(view, "session_probe", False):
            request.session[LAST_SEEN] = now
            sessions.session_seen(request)  # "last seen" on Where you're signed in
        return None

    def sign_out(self, request, view, words=(SIGNED_OUT_TYPED, SIGNED_OUT)):
        path = request.get_full_path()
        if getattr(view, "session_probe", False):
            logout(request)
            return HttpResponse(status=401)
        minutes = settings.SESSION_IDLE_MINUTES
        kept = (
            request.method == "POST"
            and not getattr(view, "before_second_factor", False)
            and not getattr(view, "never_kept", False)
        )
        if kept:
            keeping.keep(user_id=request.user.pk, path=request.path, post=request.POST)
        logout(request)
        messages.warning(request, words[0 if kept else 1].format(minutes=minutes))
        return redirect_to_login(path)

    def session_gone(self, request, view):
        """A form sent to a signed-in page by a browser with no session: kept for the
        person whose key the browser holds, if any."""
        if request.method != "POST" or not needs_sign_in(view):
            return None
        if getattr(view, "never_kept", False):
            return None
        person = keeping.browser_person(request)
        if person is None:
            return None
        keeping.keep(user_id=person, path=request.path, post=request.POST)
        messages.warning(request, SESSION_ENDED_TYPED)
        return redirect_to_login(request.get_full_path())


class SecondFactor:
    """Between a password and the second factor, only the second-factor pages answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if (
            request.user.is_authenticated
            and two_factor.is_pending(request)
            and not getattr(view, "before_second_factor", False)
        ):
            return redirect(
                f"{reverse('accounts:two-factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None
