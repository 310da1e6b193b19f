"""The production smoke suite: the real app server, with production settings, on PostgreSQL.

From this checkout it builds the static files as production does, makes a fresh database,
migrates, loads the framework and the demo, and starts two gunicorn servers and a task
worker, each with its own empty local disk, behind a simulated TLS proxy (the
X-Forwarded-Proto header), and a real nginx configured with the deployment guide's own
lines in front of the first server, which people at two loopback addresses reach to show that one
address's wrong passwords lock only that address and the accounts it tried. Then, as each
role, it visits every page of the URL configuration, downloads every PDF, CSV, XLSX and
the bulk ZIP, invites someone while the mail server is down, opens and closes a quarter,
and checks that a paper frozen by one server is served by the other. Single sign-on is
on, through an imitation of Microsoft Entra ID's multi-tenant endpoint with two tenants
(tests/accounts/oidc/entra.mjs, run by Node): a trust's member signs in through the tenant
programme staff listed for their trust, and the sign-ins that tenant may not vouch for, and
an unlisted tenant's, are refused. Any 5xx, any unexpected status, and any URL name it does
not visit is an error. The last line is ``smoke: pages=<n> downloads=<m> errors=<e>``.

Run as ``make smoke`` (part of ``make test``), or ``.venv/bin/python scripts/smoke.py``.
"""

import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin

import psycopg2
import requests
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.security_headers import header_problems  # noqa: E402 (after the path)

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SERVER = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "demo-quarterdeck-2026"
ACCOUNT_LIMIT = 5  # production's SIGN_IN_FAILURE_LIMIT
ADDRESS_LIMIT = 12
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "application/vnd.openxml", "application/zip")
# Where the deployment is reached, as the identity provider sends people back to it.
APP = "https://localhost"

# The imitation of Entra ID's multi-tenant endpoint: two tenants (organisations'
# directories) and their accounts, as typed at its sign-in page, with their claims. Entra
# says an email is verified with xms_edov (its domain's owner is verified).
TENANT_A = "a5e0c2d1-3b8f-4e7d-a6c5-0000000000a1"  # listed for Wessex Vale (ZZA) only
TENANT_B = "b5e0c2d1-3b8f-4e7d-a6c5-0000000000b2"  # on nobody's list
TENANT_A_NAME = "Wessex Vale directory"
TENANTS = {
    TENANT_A: {
        # A Wessex Vale board member, and an account given a Pennine Moors member's email.
        "helen-at-a": {"email": "helen.carver@wessexvale.example", "xms_edov": True},
        "aisha-at-a": {"email": "aisha.rahman@penninemoors.example", "xms_edov": True},
    },
    TENANT_B: {"tom-at-b": {"email": "tom.reddish@wessexvale.example", "email_verified": True}},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Tally:
    pages: int = 0
    downloads: int = 0
    errors: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    faults: str = "not run"
    lockouts: str = "not run"
    kept: str = "not run"
    retention: str = "not run"
    schemathesis: str = "not run"
    single_sign_on: str = "not run"

    def record(self, name: str, method: str, path: str, status: int, expected, kind: str):
        self.visited.add(name)
        if kind == "download":
            self.downloads += 1
        else:
            self.pages += 1
        if status not in expected:
            self.errors.append(f"{method} {path} ({name}): {status}, expected {sorted(expected)}")


def browser_headers(path: str, cookies: dict[str, str], proxy: dict[str, str]) -> dict[str, str]:
    """What a browser sends the app server for ``path``, with what the proxy adds: the
    site's host, the page it came from (Django's CSRF check reads it over https) and its
    cookies."""
    return {
        "Host": "localhost",
        **proxy,
        "Referer": f"https://localhost{path}",
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
    }


def with_csrf_token(cookies: dict[str, str], data: dict | None) -> dict:
    """A form's fields with the CSRF token a browser's page would have put in it."""
    return {"csrfmiddlewaretoken": cookies.get("csrftoken", ""), **(data or {})}


def keep_cookies(cookies: dict[str, str], response: http.client.HTTPResponse) -> None:
    """Keeps what the response set, and forgets what it cleared, as a browser does."""
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value:
                cookies[name] = morsel.value
            else:
                cookies.pop(name, None)


class Browser:
    """A person's browser behind the TLS proxy: keeps cookies, sends the CSRF token."""

    def __init__(self, tally: Tally, port: int):
        self.tally = tally
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # sent with every request (an API token, say)

    def on(self, port: int) -> "Browser":
        """The same person, through another app server (the proxy balancing)."""
        other = Browser(self.tally, port)
        other.cookies = self.cookies
        return other

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def proxy_headers(self) -> dict:
        """What the TLS proxy would add (the app server is reached directly)."""
        return {"X-Forwarded-Proto": "https"}

    def request(self, method: str, path: str, data: dict | None = None, files=None):
        connection = self.connect()
        headers = {**browser_headers(path, self.cookies, self.proxy_headers()), **self.headers}
        body = None
        if method == "POST":
            data = with_csrf_token(self.cookies, data)
            if files:
                body, headers["Content-Type"] = multipart(data, files)
            else:
                body = urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        keep_cookies(self.cookies, response)
        connection.close()
        return response, content

    def visit(self, name: str, path: str, *, method="GET", data=None, files=None, expect=(200,)):
        response, content = self.request(method, path, data, files)
        self.tally.errors.extend(
            f"{method} {path} ({name}): {problem}"
            for problem in header_problems(response.getheader)
        )
        kind = (
            "download"
            if response.getheader("Content-Type", "").startswith(DOWNLOAD_TYPES)
            else "page"
        )
        self.tally.record(name, method, path, response.status, set(expect), kind)
        return response, content

    def sign_in(self, email: str, *, second_factor: bool = False) -> None:
        """Signs in with the demo password; ``second_factor`` (a privileged role under the
        production settings) sets up an authenticator app as a person would."""
        self.request("GET", "/sign-in/")  # the CSRF cookie
        response, _ = self.visit(
            "sign-in",
            "/sign-in/",
            method="POST",
            data={"username": email, "password": PASSWORD},
            expect=(302,),
        )
        if response.status != 302:
            raise SystemExit(f"Could not sign in as {email}")
        if second_factor:
            self.visit("home", "/", expect=(302,))  # to the second factor first
            self.visit("two-factor", "/sign-in/two-factor/", expect=(302,))  # none set up yet
            _, page = self.visit("two-factor-set-up", "/account/two-factor/")
            found = re.search(rb'class="qd-secret-key">([A-Z2-7 ]+)<', page)
            if not found:
                raise SystemExit(f"No two-factor key shown to {email}")
            typed = found.group(1).replace(b" ", b"")
            key = base64.b32decode(typed + b"=" * (-len(typed) % 8))
            code = f"{totp(key):06d}"
            self.visit(
                "two-factor-set-up",
                "/account/two-factor/",
                method="POST",
                data={"name": "Smoke phone", "code": code},
                expect=(302,),
            )
            _, codes = self.visit(
                "two-factor-recovery-codes", "/account/two-factor/recovery-codes/"
            )
            if codes.count(b"<li><code>") != 10:
                raise SystemExit(f"{email} was not shown ten recovery codes")


def multipart(data: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A form with files as a browser sends it: its body and its Content-Type."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in data.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class ProxiedBrowser(Browser):
    """A person's browser at a network address of its own (a loopback address such as
    127.0.0.2), reaching the app through the real proxy, which adds the headers."""

    def __init__(self, tally: Tally, port: int, address: str):
        super().__init__(tally, port)
        self.address = address

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=120, source_address=(self.address, 0)
        )

    def proxy_headers(self) -> dict:
        return {}


def proxy_location(upstream_port: int, static_root: Path) -> str:
    """The deployment guide's own nginx ``location`` blocks, pointed at an app server and
    the collected static files. The smoke proxy listens on plain HTTP on loopback, so it
    says HTTPS as a TLS proxy would."""
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"```nginx\n.*?(    location / \{\n.*?\n    \})\n\}\n```", guide, re.DOTALL)
    if not found:
        raise SystemExit("docs/deploy.md has no nginx location block to test")
    return (
        found.group(1)
        .replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream_port}")
        .replace("$scheme", "https")
        .replace("/srv/quarterdeck/staticfiles/", f"{static_root}/")
    )


