"""Where a person is signed in: each session recorded at sign-in (SignedInSession), seen
again at most once a minute, forgotten at sign-out, and ended from "Where you're signed
in" (one, or every one but this), by a password change or by a password reset.

Ending a session deletes it from the session store, so the browser that held it is signed
out at its next request. Nothing typed there is lost: a form that browser sends afterwards
is kept for its person by the browser's own key (accounts.keeping) and shown back after
they sign in again (docs/decisions/0017-sign-in.md).
"""

import datetime
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.timesince import timesince

from accounts.models import SignedInSession
from accounts.sso import BACKEND_PATH
from core.audit import audit
from trusts.models import User

UNKNOWN_DEVICE = "an unknown browser"

# What a browser's user agent says it is, first match wins: Edge and Opera say "Chrome"
# too, and Chrome says "Safari".
_BROWSERS = (
    ("Edge", ("Edg/", "EdgA/", "EdgiOS/", "Edge/")),
    ("Opera", ("OPR/", "Opera")),
    ("Samsung Internet", ("SamsungBrowser/",)),
    ("Firefox", ("Firefox/", "FxiOS/")),
    ("Chrome", ("Chrome/", "CriOS/", "Chromium/")),
    ("Safari", ("Safari/",)),
)
# An iPhone says "like Mac OS X", and Android says "Linux".
_SYSTEMS = (
    ("iPhone", ("iPhone",)),
    ("iPad", ("iPad",)),
    ("Android", ("Android",)),
    ("Windows", ("Windows",)),
    ("ChromeOS", ("CrOS",)),
    ("Mac", ("Macintosh", "Mac OS X")),
    ("Linux", ("Linux",)),
)


def _first(user_agent: str, table) -> str | None:
    return next((name for name, marks in table if any(m in user_agent for m in marks)), None)


def device_in_words(user_agent: str) -> str:
    """The browser and the system a user agent names, in words ("Firefox on Windows",
    "Safari on iPhone"), as far as they can be told; "an unknown browser" otherwise."""
    browser, system = _first(user_agent, _BROWSERS), _first(user_agent, _SYSTEMS)
    if browser and system:
        words = f"{browser} on {system}"
    elif browser:
        words = browser
    elif system:
        words = f"a browser on {system}"
    else:
        words = UNKNOWN_DEVICE
    return words[: SignedInSession._meta.get_field("device").max_length]


# Recording (accounts.middleware calls these at sign-in, once a minute, and at sign-out)


def session_record(request, user: User) -> None:
    """At sign-in: this session, its device, and how the person signed in. Signing in again
    on a session that is already theirs keeps its key, and so its row."""
    if request.session.session_key is None:
        request.session.save()
    organisation = request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH
    now = timezone.now()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "device": device_in_words(request.headers.get("User-Agent", "")),
            "method": SignedInSession.Method.ORGANISATION
            if organisation
            else SignedInSession.Method.PASSWORD,
            "tenant": getattr(request, "sign_in_tenant", None),
            "signed_in_at": now,
            "last_seen_at": now,
        },
    )


def session_seen(request) -> None:
    """When the idle clock is written back (at most once a minute): one UPDATE. A session
    whose row has gone (ended elsewhere) is not made again."""
    key = request.session.session_key
    if key:
        SignedInSession.objects.filter(session_key=key).update(last_seen_at=timezone.now())


def session_forget(request) -> None:
    """At sign-out, however it came (the button, the idle timeout): its row goes."""
    key = request.session.session_key
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


# Ending


@transaction.atomic
def sessions_end(sessions: QuerySet[SignedInSession]) -> int:
    """Ends each of these sessions: deleted from the session store (its browser is signed
    out at its next request) and from the list. Returns how many. Not audited here: the
    caller's action says why they ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    deleted = SignedInSession.objects.filter(session_key__in=keys).delete()[1]
    return deleted.get(SignedInSession._meta.label, 0)


@transaction.atomic
def session_end(*, session: SignedInSession, by: User) -> None:
    """Signs the person out of one of their sessions (on another device)."""
    sessions_end(SignedInSession.objects.filter(pk=session.pk))
    audit(action="user.session_ended", by=by, target=session.user)


@transaction.atomic
def sessions_end_others(*, user: User, by, keep: str | None = None, why: str) -> int:
    """Signs ``user`` out everywhere but the session whose key is ``keep`` (None: out of
    every session). Audited when any ended; returns how many."""
    others = SignedInSession.objects.filter(user=user)
    if keep is not None:
        others = others.exclude(session_key=keep)
    ended = sessions_end(others)
    if ended:
        audit(
            action="user.sessions_ended", by=by, target=user, detail={"sessions": ended, "why": why}
        )
    return ended


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """A session given a new key (``request.session.cycle_key()``) keeps its row: whatever
    cycles a signed-in session's key calls this after."""
    if old_key and new_key and old_key != new_key:
        SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def sessions_end_after_password_change(*, user: User, old_key: str | None, new_key: str) -> int:
    """A changed password signs its person out everywhere else. Changing it gave this
    session a new key (django.contrib.auth.update_session_auth_hash): its row follows."""
    session_rekey(old_key=old_key, new_key=new_key)
    return sessions_end_others(user=user, by=user, keep=new_key, why="password changed")


# Listing


@dataclass(frozen=True)
class Place:
    """One session as "Where you're signed in" shows it."""

    pk: int
    device: str
    signed_in_with: str  # "Password", "Organisation's account (NHSmail)"
    signed_in_at: datetime.datetime
    last_seen_at: datetime.datetime
    last_seen: str  # "just now", "5 minutes ago"
    this_device: bool


def _ago(moment: datetime.datetime, now: datetime.datetime) -> str:
    if now - moment < datetime.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


def _signed_in_with(session: SignedInSession) -> str:
    method = SignedInSession.Method(session.method).label
    return f"{method} ({session.tenant.name})" if session.tenant else method


def sessions_live(user: User, now: datetime.datetime | None = None) -> QuerySet[SignedInSession]:
    """The person's sessions seen within the idle timeout: those still signed in."""
    since = (now or timezone.now()) - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    return user.signed_in_sessions.filter(last_seen_at__gte=since)


def places_of(user: User, *, current_key: str | None) -> list[Place]:
    """Where ``user`` is signed in, this session first, then the most recently seen."""
    now = timezone.now()
    places = [
        Place(
            pk=session.pk,
            device=session.device,
            signed_in_with=_signed_in_with(session),
            signed_in_at=session.signed_in_at,
            last_seen_at=session.last_seen_at,
            last_seen=_ago(session.last_seen_at, now),
            this_device=session.session_key == current_key,
        )
        for session in sessions_live(user, now).select_related("tenant")
    ]
    return sorted(places, key=lambda place: not place.this_device)
