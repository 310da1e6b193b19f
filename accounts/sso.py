"""Single sign-on with OpenID Connect (docs/decisions/0017-sign-in.md).

mozilla-django-oidc runs the authorisation code flow (with PKCE and a nonce). Around it we
add what it leaves out or what Quarterdeck needs:

- the endpoints come from the issuer's discovery document, so a deployment sets only the
  issuer, the client id and the secret;
- the ID token's signature, audience, issuer and expiry are all checked (the library
  checks the signature only);
- a person is matched by verified email to the account their invitation made; signing in
  never makes an account or a membership;
- signing out ends the session at the provider too.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.mail import absolute
from trusts.models import normalise_email
from trusts.permissions import public

logger = logging.getLogger("quarterdeck.sign_in")

BACKEND_PATH = "accounts.sso.SingleSignOn"
ID_TOKEN_SESSION_KEY = "oidc_id_token"
DISCOVERY_SECONDS = 3600

# Why a single sign-on was refused, in words for the person.
REFUSED = (
    "We could not sign you in with {provider}. Try again, and if it happens again tell "
    "your trust's digital lead."
)
UNKNOWN = (
    "There is no Quarterdeck account for {email}. Ask your trust's digital lead to invite "
    "you, then accept the invitation from the link in its email."
)
UNVERIFIED = (
    "{provider} did not confirm your email address, so we cannot match it to a Quarterdeck "
    "account. Sign in with your password, or ask your digital lead for help."
)
UNREACHABLE = "We could not reach the sign-in service for {provider}. Try again in a few minutes."

_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


def discovery() -> dict:
    """The issuer's OpenID configuration, read once an hour per process."""
    key = f"quarterdeck:oidc-discovery:{settings.OIDC_ISSUER}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            timeout=settings.OIDC_TIMEOUT,
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The discovery document names another issuer.")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def setting(name: str, *default):
    """A mozilla-django-oidc setting; the provider's endpoints come from discovery."""
    if name in _ENDPOINTS:
        return discovery()[_ENDPOINTS[name]]
    return import_from_settings(name, *default)


def _refuse(request, reason: str, **words) -> None:
    request.sso_refusal = reason.format(provider=provider_name(), **words)


class SingleSignOn(OIDCAuthenticationBackend):
    """Signs in the person whose verified email belongs to an active account."""

    get_settings = staticmethod(setting)
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every sign-in, password ones included: nothing is
        # fetched from the provider until a callback needs it.
        self.UserModel = get_user_model()

    get_user = ModelBackend.get_user  # an account closed since sign-in is signed out

    def authenticate(self, request, **credentials):
        if not settings.SINGLE_SIGN_ON or request is None or "password" in credentials:
            return None
        try:
            return super().authenticate(request, **credentials)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as problem:
            logger.warning("single sign-on refused: %s", problem)
            if not hasattr(request, "sso_refusal"):
                _refuse(request, REFUSED)
            return None

    def _verify_jws(self, payload, key):
        """The signature, and that the token was issued by our issuer, for us, and is
        still current."""
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(payload).get("alg") != algorithm:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
                leeway=60,
            )
        except jwt.PyJWTError as problem:
            raise SuspiciousOperation(f"ID token refused: {type(problem).__name__}") from None

    def claims(self, access_token: str, id_token: str, payload: dict) -> dict:
        """The ID token's claims; the user info endpoint adds what the token left out,
        for the same subject only."""
        claims = dict(payload)
        if "email" not in claims:
            found = self.get_userinfo(access_token, id_token, payload)
            if found.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about someone else.")
            claims.update({k: v for k, v in found.items() if k not in payload})
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.claims(access_token, id_token, payload)
        email = normalise_email(claims.get("email") or "")
        if not email:
            _refuse(self.request, UNVERIFIED)
            return None
        if settings.OIDC_REQUIRE_EMAIL_VERIFIED and claims.get("email_verified") not in (
            True,
            "true",
        ):
            _refuse(self.request, UNVERIFIED)
            return None
        user = self.UserModel.objects.filter(email__iexact=email).first()
        if user is None:
            _refuse(self.request, UNKNOWN, email=email)
        return user


def _only_when_configured(view):
    def wrapped(request, *args, **kwargs):
        if not settings.SINGLE_SIGN_ON:
            raise Http404("Single sign-on is not set up here.")
        try:
            return view(request, *args, **kwargs)
        except requests.RequestException as problem:
            logger.warning("identity provider unreachable: %s", type(problem).__name__)
            messages.error(request, UNREACHABLE.format(provider=provider_name()))
            return redirect("accounts:sign-in")

    return wrapped


class SignOnStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(setting)


class SignOnCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(setting)

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        if getattr(self, "user", None) is not None and not self.user.is_active:
            reason = "This account has been closed. Ask your trust's digital lead for help."
        else:
            reason = getattr(self.request, "sso_refusal", REFUSED.format(provider=provider_name()))
        messages.error(self.request, reason)
        return HttpResponseRedirect(self.failure_url)

    @property
    def failure_url(self):
        return reverse("accounts:sign-in")


sso_start = public(_only_when_configured(SignOnStart.as_view()))
sso_callback = public(_only_when_configured(SignOnCallback.as_view()))


def provider_sign_out_url(request) -> str | None:
    """Where to send a person signed in with single sign-on, so that the provider's
    session ends too; None for a password sign-in."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not (settings.SINGLE_SIGN_ON and id_token):
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except requests.RequestException:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": absolute(reverse("accounts:sign-in")),
        }
    )
    return f"{endpoint}?{query}"
