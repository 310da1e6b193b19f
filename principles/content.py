"""Framework content, read once per process.

A framework version's content is loaded from a data file and never edited in place once
published, so it can be kept in memory: the questionnaire does not read 24 questions and
120 level descriptors from the database on every page. The cache key includes the
fingerprint and load time, so reloaded (unpublished) content is read afresh.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Prefetch

from principles.models import Framework, LevelDescriptor, Principle, Question


@dataclass(frozen=True)
class FrameworkContent:
    principles: tuple[Principle, ...]

    def principle(self, number: int) -> Principle | None:
        return next((p for p in self.principles if p.number == number), None)

    @property
    def questions(self) -> list[Question]:
        return [question for principle in self.principles for question in principle.questions.all()]


def framework_content(framework: Framework) -> FrameworkContent:
    return _content(framework.pk, framework.fingerprint, framework.loaded_at)


@lru_cache(maxsize=32)
def _content(framework_id: int, fingerprint: str, loaded_at) -> FrameworkContent:
    principles = Principle.objects.filter(framework_id=framework_id).prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.order_by("order").prefetch_related(
                Prefetch("levels", queryset=LevelDescriptor.objects.order_by("level"))
            ),
        )
    )
    return FrameworkContent(principles=tuple(principles))


def forget_framework_content() -> None:
    _content.cache_clear()