def proxy_configuration(folder: Path, port: int, upstream_port: int) -> str:
    temporary = " ".join(
        f"{kind}_temp_path {folder}/nginx-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temporary}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{proxy_location(upstream_port, folder / "static")}
    }}
}}
"""


class Deployment:
    """A database, the collected static files, two app servers and a task worker."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.database = f"quarterdeck_smoke_{secrets.token_hex(4)}"
        self.mail_port = free_port()  # nothing listens here: the mail server is down
        self.identity_provider = f"http://127.0.0.1:{free_port()}"
        self.environment = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")},
            "QUARTERDECK_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": f"{SERVER}/{self.database}",
            "STATIC_ROOT": str(folder / "static"),
            "SITE_URL": "https://localhost",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "2",
            "EMAIL_RETRY_MINUTES": "1",
            "LOG_FORMAT": "json",
            "WEB_CONCURRENCY": "2",
            # Lower than production's 50, to keep the run short; the rule is the same.
            "SIGN_IN_ADDRESS_FAILURE_LIMIT": str(ADDRESS_LIMIT),
            # The demo's open data is served, as `make run` serves it.
            "OPEN_DATA": "on",
            # Schemathesis sends several hundred requests a minute with one token.
            "API_REQUESTS_PER_MINUTE": "100000",
            # Single sign-on through the imitation of Entra ID's multi-tenant endpoint.
            "OIDC_ISSUER": f"{self.identity_provider}/organizations/v2.0",
            "OIDC_CLIENT_ID": "quarterdeck-smoke",
            "OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
        }
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.proxy_port = free_port()

    def disk(self, name: str) -> dict:
        """Each process gets its own local disk, as separate machines would."""
        (self.folder / name).mkdir()
        return {**self.environment, "MEDIA_ROOT": str(self.folder / name), "TMPDIR": "/tmp"}

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start_identity_provider(self) -> None:
        """Entra ID's multi-tenant endpoint, imitated by two real oidc-provider tenants
        (tests/accounts/oidc/entra.mjs), on a port of its own."""
        if not shutil.which("node"):
            raise SystemExit("Node.js runs the identity provider: install it (make setup)")
        log = open(self.folder / "identity-provider.log", "w")  # noqa: SIM115 (as servers.log)
        self.processes.append(
            subprocess.Popen(
                ["node", str(ROOT / "tests" / "accounts" / "oidc" / "entra.mjs")],
                cwd=ROOT,
                env={
                    **os.environ,
                    "PORT": self.identity_provider.rsplit(":", 1)[1],
                    "TENANTS": json.dumps(TENANTS),
                    "CLIENT_ID": self.environment["OIDC_CLIENT_ID"],
                    "CLIENT_SECRET": self.environment["OIDC_CLIENT_SECRET"],
                    "REDIRECT_URI": f"{APP}/sign-in/organisation/callback/",
                    "POST_LOGOUT_URI": f"{APP}/sign-in/",
                },
                stdout=log,
                stderr=log,
            )
        )

    def wait_for_identity_provider(self) -> None:
        discovery = f"{self.identity_provider}/organizations/v2.0/.well-known/openid-configuration"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(discovery, timeout=2).ok:
                    return
            time.sleep(0.2)
        log = (self.folder / "identity-provider.log").read_text()
        raise SystemExit(f"The identity provider did not start:\n{log}")

    def start(self) -> None:
        with contextlib.closing(psycopg2.connect(f"{SERVER}/postgres")) as admin:
            admin.autocommit = True
            admin.cursor().execute(f'CREATE DATABASE "{self.database}"')
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_framework")
        self.manage("seed_demo")
        log = open(self.folder / "servers.log", "w")  # noqa: SIM115 (closed with the folder)
        for name in ("server-a", "server-b"):
            port = free_port()
            self.processes.append(
                subprocess.Popen(
                    [GUNICORN, "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=self.disk(name),
                    stdout=log,
                    stderr=log,
                )
            )
            self.ports.append(port)
        self.processes.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
                cwd=ROOT,
                env=self.disk("worker"),
                stdout=log,
                stderr=log,
            )
        )
        # The real proxy in front of the first server, configured as the guide says.
        configuration = self.folder / "nginx.conf"
        configuration.write_text(proxy_configuration(self.folder, self.proxy_port, self.ports[0]))
        self.processes.append(
            subprocess.Popen(
                ["nginx", "-c", str(configuration), "-g", "daemon off;"], stdout=log, stderr=log
            )
        )
        # After the servers: the fault step finds server A's master as the first process.
        self.start_identity_provider()
        for port in [*self.ports, self.proxy_port]:
            self.wait_healthy(port)
        self.wait_for_identity_provider()

    def wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "GET", "/healthz", headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
                )
                response = connection.getresponse()
                body = response.read()
                if response.status == 200:
                    return
                if response.status == 503:
                    raise SystemExit(f"/healthz says the server is not ready: {body.decode()}")
            time.sleep(0.3)
        raise SystemExit(f"The app server on port {port} did not start: see servers.log")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with contextlib.closing(psycopg2.connect(f"{SERVER}/postgres")) as admin:
            admin.autocommit = True
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def query(self, sql: str, *params):
        with contextlib.closing(psycopg2.connect(self.environment["DATABASE_URL"])) as db:
            cursor = db.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall()

    def execute(self, sql: str, *params) -> None:
        with contextlib.closing(psycopg2.connect(self.environment["DATABASE_URL"])) as db:
            db.cursor().execute(sql, params)
            db.commit()


def room_vote(lead, member, page: str, tally) -> None:
    """A room vote in the meeting: the digital lead opens it, a member votes from the short
    link, and the screen, closed, says how many voted (too few here to show how)."""
    lead.visit("present-principle", page, method="POST", data={"form": "vote-open"}, expect=(302,))
    _, ballot = member.visit("vote", "/vote/")
    found = re.search(rb'name="vote" value="(\d+)"', ballot)
    if not found:
        tally.errors.append("GET /vote/: the member's phone shows no open vote")
        return
    data = {"vote": found[1].decode(), "level": "3"}
    member.visit("vote", "/vote/", method="POST", data=data, expect=(302,))
    lead.visit("present-principle", page, method="POST", data={"form": "vote-close"}, expect=(302,))
    _, screen = lead.visit("present-principle", page)
    if b"Room vote: 1 voted" not in screen:
        tally.errors.append(f"GET {page}: the closed room vote is not on the screen")
    lead.visit("stop", page.split("principles/")[0] + "stop/", expect=(302,))  # stop presenting


def authenticators(lead, query) -> None:
    """The digital lead's only authenticator cannot be removed: their role needs it."""
    ((device,),) = query(
        "SELECT d.id FROM otp_totp_totpdevice d JOIN trusts_user u ON u.id = d.user_id"
        " WHERE u.email = 'priya.shah@wessexvale.example' AND d.confirmed"
    )
    remove = f"/account/authenticators/{device}/remove/"
    _, page = lead.visit("authenticator-remove", remove)
    if b"Add another before removing this one" not in page:
        lead.tally.errors.append(f"GET {remove}: the lead's only authenticator may be removed")
    lead.visit("authenticator-remove", remove, method="POST", expect=(302,))  # refused


