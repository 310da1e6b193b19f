"""What signing in leaves behind about a person, for the right to erasure."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, BrowserKey, KeptInput, SignedInSession
from trusts.models import User, normalise_email


def sign_in_records_erase(*, user: User, email: str) -> None:
    """Deletes the person's sessions and the record of where they are signed in, kept form
    input, their browsers' keys, API tokens, two-factor devices, and the lockout records
    that name their address. Called inside the erasure action's transaction."""
    _sessions_of(user).delete()
    SignedInSession.objects.filter(user=user).delete()
    KeptInput.objects.filter(user=user).delete()
    BrowserKey.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=normalise_email(email)).delete()


def _sessions_of(user: User):
    """The person's sessions (the session store keys them by nothing searchable: each
    session's data is read)."""
    theirs = [
        session.pk
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=theirs)
