import datetime
import re
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from core.fields import FractionField, from_text, https_only
from principles.models import LEVEL_LABELS, Framework, Principle, Question
from trusts.models import SeatGroup, Trust

COMMENT_MAX_LENGTH = 2000
EVIDENCE_TITLE_MAX_LENGTH = 200
EVIDENCE_URL_MAX_LENGTH = 500
EVIDENCE_PDF_MAX_BYTES = 5 * 1024 * 1024  # 5 MB, stored with the paper
CYCLE_LABEL = re.compile(r"^\s*(?P<year>\d{4})/(?P<next>\d{2})\s*Q(?P<quarter>[1-4])\s*$", re.I)
CYCLE_SLUG = re.compile(r"^(?P<year>\d{4})-(?P<next>\d{2})-q(?P<quarter>[1-4])$")
# Quarters of the NHS financial year: (first month, calendar-year offset from April's year).
QUARTER_START = {1: (4, 0), 2: (7, 0), 3: (10, 0), 4: (1, 1)}


def quarter_dates(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    month, offset = QUARTER_START[quarter]
    start = datetime.date(year + offset, month, 1)
    following = datetime.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    """ "2026/27 Q3": the quarter as the NHS writes it."""
    return f"{year}/{(year + 1) % 100:02d} Q{quarter}"


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter) of the NHS financial year that ``day`` falls in."""
    if day.month >= 4:
        return day.year, (day.month - 4) // 3 + 1
    return day.year - 1, 4


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def parse_quarter(text: str, pattern: re.Pattern = CYCLE_LABEL) -> tuple[int, int] | None:
    """(year, quarter) from "2026/27 Q3" (or the slug "2026-27-q3"); None if malformed."""
    match = pattern.match(text)
    if not match:
        return None
    year = int(match["year"])
    if int(match["next"]) != (year + 1) % 100:
        return None
    return year, int(match["quarter"])


class Cycle(models.Model):
    """One quarter of the NHS financial year, run for every trust."""

    year = models.PositiveSmallIntegerField(help_text="The calendar year the financial year starts")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="cycle_one_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="cycle_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="cycle_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.quarter}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Not opened"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class QuarterState(models.TextChoices):
    """Where a trust's quarter has got, in the words every page uses for its
    questionnaire. Not stored: a reopened questionnaire is open, told apart by the
    reason it was reopened for."""

    NOT_OPENED = "draft", "Not opened"
    OPEN = "open", "Open"
    REOPENED = "reopened", "Open again"
    CLOSED = "closed", "Closed"


class Assessment(models.Model):
    """One trust in one cycle: on the pages, the trust's quarter and its questionnaire."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="assessments")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=10, choices=AssessmentStatus, default=AssessmentStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(
        blank=True, validators=[MaxLengthValidator(1000)], help_text="Why it was last reopened."
    )
    # When the digital lead reviewed the roadmap the last quarter agreed (RoadmapStep): the
    # first item on this quarter's checklist.
    roadmap_reviewed_at = models.DateTimeField(null=True, blank=True)
    action_log = models.JSONField(
        default=list,
        blank=True,
        help_text="The action log as it stood when the assessment closed, for its paper.",
    )
    # Set at close: the day the paper's "actions and what followed" counts from (when the
    # quarter it compares with first published its results, or this quarter's opening);
    # the action log kept at close reaches back to it.
    action_log_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-cycle__year", "-cycle__quarter", "trust__name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "cycle"], name="assessment_one_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.trust.name}, {self.cycle.label}"

    @property
    def is_open(self) -> bool:
        return self.status == AssessmentStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == AssessmentStatus.CLOSED

    @property
    def state(self) -> QuarterState:
        if self.is_open and self.reopen_reason:
            return QuarterState.REOPENED
        return QuarterState(self.status)


HALF_LEVELS = [(Decimal(n) / 2).quantize(Decimal("0.1")) for n in range(2, 11)]  # 1.0 ... 5.0


