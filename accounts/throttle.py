"""Throttling of sign-in, the admin and password reset, through django-axes.

Five failures for one account, or from one address, lock both out for a while
(settings.AXES_*). A password reset request counts as an attempt for its email address,
so the reset form cannot be used to find accounts or flood someone's inbox. Lockouts are
listed in the admin under "Axes".
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.utils import timezone

from trusts.models import normalise_email


def account_key(request, credentials: dict | None) -> str:
    """The account an attempt was for, the same however the address was typed."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(typed or "")


def try_again_at():
    """When a locked-out person may try again: the wait starts again with each try."""
    return timezone.localtime(timezone.now() + get_cool_off())


def locked_out(request, response=None, credentials=None):
    """The page a locked-out attempt gets (429), whichever form it came from."""
    return render(request, "accounts/locked_out.html", {"try_again_at": try_again_at()}, status=429)


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
