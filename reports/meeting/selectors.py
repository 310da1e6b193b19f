"""Reading the room vote for a member's phone."""

from assessments.models import RoomVote, RoomVoter
from trusts.permissions import TRUST_ROLE_PERMISSIONS, Permission, trust_roles


def open_votes_for(user) -> list[RoomVote]:
    """The votes open now on the boards this person answers for (a digital lead who does
    not sit on the board has none)."""
    if not (user.is_authenticated and user.is_active):
        return []
    boards = [
        trust_id
        for trust_id, roles in trust_roles(user).items()
        if any(Permission.QUESTIONNAIRE_ANSWER in TRUST_ROLE_PERMISSIONS[role] for role in roles)
    ]
    return list(
        RoomVote.objects.filter(closed_at__isnull=True, assessment__trust_id__in=boards)
        .select_related("principle", "assessment__trust", "assessment__cycle")
        .order_by("opened_at", "pk")
    )


def voted_in(user, votes: list[RoomVote]) -> set[int]:
    return set(
        RoomVoter.objects.filter(vote__in=votes, user=user).values_list("vote_id", flat=True)
    )
