"""How far a board member has got through the questionnaire, principle by principle; the
words for one of their answers; and, once the quarter has closed, their own mirror."""

from dataclasses import dataclass

from assessments.results import rules
from assessments.results.disclosure import Standing
from assessments.results.presenters import in_words
from assessments.results.released import evidence_column
from principles.models import LEVEL_LABELS, Principle


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


def level_words(score: int | None, dont_know: bool) -> str:
    if dont_know:
        return "Don't know"
    return f"{score} – {LEVEL_LABELS[score]}" if score else "No level chosen"


# A board member's own mirror, once the quarter has closed: their answers beside the
# board's published scores. Only they see it; it shows no figure the paper does not.

NOT_ANSWERED = "Not answered"
NOT_KEPT = "No longer kept"


@dataclass(frozen=True)
class MirrorQuestion:
    text: str
    yours: str  # "4 – Established", "Don't know" or "Not answered"
    board: str  # the published mean as the paper prints it, or "–"
    evidence: tuple[str, str] | None = None  # the evidence they added: (title, link)


@dataclass(frozen=True)
class MirrorPrinciple:
    number: int
    title: str
    board: str  # the board's published score for the principle, or "–"
    questions: tuple[MirrorQuestion, ...]


@dataclass(frozen=True)
class Mirror:
    principles: tuple[MirrorPrinciple, ...]
    shown: bool  # the board's figures are published: enough members submitted
    standing: str  # how the member's answers stand against them (disclosure.Standing)

    @property
    def note(self) -> str:
        """What the member needs to know to read their answers beside the board's."""
        if not self.shown:
            return (
                "Too few board members submitted for the board's scores to be published, so "
                "only your own answers are shown."
            )
        return {
            "not counted": (
                "You had not submitted your answers when the results were published, so the "
                "board's scores do not include them."
            ),
            "changed": (
                "Your answers have changed since the results were published: the board's "
                "scores include them as they were then."
            ),
            "not kept": (
                "Individual answers to this quarter are no longer kept: they are deleted once "
                "they have been kept as long as the privacy notice says. Only the board's "
                "scores are left."
            ),
        }.get(self.standing, "")


def mirror(principles, answers: dict, results, *, standing: str) -> Mirror:
    """Each principle and question with the member's own answer (``answers`` by question
    id) and the board's published figure (``results``: the summary rows, which hold only
    what the release published), printed by the paper's one rounding."""
    by_principle = {result.principle_id: result for result in results}
    shown = any(rules.figures_shown(result.respondents) for result in results)
    rows = []
    for principle in principles:
        result = by_principle.get(principle.pk)
        visible = result is not None and rules.figures_shown(result.respondents)
        means = result.means if visible else {}
        rows.append(
            MirrorPrinciple(
                number=principle.number,
                title=principle.title,
                board=rules.shown(result.score if visible else None),
                questions=tuple(
                    MirrorQuestion(
                        text=question.text,
                        yours=NOT_KEPT
                        if standing == Standing.NOT_KEPT
                        else _yours(answers.get(question.pk)),
                        board=rules.shown(means.get(question.key)),
                        evidence=None
                        if standing == Standing.NOT_KEPT
                        else _evidence(answers.get(question.pk)),
                    )
                    for question in principle.questions.all()
                ),
            )
        )
    return Mirror(tuple(rows), shown, standing)


def _evidence(answer) -> tuple[str, str] | None:
    """The evidence the member added, (title, link), by the rule the paper publishes it by
    (evidence_column), as the check page shows it."""
    shown = answer and evidence_column(answer.evidence_title, answer.evidence_url)
    return tuple(shown) if shown else None


def _yours(answer) -> str:
    if answer is None or not (answer.dont_know or answer.score):
        return NOT_ANSWERED
    return level_words(answer.score, answer.dont_know)
