"""Settings for Quarterdeck, read from the environment with safe local defaults.

QUARTERDECK_ENV=production switches on the production rules: a SECRET_KEY must be set,
DEBUG must be off, and cookies, HSTS and HTTPS redirects are hardened so that
``manage.py check --deploy`` is clean.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import proxy
from config.layers import LAYERS, room_template_dirs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("QUARTERDECK_ENV", "local")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (QUARTERDECK_ENV=production).")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
elif not SECRET_KEY:
    SECRET_KEY = "local-development-only-not-a-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A form refused for its CSRF token shows back what was sent (core.views.csrf_failure).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Our apps in the order data flows (config/layers.py): each imports only those before
    # it, and each adds its own actions to the people admin that trusts registers.
    *(app for app in LAYERS if app != "config"),
]

# What apps higher up do when a quarter closes (assessments.hooks): the published board
# paper is frozen by a task once the close commits.
ASSESSMENT_CLOSED_HOOKS = ["reports.paper.actions.paper_freeze_later"]
# What apps higher up keep of a published paper before answers leave its release (an
# erasure, the retention date): assessments.results.settling.
RELEASE_SETTLING_HOOKS = ["reports.paper.actions.papers_settle"]
# The models of apps above assessments, and of Django's own apps, in whose free text an
# erasure replaces the person's name and email address, with the path from each to its
# trust (None: every row). Their text and JSON columns are found from the model
# (core.erasure.text_fields; assessments.privacy.erasure; docs/data-map.md).
ERASURE_TEXTS = {"reports.CoverSheet": "assessment__trust", "admin.LogEntry": None}
# What apps higher up do once a person is erased (assessments.privacy.erasure): stored
# papers and ZIPs of their trusts, which may print their name, are made again on request.
PERSON_ERASED_HOOKS = ["reports.paper.actions.papers_forget"]
# The optional sections of the board paper's cover sheet (reports.models.CoverSection)
# that a trust has until its digital lead chooses its own set: the author's assurance
# rating, "alert, advise, assure", and the strategic objectives and Board Assurance
# Framework risks the paper relates to. The others (purpose with several ticked, session,
# approved by, version, Freedom of Information status, the six impacts) are offered too.
COVER_SHEET_SECTIONS = [
    "assurance_rating",
    "alert_advise_assure",
    "strategic_objectives",
    "baf_risks",
]
# What puts a form's field names and choice codes into words on a page that shows back
# what was typed (core.kept.typed_back): each takes [(name, value)] and returns a dict.
TYPED_INPUT_DESCRIBERS = ["assessments.questionnaire.forms.describe_typed"]

MIDDLEWARE = [
    # First, so that its one line per request (with the request id) covers everything.
    "core.middleware.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: signs out an idle session (keeping what was
    # typed), then sends a privileged password sign-in to its second factor.
    "accounts.middleware.IdleTimeout",
    "accounts.middleware.SecondFactor",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (SECURE_CSP), then Permissions-Policy and no-store caching.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.SecurityHeaders",
    # Turns a locked-out sign-in into the NHS.UK page that says when to try again.
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the exceptions of the view itself: a database that is locked or
    # too slow becomes a "nothing was saved, here is what you typed" page.
    "core.middleware.DatabaseBusy",
]

if PRODUCTION:
    # WhiteNoise serves the collected static files; locally runserver serves them.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", *room_template_dirs(BASE_DIR)],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trusts.context_processors.data_banner",
                "accounts.context_processors.session_timeout",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# How long one statement may wait for a lock, and run at all, before the database gives
# up, so a stuck save ends in a clear page (core.middleware.DatabaseBusy) while the
# browser still waits: the app server's threads are never cut short (config/gunicorn.py).
# 0 switches a limit off (for a long one-off command, say).
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Background workers write too. IMMEDIATE transactions take the write lock at the
    # start, so a transaction waits for another (up to the busy timeout) instead of failing
    # when it tries to upgrade a read to a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT_S", "10")),
            "transaction_mode": "IMMEDIATE",
        }
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DB_LOCK_TIMEOUT_MS} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Slow work (bulk board papers) goes through Django's tasks framework, stored in the
# database and run by `manage.py db_worker` processes (django-tasks-db).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "trusts.User"
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "quarter:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sign-in (docs/decisions/0017-sign-in.md). Password sign-in can be switched off where
# everyone signs in with their organisation's account.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", default=True)
# Single sign-on with OpenID Connect (Microsoft Entra ID, say), on when an issuer is set.
# Endpoints come from the issuer's discovery document; a person is matched by verified
# email to the account their invitation made, and never gets an account or a membership
# from signing in alone. Entra ID's multi-tenant endpoint,
# https://login.microsoftonline.com/organizations/v2.0, makes sign-in multi-tenant: each
# organisation's tenant then signs in only the people programme staff allowed it to
# (accounts.tenants, docs/decisions/0043-many-tenants.md).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
# The button's words: "Sign in with your NHS organisation's account", say.
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's account")
# Entra ID does not send email_verified: through the multi-tenant endpoint its optional
# claim xms_edov (the email domain's owner is verified) counts instead. A single-tenant
# registration whose tenant owns its email domains may switch this off (docs/deploy.md).
OIDC_REQUIRE_EMAIL_VERIFIED = env_bool("OIDC_REQUIRE_EMAIL_VERIFIED", default=True)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:sign-in"
SINGLE_SIGN_ON = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
if PRODUCTION and not (PASSWORD_SIGN_IN or SINGLE_SIGN_ON):
    raise ImproperlyConfigured("Set OIDC_ISSUER and OIDC_CLIENT_ID, or keep PASSWORD_SIGN_IN on.")

# A password reset link works once, for 24 hours.
PASSWORD_RESET_TIMEOUT = 24 * 3600

AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.sso.SingleSignOn",
]

# Two-factor authentication (TOTP with recovery codes) for coordinators, programme staff
# and administrators who sign in with a password; on in production. Board members may
# turn it on for themselves.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = "Quarterdeck"

# Throttling (django-axes), as the privacy and help pages state it: five failed sign-ins
# for one account lock that account, and fifty from one address lock that address, for
# fifteen minutes; each try while locked starts the wait again. The address is the
# client's own behind the proxy chain (config/proxy.py, core.addresses), never the
# proxy's, so one person's mistakes never lock out anyone else. A trust's whole board may
# sign in from one address (its network's), hence the address's higher limit.
AXES_HANDLER = "accounts.throttle.AccountAndAddressLimits"
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttle.locked_out"
AXES_USERNAME_CALLABLE = "accounts.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "email", "code"]
FORWARDED_ALLOW_IPS = proxy.FORWARDED_ALLOW_IPS
PROXY_COUNT = proxy.PROXY_COUNT

# Uploads: the only files anyone sends are evidence PDFs of at most 5 MB
# (assessments.EVIDENCE_PDF_MAX_BYTES), refused above it before they are read. A file up to
# 6 MB is held in memory; a larger one (up to the 8 MB body the proxy lets through; it
# refuses anything bigger itself, docs/deploy.md) is written to a temporary file on the
# app server's disk while the request runs, and Django deletes it when the request ends.
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Sessions: signed out after SESSION_IDLE_MINUTES without a request (sliding); what a
# form sent after that is kept for the same person to save after signing in again. The
# session itself lives longer, so that the person can still be recognised.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
KEPT_INPUT_HOURS = 24
# A session can also end without the idle clock: signed out elsewhere, a password changed,
# the session store cleared, the secret key rotated. The browser's own key (a cookie, a
# random value whose digest the database holds) still says whose form it sent, so that
# form is kept for them too. A week covers a page left open over a weekend.
BROWSER_KEY_DAYS = 7
BROWSER_KEY_COOKIE = "quarterdeck_browser"
# API tokens (accounts.tokens): requests each token may make in a minute, counted in the
# database so that the limit holds across every app server.
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))
# The retention schedule (assessments.privacy.retention, run daily by the task worker; the privacy
# notice reads these figures). Individual answers go two years after their quarter closed
# (eight quarters: a board compares year on year, and a closed quarter can still be
# reopened to correct it); what was published stays, as aggregates. Sign-in records are
# for investigating an attack; an email's words are needed only while it may be resent;
# the audit trail is a record of how the board's quarters were run.
RETENTION = {
    "answers_years": int(os.environ.get("RETAIN_ANSWERS_YEARS", "2")),
    "sign_in_days": int(os.environ.get("RETAIN_SIGN_IN_DAYS", "90")),
    "email_words_days": int(os.environ.get("RETAIN_EMAIL_WORDS_DAYS", "30")),
    "email_days": int(os.environ.get("RETAIN_EMAIL_DAYS", "365")),
    "invitation_days": int(os.environ.get("RETAIN_INVITATION_DAYS", "365")),
    "task_days": int(os.environ.get("RETAIN_TASK_DAYS", "30")),
    "audit_years": int(os.environ.get("RETAIN_AUDIT_YEARS", "6")),
}
RETENTION_HOUR = 2  # the daily run, at 02:00 London time

# Earlier secret keys still accepted for signatures (comma-separated): put the old key here
# when rotating, and nobody is signed out (docs/deploy.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Generated files (bulk ZIPs) live in the database, so every app server behind it can
    # serve them (docs/decisions/0014-production.md). FILE_STORAGE_BACKEND names another
    # Django storage, such as django-storages' S3 backend, configured by its own settings.
    "default": {"BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "core.storage.DatabaseStorage")},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG


def mailer_from_environment() -> dict:
    """One mailer: SMTP in production, the console locally; EMAIL_BACKEND picks another
    (for example django.core.mail.backends.filebased.EmailBackend with EMAIL_FILE_PATH)."""
    backend = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend",
    )
    options: dict = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            # A mail server that does not answer must not hold a worker for long.
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_environment()}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Quarterdeck <quarterdeck@localhost>")
# Minutes between attempts to deliver an email after the first fails; when they run out
# the email is marked as not sent, and the page about it says so (core.mail).
EMAIL_RETRY_MINUTES = [int(m) for m in env_list("EMAIL_RETRY_MINUTES", "1,5,30,120")]

# Who runs this Quarterdeck service, and where people write to it: named in the privacy
# notice, the accessibility statement and the help page.
SERVICE_OWNER = os.environ.get("SERVICE_OWNER", "the organisation that runs this service")
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "quarterdeck-support@localhost")
# Who hosts and runs the service for the controller (the processor), named in the privacy
# notice; data is stored and processed only in the United Kingdom (docs/data-map.md).
SERVICE_PROCESSOR = os.environ.get(
    "SERVICE_PROCESSOR", "the hosting supplier named in the data processing agreement"
)

# The smallest number of submitted responses before any aggregate is shown
# (docs/architecture.md, "Where each rule lives"; decision 0006).
MIN_RESPONSES = int(os.environ.get("MIN_RESPONSES", "3"))
# Whether each published quarter's open data is served to anyone, without signing in, at
# /open-data/ (reports.opendata; decision 0041). Off unless asked for: `make run` turns it on.
OPEN_DATA = env_bool("OPEN_DATA", default=False)
# How long an invitation link works, and how many days before close reminders start.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
REMINDER_DAYS_BEFORE_CLOSE = int(os.environ.get("REMINDER_DAYS_BEFORE_CLOSE", "7"))
# The address people use to reach the app, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Content-Security-Policy: our own files only; the two inline scripts carry the nonce.
# NHS.UK frontend's stylesheet loads the Frutiger font from assets.nhs.uk. Forms may also
# lead to the single sign-on provider (signing out there; with many tenants, at the
# person's own tenant, on the same host as the multi-tenant endpoint).
_SIGN_ON_ORIGIN = "/".join(OIDC_ISSUER.split("/")[:3]) if OIDC_ISSUER else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "https://assets.nhs.uk"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *([_SIGN_ON_ORIGIN] if _SIGN_ON_ORIGIN else [])],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Browser features the service never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One JSON object per line in production (for a log shipper), plain text locally. Every
# line carries the request id; none carries a name, an email address or a raw URL
# (core.logs).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {
            "()": "core.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its warnings matter.
    "loggers": {
        # Our request line (core.middleware.RequestLog) records every status; Django's own
        # 4xx warnings would add raw paths, which can hold an invitation's token.
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        # django-axes reports every attempt at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
