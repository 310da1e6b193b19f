"""The room vote: opened by the digital lead on a principle's page, cast from members'
phones, closed when the result is shown or the meeting moves on.

Nothing here keeps who chose what. A ballot adds one to its level's tally; who has voted is
kept only while the vote is open (so nobody votes twice) and forgotten at close. A vote
closed with fewer than the minimum group forgets its tally too: only how many voted stays.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.errors import AssessmentError
from assessments.models import Assessment, RoomVote, RoomVoter
from assessments.results.rules import minimum_group
from core.audit import audit
from principles.models import LEVELS, Principle


@transaction.atomic
def vote_open(*, assessment: Assessment, principle: Principle, by) -> RoomVote:
    """A vote on ``principle``; any other open vote of the meeting closes first (the meeting
    has moved on). Refused once the room's vote on this principle has been shown: a second
    distribution beside the first would tell the room how anyone who joined in between
    chose."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if not assessment.is_closed:
        raise AssessmentError("A room vote is taken on a closed quarter's results.")
    if assessment.room_votes.filter(principle=principle, shown=True).exists():
        raise AssessmentError(
            f"The room has voted on principle {principle.number} already and its result was "
            "shown: it stands. A second vote would show how anyone who voted only once chose."
        )
    current = assessment.room_votes.filter(closed_at__isnull=True).first()
    if current is not None and current.principle_id == principle.pk:
        return current
    if current is not None:
        vote_close(vote=current, by=by)
    vote = RoomVote.objects.create(assessment=assessment, principle=principle)
    audit(
        action="room_vote.opened",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"principle": principle.number},
    )
    return vote


@transaction.atomic
def vote_cast(*, vote: RoomVote, level: int, by) -> RoomVote:
    """One member's ballot: their level joins the tally and they are marked as having
    voted, with nothing between the two. Not audited: the trail would list who voted."""
    vote = RoomVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise AssessmentError("This vote has closed: the meeting has moved on.")
    if level not in LEVELS:
        raise AssessmentError(f"Choose a level from {LEVELS[0]} to {LEVELS[-1]}.")
    try:
        with transaction.atomic():
            RoomVoter.objects.create(vote=vote, user=by)
    except IntegrityError:
        raise AssessmentError("You have voted in this vote already.") from None
    counts = dict(vote.counts)
    counts[str(level)] = counts.get(str(level), 0) + 1
    RoomVote.objects.filter(pk=vote.pk).update(counts=counts, voted=vote.voted + 1)
    vote.counts, vote.voted = counts, vote.voted + 1
    return vote


@transaction.atomic
def vote_close(*, vote: RoomVote, by) -> RoomVote:
    """Closes the vote: its tally is shown if at least the minimum group voted and
    forgotten otherwise; who voted is forgotten either way."""
    vote = RoomVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        return vote
    vote.closed_at = timezone.now()
    vote.shown = vote.voted >= minimum_group()
    if not vote.shown:
        vote.counts = {}
    vote.save(update_fields=["closed_at", "shown", "counts"])
    vote.voters.all().delete()
    audit(
        action="room_vote.closed",
        by=by,
        trust=vote.assessment.trust,
        target=vote.assessment,
        detail={"principle": vote.principle.number, "voted": vote.voted, "shown": vote.shown},
    )
    return vote


def votes_close(*, assessment: Assessment, by, keep: Principle | None = None) -> None:
    """The meeting has moved on: its open vote closes, unless it is on ``keep``."""
    for vote in assessment.room_votes.filter(closed_at__isnull=True).select_related(
        "principle", "assessment__trust"
    ):
        if keep is None or vote.principle_id != keep.pk:
            vote_close(vote=vote, by=by)
