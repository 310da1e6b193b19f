"""What the home page shows each person: their trusts, their roles there, and what next."""

from dataclasses import dataclass

from django.urls import reverse

from trusts.models import Membership, Role, Trust


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""


@dataclass(frozen=True)
class TrustCard:
    trust: Trust
    roles: list[str]
    seat_group: str
    next_steps: list[NextStep]


def trust_cards(user) -> list[TrustCard]:
    memberships = Membership.objects.filter(user=user).select_related("trust")
    by_trust: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_trust.setdefault(membership.trust_id, []).append(membership)
    cards = []
    for held in by_trust.values():
        trust = held[0].trust
        roles = {Role(membership.role) for membership in held}
        seat_group = next((m.get_seat_group_display() for m in held if m.seat_group), "")
        cards.append(
            TrustCard(
                trust=trust,
                roles=[role.label for role in Role if role in roles],
                seat_group=seat_group,
                next_steps=_next_steps(trust, roles),
            )
        )
    return sorted(cards, key=lambda card: card.trust.name)


def _next_steps(trust: Trust, roles: set[Role]) -> list[NextStep]:
    steps = []
    trust_url = reverse("trust-detail", kwargs={"ods_code": trust.ods_code})
    if Role.BOARD_MEMBER in roles:
        steps.append(
            NextStep("Your digital lead will let you know when this quarter's questionnaire opens.")
        )
    if Role.COORDINATOR in roles:
        steps.append(NextStep("Check who is on the board for this quarter", trust_url))
    return steps
