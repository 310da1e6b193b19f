"""How far a board member has got through the questionnaire, principle by principle."""

from dataclasses import dataclass

from assessments.results.presenters import in_words
from principles.models import Principle


class PrincipleStatus:
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class PrincipleProgress:
    """How far one member has got with one principle's page: never seen by anyone else."""

    principle: Principle
    unanswered: tuple  # the page's questions with neither a level nor "don't know"
    started: bool  # anything saved on the page, even a comment alone

    @property
    def status(self) -> str:
        if not self.unanswered:
            return PrincipleStatus.COMPLETED
        return PrincipleStatus.IN_PROGRESS if self.started else PrincipleStatus.NOT_STARTED

    @property
    def unanswered_numbers(self) -> list[int]:
        """The unanswered questions' positions on the page (1, 2, 3), as the page shows them."""
        questions = list(self.principle.questions.all())
        return [questions.index(question) + 1 for question in self.unanswered]

    @property
    def unanswered_in_words(self) -> str:
        return in_words(self.unanswered_numbers)


def questionnaire_progress(principles, answers: dict) -> list[PrincipleProgress]:
    """Each principle's progress from the member's answers by question id."""
    progress = []
    for principle in principles:
        questions = list(principle.questions.all())
        saved = [answers[q.pk] for q in questions if q.pk in answers]
        progress.append(
            PrincipleProgress(
                principle=principle,
                unanswered=tuple(
                    q for q in questions if q.pk not in answers or not answers[q.pk].is_answered
                ),
                started=bool(saved),
            )
        )
    return progress


def first_unfinished(progress: list[PrincipleProgress]) -> PrincipleProgress | None:
    return next((item for item in progress if item.unanswered), None)
