from django.conf import settings
from django.db import models

from assessments.models import Assessment


class FrozenPaper(models.Model):
    """The published PDF and Word file of a closed assessment, with a fingerprint of the
    figures they show.

    Downloads serve this file; it is made again only when the fingerprint of the data no
    longer matches (after a reopen and a changed answer, say).
    """

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="frozen_paper"
    )
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField(blank=True, default=b"")
    docx = models.BinaryField(blank=True, default=b"")  # made on first download
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Board paper for {self.assessment}"


class BulkExport(models.Model):
    """Every closed board paper of a quarter, made by background workers into one ZIP."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Making papers"
        ZIPPING = "zipping", "Putting the ZIP together"
        DONE = "done", "Ready"

    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField()
    zip_file = models.FileField(upload_to="exports/", blank=True)

    def __str__(self) -> str:
        return f"Board papers for {self.cycle}"


class BulkExportItem(models.Model):
    """One trust's paper in a bulk export: made, or the reason it could not be. One row
    per paper, so a task that runs twice is still counted once."""

    export = models.ForeignKey(BulkExport, on_delete=models.CASCADE, related_name="items")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["export", "assessment"], name="bulk_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.export}: {self.assessment}"
