"""Demo data: fictional trusts and people, so that no real trust is ever shown with
invented scores, with a closed previous quarter and an open current one. Built only
through actions, and safe to run again."""

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    previous_quarter,
    quarter_of,
)
from assessments.quarter import actions as running_the_quarter
from assessments.quarter.decisions import (
    ActionInput,
    PositionInput,
    board_action_save,
    positions_record,
    results_published_on,
)
from assessments.questionnaire import actions as questionnaire
from core.audit import SystemActor
from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from principles.models import Framework, Principle
from reports.meeting.actions import attendance_record, vote_cast, vote_close, vote_open
from reports.paper.actions import cover_sheet_save
from trusts.actions import membership_add, trust_add, user_create
from trusts.models import DataOrigin, Region, Role, SeatGroup, Trust, TrustType, User

SEEDER = SystemActor("seed_demo")  # who made the invented data, in the audit trail

DEMO_PASSWORD = "demo-quarterdeck-2026"


@dataclass(frozen=True)
class DemoTrust:
    ods_code: str
    name: str
    region: Region
    icb_code: str  # invented, like the trust: no real ICB has a code starting ZZ
    trust_type: TrustType
    domain: str
    coordinator: str  # the digital lead, who also sits on the board as an executive
    executives: tuple[str, ...]
    non_executives: tuple[str, ...]


DEMO_TRUSTS = (
    DemoTrust(
        "ZZA",
        "Wessex Vale Hospitals NHS Foundation Trust",
        Region.SOUTH_WEST,
        "ZZ1",
        TrustType.ACUTE,
        "wessexvale.example",
        "Priya Shah",
        ("Martin Oduya", "Helen Carver", "Tom Reddish", "Grace Lin"),
        ("Margaret Hale", "Dev Patel", "Sian Morgan", "Bill Ashworth", "Ruth Adeyemi"),
    ),
    DemoTrust(
        "ZZB",
        "Pennine Moors Mental Health NHS Trust",
        Region.NORTH_EAST_AND_YORKSHIRE,
        "ZZ2",
        TrustType.MENTAL_HEALTH,
        "penninemoors.example",
        "Owen Fairclough",
        ("Aisha Rahman", "Colin Birtwistle", "Jo Kettering"),
        ("Eleanor Sykes", "Farid Haddad", "Nell Ormerod", "Peter Quayle"),
    ),
    DemoTrust(
        "ZZC",
        "Saltmarsh Coast Community Health NHS Trust",
        Region.EAST_OF_ENGLAND,
        "ZZ3",
        TrustType.COMMUNITY,
        "saltmarsh.example",
        "Kemi Ade",
        ("Lucy Thorne", "Graham Pell"),
        ("Anne Bracewell", "Ravi Menon", "Joan Tebbit"),
    ),
)

PROGRAMME_STAFF = ("Sam Okafor", "programme@quarterdeck.example")
ADMIN = ("Quarterdeck Admin", "admin@quarterdeck.example")

