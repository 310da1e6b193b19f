"""The room vote as every output words it: the boardroom screen (while it is open), and,
once it has closed, the board paper's agreed positions and the minutes extract. Kept with
the paper, the lowest room that shows it (the meeting's room stands above it)."""

from dataclasses import dataclass

from assessments.models import RoomVote
from assessments.results.rules import figures_shown, minimum_group
from principles.models import LEVEL_LABELS, LEVELS


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
    pk: int  # the vote's, for the screen's links away from it (which close it)

    @property
    def enough_to_show(self) -> bool:
        """While open: whether closing it now would show how the room chose."""
        return self.voted >= self.minimum

    @property
    def count_words(self) -> str:
        return f"{self.voted} {'has' if self.voted == 1 else 'have'} voted"

    @property
    def words(self) -> str:
        """One sentence, the same on the screen, in the paper's pages and in the minutes."""
        if self.open:
            return f"Room vote open: {self.count_words}."
        if not self.voted:
            return "Room vote: nobody voted."
        if not self.shown and self.voted < self.minimum:
            return (
                f"Room vote: {self.voted} voted, fewer than {self.minimum}, so how they chose "
                "is not shown."
            )
        if not self.shown:  # the minimum was higher when it closed: its tally is gone
            return (
                f"Room vote: {self.voted} voted, fewer than the minimum when it closed, so how "
                "they chose is not shown."
            )
        chose = ", ".join(
            f"{count} chose level {level} ({label.lower()})" for level, label, count in self.chose
        )
        return f"Room vote: {self.voted} voted. {chose}."


def vote_result(vote: RoomVote) -> VoteResult:
    """The minimum is applied as the vote is read, as every figure's is: a tally kept when
    it was lower is not shown once it is raised."""
    shown = vote.shown and figures_shown(vote.voted)
    counts = vote.counts if shown else {}
    return VoteResult(
        principle_number=vote.principle.number,
        open=vote.is_open,
        voted=vote.voted,
        shown=shown,
        chose=tuple(
            (level, LEVEL_LABELS[level], counts[str(level)])
            for level in LEVELS
            if counts.get(str(level))
        ),
        minimum=minimum_group(),
        pk=vote.pk,
    )


def room_votes_of(assessment, *, closed_only: bool = False) -> dict[int, VoteResult]:
    """Each principle's room vote, by principle number: the one shown if there is one,
    else the latest (open, or closed with too few to show). ``closed_only`` leaves open
    votes out, as every output but the live screen does."""
    found: dict[int, VoteResult] = {}
    votes = assessment.room_votes.select_related("principle").order_by("opened_at", "pk")
    if closed_only:
        votes = votes.filter(closed_at__isnull=False)
    for vote in votes:
        result = vote_result(vote)
        earlier = found.get(result.principle_number)
        if earlier is None or not earlier.shown:
            found[result.principle_number] = result
    return found
