"""What the home page shows each person: their trusts, their roles there, and what next
(this quarter's questionnaire, the quarter to run). Here rather than in trusts because it
speaks of quarters: pages that show something of a higher app live with that app."""

from dataclasses import dataclass

from django.urls import reverse

from assessments.models import Assessment, Response
from assessments.selectors import current_assessments
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
    assessments = current_assessments(list(by_trust))
    responses = {
        response.assessment_id: response
        for response in Response.objects.filter(
            respondent=user, assessment__in=list(assessments.values())
        )
    }
    cards = []
    for held in by_trust.values():
        trust = held[0].trust
        roles = {Role(membership.role) for membership in held}
        assessment = assessments.get(trust.pk)
        if assessment is not None:
            assessment.trust = trust
        cards.append(
            TrustCard(
                trust=trust,
                roles=[role.label for role in Role if role in roles],
                seat_group=next((m.get_seat_group_display() for m in held if m.seat_group), ""),
                next_steps=_next_steps(
                    trust, roles, assessment, responses.get(getattr(assessment, "pk", None))
                ),
            )
        )
    return sorted(cards, key=lambda card: card.trust.name)


def _next_steps(
    trust: Trust, roles: set[Role], assessment: Assessment | None, response: Response | None
) -> list[NextStep]:
    steps = []
    if Role.BOARD_MEMBER in roles:
        steps.append(_board_member_step(assessment, response))
    if Role.COORDINATOR in roles:
        if assessment is None:
            steps.append(
                NextStep(
                    "Open this quarter's assessment for the board",
                    reverse("trust-detail", kwargs={"ods_code": trust.ods_code}),
                )
            )
        else:
            steps.append(
                NextStep(
                    f"See who has answered the {assessment.cycle.label} questionnaire",
                    reverse(
                        "assessment-detail",
                        kwargs={"ods_code": trust.ods_code, "cycle": assessment.cycle.slug},
                    ),
                )
            )
    return steps


def _board_member_step(assessment: Assessment | None, response: Response | None) -> NextStep:
    if assessment is None:
        return NextStep("You will be told when this quarter's questionnaire opens.")
    url = reverse(
        "questionnaire-start",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
    )
    label = assessment.cycle.label
    if assessment.is_closed:
        paper = reverse(
            "paper", kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug}
        )
        return NextStep(f"The {label} questionnaire has closed: read the board paper", paper)
    by = f"by {assessment.cycle.closes_on:%A %-d %B %Y}"
    if response is None:
        return NextStep(f"Answer the {label} questionnaire {by} (about 15 to 20 minutes)", url)
    if response.is_submitted:
        return NextStep(
            f"You have submitted the {label} questionnaire: you can change your answers {by}",
            url,
        )
    return NextStep(f"Continue the {label} questionnaire: answer {by}", url)
