"""What the boardroom screen shows: an overview, then a page for each principle, then the
actions. Every figure and word comes from the board paper's presenter (reports.paper), so
the screen never says anything the paper does not."""

from dataclasses import dataclass

from reports.paper.presenters import BoardPaper, GapRow, present
from reports.paper.sections import (
    ActionEntry,
    AppendixSection,
    NextLevel,
    long_date,
    next_levels_of,
)
from reports.paper.selectors import paper_inputs


@dataclass(frozen=True)
class Proposed:
    """An action added to the log since the quarter closed: in the meeting, most likely."""

    principle_number: int
    title: str
    owner: str
    due: str


@dataclass(frozen=True)
class PrinciplePage:
    row: GapRow
    questions: AppendixSection | None
    next_level: NextLevel | None
    actions: tuple[ActionEntry, ...]  # open or overdue when the quarter closed
    proposed: tuple[Proposed, ...]  # added against this principle since


@dataclass(frozen=True)
class Meeting:
    paper: BoardPaper
    principles: tuple[PrinciplePage, ...]
    proposed: tuple[Proposed, ...]

    @property
    def views_differ(self) -> tuple[GapRow, ...]:
        return tuple(row for row in self.paper.rows if row.views_differ)

    @property
    def dont_know(self) -> tuple[GapRow, ...]:
        return tuple(row for row in self.paper.rows if row.assurance_gap)

    @property
    def open_actions(self) -> tuple[ActionEntry, ...]:
        return self.paper.actions.overdue + self.paper.actions.open

    def page(self, number: int) -> PrinciplePage | None:
        return next((p for p in self.principles if p.row.number == number), None)


def meeting_of(assessment) -> Meeting:
    """The published results of a closed quarter, page by page."""
    inputs = paper_inputs(assessment)
    paper = present(inputs)
    sections = {section.number: section for section in paper.appendix}
    steps = {step.number: step for step in next_levels_of(inputs, paper.rows, paper.appendix)}
    open_actions = paper.actions.overdue + paper.actions.open
    # The paper keeps the action log as it stood at close; what the meeting adds comes after.
    proposed = tuple(
        Proposed(action.principle_number, action.title, action.owner, long_date(action.due_date))
        for action in assessment.trust.board_actions.filter(
            created_at__gt=assessment.closed_at
        ).order_by("created_at", "pk")
    )
    return Meeting(
        paper=paper,
        proposed=proposed,
        principles=tuple(
            PrinciplePage(
                row=row,
                questions=sections.get(row.number),
                next_level=steps.get(row.number),
                actions=tuple(a for a in open_actions if a.principle_number == row.number),
                proposed=tuple(a for a in proposed if a.principle_number == row.number),
            )
            for row in paper.rows
        ),
    )