# Comments of the kind board members write; Quarterdeck's own words.
DEMO_COMMENTS = (
    "We talk about this a lot but I have not seen the evidence at board.",
    "Better than last year; the outpatient work is a good example.",
    "Depends heavily on which directorate you look at.",
    "The new team is making a difference, but it is early days.",
    "I would like to see this in the integrated performance report.",
    "Too much of this still depends on one or two people.",
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


def email_for(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


@transaction.atomic
def seed_demo(*, today=None) -> list[DemoLogin]:
    logins = []
    frameworks = _published_frameworks()
    # This quarter uses the newest version; last quarter the one before, where there is one,
    # so the demo's trend chart shows a framework change.
    framework = frameworks[-1]
    current = _cycle(quarter_of(today or timezone.localdate()), framework)
    previous = _cycle(
        previous_quarter(current.year, current.quarter), frameworks[max(len(frameworks) - 2, 0)]
    )
    for demo in DEMO_TRUSTS:
        trust, people = _trust_and_people(demo)
        coordinator, members = people[0], people[1:]
        logins.append(DemoLogin(coordinator.email, f"coordinator and board member, {trust.name}"))
        logins.append(DemoLogin(members[0].email, f"board member, {trust.name}"))
        rng = random.Random(demo.ods_code)
        maturity = {number: rng.uniform(1.8, 3.4) for number in range(1, 9)}
        if demo.ods_code == SLIPPING:
            _actions_carried_in(trust, previous, coordinator)
        # Last quarter: everyone answered, the quarter closed, the board discussed it.
        _run_quarter(trust, previous, coordinator, people, maturity, rng, close=True)
        _board_decisions(trust, previous, coordinator, members)
        # This quarter: most have answered; the printed board member and the digital lead
        # have not, so that someone trying the demo can answer as either.
        improved = {number: level + 0.3 for number, level in maturity.items()}
        answering = [m for m in members[1:] if rng.random() < 0.75]
        _run_quarter(
            trust,
            current,
            coordinator,
            answering[:-1],
            improved,
            rng,
            close=False,
            part_way=answering[-1],
        )
    Trust.forget_invented_data()
    programme = _user(*PROGRAMME_STAFF, is_programme_staff=True)
    logins.append(DemoLogin(programme.email, "programme staff (every trust)"))
    admin = _user(*ADMIN, is_superuser=True)
    logins.append(DemoLogin(admin.email, "administrator (Django admin at /admin/)"))
    return logins


def _published_frameworks() -> list[Framework]:
    """Published versions of the shipped framework, oldest first (loading them if need be)."""
    if not Framework.objects.filter(published=True).exists():
        for path in shipped_framework_files():
            framework_load(spec=read_framework(path))
    return list(Framework.objects.filter(published=True).order_by("version"))


def _cycle(quarter: tuple[int, int], framework: Framework) -> Cycle:
    year, number = quarter
    return running_the_quarter.cycle_for_quarter(
        year=year, quarter=number, framework=framework, by=SEEDER
    )


def _trust_and_people(demo: DemoTrust) -> tuple[Trust, list[User]]:
    """The trust and its board, the digital lead first (who also sits on the board)."""
    trust = trust_add(
        ods_code=demo.ods_code,
        name=demo.name,
        region=demo.region,
        trust_type=demo.trust_type,
        icb_code=demo.icb_code,
        origin=DataOrigin.DEMO,
        by=SEEDER,
    )
    coordinator = _user(demo.coordinator, demo.domain)
    membership_add(trust=trust, user=coordinator, role=Role.COORDINATOR, by=SEEDER)
    seats = [(demo.coordinator, SeatGroup.EXECUTIVE)]
    seats += [(name, SeatGroup.EXECUTIVE) for name in demo.executives]
    seats += [(name, SeatGroup.NON_EXECUTIVE) for name in demo.non_executives]
    people = []
    for name, seat_group in seats:
        member = _user(name, demo.domain)
        membership_add(
            trust=trust, user=member, role=Role.BOARD_MEMBER, seat_group=seat_group, by=SEEDER
        )
        people.append(member)
    return trust, people


def _run_quarter(
    trust, cycle, coordinator, answering, maturity, rng, *, close: bool, part_way=None
) -> None:
    """Opens the quarter, sets targets, has ``answering`` submit and ``part_way`` answer the
    first three principles only, and closes it if asked."""
    assessment = Assessment.objects.filter(trust=trust, cycle=cycle).first()
    if assessment is not None and assessment.status != AssessmentStatus.DRAFT:
        return  # already seeded
    assessment = running_the_quarter.assessment_open(
        trust=trust, cycle=cycle, by=coordinator, notify=False
    )
    principles = list(
        Principle.objects.filter(framework=cycle.framework).prefetch_related("questions")
    )
    running_the_quarter.targets_set(
        assessment=assessment,
        levels={p: Decimal(rng.choice(("3.5", "4.0", "4.0", "4.5"))) for p in principles},
        by=coordinator,
    )
    for member in [*answering, part_way] if part_way else answering:
        leaning = rng.gauss(0, 0.5)
        for principle in principles if member is not part_way else principles[:3]:
            answers = {
                question: _demo_answer(maturity[principle.number] + leaning, rng)
                for question in principle.questions.all()
            }
            questionnaire.answers_save(
                assessment=assessment, respondent=member, answers=answers, by=member
            )
        if member is not part_way:
            response = assessment.responses.get(respondent=member)
            questionnaire.response_submit(response=response, by=member)
    if close:
        running_the_quarter.assessment_close(assessment=assessment, by=coordinator)
        cover_sheet_save(
            assessment=assessment,
            values={
                "meeting": "Trust board (held in public)",
                "meeting_date": _meeting_day(assessment),
                "agenda_item": "9.1",
                "executive_sponsor": "Chief Digital Information Officer",
                "author": f"{coordinator.full_name}, digital lead",
                "purpose": "assurance",
                "recommendation": "The board is asked to note its own assessment and agree "
                "actions for the gaps against target that the executive summary lists.",
                "previous_considerations": "Digital and data committee",
                "strategy_title": "",
                "strategy_url": "",
                # The programme's default sections (settings.COVER_SHEET_SECTIONS).
                "assurance_rating": "reasonable",
                "assurance_reason": "Most members answered and agree on most principles; "
                "the gaps against target are known and have actions.",
                "alert": "The principles furthest below target, in the executive summary, "
                "each need an owner and an action.",
                "advise": "The digital lead brings the actions for the largest gaps to the "
                "next meeting.",
                "assure": "Every board member was asked, and the results are compared with "
                "last quarter's.",
                "strategic_objectives": "SO3: Use digital and data to transform care",
                "baf_risks": "BAF 7: Digital delivery capacity",
            },
            by=coordinator,
        )


def _meeting_day(assessment: Assessment) -> datetime.date:
    """The board meeting that discussed the closed quarter: about a fortnight after its
    last day, never before its results were published (the demo closes it today) and
    never after today."""
    published = results_published_on(assessment) or timezone.localdate()
    fortnight_after = assessment.cycle.closes_on + datetime.timedelta(days=15)
    return max(published, min(fortnight_after, timezone.localdate()))


DEMO_ACTIONS = (
    # (principle, title, owner, days due after the quarter closed, status, RAG)
    (
        5,
        "Recruit a product manager and a user researcher",
        "Chief Digital Officer",
        45,
        "in_progress",
        "amber",
    ),
    (
        2,
        "Rewrite the EPR optimisation business case with measurable benefits",
        "Director of Finance",
        30,
        "not_started",
        "red",
    ),
    (
        3,
        "Add three user-focused measures to the integrated performance report",
        "Chief Digital Officer",
        120,
        "not_started",
        "green",
    ),
    (
        7,
        "Bring information governance into the outpatients team's planning",
        "SIRO",
        20,
        "done",
        "green",
    ),
)


# One demo board let the actions it agreed before last quarter slip: each is still open and
# was due during last quarter, so it is overdue whenever the demo is loaded, and programme
# staff see the trust in the early warning (reports.national.warning) for that reason.
SLIPPING = "ZZC"
CARRIED_ACTIONS = (
    # (principle, title, owner, days due after last quarter opened, status)
    (
        1,
        "Agree how the board will know the digital strategy is working",
        "Chief Executive",
        20,
        "not_started",
    ),
    (4, "Publish the board's register of digital risks", "Company Secretary", 35, "in_progress"),
    (
        6,
        "Review the community app's contract before it renews",
        "Director of Finance",
        50,
        "not_started",
    ),
)


def _actions_carried_in(trust, cycle, coordinator) -> None:
    """Actions the board agreed before ``cycle`` (last quarter), due during it and still
    open: on last quarter's action log when it closed, and overdue ever since."""
    if trust.board_actions.exists():
        return  # already seeded
    for number, title, owner, days, status in CARRIED_ACTIONS:
        board_action_save(
            trust=trust,
            action=None,
            values=ActionInput(
                number, title, owner, cycle.opens_on + datetime.timedelta(days=days), status, ""
            ),
            by=coordinator,
        )


def _board_decisions(trust, cycle, coordinator, members) -> None:
    """After the closed quarter's board meeting (the one on its cover sheet): who attended,
    a room vote, an agreed position (with dissent minuted on one principle) and an action
    log."""
    assessment = Assessment.objects.get(trust=trust, cycle=cycle)
    if assessment.positions.exists():
        return  # already seeded
    principles = {p.number: p for p in cycle.framework.principles.all()}
    results = {r.principle.number: r.score for r in assessment.results.select_related("principle")}
    seats = Counter(
        trust.memberships.filter(role=Role.BOARD_MEMBER).values_list("seat_group", flat=True)
    )
    attendance_record(
        assessment=assessment,
        executives=seats[SeatGroup.EXECUTIVE],
        non_executives=max(seats[SeatGroup.NON_EXECUTIVE] - 1, 0),  # one sent apologies
        in_attendance=2,  # the company secretary and the digital lead
        by=coordinator,
    )
    vote = vote_open(assessment=assessment, principle=principles[2], by=coordinator)
    around = round(results[2] or 2)
    for place, member in enumerate(members):
        vote_cast(vote=vote, level=max(1, min(5, around + (place % 3) - 1)), by=member)
    vote_close(vote=vote, by=coordinator)
    positions = {}
    for number in (2, 5, 6):
        agreed = Decimal(round((results[number] or 2) * 2) / 2)
        positions[principles[number]] = PositionInput(
            level=max(Decimal("1.0"), min(agreed, Decimal("5.0"))).quantize(Decimal("0.1")),
            rationale="The board agreed the members' view after discussing the evidence "
            "the digital lead presented.",
            dissent="One member thought the level too generous while two services still "
            "have no user research."
            if number == 2
            else "",
        )
    positions_record(assessment=assessment, positions=positions, by=coordinator)
    for number, title, owner, days, status, rag in DEMO_ACTIONS:
        board_action_save(
            trust=trust,
            action=None,
            values=ActionInput(
                number, title, owner, cycle.closes_on + datetime.timedelta(days=days), status, rag
            ),
            by=coordinator,
        )


def _demo_answer(level: float, rng: random.Random) -> questionnaire.AnswerInput:
    comment = rng.choice(DEMO_COMMENTS) if rng.random() < 0.12 else ""
    if rng.random() < 0.08:
        return questionnaire.AnswerInput(dont_know=True, comment=comment)
    score = min(5, max(1, round(level + rng.gauss(0, 0.6))))
    return questionnaire.AnswerInput(score=score, comment=comment)


def _user(name: str, domain_or_email: str, **flags) -> User:
    """The demo person, created with the demo password the first time, left alone after."""
    email = domain_or_email if "@" in domain_or_email else email_for(name, domain_or_email)
    existing = User.objects.filter(email__iexact=email).first()
    return existing or user_create(
        email=email, full_name=name, password=DEMO_PASSWORD, by=SEEDER, **flags
    )
