from django.db import models

LEVELS = (1, 2, 3, 4, 5)
LEVEL_LABELS = {
    1: "Not started",
    2: "Emerging",
    3: "Developing",
    4: "Established",
    5: "Leading",
}


class Framework(models.Model):
    """One version of the assessment content. A published version is never edited in
    place: answers refer to the exact wording that was shown."""

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    published = models.BooleanField(default=False)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the content as loaded, to detect changes."
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @classmethod
    def latest_published(cls) -> "Framework | None":
        """The version new quarters use by default."""
        return cls.objects.filter(published=True).order_by("-version").first()


class Principle(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    guidance = models.TextField()

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="principle_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Question(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(
        max_length=80, help_text="Stable across rewording, e.g. p5.in-house-team."
    )
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    help_text = models.TextField(blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The question of an earlier version that this one replaces.",
    )

    class Meta:
        ordering = ["principle__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="question_key_unique"),
            models.UniqueConstraint(fields=["principle", "order"], name="question_order_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class LevelDescriptor(models.Model):
    """What a trust at one level of the scale (1 to 5) looks like, for one question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=[(n, LEVEL_LABELS[n]) for n in LEVELS])
    descriptor = models.TextField()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="level_once_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} level {self.level}"
