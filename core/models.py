from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing somebody did, written explicitly by an action function (never by a signal).

    ``detail`` holds what a reader needs to understand the event; it never holds an answer.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words, as they were named then ("Quarterdeck (seed_demo)" for the system):
    # the entry reads the same after the person's account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    # The trust's entries outlive the trust: its name and code are kept with each.
    trust = models.ForeignKey(
        "trusts.Trust",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    trust_name = models.CharField(max_length=200, blank=True)
    trust_code = models.CharField(max_length=5, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class StoredFile(models.Model):
    """A file kept in the database (core.storage.DatabaseStorage), so that every app
    server behind one database reads the same bulk ZIPs whatever its local disk holds."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Email(models.Model):
    """One email the app sends, delivered by a background task (core.mail).

    The row is written in the same transaction as the change that sends it, so a change
    never commits without its email, and a failed delivery is a record people can see
    instead of an error page. The body is cleared once delivery ends either way: it may
    hold a single-use link that should not outlive its purpose.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    to = models.EmailField()
    template = models.CharField(max_length=60)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    # What the email is about, as the audit names it ("assessments.assessment", "12").
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["about_type", "about_id"], name="email_about")]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
