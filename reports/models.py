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
    # A cheap stamp of the data the paper was made from (reports.selectors.paper_inputs_key):
    # while it matches, a download serves the files without working out the paper again.
    inputs_key = models.CharField(max_length=64, blank=True, default="")
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


class CoverPurpose(models.TextChoices):
    DECISION = "decision", "For decision"
    ASSURANCE = "assurance", "For assurance"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


class CoverSheet(models.Model):
    """What an NHS board cover sheet says about the paper, entered once a quarter by the
    digital lead (starting from last quarter's) and shown on the cover of every format."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="cover_sheet"
    )
    meeting = models.CharField(max_length=150)
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True)
    executive_sponsor = models.CharField(max_length=150, blank=True)
    author = models.CharField(max_length=150, blank=True)
    purpose = models.CharField(max_length=12, choices=CoverPurpose, default=CoverPurpose.ASSURANCE)
    recommendation = models.TextField(blank=True, max_length=1000)
    previous_considerations = models.TextField(blank=True, max_length=1000)
    strategy_title = models.CharField(max_length=150, blank=True)
    strategy_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = (
        "meeting",
        "meeting_date",
        "agenda_item",
        "executive_sponsor",
        "author",
        "purpose",
        "recommendation",
        "previous_considerations",
        "strategy_title",
        "strategy_url",
    )
    # A new quarter's sheet starts from the last one, but never with its meeting.
    CARRIED_FORWARD = tuple(name for name in FIELDS if name not in {"meeting_date", "agenda_item"})

    def __str__(self) -> str:
        return f"Cover sheet for {self.assessment}"
