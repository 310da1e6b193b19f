"""The board paper's "Actions and what followed": for each principle, the actions the board
completed in the quarter beside the change in the principle's score, worded by the same
rule for noise as everywhere ("no clear change"). The two sit side by side; nothing here
says, or lets a sentence imply, that one caused the other."""

import datetime
from dataclasses import dataclass

from assessments.models import ActionStatus
from reports.paper.sections import long_date
from reports.paper.selectors import PaperInputs

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
    since: str  # "20 September 2026": the first day the actions are counted from
    principles: tuple[WhatFollowed, ...]
    not_a_cause: str = NOT_A_CAUSE

    @property
    def any_completed(self) -> bool:
        return any(p.completed for p in self.principles)


def what_followed_of(inputs: PaperInputs, rows) -> ActionsAndWhatFollowed | None:
    """Every principle, with or without a completed action (so the table cannot pick the
    changes that suit it), for a closed quarter whose results are shown; None otherwise.
    The actions are those completed since the quarter the change is measured from first
    published its results, or, without one, since this quarter opened (the day is kept at
    close, with the log that reaches back to it): both columns speak of the same time.
    Dropped actions are not completed ones. ``rows`` are the paper's gap rows, whose change
    words this repeats, so the two sections never differ."""
    assessment = inputs.assessment
    if not assessment.is_closed or not rows:
        return None
    # Set at close; a quarter closed before it was kept has a log from its opening only.
    start = assessment.action_log_since or assessment.cycle.opens_on
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
        since=long_date(start),
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
