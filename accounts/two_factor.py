"""Two-factor authentication: authenticator apps (TOTP), as many as a person names, with
recovery codes.

Who needs it is decided once, when a person signs in, and kept in their session:
coordinators, programme staff and administrators who sign in with a password, when
settings.TWO_FACTOR_REQUIRED is on (production), and anyone who has set it up for
themselves. Single sign-on leaves the second factor to the organisation's provider, where
it asks for one (a listed tenant says so: accounts.models.SignInTenant).

A person may add several authenticators (a work phone and a spare), each with a name of
their own; a code from any of them is accepted. The first one also makes the recovery
codes; removing the last one turns two-factor off, except for someone who must have it
(``must_keep_two_factor``).
"""

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.sso import BACKEND_PATH
from core.audit import audit
from trusts.models import Membership, Role, User

SESSION_KEY = "quarterdeck.second_factor"
NEEDED, DONE = "needed", "done"
RECOVERY_CODE_COUNT = 10
# The name an authenticator carries while it is being set up, before its person names it.
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_privileged(user: User) -> bool:
    return (
        user.is_staff
        or user.is_superuser
        or user.is_programme_staff
        or Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    )


class AuthenticatorRefused(Exception):
    """An authenticator cannot be added or removed as asked; the message says why."""


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def authenticators(user: User):
    """The person's authenticators, oldest first."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_keep_two_factor(user: User) -> bool:
    """Whether this person may never be left without an authenticator: their role needs a
    second factor here. (Even someone who signs in only through their organisation may
    come through a tenant not trusted to ask for one.)"""
    return settings.TWO_FACTOR_REQUIRED and is_privileged(user)


def required_for(user: User) -> bool:
    """Whether this person must use a second factor after signing in with a password."""
    return has_two_factor(user) or (settings.TWO_FACTOR_REQUIRED and is_privileged(user))


def decide_at_sign_in(request, user) -> None:
    """Single sign-on leaves the second factor to the provider: the one organisation's of a
    single issuer, or a listed tenant whose IT team has said its Conditional Access asks
    for one. A password, or a tenant that has not said so, needs one when ``required_for``
    says so: a privileged role never signs in on one factor."""
    provider_asks = request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH and getattr(
        getattr(request, "sign_in_tenant", None), "asks_for_second_factor", True
    )
    needed = not provider_asks and required_for(user)
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
    """The key as an inline SVG QR code (no image request, no JavaScript), drawn at four
    pixels a module but with a viewBox, so that the stylesheet can shrink the larger code a
    long email address makes to fit a 320-pixel screen."""
    code = segno.make(device.config_url, error="m")
    width, height = code.symbol_size(scale=4)
    svg = code.svg_inline(scale=4, dark="#212b32", light="#ffffff", omitsize=True)
    return mark_safe(svg.replace("<svg ", f'<svg width="{width}" height="{height}" ', 1))


def name_problem(user: User, name: str) -> str | None:
    """Why ``name`` cannot name another of this person's authenticators, if it cannot."""
    if authenticators(user).filter(name__iexact=name.strip()).exists():
        return "You already have an authenticator with this name. Choose another name"
    return None


@transaction.atomic
def app_confirm(*, user: User, device: TOTPDevice, code: str, name: str) -> list[str] | None:
    """Confirms the app with a code it shows, under the person's name for it, beside any
    authenticators they already have. Returns the recovery codes the first one makes (an
    empty list for a later one: the person keeps the codes they have), or None when the
    code is wrong."""
    problem = name_problem(user, name)
    if problem:
        raise AuthenticatorRefused(problem)
    if not device.verify_token(code.replace(" ", "")):
        return None
    first = not has_two_factor(user)
    device.name = name.strip()
    device.confirmed = True
    device.save(update_fields=["name", "confirmed"])
    if first:
        codes = _recovery_codes_replace(user)
        audit(action="user.two_factor_added", by=user, target=user, detail={"name": device.name})
        return codes
    audit(action="user.authenticator_added", by=user, target=user, detail={"name": device.name})
    return []


@transaction.atomic
def authenticator_remove(*, device: TOTPDevice, by: User) -> bool:
    """Removes one of ``by``'s own authenticators. Removing the last one turns two-factor
    off (recovery codes go too), which is refused for someone who must keep it. Returns
    whether two-factor is still on."""
    user = User.objects.select_for_update().get(pk=by.pk)  # one removal at a time each
    others = authenticators(user).exclude(pk=device.pk)
    if not others.exists() and must_keep_two_factor(user):
        raise AuthenticatorRefused(
            "Your role needs two-factor authentication, so you cannot remove your only "
            "authenticator. Add another before removing this one."
        )
    name = device.name
    device.delete()
    if others.exists():
        audit(action="user.authenticator_removed", by=by, target=user, detail={"name": name})
        return True
    TOTPDevice.objects.filter(user=user).delete()  # one half set up, say
    StaticDevice.objects.filter(user=user).delete()
    audit(action="user.two_factor_turned_off", by=by, target=user, detail={"name": name})
    return False


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
    """Checks a code from any of the person's authenticators, or a recovery code (which then
    stops working). Returns None when it is accepted, else what to tell the person."""
    code = code.replace(" ", "").replace("-", "").lower()
    devices = list(authenticators(user).select_for_update())
    if not devices:
        return "Set up an authenticator app first"
    # Each device has its own throttle (django-otp's): each wrong code doubles the wait
    # before that device's next code is checked.
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if not allowed:
        return "Too many wrong codes. Wait a minute, then try the newest code from your app"
    if code.isdigit() and any(_code_accepted(device, int(code)) for device in allowed):
        return None
    for recovery in StaticDevice.objects.filter(user=user).select_for_update():
        if recovery.verify_token(code):
            audit(action="user.recovery_code_used", by=user, target=user)
            return None
    # A wrong code counts against every device it was tried on, so that a second
    # authenticator does not double the guesses anyone may make.
    for device in allowed:
        device.throttle_increment()
    return "Enter the 6-digit code your authenticator app shows now, or a recovery code"


def _code_accepted(device: TOTPDevice, code: int) -> bool:
    """Whether ``code`` is this device's code now, within its tolerance and never one used
    before (as TOTPDevice.verify_token does, without counting a miss against the device:
    a code from the person's other phone is not a wrong code)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(code, device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    if getattr(settings, "OTP_TOTP_SYNC", True):
        device.drift = totp.drift
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


@transaction.atomic
def two_factor_reset(*, user: User, by: User) -> None:
    """An administrator's reset for someone who has lost their app and their codes: they
    set it up again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit(action="user.two_factor_reset", by=by, target=user)
