"""The board paper's later sections: the action log as it stood, what the next level
looks like for each priority, and the appendix of every question's answers."""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from assessments.quarter.presenters import CHOSEN_BY_THE_BOARD, rag_shown
from assessments.results import rules, scoring
from assessments.results.presenters import one_decimal
from principles.models import LEVEL_LABELS, LEVELS
from reports.paper.selectors import PaperInputs


@dataclass(frozen=True)
class ActionEntry:
    title: str
    principle_number: int
    owner: str
    due: str  # "12 March 2027"
    status: str
    rag: str
    rag_tag: str
    notes: str
    completed: str
    rag_note: str = ""  # "the board's choice" where the board chose it, not worked out


@dataclass(frozen=True)
class ActionLog:
    overdue: tuple[ActionEntry, ...]
    open: tuple[ActionEntry, ...]
    finished: tuple[ActionEntry, ...]  # done or dropped since this quarter opened
    as_at: str

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.open or self.finished)


AGREEMENT_WORDS = {
    rules.Agreement.DIFFER: "views differ",
    rules.Agreement.AGREE: "",
    rules.Agreement.TOO_FEW: "too few scores to say",
}


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    counts: tuple[tuple[str, int], ...]  # (level label, how many chose it)
    dont_know: int
    n: int
    mean: str
    views_differ: bool
    agreement: str  # "views differ", "" or "too few scores to say"
    comments: tuple[str, ...]
    mean_value: Fraction | None = None
    evidence: tuple["MemberEvidence", ...] = ()  # members' evidence, published with comments


@dataclass(frozen=True)
class MemberEvidence:
    """A piece of evidence a board member added to an answer: no name, no date."""

    title: str
    url: str


@dataclass(frozen=True)
class AppendixSection:
    number: int
    title: str
    questions: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class NextLevelQuestion:
    question: str
    mean: str  # the question's score as printed
    level: int  # the next whole level above that score
    level_label: str
    descriptor: str  # the framework's own words for that level


@dataclass(frozen=True)
class NextLevel:
    """For a priority principle: what its lowest-scoring questions look like one level up,
    and what the board is already doing about it."""

    number: int
    title: str
    questions: tuple[NextLevelQuestion, ...]
    actions: tuple[str, ...]  # the open actions against the principle, in words


def long_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def action_log_of(inputs: PaperInputs) -> ActionLog:
    """The action log as the paper speaks for it: overdue first, then open, then what was
    finished since the quarter opened."""
    overdue, open_, finished = [], [], []
    opened = inputs.assessment.cycle.opens_on.isoformat()
    for action in inputs.actions:
        if action["completed_on"] and action["completed_on"] < opened:
            continue  # finished before this quarter: only "what followed" reaches back to it
        due = datetime.date.fromisoformat(action["due_date"])
        rag = rag_shown(status=action["status"], due=due, chosen=action["rag"], today=inputs.as_at)
        entry = ActionEntry(
            title=action["title"],
            principle_number=action["principle_number"],
            owner=action["owner"],
            due=long_date(due),
            status=action["status_label"],
            rag=rag.label,
            rag_tag=rag.tag,
            notes=action["notes"],
            completed=long_date(
                datetime.date.fromisoformat(action["completed_on"])
                if action["completed_on"]
                else None
            ),
            rag_note="" if rag.worked_out else CHOSEN_BY_THE_BOARD,
        )
        if action["completed_on"]:
            finished.append(entry)
        elif rules.action_overdue(status=action["status"], due=due, today=inputs.as_at):
            overdue.append(entry)
        else:
            open_.append(entry)
    return ActionLog(tuple(overdue), tuple(open_), tuple(finished), long_date(inputs.as_at))


NEXT_LEVEL_QUESTIONS = 2  # at most this many lowest-scoring questions per priority


def next_levels_of(inputs: PaperInputs, priorities, appendix) -> tuple[NextLevel, ...]:
    """What closing each priority's gap would look like: the level above the score of its
    lowest-scoring questions, described by the rubric, beside the actions already open."""
    sections = {section.number: section for section in appendix}
    principles = {principle.number: principle for principle in inputs.content.principles}
    steps = []
    for row in priorities:
        questions = zip(
            sections[row.number].questions, principles[row.number].questions.all(), strict=True
        )
        scored = [(shown, q) for shown, q in questions if shown.mean_value is not None]
        if not scored:
            continue
        lowest = min(shown.mean_value for shown, _ in scored)
        if lowest >= LEVELS[-1]:
            continue  # already at the top level: nothing above to describe
        level = int(lowest) + 1
        actions = tuple(
            f"{action['title']} ({action['owner']}, due {long_date(_day(action['due_date']))})"
            for action in inputs.actions
            if action["principle_number"] == row.number and not action["completed_on"]
        )
        lowest_questions = [pair for pair in scored if pair[0].mean_value == lowest]
        steps.append(
            NextLevel(
                number=row.number,
                title=row.title,
                questions=tuple(
                    NextLevelQuestion(
                        question=shown.text,
                        mean=shown.mean,
                        level=level,
                        level_label=LEVEL_LABELS[level],
                        descriptor=next(
                            (d.descriptor for d in question.levels.all() if d.level == level), ""
                        ),
                    )
                    for shown, question in lowest_questions[:NEXT_LEVEL_QUESTIONS]
                ),
                actions=actions,
            )
        )
    return tuple(steps)


def _day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def evidence_of(inputs: PaperInputs, question_id: int) -> tuple[MemberEvidence, ...]:
    """The members' evidence on a question in alphabetical order (by title, then link), so
    that, like the comments, its order says nothing about who added it or when."""
    items = sorted(
        inputs.evidence.get(question_id, ()),
        key=lambda item: (item[0].casefold(), item[0], item[1]),
    )
    return tuple(MemberEvidence(title=title, url=url) for title, url in items)


def appendix_of(inputs: PaperInputs) -> tuple[AppendixSection, ...]:
    sections = []
    for principle in inputs.content.principles:
        questions = []
        for question in principle.questions.all():
            answers = inputs.answers.get(question.pk, [])
            stats = scoring.question_stats(score for score, _ in answers)
            questions.append(
                QuestionRow(
                    key=question.key,
                    text=question.text,
                    counts=tuple((str(level), stats.counts[level - 1]) for level in LEVELS),
                    dont_know=stats.dont_know,
                    n=stats.n,
                    mean=one_decimal(stats.mean),
                    views_differ=stats.views_differ,
                    agreement=AGREEMENT_WORDS[stats.agreement],
                    mean_value=stats.mean,
                    # Sorted as a reader would (ignoring case), so their order says nothing
                    # about who wrote them or when.
                    comments=tuple(
                        sorted(
                            (comment for _, comment in answers if comment),
                            key=lambda text: (text.casefold(), text),
                        )
                    ),
                    evidence=evidence_of(inputs, question.pk),
                )
            )
        sections.append(AppendixSection(principle.number, principle.title, tuple(questions)))
    return tuple(sections)
