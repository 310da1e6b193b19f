from django.conf import settings
from django.db import models


class KeptInput(models.Model):
    """What a person sent from a page after their session had ended, sealed (encrypted and
    signed, accounts.keeping) and kept for them alone to check and save once they have
    signed in again. Kept for settings.KEPT_INPUT_HOURS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    sealed = models.TextField()
    kept_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="kept_input_one_per_page"),
        ]

    def __str__(self) -> str:
        return f"Input kept at {self.kept_at:%Y-%m-%d %H:%M}"