class Target(models.Model):
    """The level the board wants a principle to reach within a year."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    level = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        choices=[(level, f"{level}") for level in HALF_LEVELS],
    )

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "principle"], name="target_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="target_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: principle {self.principle.number} target {self.level}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Response(models.Model):
    """One board member's questionnaire in one assessment. Only they see its answers."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    seat_group = models.CharField(max_length=20, choices=SeatGroup)
    status = models.CharField(
        max_length=12, choices=ResponseStatus, default=ResponseStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="response_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.assessment}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    """One question's score (1 to 5) or "don't know", with an optional comment.

    A row with neither score nor "don't know" keeps a comment typed before choosing.
    """

    # What a member puts in: saved together, published together, copied out together.
    CONTENT = ("score", "dont_know", "comment", "evidence_title", "evidence_url")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    dont_know = models.BooleanField(default=False)
    comment = models.TextField(blank=True, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)])
    # Evidence behind the answer: a title and an https link, published with the comments.
    evidence_title = models.CharField(max_length=EVIDENCE_TITLE_MAX_LENGTH, blank=True)
    evidence_url = models.URLField(
        max_length=EVIDENCE_URL_MAX_LENGTH, blank=True, validators=[https_only]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(score__isnull=True)
                    | models.Q(score__gte=1, score__lte=5, dont_know=False)
                ),
                name="answer_score_1_to_5_or_dont_know",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.dont_know

    @property
    def score_label(self) -> str:
        return LEVEL_LABELS.get(self.score, "")


class PrincipleResult(models.Model):
    """The board's aggregate for one principle in one assessment, from its latest release.

    Written only when a release is published (assessments.results.disclosure), so reports and
    national comparisons read these rows, never the answers, and see nothing between
    releases. Stored whatever the number of responses; readers apply MIN_RESPONSES. Group
    scores are empty where the release may not show groups.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    respondents = models.PositiveSmallIntegerField()
    score = FractionField(null=True, help_text="Exact: the mean of its question means.")
    scores = models.PositiveIntegerField(
        default=0, help_text='How many scores (not "don\'t know") it rests on.'
    )
    views_differ = models.BooleanField()
    judged = models.BooleanField(
        default=True, help_text="Every question had enough scores to say whether views differ."
    )
    dont_know_share = FractionField(null=True)
    question_means = models.JSONField(
        default=dict, help_text='Exact mean by question key, as text ("29/14"), for trends.'
    )
    group_scores = models.JSONField(
        default=dict,
        help_text='By seat group: {"executive": {"respondents": 4, "score": "31/10"}, ...}.',
    )

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "principle"], name="result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: principle {self.principle.number}"

    @property
    def means(self) -> dict[str, Fraction | None]:
        return {key: from_text(value) for key, value in self.question_means.items()}

    def group_score(self, group: str) -> Fraction | None:
        return from_text(self.group_scores.get(group, {}).get("score"))


class OverallResult(models.Model):
    """The board's overall score in one assessment (the mean of its principle scores),
    written with the principle rows from the same release, so that a trend across every
    trust and quarter reads one row per assessment and the database can order them."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="overall_result"
    )
    respondents = models.PositiveSmallIntegerField()
    score = FractionField(null=True, help_text="Exact: the mean of the principle scores.")
    score_order = models.FloatField(
        null=True, help_text="The score as a float, only for the database to sort by."
    )
    # Worked out once, when the release is published, exactly as the board paper works out
    # its "since last quarter", so that the national view reads it for every trust without
    # reading anyone's answers (assessments.results.change). Null: not worked out yet (a
    # release published before this field; rebuild_results fills it).
    changes = models.JSONField(
        null=True,
        blank=True,
        help_text='Since the previous quarter with published figures: {"since": "2026/27 Q1", '
        '"assessment": id, "changes": {"1": {"change": "-2/5", "interval": ["-3/5", "-1/5"]}, '
        '…, "overall": {…}}}, exact fractions as text.',
    )

    def __str__(self) -> str:
        return f"{self.assessment}: overall"


class AgreedPosition(models.Model):
    """The board's own agreed level for a principle, recorded after it discussed the
    members' results, beside which the paper shows them."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="positions")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    level = models.DecimalField(
        max_digits=2, decimal_places=1, choices=[(level, f"{level}") for level in HALF_LEVELS]
    )
    rationale = models.TextField(validators=[MaxLengthValidator(1000)])
    # Dissent the board asked to have minuted, in words: no name unless that person asked.
    dissent = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    # The meeting it was agreed at is the paper's, on its cover sheet (reports.CoverSheet).
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "principle"], name="position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: principle {self.principle.number} agreed {self.level}"


class PositionEvidence(models.Model):
    """Evidence the digital lead attaches to an agreed position: a link (https), or a PDF
    kept here, with the paper, whose type was checked from its content."""

    position = models.ForeignKey(AgreedPosition, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=EVIDENCE_TITLE_MAX_LENGTH)
    url = models.URLField(max_length=EVIDENCE_URL_MAX_LENGTH, blank=True, validators=[https_only])
    pdf = models.BinaryField(blank=True, default=b"")
    pdf_name = models.CharField(max_length=200, blank=True)  # as uploaded, shown, never trusted
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.position}: evidence {self.title}"

    @property
    def is_pdf(self) -> bool:
        return not self.url


