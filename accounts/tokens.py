"""API tokens: made and revoked by their person, checked on each request to the API.

A token is "qd_" and 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256
digest is stored, and it is shown once, when made. A token is never more than its
person's own reach: each use checks that they may still use the API (their roles as they
are now), and counts the request against ``settings.API_REQUESTS_PER_MINUTE`` in the
token's own row, so that the limit holds across every app server
(docs/decisions/0039-api-tokens.md). The API (reports.api) calls ``token_use``.
"""

import datetime
import hashlib
import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts.models import ApiToken
from core.audit import audit
from core.forms import limit_of
from trusts.permissions import Permission, has_permission_somewhere

PREFIX = "qd_"
# "qd_" and token_urlsafe(32): 43 characters of the URL-safe alphabet.
SHAPE = re.compile(rf"{PREFIX}[A-Za-z0-9_-]{{43}}")
EXPIRY_DAYS = (30, 90, 180, 365)  # the choices on the page; the command takes any of 1..365
LONGEST_DAYS = 365
WINDOW = datetime.timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token the rules refuse to make; the message is for the person who asked."""


@dataclass(frozen=True)
class TokenUse:
    """What a request's token comes to: ``token`` (its ``.user`` loaded) when it may be
    used, else None; ``limited`` when it has made its requests for this minute, and then
    ``retry_after``, the seconds until the next minute begins."""

    token: ApiToken | None
    limited: bool = False
    retry_after: int = 0


REFUSED = TokenUse(token=None)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, expires_days: int, by) -> tuple[ApiToken, str]:
    """Makes a token for ``user``, working for ``expires_days`` days. Returns the token and
    its value, which is stored nowhere: the caller shows it once."""
    name = name.strip()
    if not has_permission_somewhere(user, Permission.API_USE):
        raise TokenRefused(
            f"{user.email} cannot use the API: only digital leads and programme staff can."
        )
    if not 1 <= expires_days <= LONGEST_DAYS:
        raise TokenRefused(f"A token works for 1 to {LONGEST_DAYS} days, not {expires_days}.")
    limit = limit_of(ApiToken, "name")
    if not name or len(name) > limit or "\x00" in name:
        raise TokenRefused(f"Give the token a name of 1 to {limit} characters.")
    raw = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=digest_of(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(days=expires_days),
    )
    audit(
        action="api_token.created",
        by=by,
        target=user,
        detail={"token": token.pk, "name": name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> bool:
    """Stops the token working at once; whether this revoked it (revoking it again
    changes nothing)."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    token.revoked_at = now
    audit(
        action="api_token.revoked",
        by=by,
        target=token.user,
        detail={"token": token.pk, "name": token.name},
    )
    return True


def token_use(raw: str | None) -> TokenUse:
    """The token a request sent, if it may be used now. Two queries: the token with its
    person, then one UPDATE that notes the use and counts it in this minute's window;
    for a digital lead, a third reads their roles, which stay on the user object for the
    rest of the request (trusts.permissions.memberships_of). A value of the wrong shape
    costs no query."""
    if not isinstance(raw, str) or not SHAPE.fullmatch(raw):
        return REFUSED
    try:  # the digest is compared, never the value
        token = ApiToken.objects.select_related("user").get(digest=digest_of(raw))
    except ApiToken.DoesNotExist:
        return REFUSED
    now = timezone.now()
    if (
        token.revoked_at is not None
        or token.expires_at <= now
        or not token.user.is_active
        or not has_permission_somewhere(token.user, Permission.API_USE)
    ):
        return REFUSED
    return _counted(token, now)


def _counted(token: ApiToken, now: datetime.datetime) -> TokenUse:
    """Counts the request in this minute's window, in the database, so that requests to
    every app server at once are counted together: the UPDATE lets it through only while
    the window has room (a new minute starts again at one), and a request it refuses is
    not counted."""
    window = now.replace(second=0, microsecond=0)
    room = Q(window_count__lt=settings.API_REQUESTS_PER_MINUTE) | ~Q(window_start=window)
    counted = (
        ApiToken.objects.filter(room, pk=token.pk).update(
            last_used_at=now,
            window_count=Case(
                When(window_start=window, then=F("window_count") + 1), default=Value(1)
            ),
            window_start=window,
        )
        == 1
    )
    if not counted:
        wait = math.ceil((window + WINDOW - now).total_seconds())
        return TokenUse(token=token, limited=True, retry_after=max(wait, 1))
    token.last_used_at = now
    return TokenUse(token=token)


def tokens_of(user) -> list[ApiToken]:
    """The person's tokens, newest first, revoked and expired ones too."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))


def state_of(token: ApiToken, now: datetime.datetime | None = None) -> str:
    """A token's state in words: revoked, expired or active."""
    if token.revoked_at is not None:
        return "Revoked"
    if token.expires_at <= (now or timezone.now()):
        return "Expired"
    return "Active"
