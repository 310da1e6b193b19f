"""What the meeting writes beside the decisions (assessments.quarter.decisions): the room
vote, opened by the digital lead on a principle's page, cast from members' phones, closed
when the result is shown or the meeting moves on; and who attended, as counts by role.

Nothing here keeps who chose what. A ballot adds one to its level's tally, sealed with the
secret key until the vote closes, so that reading the database as ballots arrive shows no
level moving; who has voted is kept only while the vote is open (so nobody votes twice)
and forgotten at close. A vote closed with fewer than the minimum group forgets its tally
too: only how many voted stays. Someone holding both the database's history and the
secret key could still match ballots to voters by their order: the key is the service's.
"""

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.errors import AssessmentError
from assessments.models import Assessment, MeetingAttendance, RoomVote, RoomVoter
from assessments.results.rules import figures_shown
from core.audit import SystemActor, audit
from core.sealing import sealer
from principles.models import LEVELS, Principle
from reports.meeting.minutes import attendance_problems
from reports.meeting.selectors import stale_before

EXPIRY = SystemActor("the room vote's time limit")
TALLY = "quarterdeck.room-vote-tally"  # the purpose its seal's key is made for


def _tally(vote: RoomVote) -> dict[str, int]:
    if not vote.sealed_tally:
        return {}
    return json.loads(sealer(TALLY).decrypt(vote.sealed_tally.encode()))


def _sealed(tally: dict[str, int]) -> str:
    return sealer(TALLY).encrypt(json.dumps(tally, sort_keys=True).encode()).decode()


@transaction.atomic
def vote_open(*, assessment: Assessment, principle: Principle, by) -> RoomVote:
    """A vote on ``principle``; any other open vote of the meeting closes first (the meeting
    has moved on). Refused once the room's vote on this principle has been shown: a second
    distribution beside the first would tell the room how anyone who joined in between
    chose."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
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
    """One member's ballot: their level joins the sealed tally and they are marked as
    having voted. Not audited: the trail would list who voted."""
    vote = RoomVote.objects.select_for_update().select_related("assessment").get(pk=vote.pk)
    if not vote.is_open or not vote.assessment.is_closed or _expired(vote):
        raise AssessmentError("This vote has closed: the meeting has moved on.")
    if level not in LEVELS:
        raise AssessmentError(f"Choose a level from {LEVELS[0]} to {LEVELS[-1]}.")
    try:
        with transaction.atomic():
            RoomVoter.objects.create(vote=vote, user=by)
    except IntegrityError:
        raise AssessmentError("You have voted in this vote already.") from None
    tally = _tally(vote)
    tally[str(level)] = tally.get(str(level), 0) + 1
    vote.sealed_tally, vote.voted = _sealed(tally), vote.voted + 1
    vote.save(update_fields=["sealed_tally", "voted"])
    return vote


@transaction.atomic
def vote_close(*, vote: RoomVote, by) -> RoomVote:
    """Closes the vote: its tally is opened and kept if at least the minimum group voted,
    and forgotten otherwise; who voted is forgotten either way."""
    vote = RoomVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        return vote
    vote.closed_at = timezone.now()
    vote.shown = figures_shown(vote.voted)
    vote.counts = _tally(vote) if vote.shown else {}
    vote.sealed_tally = ""
    vote.save(update_fields=["closed_at", "shown", "counts", "sealed_tally"])
    vote.voters.all().delete()
    audit(
        action="room_vote.closed",
        by=by,
        trust=vote.assessment.trust,
        target=vote.assessment,
        detail={"principle": vote.principle.number, "voted": vote.voted, "shown": vote.shown},
    )
    return vote


def votes_close(
    *,
    assessment: Assessment,
    by,
    only: int | None = None,
    principle: Principle | None = None,
    keep: Principle | None = None,
) -> int:
    """The meeting has moved on: its open vote (only the one with the id ``only``, or on
    ``principle``, if given) closes, unless it is on ``keep``, the principle the meeting is
    now on. Returns how many closed."""
    votes = assessment.room_votes.filter(closed_at__isnull=True)
    if only is not None:
        votes = votes.filter(pk=only)
    if principle is not None:
        votes = votes.filter(principle=principle)
    if keep is not None:
        votes = votes.exclude(principle=keep)
    closing = list(votes.select_related("principle", "assessment__trust"))
    for vote in closing:
        vote_close(vote=vote, by=by)
    return len(closing)


def votes_expire(*, votes=None) -> None:
    """Closes the votes (of ``votes``, else every one) left open past their time
    (reports.meeting.selectors.VOTE_HOURS)."""
    stale = (votes if votes is not None else RoomVote.objects).filter(
        closed_at__isnull=True, opened_at__lt=stale_before()
    )
    for vote in stale.select_related("principle", "assessment__trust"):
        vote_close(vote=vote, by=EXPIRY)


def _expired(vote: RoomVote) -> bool:
    return vote.opened_at < stale_before()


@transaction.atomic
def attendance_record(
    *, assessment: Assessment, executives: int, non_executives: int, in_attendance: int, by
) -> MeetingAttendance:
    """The meeting's attendance, counts by role and no names (0 to 99 each), for a closed
    quarter only."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if not assessment.is_closed:
        raise AssessmentError("Attendance is recorded for the meeting after the quarter closes.")
    counts = {
        "executives": executives,
        "non_executives": non_executives,
        "in_attendance": in_attendance,
    }
    problems = attendance_problems(counts)
    if problems:
        raise AssessmentError(next(iter(problems.values())))
    attendance, created = MeetingAttendance.objects.update_or_create(
        assessment=assessment, defaults=counts
    )
    audit(
        action="meeting.attendance_recorded",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail=counts | {"created": created},
    )
    return attendance