def api_tokens(lead, query, tally) -> None:
    """The digital lead's API tokens page: a token made is shown once, on the page that
    made it, then revoked."""
    lead.visit("api-tokens", "/account/api-tokens/")
    lead.visit("api-token-create", "/account/api-tokens/new/")  # the same page
    _, made = lead.visit(
        "api-token-create",
        "/account/api-tokens/new/",
        method="POST",
        data={"name": "Smoke dashboard", "expires_days": "30"},
    )
    if not re.search(rb'<code class="qd-api-token">qd_[\w-]{43}</code>', made):
        tally.errors.append("POST /account/api-tokens/new/: the new token is not shown")
    ((token,),) = query(
        "SELECT t.id FROM accounts_apitoken t JOIN trusts_user u ON u.id = t.user_id"
        " WHERE u.email = 'priya.shah@wessexvale.example' AND t.name = 'Smoke dashboard'"
    )
    revoke = f"/account/api-tokens/{token}/revoke/"
    lead.visit("api-token-revoke", revoke, method="POST", expect=(302,))


def route_names() -> set[str]:
    """Every named URL of the project (the admin's are visited model by model)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def admin_pages(query) -> list[str]:
    """The admin's index and, for every registered model, its list and first change page."""
    from django.contrib import admin

    pages = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        first = query(f'SELECT "{model._meta.pk.column}" FROM "{model._meta.db_table}" LIMIT 1')
        if first:
            pages.append(f"{base}{first[0][0]}/change/")
    return pages


def wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"Gave up waiting for {what}")


@dataclass(frozen=True)
class Questionnaire:
    """A trust's open quarter as its board answers it: where its questionnaire is, and each
    principle's question keys in the order the page asks them."""

    base: str  # /trusts/<code>/assessments/<quarter>/questionnaire/
    pages: dict[int, list[str]]


def open_questionnaire(deployment: "Deployment", ods_code: str = "ZZA") -> Questionnaire:
    ((cycle_id, year, quarter),) = deployment.query(
        "SELECT c.id, c.year, c.quarter FROM assessments_assessment a"
        " JOIN assessments_cycle c ON c.id = a.cycle_id"
        " JOIN trusts_trust t ON t.id = a.trust_id"
        " WHERE t.ods_code = %s AND a.status = 'open'",
        ods_code,
    )
    pages: dict[int, list[str]] = {}
    for number, key in deployment.query(
        "SELECT p.number, q.key FROM principles_question q"
        " JOIN principles_principle p ON p.id = q.principle_id"
        " JOIN assessments_cycle c ON c.framework_id = q.framework_id"
        ' WHERE c.id = %s ORDER BY p.number, q."order"',
        cycle_id,
    ):
        pages.setdefault(number, []).append(key)
    slug = f"{year}-{(year + 1) % 100:02d}-q{quarter}"
    return Questionnaire(f"/trusts/{ods_code}/assessments/{slug}/questionnaire/", pages)


