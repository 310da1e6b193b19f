"""Reading the room vote for a member's phone."""

import datetime

from django.utils import timezone

from assessments.models import AssessmentStatus, RoomVote, RoomVoter
from trusts.permissions import Permission, trust_ids_with

# A vote left open (the meeting went elsewhere by a typed address, or the laptop was shut)
# closes once it is older than a meeting is long: the next look at the meeting or at a
# phone's page closes it (reports.meeting.actions.votes_expire), and no ballot joins it.
VOTE_HOURS = 4


def stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=VOTE_HOURS)


def open_votes_for(user) -> list[RoomVote]:
    """The votes open now on the boards this person answers for (a digital lead who does
    not sit on the board has none)."""
    boards = trust_ids_with(user, Permission.QUESTIONNAIRE_ANSWER)
    return list(
        RoomVote.objects.filter(
            closed_at__isnull=True,
            opened_at__gte=stale_before(),
            assessment__trust_id__in=boards,
            assessment__status=AssessmentStatus.CLOSED,
        )
        .select_related("principle", "assessment__trust", "assessment__cycle")
        .order_by("opened_at", "pk")
    )


def voted_in(user, votes: list[RoomVote]) -> set[int]:
    return set(
        RoomVoter.objects.filter(vote__in=votes, user=user).values_list("vote_id", flat=True)
    )
