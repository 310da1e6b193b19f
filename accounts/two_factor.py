"""Two-factor authentication: an authenticator app (TOTP) with recovery codes.

Who needs it is decided once, when a person signs in, and kept in their session:
coordinators, programme staff and administrators who sign in with a password, when
settings.TWO_FACTOR_REQUIRED is on (production), and anyone who has set it up for
themselves. Single sign-on leaves the second factor to the organisation's provider.
"""

import base64

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.sso import BACKEND_PATH
from core.audit import audit
from trusts.models import Membership, Role, User

SESSION_KEY = "quarterdeck.second_factor"
NEEDED, DONE = "needed", "done"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_privileged(user: User) -> bool:
    return (
        user.is_staff
        or user.is_superuser
        or user.is_programme_staff
        or Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    )


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user: User) -> bool:
    """Whether this person must use a second factor after signing in with a password."""
    return has_two_factor(user) or (settings.TWO_FACTOR_REQUIRED and is_privileged(user))


def decide_at_sign_in(request, user) -> None:
    """Single sign-on leaves the second factor to the provider; a password needs one when
    ``required_for`` says so."""
    single_sign_on = request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH
    needed = not single_sign_on and required_for(user)
    request.session[SESSION_KEY] = NEEDED if needed else DONE


def is_pending(request) -> bool:
    return request.session.get(SESSION_KEY) == NEEDED


def mark_done(request) -> None:
    request.session[SESSION_KEY] = DONE


# Setting up


def app_device_to_confirm(user: User) -> TOTPDevice:
    """The unconfirmed app device a person is setting up (a new key each time they start
    again, so a key seen on a shared screen goes stale)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def key_for_typing(device: TOTPDevice) -> str:
    """The key in groups of four, for people who type it rather than scan it."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The key as an inline SVG QR code (no image request, no JavaScript)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#212b32", light="#ffffff", omitsize=False
    )
    return mark_safe(svg)


@transaction.atomic
def app_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the app with a code it shows; returns fresh recovery codes, or None when
    the code is wrong."""
    if not device.verify_token(code.replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    audit(action="user.two_factor_added", by=user, target=user)
    return codes


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    codes = _recovery_codes_replace(user)
    audit(action="user.recovery_codes_replaced", by=user, target=user)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# Signing in


@transaction.atomic
def verify(*, user: User, code: str) -> str | None:
    """Checks a code from the app or a recovery code (which then stops working). Returns
    None when it is accepted, else what to tell the person."""
    code = code.replace(" ", "").replace("-", "").lower()
    device = app_device(user)
    if device is None:
        return "Set up an authenticator app first"
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return "Too many wrong codes. Wait a minute, then try the newest code from your app"
    # Each wrong code doubles the wait before the next is checked (django-otp's throttle).
    if code.isdigit() and device.verify_token(code):
        return None
    for recovery in StaticDevice.objects.filter(user=user).select_for_update():
        if recovery.verify_token(code):
            audit(action="user.recovery_code_used", by=user, target=user)
            return None
    return "Enter the 6-digit code your authenticator app shows now, or a recovery code"


@transaction.atomic
def two_factor_reset(*, user: User, by: User) -> None:
    """An administrator's reset for someone who has lost their app and their codes: they
    set it up again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit(action="user.two_factor_reset", by=by, target=user)