def journey(deployment: Deployment, tally: Tally) -> None:
    a, b = deployment.ports
    query = deployment.query
    ((current, previous),) = query(
        "SELECT max(year * 10 + quarter), min(year * 10 + quarter) FROM assessments_cycle"
    )
    slug = {
        number: f"{number // 10}-{(number // 10 + 1) % 100:02d}-q{number % 10}"
        for number in (current, previous)
    }
    now, before = slug[current], slug[previous]

    # Without the proxy's X-Forwarded-Proto a request is plain HTTP: sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", a, timeout=30)
    plain.request("GET", "/sign-in/", headers={"Host": "localhost"})
    redirect = plain.getresponse()
    redirect.read()
    if redirect.status != 301 or not redirect.getheader("Location", "").startswith("https://"):
        tally.errors.append(f"plain HTTP was not sent to HTTPS: {redirect.status}")

    anonymous = Browser(tally, a)
    anonymous.visit("healthz", "/healthz")
    anonymous.visit("sign-in", "/sign-in/")
    for name in ("about", "accessibility", "privacy", "cookies", "help"):
        anonymous.visit(name, f"/{name}/")
    anonymous.visit("home", "/", expect=(302,))
    anonymous.visit("invitation-accept", "/invitations/not-a-real-token/", expect=(410,))
    # Single sign-on: its start leads to the provider; a callback with no code, back to
    # the sign-in page (people signing in with it: single_sign_on_through_the_proxy).
    response, _ = anonymous.visit("sso-start", "/sign-in/organisation/", expect=(302,))
    if not response.getheader("Location", "").startswith(deployment.identity_provider):
        tally.errors.append("GET /sign-in/organisation/ did not lead to the identity provider")
    anonymous.visit("sso-callback", "/sign-in/organisation/callback/", expect=(302,))
    anonymous.visit("password-reset", "/password-reset/")
    anonymous.visit(
        "password-reset",
        "/password-reset/",
        method="POST",
        data={"email": "martin.oduya@wessexvale.example"},
        expect=(302,),
    )
    anonymous.visit("password-reset-sent", "/password-reset/sent/")
    anonymous.visit("password-reset-confirm", "/password-reset/MQ/not-a-token/")
    anonymous.visit("password-reset-done", "/password-reset/done/")

    # A board member answers every page and submits, across both servers.
    member = Browser(tally, a)
    member.sign_in("martin.oduya@wessexvale.example")
    member.visit("home", "/")
    member.visit("account", "/account/")
    member.visit("api-tokens", "/account/api-tokens/", expect=(403,))  # not a digital lead
    member.visit("board-papers", "/papers/")
    member.visit("password-change", "/account/password/")
    # A new email address: "Confirm it's you", the form, the link sent (a broken one here:
    # the real one is only in the email), and nothing changes until it is confirmed.
    member.visit("confirm-identity", "/account/confirm-it-is-you/?next=/account/email/")
    member.visit("email-change", "/account/email/")
    new_address = {"email": "martin.new@wessexvale.example"}
    member.visit("email-change", "/account/email/", method="POST", data=new_address, expect=(302,))
    member.visit("email-change-sent", "/account/email/sent/")
    member.visit("email-change-confirm", "/account/email/confirm/not-a-token/", expect=(404,))
    # Where they are signed in: a second browser, signed out from the first; then
    # everywhere else, which keeps the first signed in.
    phone = Browser(tally, b)
    phone.sign_in("martin.oduya@wessexvale.example")
    member.visit("sessions", "/account/sessions/")
    ((phone_session,),) = query(
        "SELECT s.id FROM accounts_signedinsession s JOIN trusts_user u ON u.id = s.user_id"
        " WHERE u.email = 'martin.oduya@wessexvale.example' ORDER BY s.signed_in_at DESC LIMIT 1"
    )
    ended = f"/account/sessions/{phone_session}/sign-out/"
    member.visit("session-end", ended, method="POST", expect=(302,))
    phone.visit("sessions", "/account/sessions/", expect=(302,))  # signed out there
    ended_all = "/account/sessions/sign-out-elsewhere/"
    member.visit("sessions-end-others", ended_all, method="POST", expect=(302,))
    member.visit("session-keep-alive", "/session/keep-alive/", method="POST", expect=(204,))
    questionnaire = open_questionnaire(deployment)
    base = questionnaire.base
    if base != f"/trusts/ZZA/assessments/{now}/questionnaire/":
        raise SystemExit(f"The demo's open quarter is not the newest: {base}")
    member.visit("questionnaire-start", base)
    for number, keys in questionnaire.pages.items():
        browser = member if number % 2 else member.on(b)
        page = f"{base}principles/{number}/"
        browser.visit("questionnaire-page", page)
        answers = {"action": "continue"}
        for key in keys:
            prefix = key.replace(".", "-")
            answers[f"{prefix}-level"] = "3"
            answers[f"{prefix}-comment"] = f"Smoke test comment on {key}."
        browser.visit("questionnaire-page", page, method="POST", data=answers, expect=(302,))
    member.visit("questionnaire-check", f"{base}check/")
    member.visit("questionnaire-check", f"{base}check/", method="POST", expect=(302,))
    member.visit("questionnaire-submitted", f"{base}submitted/")
    member.visit("questionnaire-mirror", f"{base}yours/")  # says when it will be there
    mirror = f"/trusts/ZZA/assessments/{before}/questionnaire/yours/"
    _, closed_mirror = member.visit("questionnaire-mirror", mirror)
    if b"The board&#x27;s score" not in closed_mirror and b"The board's score" not in closed_mirror:
        tally.errors.append(f"GET {mirror}: the closed quarter's mirror shows no board score")
    member.visit("account-data", "/account/your-data.json")  # everything held about them
    member.visit("sign-out", "/sign-out/", method="POST", expect=(302,))

    # The coordinator runs the quarter.
    lead = Browser(tally, a)
    lead.sign_in("priya.shah@wessexvale.example", second_factor=True)
    lead.visit("home", "/")
    api_tokens(lead, query, tally)
    authenticators(lead, query)
    lead.visit("trust-detail", "/trusts/ZZA/")
    lead.visit("board-people", "/trusts/ZZA/people/")
    lead.visit(
        "board-people",
        "/trusts/ZZA/people/",
        method="POST",
        data={
            "full_name": "Nia Smoke",
            "email": "nia.smoke@wessexvale.example",
            "seat_group": "executive",
        },
        expect=(302,),
    )
    ((invitation, token_body),) = wait_for(
        lambda: query(
            "SELECT i.id, e.body FROM trusts_invitation i JOIN core_email e ON e.id = i.delivery_id"
            " WHERE i.email = 'nia.smoke@wessexvale.example' AND e.attempts > 0"
        ),
        "the invitation's first delivery attempt",
    )
    (token,) = re.findall(r"/invitations/([^/\s]+)/", token_body)
    anonymous.on(b).visit("invitation-accept", f"/invitations/{token}/")
    lead.visit(
        "invitation-resend",
        f"/trusts/ZZA/people/invitations/{invitation}/resend/",
        method="POST",
        expect=(302,),
    )
    lead.visit(
        "invitation-revoke",
        f"/trusts/ZZA/people/invitations/{invitation}/revoke/",
        method="POST",
        expect=(302,),
    )
    ((membership,),) = query(
        "SELECT m.id FROM trusts_membership m JOIN trusts_trust t ON t.id = m.trust_id"
        " WHERE t.ods_code = 'ZZA' AND m.role = 'board_member' ORDER BY m.id DESC LIMIT 1"
    )
    lead.visit("membership-remove", f"/trusts/ZZA/people/{membership}/remove/")
    lead.visit("audit-trail", "/trusts/ZZA/audit/")
    lead.visit("board-actions", "/trusts/ZZA/actions/")
    lead.visit("board-action-new", "/trusts/ZZA/actions/new/")
    ((action,),) = query(
        "SELECT a.id FROM assessments_boardaction a JOIN trusts_trust t ON t.id = a.trust_id"
        " WHERE t.ods_code = 'ZZA' LIMIT 1"
    )
    lead.visit("board-action-edit", f"/trusts/ZZA/actions/{action}/")
    for cycle in (now, before):
        assessment = f"/trusts/ZZA/assessments/{cycle}/"
        lead.visit("assessment-detail", assessment)
        # A closed quarter's targets are fixed: its page sends the coordinator back.
        lead.visit(
            "assessment-targets", f"{assessment}targets/", expect=(200 if cycle == now else 302,)
        )
        lead.visit("assessment-positions", f"{assessment}positions/")
        # The roadmap is built once the quarter has closed; the open one sends the lead back.
        lead.visit(
            "assessment-roadmap", f"{assessment}roadmap/", expect=(200 if cycle == before else 302,)
        )
        lead.visit("paper", f"{assessment}paper/")
        lead.visit("paper-pdf", f"{assessment}paper.pdf")
        lead.visit("paper-docx", f"{assessment}paper.docx")
        # The board meeting's pages: the closed quarter's results; the open one says when.
        lead.visit("present", f"{assessment}present/")
        lead.visit("present-principle", f"{assessment}present/principles/1/")
        lead.visit("present-actions", f"{assessment}present/actions/")
        # The minutes extract and the attendance it prints: files once closed, else a 409.
        lead.visit("minutes", f"{assessment}present/minutes/")
        lead.visit("attendance", f"{assessment}present/attendance/")
        if cycle == before:
            lead.visit(
                "attendance",
                f"{assessment}present/attendance/",
                method="POST",
                data={"executives": "0", "non_executives": "1", "in_attendance": "1"},
                expect=(302,),
            )
        for extension in ("pdf", "docx"):
            lead.visit(
                f"minutes-{extension}",
                f"{assessment}present/minutes.{extension}",
                expect=(409,) if cycle == now else (200,),
            )
        lead.visit("cover-sheet", f"{assessment}paper/cover/")
        lead.visit("cover-sheet-sections", f"{assessment}paper/cover/sections/")
        # An open quarter has no published results to export yet (decision 0015).
        exports(lead.on(b), assessment, expect=(409,) if cycle == now else (200,))
    position_evidence_through_the_proxy(deployment, lead, tally, before, previous)
    # A roadmap saved once through the production stack; this quarter then starts by
    # reviewing it.
    lead.visit(
        "assessment-roadmap",
        f"/trusts/ZZA/assessments/{before}/roadmap/",
        method="POST",
        data={
            f"roadmap-1-{step}": level for step, level in enumerate(("3.0", "3.5", "3.5", "4.0"), 1)
        },
        expect=(302,),
    )
    lead.visit("assessment-roadmap-review", f"/trusts/ZZA/assessments/{now}/roadmap/review/")
    lead.visit("assessment-reopen", f"/trusts/ZZA/assessments/{before}/reopen/")
    member.sign_in("martin.oduya@wessexvale.example")  # back in the room, on their phone
    room_vote(lead, member, f"/trusts/ZZA/assessments/{before}/present/principles/1/", tally)
    # The trust chooses its cover sheet's own sections once; every quarter's sheet has them.
    lead.visit(
        "cover-sheet-sections",
        f"/trusts/ZZA/assessments/{now}/paper/cover/sections/",
        method="POST",
        data={"sections": ["assurance_rating", "version"], "impacts": ["impact_quality"]},
        expect=(302,),
    )
    lead.visit(
        "cover-sheet",
        f"/trusts/ZZA/assessments/{now}/paper/cover/",
        method="POST",
        data={
            "meeting": "Trust board (held in public)",
            "purpose": "assurance",
            "version": "1.0",
            "impact_quality": "None expected.",
        },
        expect=(302,),
    )
    # Remind whoever has not answered (the page asks first, or says nobody needs one).
    remind = f"/trusts/ZZA/assessments/{now}/remind/"
    lead.visit("assessment-remind", remind, expect=(200, 302))
    lead.visit("assessment-remind", remind, method="POST", expect=(302,))
    # Close this quarter: the worker freezes the paper; both servers then serve that one.
    lead.visit("assessment-close", f"/trusts/ZZA/assessments/{now}/close/")  # asks first
    lead.visit(
        "assessment-close", f"/trusts/ZZA/assessments/{now}/close/", method="POST", expect=(302,)
    )
    exports(lead.on(b), f"/trusts/ZZA/assessments/{now}/", expect=(200,))
    frozen_by_worker(deployment, "ZZA", current)
    _, from_a = lead.visit("paper-pdf", f"/trusts/ZZA/assessments/{now}/paper.pdf")
    _, from_b = lead.on(b).visit("paper-pdf", f"/trusts/ZZA/assessments/{now}/paper.pdf")
    if from_a != from_b or not from_a.startswith(b"%PDF"):
        tally.errors.append("the two app servers served different frozen papers")
    lead.visit(
        "assessment-reopen",
        f"/trusts/ZZA/assessments/{now}/reopen/",
        method="POST",
        data={"reason": "A late answer from the smoke test"},
        expect=(302,),
    )
    lead.visit(
        "assessment-close", f"/trusts/ZZA/assessments/{now}/close/", method="POST", expect=(302,)
    )

    # A paper frozen by one server (on its first download) is served by the other.
    other = Browser(tally, a)
    other.sign_in("owen.fairclough@penninemoors.example", second_factor=True)
    _, made_on_a = other.visit("paper-pdf", f"/trusts/ZZB/assessments/{before}/paper.pdf")
    _, served_by_b = other.on(b).visit("paper-pdf", f"/trusts/ZZB/assessments/{before}/paper.pdf")
    freezes = query(
        "SELECT count(*) FROM core_auditevent e JOIN trusts_trust t ON t.id = e.trust_id"
        " WHERE t.ods_code = 'ZZB' AND e.action IN ('paper.frozen', 'paper.refrozen')"
    )[0][0]
    if made_on_a != served_by_b or freezes != 1:
        tally.errors.append(f"server B did not serve server A's frozen paper (freezes={freezes})")

    # Programme staff: quarters, the national view, exports, the bulk ZIP.
    staff = Browser(tally, b)
    staff.sign_in("programme@quarterdeck.example", second_factor=True)
    staff.visit("home", "/")
    staff.visit("programme-home", "/programme/", expect=(302,))
    staff.visit("trust-list", "/trusts/")
    staff.visit("trust-detail", "/trusts/ZZB/")
    staff.visit("programme-trust", "/programme/trusts/ZZA/")
    staff.visit("programme-trust", "/programme/trusts/NOPE/", expect=(404,))
    staff.visit("audit-trail", "/trusts/ZZB/audit/")
    staff.visit("cycle-list", "/programme/cycles/")
    staff.visit("cycle-new", "/programme/cycles/new/")
    # The tenants that may sign people in: one added, changed (a trust taken off) and removed.
    staff.visit("tenants", "/programme/sign-in-tenants/")
    staff.visit("tenant-add", "/programme/sign-in-tenants/add/")
    smoke_tenant = {"tenant_id": "5e0c2d1a-9b8f-4e7d-a6c5-b4a392817160", "name": "Smoke tenant"}
    staff.visit(
        "tenant-add",
        "/programme/sign-in-tenants/add/",
        method="POST",
        data={**smoke_tenant, "trusts": "ZZA\nZZB"},
        expect=(302,),
    )
    ((tenant,),) = query("SELECT id FROM accounts_signintenant WHERE name = 'Smoke tenant'")
    staff.visit("tenant-edit", f"/programme/sign-in-tenants/{tenant}/")
    staff.visit(
        "tenant-edit",
        f"/programme/sign-in-tenants/{tenant}/",
        method="POST",
        data={**smoke_tenant, "trusts": "ZZA"},
        expect=(302,),
    )
    staff.visit("tenant-remove", f"/programme/sign-in-tenants/{tenant}/remove/")
    staff.visit(
        "tenant-remove",
        f"/programme/sign-in-tenants/{tenant}/remove/",
        method="POST",
        expect=(302,),
    )
    # Tenant A may sign in Wessex Vale's people (single_sign_on_through_the_proxy).
    staff.visit(
        "tenant-add",
        "/programme/sign-in-tenants/add/",
        method="POST",
        data={
            "tenant_id": TENANT_A,
            "name": TENANT_A_NAME,
            "trusts": "ZZA",
            # Its IT team has said so: no second factor of ours after it.
            "asks_for_second_factor": "on",
        },
        expect=(302,),
    )
    year, quarter = divmod(current, 10)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    label = f"{following[0]}/{(following[0] + 1) % 100:02d} Q{following[1]}"
    ((framework,),) = query("SELECT max(id) FROM principles_framework WHERE published")
    staff.visit(
        "cycle-new",
        "/programme/cycles/new/",
        method="POST",
        data={"quarter": label, "framework": framework},
        expect=(302,),
    )
    for cycle in (now, before):
        staff.visit("programme-completion", f"/programme/cycles/{cycle}/completion/")
        staff.visit("programme-comparison", f"/programme/cycles/{cycle}/comparison/")
        staff.visit(
            "programme-comparison",
            f"/programme/cycles/{cycle}/comparison/?trust=wessex+vale&region=Y58",
        )
        for extension in ("csv", "xlsx"):
            staff.visit(
                "programme-comparison-export", f"/programme/cycles/{cycle}/comparison.{extension}"
            )
        staff.visit("early-warning", f"/programme/cycles/{cycle}/early-warning/")
        staff.visit("early-warning", f"/programme/cycles/{cycle}/early-warning/?region=Y58")
        staff.visit("early-warning-export", f"/programme/cycles/{cycle}/early-warning.csv")
    staff.visit("bulk-papers", f"/programme/cycles/{before}/papers/")
    staff.visit("bulk-papers", f"/programme/cycles/{before}/papers/", method="POST", expect=(302,))
    export = wait_for(
        lambda: query("SELECT id FROM reports_bulkexport WHERE status = 'done' LIMIT 1"),
        "the bulk ZIP",
    )[0][0]
    _, archive = staff.on(a).visit("bulk-papers-download", f"/programme/exports/{export}/download/")
    if not archive.startswith(b"PK"):
        tally.errors.append("the bulk ZIP served by the other app server is not a ZIP")

    # Open data: published once, by programme staff, for the quarter that has closed (too
    # early for the current one); then anyone reads it without signing in.
    staff.visit("publish", f"/programme/cycles/{now}/open-data/")  # says when it can be
    staff.visit("publish", f"/programme/cycles/{before}/open-data/")
    staff.visit("publish", f"/programme/cycles/{before}/open-data/", method="POST", expect=(302,))
    staff.visit("publish", f"/programme/cycles/{before}/open-data/", method="POST", expect=(409,))
    anonymous.visit("index", "/open-data/")
    for extension in ("csv", "json"):
        _, opened = anonymous.on(b).visit("quarter", f"/open-data/{before}.{extension}")
        if b"England" not in opened:
            tally.errors.append(f"the open data {extension.upper()} has no row for England")
    anonymous.visit("quarter", f"/open-data/{now}.csv", expect=(404,))  # not published

    # The coordinator opens the new quarter with the mail server still down.
    new_slug = f"{following[0]}-{(following[0] + 1) % 100:02d}-q{following[1]}"
    lead.visit("assessment-open", f"/trusts/ZZA/cycles/{new_slug}/open/")  # asks first
    lead.on(b).visit(
        "assessment-open", f"/trusts/ZZA/cycles/{new_slug}/open/", method="POST", expect=(302,)
    )
    lead.visit("assessment-detail", f"/trusts/ZZA/assessments/{new_slug}/")

    # Board members save pages of the new quarter while an app-server worker is killed.
    worker_killed_mid_saves(deployment, tally, new_slug)

    # The administrator: the admin's pages.
    admin = Browser(tally, a)
    admin.sign_in("admin@quarterdeck.example", second_factor=True)
    for page in admin_pages(query):
        admin.visit("admin", page)
    for browser in (lead, staff, admin):
        browser.visit("sign-out", "/sign-out/", method="POST", expect=(302,))


