"""The board paper's "Actions and what followed": for each principle, the actions the board
completed in the quarter beside the change in the principle's score, worded by the same
rule for noise as everywhere ("no clear change"). The two sit side by side; nothing here
says, or lets a sentence imply, that one caused the other."""

import datetime
from dataclasses import dataclass

from assessments.models import ActionStatus
from reports.paper.sections import long_date
from reports.paper.selectors import PaperInputs, comparison_quarter

NOT_A_CAUSE = (
    "Scores move for many reasons, and an action can take longer than a quarter to show. "
    "This table puts the two side by side; it does not show that an action caused a change, "
    "or that a change came from an action."
)


@dataclass(frozen=True)
class Completed:
    title: str
    owner: str
    completed: str  # "3 March 2027"


@dataclass(frozen=True)
class WhatFollowed:
    number: int
    title: str
    completed: tuple[Completed, ...]
    change: str  # "Up 0.4 since 2026/27 Q1", "No clear change since 2026/27 Q1", or why none


@dataclass(frozen=True)
class ActionsAndWhatFollowed:
    since: str  # "2026/27 Q2's results were published on 3 October 2026", in the sentence
    principles: tuple[WhatFollowed, ...]
    not_a_cause: str = NOT_A_CAUSE

    @property
    def any_completed(self) -> bool:
        return any(p.completed for p in self.principles)


def what_followed_of(inputs: PaperInputs, rows) -> ActionsAndWhatFollowed | None:
    """Every principle, with or without a completed action (so the table cannot pick the
    changes that suit it), for a closed quarter whose results are shown; None otherwise.
    The actions are those completed since the quarter the change is measured from closed
    (its results were published that day), or, without one, since this quarter opened:
    both columns speak of the same stretch of time. Dropped actions are not completed
    ones. ``rows`` are the paper's gap rows, whose change words this repeats, so the two
    sections never differ."""
    assessment = inputs.assessment
    if not assessment.is_closed or not rows:
        return None
    previous = comparison_quarter(inputs.history)
    start = previous.closed_on if previous and previous.closed_on else assessment.cycle.opens_on
    done: dict[int, list[Completed]] = {}
    for action in inputs.actions:
        finished = action["completed_on"]
        if action["status"] == ActionStatus.DONE and finished and finished >= start.isoformat():
            done.setdefault(action["principle_number"], []).append(
                Completed(
                    title=action["title"],
                    owner=action["owner"],
                    completed=long_date(datetime.date.fromisoformat(finished)),
                )
            )
    return ActionsAndWhatFollowed(
        since=(
            f"{previous.label}'s results were published on {long_date(start)}"
            if previous and previous.closed_on
            else f"this quarter opened on {long_date(start)}"
        ),
        principles=tuple(
            WhatFollowed(
                number=row.number,
                title=row.title,
                completed=tuple(done.get(row.number, ())),
                change=row.trend_text,
            )
            for row in rows
        ),
    )
