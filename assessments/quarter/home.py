"""What the home page shows each person: their trusts, their roles there, and what next
(this quarter's questionnaire, the quarter to run). Here rather than in trusts because it
speaks of quarters: pages that show something of a higher app live with that app."""

from dataclasses import dataclass

from django.urls import reverse

from assessments.models import Assessment, Cycle, QuarterState, Response
from assessments.selectors import closed_assessments, current_and_published
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
    latest_paper: NextStep | None = None  # the newest published board paper, if any


@dataclass(frozen=True)
class PaperLink:
    assessment: Assessment
    url: str
    pdf_url: str
    docx_url: str


def paper_link(assessment: Assessment) -> PaperLink:
    kwargs = {"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug}
    return PaperLink(
        assessment,
        reverse("paper:paper", kwargs=kwargs),
        reverse("paper:paper-pdf", kwargs=kwargs),
        reverse("paper:paper-docx", kwargs=kwargs),
    )


# The roles whose people read their trust's published papers.
PAPER_READERS = {Role.BOARD_MEMBER, Role.COORDINATOR}


def papers_trusts(user) -> list[int]:
    """The trusts whose papers this person reads: those whose board they sit on or run."""
    return list(
        Membership.objects.filter(user=user, role__in=PAPER_READERS)
        .values_list("trust_id", flat=True)
        .distinct()
    )


def board_papers(user) -> list[tuple[Trust, list[PaperLink]]]:
    """Every published board paper of every trust whose board the person sits on or
    runs, by trust, newest first: the papers page (two queries)."""
    by_trust: dict[int, tuple[Trust, list[PaperLink]]] = {}
    for assessment in closed_assessments(papers_trusts(user)):
        by_trust.setdefault(assessment.trust_id, (assessment.trust, []))[1].append(
            paper_link(assessment)
        )
    return sorted(by_trust.values(), key=lambda pair: pair[0].name)


def quarter_step(trust: Trust, cycle: Cycle, assessment: Assessment | None) -> NextStep:
    """What the digital lead does next with one quarter, by its state: the home page's
    step and the trust page's row say the same thing."""
    kwargs = {"ods_code": trust.ods_code, "cycle": cycle.slug}
    state = assessment.state if assessment is not None else QuarterState.NOT_OPENED
    if state == QuarterState.NOT_OPENED:
        return NextStep(
            f"Open the {cycle.label} questionnaire for the board",
            reverse("quarter:assessment-open", kwargs=kwargs),
        )
    if state == QuarterState.CLOSED:
        return NextStep(
            f"Prepare the {cycle.label} board paper: the cover sheet, the board's agreed "
            "position, then the paper",
            reverse("quarter:assessment-detail", kwargs=kwargs),
        )
    again = " (open again)" if state == QuarterState.REOPENED else ""
    return NextStep(
        f"See who has answered the {cycle.label} questionnaire{again}",
        reverse("quarter:assessment-detail", kwargs=kwargs) + "#who-has-answered",
    )


def trust_cards(user) -> list[TrustCard]:
    memberships = Membership.objects.filter(user=user).select_related("trust")
    by_trust: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_trust.setdefault(membership.trust_id, []).append(membership)
    assessments, latest = current_and_published(list(by_trust))
    # A coordinator is told when a newer quarter is waiting to be opened.
    newest = Cycle.objects.first() if any(m.role == Role.COORDINATOR for m in memberships) else None
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
                    trust,
                    roles,
                    assessment,
                    responses.get(getattr(assessment, "pk", None)),
                    newest,
                ),
                latest_paper=_latest_paper(latest.get(trust.pk), trust)
                if roles & PAPER_READERS
                else None,
            )
        )
    return sorted(cards, key=lambda card: card.trust.name)


def _next_steps(
    trust: Trust,
    roles: set[Role],
    assessment: Assessment | None,
    response: Response | None,
    newest: Cycle | None,
) -> list[NextStep]:
    steps = []
    if Role.BOARD_MEMBER in roles:
        steps.append(_board_member_step(assessment, response))
    if Role.COORDINATOR in roles:
        if newest is not None and (assessment is None or assessment.cycle_id != newest.pk):
            steps.append(quarter_step(trust, newest, None))  # a newer quarter, not opened
        if assessment is not None:
            steps.append(quarter_step(trust, assessment.cycle, assessment))
        elif newest is None:
            steps.append(NextStep("Programme staff have not created a quarter yet."))
    return steps


def _latest_paper(assessment: Assessment | None, trust: Trust) -> NextStep | None:
    if assessment is None:
        return None
    assessment.trust = trust
    return NextStep(f"Read the {assessment.cycle.label} board paper", paper_link(assessment).url)


def _board_member_step(assessment: Assessment | None, response: Response | None) -> NextStep:
    if assessment is None:
        return NextStep("You will be told when this quarter's questionnaire opens.")
    url = reverse(
        "questionnaire:questionnaire-start",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
    )
    label = assessment.cycle.label
    if assessment.is_closed:
        paper = reverse(
            "paper:paper",
            kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
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
