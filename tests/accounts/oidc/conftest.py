"""A real OpenID Connect provider (npm `oidc-provider`, run by Node) for the single sign-on
tests, an imitation of Entra ID's multi-tenant endpoint made of two such providers, and a
browser-less person who signs in at them."""

import json
import os
import shutil
import socket
import subprocess
import time

import pytest
import requests

from scripts.smoke import PersonAtProvider
from tests.helpers import ROOT

CLIENT_ID = "quarterdeck-tests"
CLIENT_SECRET = "a-client-secret-for-tests"
APP = "http://testserver"

# The provider's people: the account id typed at its sign-in page, and their claims.
ACCOUNTS = {
    "ada": {"email": "Ada.Lovelace@Trust.example", "email_verified": True, "name": "Ada"},
    "stranger": {"email": "stranger@elsewhere.example", "email_verified": True},
    "unverified": {"email": "ada.lovelace@trust.example", "email_verified": False},
}


# Entra ID's tenants (organisations' directories) in the imitation of its multi-tenant
# endpoint (entra.mjs), and their people. Entra says an email is verified with xms_edov
# (the domain's owner is verified) rather than email_verified.
TENANT_A = "0a0a0a0a-1111-4a4a-8a8a-00000000000a"
TENANT_B = "0b0b0b0b-2222-4b4b-8b8b-00000000000b"
TENANTS = {
    TENANT_A: {
        "ada-at-a": {"email": "Ada.Lovelace@trust-a.example", "xms_edov": True, "name": "Ada"},
        # Whose Quarterdeck account belongs to trust B's board.
        "bea-at-a": {"email": "bea.baker@trust-b.example", "xms_edov": True},
        "pat-at-a": {"email": "pat@programme.example", "xms_edov": True},
        "stranger-at-a": {"email": "stranger@trust-a.example", "xms_edov": True},
        "unverified-at-a": {"email": "ada.lovelace@trust-a.example", "xms_edov": False},
    },
    TENANT_B: {
        "bea-at-b": {"email": "bea.baker@trust-b.example", "xms_edov": True},
    },
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_provider(tmp_path_factory, script: str, env: dict, ready_path: str):
    """Starts tests/accounts/oidc/<script> with Node on a free port and waits until
    ``ready_path`` answers; yields its origin, and stops it afterwards."""
    node = shutil.which("node")
    assert node, "Node.js runs the test identity provider (make test installs it)"
    assert (ROOT / "node_modules" / "oidc-provider").exists(), "run `make setup` (npm ci)"
    port = _free_port()
    log = tmp_path_factory.mktemp("identity-provider") / f"{script}.log"
    output = log.open("w")
    process = subprocess.Popen(
        [node, str(ROOT / "tests" / "accounts" / "oidc" / script)],
        cwd=ROOT,
        env={
            **os.environ,
            "PORT": str(port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": f"{APP}/sign-in/organisation/callback/",
            "POST_LOGOUT_URI": f"{APP}/sign-in/",
            **env,
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{origin}{ready_path}", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output.close()
                raise RuntimeError(f"identity provider did not start: {log.read_text()}") from None
            time.sleep(0.1)
    yield origin
    process.terminate()
    process.wait(timeout=10)
    output.close()


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    """Starts the provider once for the session; its issuer URL."""
    yield from _run_provider(
        tmp_path_factory,
        "provider.mjs",
        {"ACCOUNTS": json.dumps(ACCOUNTS)},
        "/.well-known/openid-configuration",
    )


@pytest.fixture(scope="session")
def entra_provider(tmp_path_factory):
    """Starts the imitation of Entra ID's multi-tenant endpoint once for the session; its
    origin (each tenant's issuer is <origin>/<tenant id>/v2.0)."""
    yield from _run_provider(
        tmp_path_factory,
        "entra.mjs",
        {"TENANTS": json.dumps(TENANTS)},
        "/organizations/v2.0/.well-known/openid-configuration",
    )


@pytest.fixture
def single_sign_on(settings, identity_provider):
    settings.OIDC_ISSUER = identity_provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SINGLE_SIGN_ON = True
    settings.OIDC_PROVIDER_NAME = "your organisation's account"
    settings.SITE_URL = APP
    requests.get(f"{identity_provider}/__mode", params={"to": "honest"}, timeout=5)
    return identity_provider


@pytest.fixture
def many_tenants(settings, entra_provider):
    """Single sign-on through the multi-tenant endpoint; the provider's origin. Which
    tenants may sign in whom is each test's own (SignInTenantFactory)."""
    settings.OIDC_ISSUER = f"{entra_provider}/organizations/v2.0"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SINGLE_SIGN_ON = True
    settings.OIDC_REQUIRE_EMAIL_VERIFIED = True
    settings.OIDC_PROVIDER_NAME = "your organisation's account"
    settings.SITE_URL = APP
    provider_mode(entra_provider, "honest")
    return entra_provider


def provider_mode(issuer: str, mode: str) -> None:
    requests.get(f"{issuer}/__mode", params={"to": mode}, timeout=5)


@pytest.fixture
def person_at_provider():
    def as_account(account: str) -> PersonAtProvider:
        return PersonAtProvider(account, app=APP)

    return as_account
