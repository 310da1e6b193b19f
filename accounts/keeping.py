"""Nothing typed is lost when a session ends, however it ends: what a form sent after the
idle timeout, or from a browser whose session is gone (signed out elsewhere, a password
changed, the session store cleared, the secret key rotated), is sealed, kept for the same
account, and shown back on the same page after that person signs in, ready to save
(docs/decisions/0017-sign-in.md, 0029-typed-input-survives-any-session-end.md).

A session that is gone cannot say whose form it was; the browser's key can. At sign-in
the browser is given a random key in a cookie (its digest is a BrowserKey row); a form it
sends with no session is kept for the key's person. Signing out on that browser forgets
the key.

Form views read their data through ``typed(request)`` instead of ``request.POST or None``.
"""

import hashlib
import json
import secrets

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import QueryDict

from accounts.models import BrowserKey, KeptInput
from core.kept import is_secret_field
from core.sealing import sealer

# The pages with input kept for the signed-in person, noted at sign-in so that a form
# page asks the database only when there is something to show back.
SESSION_KEY = "quarterdeck.kept_input"

KEPT_MESSAGE = (
    "This page was not saved when you sent it (your session had ended, or you were asked "
    "to confirm it was you first). What you had typed is shown again below: check it, "
    "then save it."
)


def _fernet() -> MultiFernet:
    return sealer("quarterdeck.kept-input")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def browser_person(request) -> int | None:
    """The account whose key this browser holds, if it is still current."""
    key = request.COOKIES.get(settings.BROWSER_KEY_COOKIE)
    if not key:
        return None
    return (
        BrowserKey.objects.current()
        .filter(digest=_digest(key))
        .values_list("user_id", flat=True)
        .first()
    )


def remember_browser(request, user) -> None:
    """At sign-in: this browser's key names ``user`` (a new key unless it already does).
    The middleware sets the cookie from ``request.browser_key``."""
    BrowserKey.objects.expired().delete()
    if browser_person(request) == user.pk:
        return
    forget_browser(request)
    key = secrets.token_urlsafe(32)
    BrowserKey.objects.create(user=user, digest=_digest(key))
    request.browser_key = key


def forget_browser(request) -> None:
    """At sign-out on this browser: its key names nobody any more."""
    key = request.COOKIES.get(settings.BROWSER_KEY_COOKIE)
    if key:
        BrowserKey.objects.filter(digest=_digest(key)).delete()
        request.browser_key = ""


def seal(*, user_id: int, post: QueryDict) -> str:
    """Encrypts and signs the form's fields (never passwords, codes or tokens) with the
    account they belong to."""
    fields = {name: values for name, values in post.lists() if not is_secret_field(name)}
    return _fernet().encrypt(json.dumps({"user": user_id, "fields": fields}).encode()).decode()


def unseal(*, user_id: int, sealed: str) -> QueryDict | None:
    try:
        kept = json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken:
        return None
    if kept.get("user") != user_id:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    data._mutable = False
    return data


@transaction.atomic
def keep(*, user_id: int, path: str, post: QueryDict) -> None:
    """Keeps what was sent to ``path`` for this account (the latest send wins)."""
    KeptInput.objects.expired().delete()
    KeptInput.objects.update_or_create(
        user_id=user_id, path=path, defaults={"sealed": seal(user_id=user_id, post=post)}
    )


def note_at_sign_in(request, user) -> None:
    paths = list(KeptInput.objects.current().filter(user=user).values_list("path", flat=True))
    if paths:
        request.session[SESSION_KEY] = paths


def restore(request) -> QueryDict | None:
    """What this person sent to this page after their session ended (once, with a note),
    else None: ``request.kept_input`` for core.kept.typed."""
    waiting = request.session.get(SESSION_KEY, [])
    if request.path not in waiting or not request.user.is_authenticated:
        return None
    request.session[SESSION_KEY] = [path for path in waiting if path != request.path]
    with transaction.atomic():
        kept = (
            KeptInput.objects.current()
            .select_for_update()
            .filter(user=request.user, path=request.path)
            .first()
        )
        if kept is None:
            return None
        kept.delete()
    data = unseal(user_id=request.user.pk, sealed=kept.sealed)
    if data is not None:
        messages.warning(request, KEPT_MESSAGE)
    return data
