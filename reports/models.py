from django.conf import settings
from django.db import models

from assessments.models import Assessment


class FrozenPaper(models.Model):
    """The published PDF and Word file of a closed assessment, with a fingerprint of the
    figures they show.

    Downloads serve this file; it is made again only when the fingerprint of the data no
    longer matches (after a reopen and a changed answer, say). The version its files print
    is the latest PaperVersion's, whose fingerprint it always has (reports.paper.actions).
    """

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="frozen_paper"
    )
    fingerprint = models.CharField(max_length=64)
    # A cheap stamp of the data the paper was made from (reports.paper.selectors.paper_inputs_key):
    # while it matches, a download serves the files without working out the paper again.
    inputs_key = models.CharField(max_length=64, blank=True, default="")
    pdf = models.BinaryField(blank=True, default=b"")
    docx = models.BinaryField(blank=True, default=b"")  # made on first download
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Board paper for {self.assessment}"


class PaperVersion(models.Model):
    """Each version of a closed quarter's paper, in order: a paper that changes after it
    was published (the board's position agreed at its meeting, a late answer) says so, and
    which version it is, rather than changing silently."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="paper_versions"
    )
    number = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=list, blank=True)  # what changed since the last, in words
    # A short digest of each part of the paper (reports.paper.versions.parts_of), kept on the
    # latest version only, to tell what the next one changes; {"forgotten": reason} once an
    # erasure or the end of the answers' keeping dropped them.
    parts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="paper_version_once")
        ]

    def __str__(self) -> str:
        return f"Board paper for {self.assessment}, version {self.number}"


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


class CoverPurposes(models.TextChoices):
    """A paper's purposes where the trust's cover sheet ticks several (CoverSection.PURPOSES)."""

    APPROVAL = "approval", "Approval"
    ASSURANCE = "assurance", "Assurance"
    DISCUSSION = "discussion", "Discussion"
    INFORMATION = "information", "Information"


class AssuranceRating(models.TextChoices):
    """The author's own rating of the assurance the paper gives (not the service's
    confidence in the board's answers, which the paper shows beside it)."""

    SUBSTANTIAL = "substantial", "Substantial"
    REASONABLE = "reasonable", "Reasonable"
    LIMITED = "limited", "Limited"
    NONE = "none", "No assurance"