def lockouts_through_the_proxy(deployment: Deployment, tally: Tally) -> None:
    """Two people at two addresses, through the real proxy: the first one's wrong
    passwords lock the accounts it tried and then its own address, and nobody else."""
    guesser = ProxiedBrowser(tally, deployment.proxy_port, "127.0.0.2")
    other = ProxiedBrowser(tally, deployment.proxy_port, "127.0.0.3")
    guesser.request("GET", "/sign-in/")  # the CSRF cookie
    expected = []
    for n in range(ADDRESS_LIMIT):
        account_full = n % ACCOUNT_LIMIT == ACCOUNT_LIMIT - 1
        expected.append(429 if account_full or n == ADDRESS_LIMIT - 1 else 200)
    for n, status in enumerate(expected):
        guesser.visit(
            "sign-in",
            "/sign-in/",
            method="POST",
            data={"username": f"made-up-{n // ACCOUNT_LIMIT}@wessexvale.example", "password": "x"},
            expect=(status,),
        )
    right_password = {"username": "priya.shah@wessexvale.example", "password": PASSWORD}
    response, _ = guesser.visit(
        "sign-in", "/sign-in/", method="POST", data=right_password, expect=(429,)
    )
    if not (response.getheader("Retry-After") or "").isdigit():
        tally.errors.append("a lockout (429) came without Retry-After in seconds")
    other.sign_in("martin.oduya@wessexvale.example")
    other.visit("home", "/")
    other.visit("sign-out", "/sign-out/", method="POST", expect=(302,))
    other.request("GET", "/sign-in/")
    made_up = {"username": "made-up-0@wessexvale.example", "password": "x"}
    other.visit("sign-in", "/sign-in/", method="POST", data=made_up, expect=(429,))
    recorded = {row[0] for row in deployment.query("SELECT ip_address FROM axes_accessattempt")}
    if "127.0.0.2" not in recorded or not recorded <= {"127.0.0.2", "127.0.0.3"}:
        tally.errors.append(f"sign-in attempts recorded against {sorted(recorded)}")
    tally.lockouts = f"addresses={len(recorded)} locked=127.0.0.2 signed_in=127.0.0.3"


