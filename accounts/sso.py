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

Microsoft Entra ID's multi-tenant endpoint (``OIDC_ISSUER`` ending ``/organizations/v2.0``)
names an issuer with ``{tenantid}`` in it: any organisation's directory (tenant) may then
issue the token. Each token's ``tid`` must then name the tenant whose own issuer issued it,
that tenant must be on programme staff's list, and it must vouch for the person
(accounts.tenants; docs/decisions/0043-many-tenants.md). Otherwise the person is shown why,
and the refusal is audited.
"""

import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.dispatch import Signal
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import tenants
from accounts.models import SignInTenant
from core.mail import absolute
from trusts.models import normalise_email
from trusts.permissions import public

logger = logging.getLogger("quarterdeck.sign_in")

BACKEND_PATH = "accounts.sso.SingleSignOn"
ID_TOKEN_SESSION_KEY = "oidc_id_token"
DISCOVERY_SECONDS = 3600
# In a multi-tenant discovery document's issuer, where each tenant's id goes.
TENANT_PLACEHOLDER = "{tenantid}"
# The tenant a person signed in through, for signing out at that tenant.
TENANT_SESSION_KEY = "quarterdeck.sign_in_tenant_id"
# "Confirm it's you" through the provider: when it was asked for (accounts.self_service).
AGAIN_SESSION_KEY = "quarterdeck.sso_again"
AGAIN_SECONDS = 600
# Microsoft's tenant for personal accounts (reached through /common): never a trust's.
PERSONAL_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
# Sent when the person already signed in on this session comes back from the provider
# (no new sign-in, so user_logged_in is not sent): ``confirmed`` is whether the provider
# asked them again, just now, as "Confirm it's you" needs.
signed_in_again = Signal()
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

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


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _configuration(issuer: str, *, names_us) -> dict:
    """An issuer's OpenID configuration, read once an hour per process; refused unless
    ``names_us`` accepts the issuer it names."""
    key = f"quarterdeck:oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if not names_us(str(document.get("issuer", "")).rstrip("/")):
            raise SuspiciousOperation("The discovery document names another issuer.")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def discovery() -> dict:
    """The configured issuer's OpenID configuration. Entra ID's multi-tenant endpoint
    names an issuer template on its own host ("https://login.microsoftonline.com/
    {tenantid}/v2.0"), which makes sign-in multi-tenant."""

    def names_us(issuer: str) -> bool:
        return issuer == settings.OIDC_ISSUER or (
            TENANT_PLACEHOLDER in issuer and _origin(issuer) == _origin(settings.OIDC_ISSUER)
        )

    return _configuration(settings.OIDC_ISSUER, names_us=names_us)


def tenant_issuer(template: str, tenant_id: str) -> str:
    return template.replace(TENANT_PLACEHOLDER, tenant_id)


def tenant_discovery(tenant_id: str) -> dict:
    """One tenant's own OpenID configuration (its sign-out endpoint), in multi-tenant
    mode."""
    issuer = tenant_issuer(discovery()["issuer"], tenant_id).rstrip("/")
    return _configuration(issuer, names_us=lambda named: named == issuer)


class InvalidTenantError(jwt.InvalidTokenError):
    """The ID token's ``tid`` is not a tenant id."""


def _tenant_of(claims: dict, template: str) -> str:
    """The tenant that issued the ID token, in lower case: its ``tid`` must be a GUID and
    the token's ``iss`` exactly that tenant's own issuer."""
    tenant_id = claims["tid"]
    if not (isinstance(tenant_id, str) and GUID.fullmatch(tenant_id.lower())):
        raise InvalidTenantError
    if tenant_id.lower() == PERSONAL_ACCOUNTS_TENANT:
        raise InvalidTenantError  # a personal Microsoft account vouches for nobody here
    if claims["iss"] != tenant_issuer(template, tenant_id):
        raise jwt.InvalidIssuerError
    return tenant_id.lower()


def setting(name: str, *default):
    """A mozilla-django-oidc setting; the provider's endpoints come from discovery."""
    if name in _ENDPOINTS:
        return discovery()[_ENDPOINTS[name]]
    return import_from_settings(name, *default)


def _refuse(request, reason: str, **words) -> None:
    request.sso_refusal = reason.format(provider=provider_name(), **words)


@dataclass(frozen=True)
class TenantRefusal:
    """A sign-in refused because of the tenant that issued it: not on the list
    (``tenant`` None), or not vouching for the person; and a tenant that could sign them
    in instead (NHSmail's), where there is one."""

    tenant_id: str
    tenant: SignInTenant | None = None
    instead: SignInTenant | None = None


def _verified(claims: dict, *, many_tenants: bool) -> bool:
    """Whether the provider confirmed the email address. Entra ID says so with
    ``xms_edov`` (the email's domain owner is verified) where it sends no
    ``email_verified``. With many tenants it is always asked for: any listed tenant's
    administrator could otherwise give an account any address."""
    if not (many_tenants or settings.OIDC_REQUIRE_EMAIL_VERIFIED):
        return True
    said = [claims.get("email_verified")]
    if many_tenants:
        said.append(claims.get("xms_edov"))
    return any(value in (True, "true", "1") for value in said)


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
        self.tenant_id = None  # the issuing tenant, in multi-tenant mode

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
        """The signature, and that the token was issued by our issuer (in multi-tenant
        mode: by the tenant it names), for us, and is still current."""
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(payload).get("alg") != algorithm:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        issuer = discovery()["issuer"]
        many_tenants = TENANT_PLACEHOLDER in issuer
        required = ["exp", "iat", "aud", "iss", "sub"] + (["tid"] if many_tenants else [])
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=None if many_tenants else issuer,
                options={"require": required},
                leeway=60,
            )
            if many_tenants:
                self.tenant_id = _tenant_of(claims, issuer)
        except jwt.PyJWTError as problem:
            raise SuspiciousOperation(f"ID token refused: {type(problem).__name__}") from None
        return claims

    def claims(self, access_token: str, id_token: str, payload: dict) -> dict:
        """The ID token's claims; the user info endpoint adds what the token left out,
        for the same subject only."""
        claims = dict(payload)
        # With many tenants the address must come with the proof of it, in the token.
        if "email" not in claims and self.tenant_id is None:
            found = self.get_userinfo(access_token, id_token, payload)
            if found.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about someone else.")
            claims.update({k: v for k, v in found.items() if k not in payload})
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.claims(access_token, id_token, payload)
        tenant = None
        if self.tenant_id is not None:
            # Before the email is looked at: someone from a tenant no one listed learns
            # nothing of who has an account.
            tenant = tenants.tenant_find(self.tenant_id)
            if tenant is None:
                tenants.unknown_tenant_refuse(tenant_id=self.tenant_id)
                self.request.sso_tenant_refusal = TenantRefusal(
                    tenant_id=self.tenant_id, instead=tenants.tenant_for_everyone()
                )
                return None
        self.request.sso_auth_time = claims.get("auth_time")
        email = normalise_email(claims.get("email") or "")
        if not email or not _verified(claims, many_tenants=tenant is not None):
            _refuse(self.request, UNVERIFIED)
            return None
        user = self.UserModel.objects.filter(email__iexact=email).first()
        if user is None:
            _refuse(self.request, UNKNOWN, email=email)
            return None
        if tenant is not None:
            if not tenants.tenant_vouches_for(tenant, user):
                tenants.tenant_refuse(tenant=tenant, user=user)
                everyone = tenants.tenant_for_everyone()
                if everyone is not None and not tenants.tenant_vouches_for(everyone, user):
                    everyone = None  # it would refuse them too (programme staff, say)
                self.request.sso_tenant_refusal = TenantRefusal(self.tenant_id, tenant, everyone)
                return None
            # Read by whatever records the session at sign-in (user_logged_in).
            self.request.sign_in_tenant = tenant
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

    def get_extra_params(self, request):
        # "Sign in with another account", after a refusal: otherwise the provider signs
        # the person straight back in with the account it refused.
        # Only the one sign-in it was asked for may confirm it is them: any other start
        # forgets an earlier, abandoned asking.
        request.session.pop(AGAIN_SESSION_KEY, None)
        if request.GET.get("account") == "another":
            return {"prompt": "select_account"}
        # "Confirm it's you" (accounts.self_service): the provider must ask again, not
        # reuse the session it already has.
        if request.GET.get("again"):
            request.session[AGAIN_SESSION_KEY] = int(time.time())
            return {"prompt": "login", "max_age": "0"}
        return {}


class SignOnCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(setting)

    def login_success(self):
        asked_at = self.request.session.pop(AGAIN_SESSION_KEY, None)
        already = self.request.user.is_authenticated and self.request.user == self.user
        response = super().login_success()  # signs in only someone not signed in already
        tenant = getattr(self.request, "sign_in_tenant", None)
        if tenant is not None:
            self.request.session[TENANT_SESSION_KEY] = tenant.tenant_id
            tenants.session_vouching_keep(self.request, tenant)
        if already:
            signed_in_again.send(
                sender=type(self),
                request=self.request,
                user=self.user,
                confirmed=_asked_again(asked_at, getattr(self.request, "sso_auth_time", None)),
            )
        return response

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        self.request.session.pop(ID_TOKEN_SESSION_KEY, None)  # no one signed in to sign out
        refusal = getattr(self.request, "sso_tenant_refusal", None)
        if refusal is not None:
            return tenant_refused_page(self.request, refusal)
        if getattr(self, "user", None) is not None and not self.user.is_active:
            reason = "This account has been closed. Ask your trust's digital lead for help."
        else:
            reason = getattr(self.request, "sso_refusal", REFUSED.format(provider=provider_name()))
        messages.error(self.request, reason)
        return HttpResponseRedirect(self.failure_url)

    @property
    def failure_url(self):
        return reverse("accounts:sign-in")


def _asked_again(asked_at: int | None, auth_time) -> bool:
    """Whether the provider made the person sign in again after we asked it to: the ID
    token's ``auth_time`` (when they last gave it their credentials) is no earlier than our
    asking, give or take a minute of clocks, and the asking is recent. A provider that
    ignored ``prompt=login`` (or a person who took it out of the address) leaves an earlier
    time, or none."""
    if asked_at is None or not isinstance(auth_time, int | float):
        return False
    now = time.time()
    return now - asked_at <= AGAIN_SECONDS and auth_time >= asked_at - 60


def tenant_refused_page(request, refusal: TenantRefusal):
    """Why the person's organisation's account could not sign them in, and what to do."""
    return render(
        request,
        "accounts/sso_refused.html",
        {
            "refusal": refusal,
            "provider": provider_name(),
            "password_sign_in": settings.PASSWORD_SIGN_IN,
        },
        status=403,
    )


sso_start = public(_only_when_configured(SignOnStart.as_view()))
sso_callback = public(_only_when_configured(SignOnCallback.as_view()))


def provider_sign_out_url(request) -> str | None:
    """Where to send a person signed in with single sign-on, so that the provider's
    session ends too; None for a password sign-in."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not (settings.SINGLE_SIGN_ON and id_token):
        return None
    tenant_id = request.session.get(TENANT_SESSION_KEY)
    try:
        document = tenant_discovery(tenant_id) if tenant_id else discovery()
        endpoint = document.get("end_session_endpoint")
    except (requests.RequestException, SuspiciousOperation, ValueError):
        return None  # signed out here all the same
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
