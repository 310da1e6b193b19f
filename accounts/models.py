import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kept(models.QuerySet):
    """Rows kept for a while after ``created``: the model says how long (``keep_for``)."""

    def _oldest(self, now=None) -> datetime.datetime:
        return (now or timezone.now()) - self.model.keep_for()

    def current(self, now=None):
        return self.filter(**{f"{self.model.KEPT_FROM}__gte": self._oldest(now)})

    def expired(self, now=None):
        return self.filter(**{f"{self.model.KEPT_FROM}__lt": self._oldest(now)})


class KeptInput(models.Model):
    """What a person sent from a page after their session had ended, sealed (encrypted and
    signed, accounts.keeping) and kept for them alone to check and save once they have
    signed in again. Kept for settings.KEPT_INPUT_HOURS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    sealed = models.TextField()
    kept_at = models.DateTimeField(auto_now=True)

    objects = Kept.as_manager()
    KEPT_FROM = "kept_at"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="kept_input_one_per_page"),
        ]

    def __str__(self) -> str:
        return f"Input kept at {self.kept_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def keep_for() -> datetime.timedelta:
        return datetime.timedelta(hours=settings.KEPT_INPUT_HOURS)


class BrowserKey(models.Model):
    """A random key a browser holds in a cookie once a person has signed in on it, so that
    a form it sends after their session ended, however it ended (signed out elsewhere, a
    password changed, the session store cleared, the secret key rotated), is kept for that
    person alone (accounts.keeping). Only the key's SHA-256 digest is stored. Deleted when
    the person signs out on that browser, and after settings.BROWSER_KEY_DAYS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Kept.as_manager()
    KEPT_FROM = "created_at"

    def __str__(self) -> str:
        return f"Browser signed in at {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def keep_for() -> datetime.timedelta:
        return datetime.timedelta(days=settings.BROWSER_KEY_DAYS)


class ApiToken(models.Model):
    """A person's key to the read-only API (reports.api), sent as ``Authorization: Bearer``.
    Only the SHA-256 digest of the token is stored: it is shown once, when made. Each use
    checks the person's roles as they are then (accounts.tokens.token_use), and counts the
    request in the current minute's window, in the row itself, so that the limit holds
    across every app server (docs/decisions/0039-api-tokens.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The rate limit: the minute the count is of, and how many requests it let through.
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class SignInTenant(models.Model):
    """A Microsoft Entra ID tenant (an organisation's directory) that may sign people in
    through the multi-tenant endpoint, and whom it may vouch for: the members of the trusts
    listed, of every trust (NHSmail's shared tenant), and programme staff. Kept by
    programme staff (docs/decisions/0043-many-tenants.md)."""

    tenant_id = models.CharField(max_length=36, unique=True)
    name = models.CharField(max_length=120)
    every_trust = models.BooleanField(default=False)
    programme_staff = models.BooleanField(default=False)
    # Whether its IT team has said its Conditional Access asks everyone signing in to
    # Quarterdeck for a second factor. Where not, coordinators, programme staff and
    # administrators are asked for Quarterdeck's own after signing in through it.
    asks_for_second_factor = models.BooleanField(default=False)
    trusts = models.ManyToManyField("trusts.Trust", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SignedInSession(models.Model):
    """One place a person is signed in: the session's key, the device in words (from its
    browser's user agent), how they signed in, and when they were last seen (written back
    at most once a minute). Listed on "Where you're signed in", where any one can be
    ended; deleted when the session is signed out or ended."""

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        ORGANISATION = "organisation", "Organisation's account"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    device = models.CharField(max_length=120)
    method = models.CharField(max_length=20, choices=Method.choices)
    tenant = models.ForeignKey(
        SignInTenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.device}, last seen {self.last_seen_at:%Y-%m-%d %H:%M}"
