"""A real OpenID Connect provider (npm `oidc-provider`, run by Node) for the single sign-on
tests, and a browser-less person who signs in at it."""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from urllib.parse import urljoin

import pytest
import requests

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    """Starts the provider once for the session; its issuer URL."""
    node = shutil.which("node")
    script = ROOT / "tests" / "accounts" / "oidc" / "provider.mjs"
    assert node, "Node.js runs the test identity provider (make test installs it)"
    assert (ROOT / "node_modules" / "oidc-provider").exists(), "run `make setup` (npm ci)"
    port = _free_port()
    log = tmp_path_factory.mktemp("identity-provider") / "provider.log"
    output = log.open("w")
    process = subprocess.Popen(
        [node, str(script)],
        cwd=ROOT,
        env={
            **os.environ,
            "PORT": str(port),
            "ACCOUNTS": json.dumps(ACCOUNTS),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": f"{APP}/sign-in/organisation/callback/",
            "POST_LOGOUT_URI": f"{APP}/sign-in/",
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output.close()
                raise RuntimeError(f"identity provider did not start: {log.read_text()}") from None
            time.sleep(0.1)
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    output.close()


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


def provider_mode(issuer: str, mode: str) -> None:
    requests.get(f"{issuer}/__mode", params={"to": mode}, timeout=5)


class PersonAtProvider:
    """Someone at the provider's own pages, in their own browser session there."""

    def __init__(self):
        self.browser = requests.Session()

    def follow_to_app(self, url: str) -> str:
        """Follows the provider's redirects until one leads back to the app; answers its
        sign-in and consent pages on the way. Returns the app URL (path and query)."""
        for _ in range(20):
            if url.startswith(APP):
                return url[len(APP) :]
            response = self.browser.get(url, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                continue
            url = self.submit(url, response.text)
        raise AssertionError("the provider never sent the person back to the app")

    def submit(self, url: str, page: str) -> str:
        """Fills in the provider's one form on ``page`` and returns where it leads."""
        action = unescape(re.search(r'<form[^>]*action="([^"]*)"', page).group(1))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        if 'name="login"' in page:
            fields.update(login=self.account, password="anything")
        if 'name="logout"' in page:
            fields["logout"] = "yes"
        response = self.browser.post(urljoin(url, action), data=fields, allow_redirects=False)
        assert response.is_redirect, response.text[:500]
        return urljoin(url, response.headers["Location"])


@pytest.fixture
def person_at_provider():
    def as_account(account: str) -> PersonAtProvider:
        person = PersonAtProvider()
        person.account = account
        return person

    return as_account