class PersonAtProvider:
    """Someone at the identity provider's own pages, which their browser reaches directly
    (as it reaches Microsoft's), with cookies of their own there (the single sign-on tests
    use it too, with the test client's address as ``app``)."""

    def __init__(self, account: str, *, app: str = APP):
        self.account = account
        self.app = app  # where the app is, as the provider sends people back to it
        self.browser = requests.Session()
        self.browser.trust_env = False  # never through a proxy the environment names

    def follow_to_app(self, url: str) -> str:
        """Follows the provider's redirects, filling in its sign-in, consent and sign-out
        forms, until one leads back to the app; the path (and query) it leads to."""
        for _ in range(20):
            if url.startswith(f"{self.app}/"):
                return url[len(self.app) :]
            response = self.browser.get(url, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                continue
            url = self.submit(url, response.text)
        raise SystemExit(f"The identity provider never sent {self.account} back")

    def submit(self, url: str, page: str) -> str:
        form = re.search(r'<form[^>]*action="([^"]*)"', page)
        if not form:
            raise SystemExit(f"The identity provider showed {self.account} no form: {page[:300]}")
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        if 'name="login"' in page:
            fields.update(login=self.account, password="anything")
        if 'name="logout"' in page:
            fields["logout"] = "yes"
        action = urljoin(url, unescape(form.group(1)))
        response = self.browser.post(action, data=fields, allow_redirects=False, timeout=10)
        if not response.is_redirect:
            raise SystemExit(f"The identity provider refused {self.account}: {response.text[:300]}")
        return urljoin(url, response.headers["Location"])


def sign_in_with_organisation(browser: Browser, person: PersonAtProvider, *, then: str, expect):
    """From the app's single sign-on start (with ``then`` to go on to), through the
    provider's pages, to the app's callback; the callback's response and content."""
    start = f"/sign-in/organisation/?{urlencode({'next': then})}"
    response, _ = browser.visit("sso-start", start, expect=(302,))
    callback = person.follow_to_app(response.getheader("Location", ""))
    if not callback.startswith("/sign-in/organisation/callback/?"):
        raise SystemExit(f"The identity provider sent {person.account} to {callback}")
    return browser.visit("sso-callback", callback, expect=expect)


def single_sign_on_through_the_proxy(deployment: Deployment, tally: Tally) -> None:
    """Single sign-on through Entra ID's multi-tenant endpoint (imitated), through the real
    proxy, with tenant A listed by programme staff for Wessex Vale (ZZA) in the journey: a
    Wessex Vale member signs in with tenant A's account, is shown where, and signs out at
    tenant A; tenant A's account with a Pennine Moors member's email, and tenant B's (on
    no list), are refused with the refusal page and nobody is signed in."""
    port, provider = deployment.proxy_port, deployment.identity_provider
    signed_in = refused = 0
    try:
        # Helen Carver, on Wessex Vale's board, with her account at tenant A.
        member = ProxiedBrowser(tally, port, "127.0.0.6")
        person = PersonAtProvider("helen-at-a")
        response, _ = sign_in_with_organisation(member, person, then="/trusts/ZZA/", expect=(302,))
        if response.getheader("Location") != "/trusts/ZZA/":
            tally.errors.append(f"single sign-on led to {response.getheader('Location')}")
        _, trust_page = member.visit("trust-detail", "/trusts/ZZA/")
        if b"Wessex Vale Hospitals" not in trust_page:
            tally.errors.append("the member signed in with tenant A did not reach their trust")
        _, places = member.visit("sessions", "/account/sessions/")
        said = f"Organisation&#x27;s account ({TENANT_A_NAME})".encode()
        if said not in places:
            tally.errors.append("Where you're signed in does not say tenant A's account")
        else:
            signed_in += 1
        response, _ = member.visit("sign-out", "/sign-out/", method="POST", expect=(302,))
        end_session = response.getheader("Location", "")
        if not end_session.startswith(f"{provider}/{TENANT_A}/v2.0/"):
            tally.errors.append(f"signing out did not go to tenant A: {end_session[:80]}")
        elif person.follow_to_app(end_session) != "/sign-in/":
            tally.errors.append("tenant A did not send the person back to sign in")
        member.visit("home", "/", expect=(302,))  # signed out here too

        # Tenant A cannot vouch for a Pennine Moors member; tenant B is on nobody's list.
        unlisted = "<h1>Your organisation cannot sign in to Quarterdeck yet</h1>"
        for account, address, heading in (
            ("aisha-at-a", "127.0.0.7", f"<h1>{TENANT_A_NAME} cannot sign you in</h1>"),
            ("tom-at-b", "127.0.0.8", unlisted),
        ):
            browser = ProxiedBrowser(tally, port, address)
            person = PersonAtProvider(account)
            response, page = sign_in_with_organisation(browser, person, then="/", expect=(403,))
            home, _ = browser.visit("home", "/", expect=(302,))  # not signed in
            if heading.encode() not in page:
                tally.errors.append(f"{account} was not shown why they were refused")
            elif response.status == 403 and home.status == 302:
                refused += 1
    except SystemExit as stopped:
        tally.errors.append(f"single sign-on: {stopped}")
    audited = deployment.query(
        "SELECT action, count(*) FROM core_auditevent"
        " WHERE action IN ('sign_in.tenant_refused', 'sign_in.tenant_unknown')"
        " GROUP BY action ORDER BY action"
    )
    if audited != [("sign_in.tenant_refused", 1), ("sign_in.tenant_unknown", 1)]:
        tally.errors.append(f"single sign-on refusals audited: {audited}")
    tally.single_sign_on = f"tenants={len(TENANTS)} signed_in={signed_in} refused={refused}"


def typed_input_survives_a_lost_session(deployment: Deployment, tally: Tally) -> None:
    """A board member's session row is deleted (as signing out elsewhere or clearing the
    session store does) while a page is open: the page they then save is kept for them,
    and shown back, levels and comment, once they sign in again."""
    questionnaire = open_questionnaire(deployment)
    page, keys = f"{questionnaire.base}principles/1/", questionnaire.pages[1]
    member = ProxiedBrowser(tally, deployment.proxy_port, "127.0.0.4")
    member.sign_in("martin.oduya@wessexvale.example")
    member.visit("questionnaire-page", page)
    deployment.execute("DELETE FROM django_session")
    typed = {"action": "continue"}
    for key in keys:
        typed[f"{key.replace('.', '-')}-level"] = "2"
        typed[f"{key.replace('.', '-')}-comment"] = "Typed as the session went."
    response, _ = member.visit("questionnaire-page", page, method="POST", data=typed, expect=(302,))
    if "/sign-in/" not in (response.getheader("Location") or ""):
        tally.errors.append("a save after the session was deleted did not ask to sign in")
    member.sign_in("martin.oduya@wessexvale.example")
    _, content = member.visit("questionnaire-page", page)
    shown = content.count(b"Typed as the session went.") == len(keys)
    levels = content.count(b'value="2" checked') == len(keys)
    if not (shown and levels):
        tally.errors.append("what was typed as the session was deleted was not shown back")
    tally.kept = f"kept={len(keys) * 2} shown={'yes' if shown and levels else 'no'}"


def retention_runs(deployment: Deployment, tally: Tally) -> None:
    """The retention schedule under production settings: the daily run waits for the
    worker, and a run now deletes what is due (nothing of today's quarter) and is audited."""
    deployment.manage("apply_retention", "--schedule")
    waiting = deployment.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult"
        " WHERE task_path = 'assessments.privacy.retention.retention_daily' AND status = 'READY'"
    )[0][0]
    printed = deployment.manage("apply_retention").strip()
    audited = deployment.query(
        "SELECT count(*) FROM core_auditevent WHERE action = 'retention.applied'"
    )[0][0]
    if waiting != 1 or not audited or "responses=0" not in printed:
        tally.errors.append(f"retention: waiting={waiting} audited={audited} run={printed}")
    tally.retention = f"waiting={waiting} {printed}"


