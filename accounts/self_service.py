"""People looking after their own account: the rule that a change to how they sign in
needs them to have signed in again recently, and changing their email address.

**Signed in again recently.** Changing the email address, adding or removing an
authenticator and getting new recovery codes need the person to have proved who they are
within ``CONFIRM_AGAIN_MINUTES``: a session left open on a shared computer must not be
enough. ``accounts.middleware.SIGNED_IN_AT`` is set at every sign-in (single sign-on
included) and again on "Confirm it's you". A form sent after the window has run out is
kept like one sent after the session ended (accounts.keeping, never passwords or codes)
and shown back once they have confirmed, ready to send.

**Changing the email address.** The link goes to the new address, so that only someone
who reads it can move the account there. It is a signed token, not a row: it holds the
person, the new address, a digest of the address they have now and when it was issued. It
works once and not after another change: the current address must still match, and no
change of address may have been made since it was issued (the latest "user.email_changed"
audit entry), so that changing A to B and back to A does not bring an old link back. The
old address is told when the change is made, and the person is signed out everywhere but
where they made it (single sign-on matches people by email address). The audit trail
records that it happened, never the addresses (the emails about it hold them).
"""

import datetime
import hashlib
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import keeping, sessions, two_factor
from accounts.middleware import SIGNED_IN_AT
from core.audit import audit
from core.mail import absolute, send
from core.models import AuditEvent
from trusts.models import User, normalise_email

CONFIRM_AGAIN_MINUTES = 10
EMAIL_CHANGE_HOURS = 24
_EMAIL_CHANGE_SALT = "quarterdeck.accounts.email-change"


# Signed in again recently


def signed_in_recently(request) -> bool:
    at = request.session.get(SIGNED_IN_AT)
    return at is not None and 0 <= time.time() - at <= CONFIRM_AGAIN_MINUTES * 60


def mark_signed_in_again(request) -> None:
    request.session[SIGNED_IN_AT] = int(time.time())


def confirm_identity_url(next_url: str) -> str:
    return f"{reverse('accounts:confirm-identity')}?{urlencode({'next': next_url})}"


KEPT_UNTIL_CONFIRMED = (
    "What you typed has been kept. Once you have confirmed it's you, it will be shown "
    "again, ready to send."
)


def confirm_identity_first(request):
    """Sends the person to "Confirm it's you", then back to this page. What a form sent
    here held is kept for them (accounts.keeping, which never keeps passwords or codes)
    and shown back on this page once they have confirmed; not for a view that declares
    its input never kept (core.kept.never_kept)."""
    view = getattr(request.resolver_match, "func", None)
    if request.method == "POST" and not getattr(view, "never_kept", False):
        keeping.keep(user_id=request.user.pk, path=request.path, post=request.POST)
        keeping.note_at_sign_in(request, request.user)  # the page asks for it back
        messages.info(request, KEPT_UNTIL_CONFIRMED)
    return redirect(confirm_identity_url(request.get_full_path()))


def needs_recent_sign_in(view):
    """Sends a person who has not signed in within CONFIRM_AGAIN_MINUTES to "Confirm it's
    you" first, then back to this page (a form sent too late is kept and shown back)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not signed_in_recently(request):
            return confirm_identity_first(request)
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request, default: str = "accounts:account") -> str:
    """The ``next`` the page was given, if it is one of our own pages."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


def can_confirm_with_password(user: User) -> bool:
    return settings.PASSWORD_SIGN_IN and user.has_usable_password()


def identity_problems(request, *, password: str, code: str) -> dict[str, str]:
    """Checks the signed-in person's password (through django-axes, which counts a wrong
    one towards a lockout like any sign-in) and, if they have two-factor, a code from any
    authenticator or a recovery code. Returns what is wrong, by field; when nothing is,
    they count as signed in again from now."""
    user = request.user
    checked = authenticate(request, username=user.email, password=password)
    if checked is None or checked.pk != user.pk:
        return {"password": "The password is not right"}
    if two_factor.has_two_factor(user):
        if not code.strip():
            return {"code": "Enter the security code"}
        problem = two_factor.verify(user=user, code=code)
        if problem:
            return {"code": problem}
    mark_signed_in_again(request)
    return {}