class Session(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class FoiStatus(models.TextChoices):
    PUBLISHABLE = "publishable", "Can be published"
    EXEMPT = "exempt", "Exempt from publication"


class CoverSection(models.TextChoices):
    """The optional sections of a cover sheet: each trust switches on its own set once
    (CoverSheetConventions), starting from settings.COVER_SHEET_SECTIONS."""

    PURPOSES = (
        "purposes",
        "Purpose with several choices (approval, assurance, discussion, information)",
    )
    SESSION = "session", "Public or private session"
    APPROVED_BY = "approved_by", "Approved by"
    VERSION = "version", "Version"
    STRATEGIC_OBJECTIVES = "strategic_objectives", "Strategic objectives the paper relates to"
    BAF_RISKS = "baf_risks", "Board Assurance Framework risks the paper relates to"
    FOI = "foi", "Freedom of Information status"
    ASSURANCE_RATING = "assurance_rating", "The author's assurance rating, with its reason"
    ALERT_ADVISE_ASSURE = "alert_advise_assure", "Alert, advise, assure"
    IMPACT_QUALITY = "impact_quality", "Impact on quality and patient safety"
    IMPACT_EQUALITY = "impact_equality", "Impact on equality and health inequalities"
    IMPACT_FINANCE = "impact_finance", "Impact on finance"
    IMPACT_LEGAL = "impact_legal", "Legal and regulatory impact"
    IMPACT_INFORMATION_GOVERNANCE = (
        "impact_information_governance",
        "Impact on information governance",
    )
    IMPACT_SUSTAINABILITY = "impact_sustainability", "Impact on sustainability"


# The cover sheet's fields that each optional section adds to the form and the paper.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    CoverSection.PURPOSES: ("purposes",),
    CoverSection.SESSION: ("session",),
    CoverSection.APPROVED_BY: ("approved_by",),
    CoverSection.VERSION: ("version",),
    CoverSection.STRATEGIC_OBJECTIVES: ("strategic_objectives",),
    CoverSection.BAF_RISKS: ("baf_risks",),
    CoverSection.FOI: ("foi_status", "foi_reason"),
    CoverSection.ASSURANCE_RATING: ("assurance_rating", "assurance_reason"),
    CoverSection.ALERT_ADVISE_ASSURE: ("alert", "advise", "assure"),
    CoverSection.IMPACT_QUALITY: ("impact_quality",),
    CoverSection.IMPACT_EQUALITY: ("impact_equality",),
    CoverSection.IMPACT_FINANCE: ("impact_finance",),
    CoverSection.IMPACT_LEGAL: ("impact_legal",),
    CoverSection.IMPACT_INFORMATION_GOVERNANCE: ("impact_information_governance",),
    CoverSection.IMPACT_SUSTAINABILITY: ("impact_sustainability",),
}


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
    # The trust's optional sections (SECTION_FIELDS): kept when a section is switched off,
    # shown again when it is switched back on.
    purposes = models.JSONField(default=list, blank=True)  # CoverPurposes values
    session = models.CharField(max_length=7, choices=Session, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    version = models.CharField(max_length=20, blank=True)
    strategic_objectives = models.TextField(blank=True, max_length=500)
    baf_risks = models.TextField(blank=True, max_length=500)
    foi_status = models.CharField(max_length=11, choices=FoiStatus, blank=True)
    foi_reason = models.TextField(blank=True, max_length=500)
    assurance_rating = models.CharField(max_length=11, choices=AssuranceRating, blank=True)
    assurance_reason = models.TextField(blank=True, max_length=1000)
    alert = models.TextField(blank=True, max_length=1000)
    advise = models.TextField(blank=True, max_length=1000)
    assure = models.TextField(blank=True, max_length=1000)
    impact_quality = models.TextField(blank=True, max_length=500)
    impact_equality = models.TextField(blank=True, max_length=500)
    impact_finance = models.TextField(blank=True, max_length=500)
    impact_legal = models.TextField(blank=True, max_length=500)
    impact_information_governance = models.TextField(blank=True, max_length=500)
    impact_sustainability = models.TextField(blank=True, max_length=500)
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
        *(name for fields in SECTION_FIELDS.values() for name in fields),
    )
    # A new quarter's sheet starts from the last one, but never with its meeting.
    CARRIED_FORWARD = tuple(name for name in FIELDS if name not in {"meeting_date", "agenda_item"})

    def __str__(self) -> str:
        return f"Cover sheet for {self.assessment}"


class CoverSheetConventions(models.Model):
    """Which optional sections a trust's cover sheets have (CoverSection values), chosen
    once by its digital lead; a trust that has not chosen has settings.COVER_SHEET_SECTIONS."""

    trust = models.OneToOneField(
        "trusts.Trust", on_delete=models.CASCADE, related_name="cover_sheet_conventions"
    )
    sections = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cover sheet sections of {self.trust}"


class OpenDataRelease(models.Model):
    """A quarter's open data, published once by programme staff and never changed after:
    its stable addresses serve these rows as they were, so that two downloads never differ
    by a trust that closed in between (reports.opendata; decision 0041). Who published it
    is in the audit trail, not here."""

    cycle = models.OneToOneField(
        "assessments.Cycle", on_delete=models.PROTECT, related_name="open_data"
    )
    published_at = models.DateTimeField()
    # The rule as it stood at publication, for the words about it beside the figures.
    minimum_trusts = models.PositiveSmallIntegerField()
    # As published: [[name, meaning], ...], and one {name: value} a group, scores as text
    # to one place, None where withheld (reports.opendata.files).
    columns = models.JSONField()
    rows = models.JSONField()

    def __str__(self) -> str:
        return f"Open data for {self.cycle}"