def worker_killed_mid_saves(deployment: Deployment, tally: Tally, slug: str) -> None:
    """SIGKILLs one of server A's gunicorn workers while ZZA's board members save pages at
    once. Every page must then be wholly saved or wholly absent, and each member carries on:
    a page whose save was cut off saves on the next try."""
    query, port = deployment.query, deployment.ports[0]
    emails = [
        email
        for (email,) in query(
            "SELECT u.email FROM trusts_user u JOIN trusts_membership m ON m.user_id = u.id"
            " JOIN trusts_trust t ON t.id = m.trust_id"
            " WHERE t.ods_code = 'ZZA' AND m.role = 'board_member' AND NOT u.is_staff"
            " AND NOT u.is_programme_staff AND NOT EXISTS (SELECT 1 FROM trusts_membership c"
            " WHERE c.user_id = u.id AND c.role = 'coordinator') ORDER BY u.email"
        )
    ]
    keys = query(
        "SELECT p.number, q.key FROM principles_question q"
        " JOIN principles_principle p ON p.id = q.principle_id"
        " JOIN assessments_cycle c ON c.framework_id = q.framework_id"
        " JOIN assessments_assessment a ON a.cycle_id = c.id"
        " JOIN trusts_trust t ON t.id = a.trust_id"
        " WHERE t.ods_code = 'ZZA' AND a.status = 'open' ORDER BY p.number",
    )
    pages = {number: [key for n, key in keys if n == number] for number, _ in keys}
    base = f"/trusts/ZZA/assessments/{slug}/questionnaire/principles/"
    members = []
    for email in emails:
        member = Browser(tally, port)
        member.sign_in(email)
        members.append(member)

    def answers(number):
        data = {"action": "continue"}
        for key in pages[number]:
            data[f"{key.replace('.', '-')}-level"] = "4"
            data[f"{key.replace('.', '-')}-comment"] = f"Said during a fault on {key}."
        return data

    unsaved: list[tuple[Browser, int]] = []

    def save_all(member):
        for number in pages:
            try:
                response, _ = member.request("POST", f"{base}{number}/", answers(number))
                if response.status != 302 or "/questionnaire/" not in response.getheader(
                    "Location", ""
                ):
                    unsaved.append((member, number))
            except (OSError, http.client.HTTPException):  # the worker died under it
                unsaved.append((member, number))

    threads = [threading.Thread(target=save_all, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    master = deployment.processes[0].pid
    workers = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent_of(entry) == master
    ]
    if workers:
        os.kill(workers[0], signal.SIGKILL)
    else:
        tally.errors.append("fault: no gunicorn worker found to kill")
    for thread in threads:
        thread.join()
    for number, count in query(
        "SELECT p.number, count(*) FROM assessments_answer an"
        " JOIN assessments_response r ON r.id = an.response_id"
        " JOIN assessments_assessment a ON a.id = r.assessment_id"
        " JOIN trusts_trust t ON t.id = a.trust_id"
        " JOIN principles_question q ON q.id = an.question_id"
        " JOIN principles_principle p ON p.id = q.principle_id"
        " WHERE t.ods_code = 'ZZA' AND a.status = 'open'"
        " GROUP BY r.id, p.number",
    ):
        if count != len(pages[number]):
            tally.errors.append(f"fault: principle {number} half saved ({count} answers)")
    for member, number in unsaved:  # they press save again
        member.visit(
            "questionnaire-page",
            f"{base}{number}/",
            method="POST",
            data=answers(number),
            expect=(302,),
        )
    ((stored,),) = query(
        "SELECT count(*) FROM assessments_answer an"
        " JOIN assessments_response r ON r.id = an.response_id"
        " JOIN assessments_assessment a ON a.id = r.assessment_id"
        " JOIN trusts_trust t ON t.id = a.trust_id WHERE t.ods_code = 'ZZA' AND a.status = 'open'"
    )
    if stored != len(members) * len(keys):
        tally.errors.append(f"fault: {stored} answers stored, {len(members) * len(keys)} sent")
    tally.faults = f"killed={len(workers[:1])} retried={len(unsaved)} stored={stored}"


def _parent_of(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def position_evidence_through_the_proxy(
    deployment: Deployment, lead: Browser, tally: Tally, cycle: str, number: int
) -> None:
    """A PDF attached to the board's agreed position through the real proxy comes back
    byte for byte; one over 5 MB (within the proxy's 8 MB) gets the service's own error,
    one over 8 MB the proxy's own page saying the file is too large."""
    import io

    import pikepdf

    ((principle,),) = deployment.query(
        "SELECT p.number FROM assessments_agreedposition ap"
        " JOIN principles_principle p ON p.id = ap.principle_id"
        " JOIN assessments_assessment a ON a.id = ap.assessment_id"
        " JOIN trusts_trust t ON t.id = a.trust_id"
        " JOIN assessments_cycle c ON c.id = a.cycle_id"
        " WHERE t.ods_code = 'ZZA' AND c.year * 10 + c.quarter = %s ORDER BY p.number LIMIT 1",
        number,
    )
    browser = ProxiedBrowser(tally, deployment.proxy_port, "127.0.0.7")
    browser.cookies = lead.cookies
    page = f"/trusts/ZZA/assessments/{cycle}/positions/{principle}/evidence/"
    browser.visit("assessment-position-evidence", page)
    document, out = pikepdf.new(), io.BytesIO()
    document.add_blank_page()
    document.save(out)
    pdf = out.getvalue()
    added = {"form": "add", "title": "Smoke evidence", "url": ""}
    browser.visit(
        "assessment-position-evidence",
        page,
        method="POST",
        data=added,
        files={"pdf": ("evidence.pdf", pdf)},
        expect=(302,),
    )
    ((evidence,),) = deployment.query(
        "SELECT id FROM assessments_positionevidence WHERE title = 'Smoke evidence'"
    )
    download = f"/trusts/ZZA/assessments/{cycle}/paper/evidence/{evidence}.pdf"
    _, content = browser.visit("position-evidence-pdf", download)
    if content != pdf:
        tally.errors.append(f"GET {download}: the PDF did not come back as it was sent")
    large = pdf + b"%" + b"0" * (6 * 1024 * 1024)
    _, refused = browser.visit(
        "assessment-position-evidence",
        page,
        method="POST",
        data=added,
        files={"pdf": ("large.pdf", large)},
    )
    if b"The selected file must be smaller than 5 MB" not in refused:
        tally.errors.append(f"POST {page}: a 6 MB PDF was not refused with the service's error")
    # Above the proxy's 8 MB, nginx refuses it itself, with the guide's static page.
    huge = pdf + b"%" + b"0" * (9 * 1024 * 1024)
    response, refused = browser.request("POST", page, added, {"pdf": ("huge.pdf", huge)})
    if response.status != 413 or b"The file is too large" not in refused:
        tally.errors.append(f"POST {page}: a 9 MB PDF did not get the proxy's page for it")


def exports(browser: Browser, assessment: str, *, expect) -> None:
    for level in ("principles", "questions"):
        for extension in ("csv", "xlsx"):
            browser.visit("paper-export", f"{assessment}export/{level}.{extension}", expect=expect)


def frozen_by_worker(deployment: Deployment, ods_code: str, cycle_number: int) -> None:
    wait_for(
        lambda: deployment.query(
            "SELECT 1 FROM reports_frozenpaper f JOIN assessments_assessment a"
            " ON a.id = f.assessment_id JOIN trusts_trust t ON t.id = a.trust_id"
            " JOIN assessments_cycle c ON c.id = a.cycle_id"
            " WHERE t.ods_code = %s AND c.year * 10 + c.quarter = %s",
            ods_code,
            cycle_number,
        ),
        "the worker to freeze the paper",
    )


def the_api_through_the_proxy(deployment: Deployment, tally: Tally) -> None:
    """Every API address through the real proxy with tokens made by the command, then
    schemathesis, a client nobody here wrote, against the OpenAPI document. Schemathesis
    talks to an app server as the proxy would (nginx itself refuses TRACE with a 405 that
    has no Allow header, which schemathesis rightly reports; that answer is not ours)."""
    ((quarter,),) = deployment.query(
        "SELECT max(year * 10 + quarter) FROM assessments_cycle"
        " WHERE id IN (SELECT cycle_id FROM assessments_assessment WHERE status = 'closed')"
    )
    cycle = f"{quarter // 10}-{(quarter // 10 + 1) % 100:02d}-q{quarter % 10}"
    api = "/api/v1"
    reader = ProxiedBrowser(tally, deployment.proxy_port, "127.0.0.5")
    reader.visit("reference", f"{api}/")
    reader.visit("openapi-json", f"{api}/openapi.json")
    reader.visit("quarters", f"{api}/quarters", expect=(401,))  # no token
    token = deployment.manage(
        "api_token", "--user", "programme@quarterdeck.example", "--name", "Smoke"
    ).split()[-1]
    reader.headers = {"Authorization": f"Bearer {token}"}
    reader.visit("trusts", f"{api}/trusts")
    reader.visit("trust", f"{api}/trusts/ZZA")
    reader.visit("trust_trend", f"{api}/trusts/ZZA/trend")
    reader.visit("quarters", f"{api}/quarters")
    reader.visit("completion", f"{api}/quarters/{cycle}/completion")
    reader.visit("early_warning", f"{api}/quarters/{cycle}/early-warning")
    response, _ = reader.visit("results", f"{api}/quarters/{cycle}/results")
    reader.headers["If-None-Match"] = response.getheader("ETag", "")
    reader.visit("results", f"{api}/quarters/{cycle}/results", expect=(304,))
    reader.headers = {"Authorization": f"Bearer {token}", "Accept": "text/csv"}
    reader.visit("results", f"{api}/quarters/{cycle}/results")
    lead = deployment.manage("api_token", "--user", "priya.shah@wessexvale.example").split()[-1]
    reader.headers = {"Authorization": f"Bearer {lead}"}
    reader.visit("early_warning", f"{api}/quarters/{cycle}/early-warning", expect=(403,))
    reader.visit("trust", f"{api}/trusts/ZZB", expect=(404,))  # another trust

    run = subprocess.run(
        [
            str(Path(PYTHON).with_name("schemathesis")),
            "run",
            f"http://localhost:{deployment.ports[1]}{api}/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--header",
            "X-Forwarded-Proto: https",
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    tested = re.search(r"Tested: (\d+)", run.stdout)
    cases = re.search(r"(\d+) generated", run.stdout)
    tally.schemathesis = (
        f"operations={tested.group(1) if tested else '?'} "
        f"cases={cases.group(1) if cases else '?'} "
        f"{'failures=0' if run.returncode == 0 else f'failed (exit {run.returncode})'}"
    )
    if run.returncode:
        tally.errors.append(f"schemathesis found failures:\n{run.stdout[-6000:]}")


def main() -> int:
    names = route_names()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="quarterdeck-smoke-") as folder:
        deployment = Deployment(Path(folder))
        try:
            deployment.start()
            journey(deployment, tally)
            lockouts_through_the_proxy(deployment, tally)
            # After the lockouts, which count every address's failed sign-ins: a refused
            # single sign-on is one too.
            single_sign_on_through_the_proxy(deployment, tally)
            typed_input_survives_a_lost_session(deployment, tally)
            retention_runs(deployment, tally)
            the_api_through_the_proxy(deployment, tally)
        except SystemExit as stopped:  # a step that could not go on: still report the rest
            tally.errors.append(str(stopped))
        finally:
            deployment.stop()
            log = Path(folder) / "servers.log"
            server_errors = (
                [line for line in log.read_text().splitlines() if '"status": 5' in line]
                if log.exists()
                else []
            )
    tally.errors.extend(f"server logged: {line}" for line in server_errors)
    missing = sorted(names - tally.visited)
    tally.errors.extend(f"not visited: {name} (add it to scripts/smoke.py)" for name in missing)
    for error in tally.errors:
        print(f"ERROR {error}")
    print(f"fault: {tally.faults}")
    print(f"lockouts: {tally.lockouts}")
    print(f"single sign-on: {tally.single_sign_on}")
    print(f"session lost: {tally.kept}")
    print(f"retention: {tally.retention}")
    print(f"schemathesis: {tally.schemathesis}")
    print(f"smoke: pages={tally.pages} downloads={tally.downloads} errors={len(tally.errors)}")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