class RoadmapStep(models.Model):
    """The level the board plans to reach in a principle by one of the four quarters after
    the one it was agreed in (``step`` 1 is the next quarter): the roadmap to its target."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="roadmap")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    step = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    level = models.DecimalField(
        max_digits=2, decimal_places=1, choices=[(level, f"{level}") for level in HALF_LEVELS]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["principle__number", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "principle", "step"], name="roadmap_step_once"
            ),
            models.CheckConstraint(
                condition=models.Q(step__gte=1, step__lte=4), name="roadmap_step_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="roadmap_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: principle {self.principle.number} step {self.step} {self.level}"


class RoomVote(models.Model):
    """An anonymous show of levels in the board meeting, on one principle. Members vote
    from their phones while it is open; the screen shows only how many have. Closing it
    keeps the count, and how many chose each level only when at least the minimum group
    voted (then it is ``shown``, and no later vote on the principle is taken: two
    distributions a vote apart would tell the room how the later voter chose). Nothing
    links a level to a voter: while the vote is open its tally is sealed with the secret
    key (``sealed_tally``), so that someone reading the database as ballots arrive cannot
    match each new voter to the level that moved; ``counts`` is written only at close, and
    who voted (RoomVoter, to stop a second vote) is forgotten then."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="room_votes")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    voted = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # {"3": 4}: level -> ballots
    sealed_tally = models.TextField(blank=True, default="")  # the counts, sealed, while open
    shown = models.BooleanField(default=False)

    class Meta:
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(closed_at__isnull=True),
                name="room_vote_one_open_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["assessment", "principle"],
                condition=models.Q(shown=True),
                name="room_vote_shown_once_per_principle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: room vote on principle {self.principle.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoomVoter(models.Model):
    """Who has voted in an open room vote, so nobody votes twice; never what they chose.
    Deleted when the vote closes."""

    vote = models.ForeignKey(RoomVote, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="room_voter_once")]

    def __str__(self) -> str:
        return f"A voter in {self.vote}"


class MeetingAttendance(models.Model):
    """Who was at the board meeting that discussed a quarter, as counts by role: what the
    minutes extract prints. No names."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="attendance"
    )
    executives = models.PositiveSmallIntegerField(validators=[MaxValueValidator(99)])
    non_executives = models.PositiveSmallIntegerField(validators=[MaxValueValidator(99)])
    in_attendance = models.PositiveSmallIntegerField(validators=[MaxValueValidator(99)])
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Attendance at the meeting on {self.assessment}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class ActionRag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class BoardAction(models.Model):
    """An action the board agreed, kept by the digital lead and carried from quarter to
    quarter until it is done or dropped. It names a principle by number, which every
    framework version keeps."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="board_actions")
    # Checked against the published frameworks' principles by board_action_save.
    principle_number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=150)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus, default=ActionStatus.NOT_STARTED)
    # Blank: worked out from the due date and status each time it is shown (rules.action_rag).
    rag = models.CharField("RAG", max_length=5, choices=ActionRag, blank=True, default="")
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    completed_on = models.DateField(
        null=True, blank=True, help_text="When it was marked done or dropped."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class Reminder(models.Model):
    """A reminder emailed to a board member who had not submitted: at most one a day."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "member", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.member} on {self.sent_on}"


class Release(models.Model):
    """What an assessment's results were when they were last published: the submitted
    answers, the board as it was, and whether figures and group breakdowns could be shown.

    Every output (results page, paper, exports, national view) reads the latest release,
    never the live answers, so nothing changes between releases. ``assessments.results.disclosure``
    decides when a new release may be made (docs/decisions/0015-disclosure.md).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    board_size = models.PositiveSmallIntegerField()
    respondents = models.PositiveSmallIntegerField()
    figures_shown = models.BooleanField()
    groups_shown = models.BooleanField()
    # {response id: [seat group, digest of its answers]}: what changed since, without content.
    responses = models.JSONField(default=dict)
    # [[response id, seat group, question id, score, don't know, comment], ...]
    rows = models.JSONField(default=list)
    # Set when someone whose answers fed this release, or the paper that compares with it,
    # is erased (or their answers reach the retention date): the paper's figures as
    # published, kept as aggregates, so that its rows no longer need anyone's answers
    # (assessments.results.settling). {"answers": {question id: [score or null, ...]},
    # "changes": {principle number or "overall": [low, high] or null},
    # "comments_withdrawn": n}.
    settled = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="release_numbered"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: release {self.number}"

    @property
    def responses_fingerprints(self) -> dict[str, tuple[str, str]]:
        return {key: (group, digest) for key, (group, digest) in self.responses.items()}
