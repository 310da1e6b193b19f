"""Throttling of sign-in, the admin and password reset, through django-axes.

Failures are counted by account and by address, each against a limit of its own
(settings.AXES_FAILURE_LIMIT for an account, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT for
an address, which many people may share): reaching either locks that account or that
address, never anyone else. A password reset request counts as an attempt for its email
address, so the reset form cannot be used to find accounts or flood someone's inbox.
Lockouts are listed in the admin under "Axes".
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from trusts.models import normalise_email


def account_key(request, credentials: dict | None) -> str:
    """The account an attempt was for, the same however the address was typed."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(typed or "")


class AccountAndAddressLimits(AxesDatabaseHandler):
    """django-axes locks when its failure count reaches AXES_FAILURE_LIMIT. This count is
    the account's failures, or the address's scaled to that limit: an address reaches it
    only at SIGN_IN_ADDRESS_FAILURE_LIMIT failures (floor(n × a / b) ≥ a exactly when
    n ≥ b)."""

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # One queryset per AXES_LOCKOUT_PARAMETERS entry: username, then ip_address.
            for attempts in self.get_user_attempts(request, credentials)
        )
        if not get_client_username(request, credentials):
            # A refused single sign-on names no account: counted against its address only,
            # never against the empty name every such refusal shares, which would lock
            # single sign-on for everyone after a few refusals anywhere.
            by_account = 0
        account_limit = settings.AXES_FAILURE_LIMIT
        return max(by_account, by_address * account_limit // settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that account's failures only. (django-axes clears
        its address's too, so that anyone signing in at an address shared with an
        attacker, a trust's network say, would wipe the attacker's count.)"""
        account = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(username=account).delete()[0]


def retry_after_seconds() -> int:
    return int(get_cool_off().total_seconds())


def try_again_at():
    """When a locked-out person may try again: the wait starts again with each try."""
    return timezone.localtime(timezone.now() + get_cool_off())


def locked_out(request, response=None, credentials=None):
    """The page a locked-out attempt gets (429), whichever form it came from."""
    response = render(
        request, "accounts/locked_out.html", {"try_again_at": try_again_at()}, status=429
    )
    response["Retry-After"] = str(retry_after_seconds())
    return response


def reset_request_allowed(request, email: str) -> bool:
    """Records a password reset request for ``email``; False when the account or the
    address is locked out, in which case nothing is sent."""
    credentials = {"username": email}
    AxesProxyHandler.update_request(request)
    if AxesProxyHandler.is_locked(request, credentials):
        return False
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    # The request that reaches the limit is refused too, as a sign-in would be.
    return not getattr(request, "axes_locked_out", False)
