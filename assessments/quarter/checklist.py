"""The coordinator's quarter as an NHS.UK task list in three stages, in the order they
come: before the questionnaire opens, while it is open, after it closes. What each stage
offers follows the quarter's state (``Assessment.state``): a task is linked only when
following the link does something now, and a task that cannot be done yet says why.
Pure: the view counts the facts, this says what they mean."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from assessments.models import Assessment, QuarterState
from assessments.results.presenters import Submissions
from core.tasks import CANNOT_START_YET, Task


@dataclass(frozen=True)
class Stage:
    key: str  # unique on the page: the task list's id
    heading: str
    tasks: list[Task]
    now: bool  # the stage the quarter is in


@dataclass(frozen=True)
class QuarterFacts:
    """What the checklist is worked out from, counted by the view."""

    members: int
    waiting: int  # on the board and not submitted
    to_remind: int  # of those, not reminded today
    targets: int
    positions: int
    principles: int
    open_actions: int
    overdue_actions: int
    cover_sheet: bool
    answered: Submissions
    today: date
    # The trust's previous closed quarter has a roadmap: the quarter starts by reviewing it.
    roadmap_to_review: bool = False


def quarter_checklist(assessment: Assessment, facts: QuarterFacts) -> list[Stage]:
    state = assessment.state
    trust, slug = assessment.trust.ods_code, assessment.cycle.slug

    def on_this(name: str) -> str:
        return reverse(name, kwargs={"ods_code": trust, "cycle": slug})

    not_opened = state == QuarterState.NOT_OPENED
    closed = state == QuarterState.CLOSED
    running = not (not_opened or closed)
    return [
        Stage(
            "before",
            "Before the questionnaire opens",
            [
                *([_roadmap_review(assessment, on_this)] if facts.roadmap_to_review else []),
                _members(trust, facts),
                _targets(on_this, facts, closed),
                Task(
                    "Open the questionnaire",
                    on_this("quarter:assessment-open") if not_opened else "",
                    f"Opened {assessment.opened_at:%-d %B %Y}"
                    if assessment.opened_at
                    else "Not opened",
                    done=not not_opened,
                    colour="white",
                    hint="We email every board member a link to it.",
                ),
            ],
            now=not_opened,
        ),
        Stage(
            "open",
            "While the questionnaire is open again"
            if state == QuarterState.REOPENED
            else "While the questionnaire is open",
            _while_open(assessment, on_this, facts, state),
            now=running,
        ),
        Stage(
            "after",
            "After the questionnaire closes",
            _after_close(on_this, trust, facts, state),
            now=closed,
        ),
    ]


def next_task(stages: list[Stage]) -> Task | None:
    """The first thing to do now: the first unfinished task that can be done, in the
    stage the quarter is in, else in a later one."""
    now = next(i for i, stage in enumerate(stages) if stage.now)
    for stage in stages[now:]:
        for task in stage.tasks:
            if task.href and not task.done and not task.cannot_start:
                return task
    return None


def _roadmap_review(assessment: Assessment, on_this) -> Task:
    reviewed = assessment.roadmap_reviewed_at
    return Task(
        "Review the roadmap",
        on_this("quarter:assessment-roadmap-review"),
        f"Reviewed {reviewed:%-d %B %Y}" if reviewed else "Not started",
        done=bool(reviewed),
        colour="white",
        hint="Last quarter's roadmap to the targets, with what has happened since.",
    )


def _members(trust: str, facts: QuarterFacts) -> Task:
    return Task(
        "Board members",
        reverse("trusts:board-people", kwargs={"ods_code": trust}),
        f"{facts.members} on the board" if facts.members else "Nobody yet",
        done=bool(facts.members),
        colour="red",
    )


def _targets(on_this, facts: QuarterFacts, closed: bool) -> Task:
    all_set = facts.targets == facts.principles
    return Task(
        "Set the board's targets",
        on_this("quarter:assessment-targets") if not closed else "",
        "Completed" if all_set else f"{facts.targets} of {facts.principles} set",
        done=all_set,
        colour="blue" if facts.targets else "white",
        hint="Fixed once the questionnaire has closed." if closed else "",
    )


def _while_open(assessment: Assessment, on_this, facts: QuarterFacts, state) -> list[Task]:
    if state == QuarterState.NOT_OPENED:
        why = "Once the questionnaire is open."
        return [
            Task("Who has answered", "", CANNOT_START_YET, hint=why),
            Task("Remind those who have not answered", "", CANNOT_START_YET, hint=why),
            Task("Close the questionnaire", "", CANNOT_START_YET, hint=why),
        ]
    who = Task(
        "Who has answered",
        "#who-has-answered",
        facts.answered.short,
        done=state == QuarterState.CLOSED or not facts.waiting,
        colour="blue",
        hint=facts.answered.words,
    )
    if state == QuarterState.CLOSED:
        # Nobody can be reminded of a closed questionnaire: the stage is history.
        when = f" {assessment.closed_at:%-d %B %Y}" if assessment.closed_at else ""
        return [who, Task("Close the questionnaire", "", f"Closed{when}", done=True)]
    return [
        who,
        Task(
            "Remind those who have not answered",
            on_this("quarter:assessment-remind") if facts.to_remind else "",
            remind_status(facts),
            done=not facts.to_remind,
            colour="blue",
            hint="Each person gets at most one reminder a day, however it is sent.",
        ),
        Task(
            "Close the questionnaire",
            on_this("quarter:assessment-close"),
            f"Closes {assessment.cycle.closes_on:%-d %B %Y}",
            colour="white",
            hint="Answers are fixed and the board paper is published.",
        ),
    ]


def _after_close(on_this, trust: str, facts: QuarterFacts, state) -> list[Task]:
    return [
        Task(
            "Fill in the paper's cover sheet",
            on_this("paper:cover-sheet"),
            "Completed" if facts.cover_sheet else "Not started",
            done=facts.cover_sheet,
            colour="white",
            hint="Meeting, date, agenda item, sponsor and recommendation. "
            "You can fill it in at any time.",
        ),
        _positions(on_this, facts, state),
        Task(
            "Update the action log",
            reverse("quarter:board-actions", kwargs={"ods_code": trust}),
            f"{facts.overdue_actions} overdue"
            if facts.overdue_actions
            else f"{facts.open_actions} open",
            done=not facts.overdue_actions,
            colour="red",
            hint=f"As at {facts.today:%-d %B %Y}",
        ),
        _paper(on_this, state),
    ]


def _positions(on_this, facts: QuarterFacts, state) -> Task:
    """Recorded after the board has discussed published results: offered once closed, and
    while open again, or once any position is recorded, so past work is never hidden."""
    offered = state in (QuarterState.CLOSED, QuarterState.REOPENED) or facts.positions
    if not offered:
        return Task(
            "Record the board's agreed position",
            "",
            CANNOT_START_YET,
            hint="Once the questionnaire has closed.",
        )
    recorded = facts.positions == facts.principles
    status = f"{facts.positions} of {facts.principles} recorded" if facts.positions else ""
    return Task(
        "Record the board's agreed position",
        on_this("quarter:assessment-positions"),
        "Completed" if recorded else (status or "Not started"),
        done=recorded,
        colour="white",
        hint="After the board has discussed the results.",
    )


def _paper(on_this, state) -> Task:
    if state == QuarterState.CLOSED:
        return Task("Download the board paper", on_this("paper:paper"), "Ready", done=True)
    if state == QuarterState.NOT_OPENED:
        return Task("Download the board paper", "", CANNOT_START_YET, hint="Once it has closed.")
    return Task(
        "See the draft board paper",
        on_this("paper:paper"),
        "Draft until the questionnaire closes",
        colour="white",
        hint="Only you see the draft; the board sees the paper once it closes.",
    )


def remind_status(facts: QuarterFacts) -> str:
    """How many a reminder would email, or why it would email nobody (while open)."""
    if not facts.members:
        return "Nobody to remind: the board has no members yet"
    if not facts.waiting:
        return "Nobody to remind: everyone has submitted"
    if not facts.to_remind:
        return "Reminded today: nobody else to remind"
    return f"{facts.to_remind} not reminded today"
