"""What the boardroom screen shows: an overview, then a page for each principle, then the
actions. Every figure and word comes from the board paper's presenter (reports.paper), so
the screen never says anything the paper does not."""

from dataclasses import dataclass

from assessments.models import RoomVote
from assessments.results.rules import minimum_group
from principles.models import LEVEL_LABELS, LEVELS
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


@dataclass(frozen=True)
class VoteResult:
    """A room vote as every output shows it: while open, how many have voted; once closed,
    how many chose each level if at least the minimum group voted, else only how many."""

    principle_number: int
    open: bool
    voted: int
    shown: bool
    chose: tuple[tuple[int, str, int], ...]  # (level, its label, how many chose it)
    minimum: int

    @property
    def count_words(self) -> str:
        return f"{self.voted} {'has' if self.voted == 1 else 'have'} voted"

    @property
    def words(self) -> str:
        """One sentence, the same on the screen, in the paper's pages and in the minutes."""
        if self.open:
            return f"Room vote open: {self.count_words}."
        if not self.shown:
            return (
                f"Room vote: {self.voted} voted, fewer than {self.minimum}, so how they chose "
                "is not shown."
            )
        chose = ", ".join(
            f"{count} chose level {level} ({label.lower()})" for level, label, count in self.chose
        )
        return f"Room vote: {self.voted} voted. {chose}."


def vote_result(vote: RoomVote) -> VoteResult:
    counts = vote.counts if vote.shown else {}
    return VoteResult(
        principle_number=vote.principle.number,
        open=vote.is_open,
        voted=vote.voted,
        shown=vote.shown,
        chose=tuple(
            (level, LEVEL_LABELS[level], counts[str(level)])
            for level in LEVELS
            if counts.get(str(level))
        ),
        minimum=minimum_group(),
    )


def room_votes_of(assessment) -> dict[int, VoteResult]:
    """Each principle's room vote, by principle number: the one shown if there is one,
    else the latest (open, or closed with too few to show)."""
    found: dict[int, VoteResult] = {}
    for vote in assessment.room_votes.select_related("principle").order_by("opened_at", "pk"):
        result = vote_result(vote)
        earlier = found.get(result.principle_number)
        if earlier is None or not earlier.shown:
            found[result.principle_number] = result
    return found
