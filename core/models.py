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
    action = models.CharField(max_length=60)
    trust = models.ForeignKey(
        "trusts.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