# Changing the email address


class EmailChangeRefused(Exception):
    """The address cannot be changed as asked; the message says why."""


def email_problem(user: User, email: str) -> str | None:
    """Why ``user`` cannot move their account to ``email``, in words that never say whose
    another account is."""
    email = normalise_email(email)
    if email == normalise_email(user.email):
        return "This is already your email address. Enter a different one"
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        return "Another account uses this email address. Enter a different one"
    return None


def _digest(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


@transaction.atomic
def email_change_request(*, user: User, email: str) -> str:
    """Emails a link to ``email`` that moves ``user``'s account there once they open it,
    signed in, and confirm. Returns the address it went to."""
    email = normalise_email(email)
    problem = email_problem(user, email)
    if problem:
        raise EmailChangeRefused(problem)
    token = signing.dumps(
        {
            "user": user.pk,
            "to": email,
            "from": _digest(user.email),
            "at": timezone.now().isoformat(),  # to the microsecond: see EmailChange
        },
        salt=_EMAIL_CHANGE_SALT,
    )
    send(
        to=email,
        template="accounts/email/email_change_confirm.txt",
        context={
            "user": user,
            "link": absolute(reverse("accounts:email-change-confirm", args=[token])),
            "hours": EMAIL_CHANGE_HOURS,
            "single_sign_on": settings.SINGLE_SIGN_ON,
        },
        about=user,
    )
    audit(action="user.email_change_requested", by=user, target=user)
    return email


@dataclass(frozen=True)
class EmailChange:
    """What a link asks: whose account, and the address it moves to."""

    user_id: int
    to: str
    current_digest: str
    issued_at: datetime.datetime

    def is_for(self, user: User) -> bool:
        return self.user_id == user.pk

    def is_current(self, user: User) -> bool:
        """False once the change is made, or after any other change of address: the
        address must be the one it was issued for, and no change may have been made since
        (changed to another address and back again, the digest alone would match)."""
        return self.current_digest == _digest(user.email) and not _email_changed_since(
            user, self.issued_at
        )


def _email_changed_since(user: User, moment: datetime.datetime) -> bool:
    """Whether ``user``'s address has changed at or after ``moment`` (a tie refuses)."""
    return AuditEvent.objects.filter(
        action="user.email_changed",
        target_type=User._meta.label_lower,
        target_id=str(user.pk),
        at__gte=moment,
    ).exists()


class LinkExpired(Exception):
    pass


class LinkBroken(Exception):
    pass


def email_change_read(token: str) -> EmailChange:
    """The change a link asks for; LinkExpired after EMAIL_CHANGE_HOURS, LinkBroken when it
    is not one of ours (cut short when copied, say)."""
    try:
        found = signing.loads(token, salt=_EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_HOURS * 3600)
        return EmailChange(
            user_id=found["user"],
            to=found["to"],
            current_digest=found["from"],
            issued_at=datetime.datetime.fromisoformat(found["at"]),
        )
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkBroken from None


@transaction.atomic
def email_change(*, change: EmailChange, by: User, session_key: str) -> int:
    """Moves ``by``'s account to the new address, tells the old one, and signs them out of
    every session but ``session_key`` (where they made the change): whoever else was
    signed in as them is signed out. Returns how many sessions that ended."""
    user = User.objects.select_for_update().get(pk=by.pk)
    if not (change.is_for(user) and change.is_current(user)):
        raise EmailChangeRefused("This link has already been used, or your address has changed")
    problem = email_problem(user, change.to)
    if problem:
        raise EmailChangeRefused(problem)
    old = user.email
    user.email = change.to
    user.save(update_fields=["email", "updated_at"])
    by.email = user.email  # the request's own copy of the person
    send(
        to=old,
        template="accounts/email/email_changed.txt",
        context={
            "user": user,
            "new_email": user.email,
            "changed_at": timezone.localtime(),
            "contact_email": settings.CONTACT_EMAIL,
            "single_sign_on": settings.SINGLE_SIGN_ON,
        },
        about=user,
    )
    audit(action="user.email_changed", by=user, target=user)
    return sessions.sessions_end_others(
        user=user, by=user, keep=session_key, why="email address changed"
    )
