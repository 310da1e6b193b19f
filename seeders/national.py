"""A synthetic national data set: about 200 trusts, several quarters, 8 to 14 board
members each, every question answered (docs/decisions/0012-national-data-and-bulk-work.md).

Real trust names (from an ODS file) or generated fictional ones carry invented scores, so
every trust touched is marked ``synthetic`` and every page says so. People, responses and
answers go in by bulk inserts (a million answers in minutes); the summary table is then
published by the same ``results_publish`` the app uses, so figures are computed one way.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Cycle,
    Response,
    ResponseStatus,
    previous_quarter,
    quarter_of,
)
from assessments.quarter.actions import cycle_for_quarter
from assessments.results.actions import results_publish
from core.audit import SystemActor
from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from principles.models import Framework, Question
from trusts.models import DataOrigin, Membership, Region, Role, SeatGroup, Trust, TrustType, User
from trusts.ods import read_etr, type_from_name

SEEDER = SystemActor("seed_national")  # who made the invented data, in the audit trail

Progress = Callable[[str, int, int], None]
ANSWER_BATCH = 1_000  # rows per INSERT: 6,000 parameters, well inside SQLite's limit

# How mature each kind of trust tends to be, on the 1-5 scale, before anything else.
TYPE_EFFECT = {
    TrustType.ACUTE: 2.6,
    TrustType.ACUTE_SPECIALIST: 3.1,
    TrustType.MENTAL_HEALTH: 2.4,
    TrustType.COMMUNITY: 2.3,
    TrustType.AMBULANCE: 2.7,
    TrustType.COMBINED: 2.5,
}
TYPE_SHARE = [  # for generated trusts: roughly the national mix
    (TrustType.ACUTE, 0.55),
    (TrustType.ACUTE_SPECIALIST, 0.08),
    (TrustType.MENTAL_HEALTH, 0.2),
    (TrustType.COMMUNITY, 0.07),
    (TrustType.AMBULANCE, 0.05),
    (TrustType.COMBINED, 0.05),
]
PLACES = (
    "Ashby",
    "Barrowden",
    "Castlemere",
    "Dunsford",
    "Eastwick",
    "Fairhaven",
    "Greyholm",
    "Hartwell",
    "Ivybridge Vale",
    "Kingsmere",
    "Larkfield",
    "Marshgate",
    "Northolt Vale",
    "Oakhurst",
    "Penwortham Vale",
    "Queensbury Dale",
    "Redbrook",
    "Stonehaven",
    "Thornbury Vale",
    "Upperby",
    "Westmere",
    "Yarrowdale",
)


@dataclass
class SeedReport:
    trusts: int = 0
    cycles: int = 0
    members: int = 0
    responses: int = 0
    answers: int = 0


def seed_national(
    *,
    ods_path: Path | None = None,
    trust_count: int = 200,
    quarters: int = 8,
    seed: int = 2026,
    today: datetime.date | None = None,
    progress: Progress = lambda stage, done, total: None,
) -> SeedReport:
    rng = random.Random(seed)
    report = SeedReport()
    with transaction.atomic():
        framework = _latest_framework()
        trusts = _trusts(ods_path, trust_count, rng)
        cycles = _cycles(framework, quarters, today or timezone.localdate())
        report.trusts, report.cycles = len(trusts), len(cycles)
        members = _board_members(trusts, rng)
        report.members = sum(len(board) for board in members.values())
    questions = list(
        Question.objects.filter(framework__in={c.framework_id for c in cycles}).values_list(
            "pk", "framework_id", "principle__number"
        )
    )
    work = [(trust, cycle) for cycle in cycles for trust in trusts]
    for index, (trust, cycle) in enumerate(work, start=1):
        with transaction.atomic():
            responses, answers = _quarter(trust, cycle, cycles, members[trust.pk], questions, rng)
        report.responses += responses
        report.answers += answers
        progress("quarters answered", index, len(work))
    # Oldest quarter first, as quarters close: each quarter's change since the one before
    # is worked out as it is published (assessments.results.change).
    assessments = list(
        Assessment.objects.filter(
            trust__in=trusts, cycle__in=cycles, status=AssessmentStatus.CLOSED
        )
        .select_related("cycle", "trust")
        .order_by("cycle__year", "cycle__quarter", "trust__ods_code")
    )
    for index, assessment in enumerate(assessments, start=1):
        with transaction.atomic():
            results_publish(assessment=assessment, by=SEEDER)
        progress("results published", index, len(assessments))
    Trust.forget_invented_data()
    return report


def _latest_framework() -> Framework:
    if not Framework.objects.filter(published=True).exists():
        for path in shipped_framework_files():
            framework_load(spec=read_framework(path))
    return Framework.latest_published()


def _trusts(ods_path: Path | None, count: int, rng: random.Random) -> list[Trust]:
    """Open English trusts from the ODS file, or generated fictional ones; all marked
    synthetic, since they are about to carry invented scores."""
    if ods_path is not None:
        records = [r for r in read_etr(ods_path) if r.english and not r.closed][:count]
        existing = {
            t.ods_code: t for t in Trust.objects.filter(ods_code__in=[r.ods_code for r in records])
        }
        new = [
            Trust(
                ods_code=r.ods_code,
                name=r.name,
                region=r.region,
                icb_code=r.icb_code,
                trust_type=type_from_name(r.name) or _type_from_words(r.name),
            )
            for r in records
            if r.ods_code not in existing
        ]
        Trust.objects.bulk_create(new)
        codes = [r.ods_code for r in records]
    else:
        regions = Region.values
        new = []
        for n in range(count):
            trust_type = _choose(TYPE_SHARE, rng)
            place = (
                f"{PLACES[n % len(PLACES)]}{'' if n < len(PLACES) else f' {n // len(PLACES) + 1}'}"
            )
            new.append(
                Trust(
                    ods_code=f"ZN{n:03d}",
                    name=f"{place} {_name_ending(trust_type)}",
                    region=regions[n % len(regions)],
                    icb_code=f"Z{n % 42:02d}",
                    trust_type=trust_type,
                )
            )
        Trust.objects.bulk_create(new, ignore_conflicts=True)
        codes = [trust.ods_code for trust in new]
    trusts = list(Trust.objects.filter(ods_code__in=codes).order_by("ods_code"))
    Trust.objects.filter(pk__in=[t.pk for t in trusts]).update(origin=DataOrigin.SYNTHETIC)
    return trusts


def _type_from_words(name: str) -> str:
    """A guess from the name, for synthetic data only: ODS files carry no trust type."""
    lowered = name.lower()
    if "mental health" in lowered or "partnership" in lowered:
        return TrustType.MENTAL_HEALTH
    if "community" in lowered:
        return TrustType.COMMUNITY
    if any(word in lowered for word in ("children", "orthopaedic", "cancer", "heart", "eye")):
        return TrustType.ACUTE_SPECIALIST
    return TrustType.ACUTE


def _name_ending(trust_type: str) -> str:
    return {
        TrustType.ACUTE: "Hospitals NHS Trust",
        TrustType.ACUTE_SPECIALIST: "Specialist Hospital NHS Foundation Trust",
        TrustType.MENTAL_HEALTH: "Mental Health NHS Foundation Trust",
        TrustType.COMMUNITY: "Community Health NHS Trust",
        TrustType.AMBULANCE: "Ambulance Service NHS Trust",
        TrustType.COMBINED: "Health and Care NHS Foundation Trust",
    }[trust_type]


def _choose(shares, rng: random.Random):
    pick, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if pick < total:
            return value
    return shares[-1][0]


def _cycles(framework: Framework, count: int, today: datetime.date) -> list[Cycle]:
    """The last ``count`` quarters up to this one, oldest first."""
    keys = [quarter_of(today)]
    while len(keys) < count:
        keys.append(previous_quarter(*keys[-1]))
    return [
        cycle_for_quarter(year=year, quarter=quarter, framework=framework, by=SEEDER)
        for year, quarter in reversed(keys)
    ]


def _board_members(trusts: list[Trust], rng: random.Random) -> dict[int, list[tuple[int, str]]]:
    """8 to 14 invented board members per trust (no password: they never sign in)."""
    password = make_password(None)
    seated = set(
        Membership.objects.filter(trust__in=trusts, role=Role.BOARD_MEMBER).values_list(
            "trust_id", flat=True
        )
    )
    users, memberships = [], []
    for trust in trusts:
        if trust.pk in seated:
            continue
        for n in range(rng.randint(8, 14)):
            users.append(
                User(
                    email=f"member{n + 1}@{trust.ods_code.lower()}.synthetic.example",
                    full_name=f"Board member {n + 1}",
                    password=password,
                )
            )
    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    by_email = dict(
        User.objects.filter(email__endswith=".synthetic.example").values_list("email", "pk")
    )
    for user in users:
        code = user.email.split("@")[1].split(".")[0].upper()
        number = int(user.email.split("@")[0].removeprefix("member"))
        memberships.append((code, by_email[user.email], number))
    trust_ids = {t.ods_code: t.pk for t in trusts}
    Membership.objects.bulk_create(
        [
            Membership(
                trust_id=trust_ids[code],
                user_id=user_id,
                role=Role.BOARD_MEMBER,
                seat_group=SeatGroup.EXECUTIVE if number % 2 else SeatGroup.NON_EXECUTIVE,
            )
            for code, user_id, number in memberships
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    boards: dict[int, list[tuple[int, str]]] = {t.pk: [] for t in trusts}
    for trust_id, user_id, seat in Membership.objects.filter(
        trust__in=trusts, role=Role.BOARD_MEMBER
    ).values_list("trust_id", "user_id", "seat_group"):
        boards[trust_id].append((user_id, seat))
    return boards


def _quarter(trust, cycle, cycles, board, questions, rng) -> tuple[int, int]:
    """One trust's quarter: opened, most of the board answers, closed unless it is the
    current quarter. Returns the responses and answers written."""
    # A quarter created before the trust was loaded has no assessment for it yet.
    assessment, _ = Assessment.objects.get_or_create(trust=trust, cycle=cycle)
    if assessment.responses.exists():
        return 0, 0
    current = cycle.pk == cycles[-1].pk
    step = cycles.index(cycle)
    maturity = _trust_maturity(trust)
    now = timezone.now()
    responses = []
    for user_id, seat in board:
        if rng.random() < (0.55 if current else 0.9):
            responses.append(
                Response(
                    assessment=assessment,
                    respondent_id=user_id,
                    seat_group=seat,
                    status=ResponseStatus.SUBMITTED,
                    submitted_at=now,
                )
            )
    Response.objects.bulk_create(responses)
    rows = []
    for response in Response.objects.filter(assessment=assessment).values_list("pk", flat=True):
        leaning = rng.gauss(0, 0.4) + (rng.choice((-1.2, 1.2)) if rng.random() < 0.1 else 0)
        for question_id, framework_id, principle in questions:
            if framework_id != cycle.framework_id:
                continue
            if rng.random() < 0.05 + (0.1 if principle in (6, 8) else 0):
                rows.append((response, question_id, None, True, "", now))
                continue
            level = maturity[principle] + 0.06 * step + leaning + rng.gauss(0, 0.5)
            rows.append((response, question_id, max(1, min(5, round(level))), False, "", now))
    _insert_answers(rows)
    status = AssessmentStatus.OPEN if current else AssessmentStatus.CLOSED
    Assessment.objects.filter(pk=assessment.pk).update(
        status=status, opened_at=now, closed_at=None if current else now
    )
    return len(responses), len(rows)


def _trust_maturity(trust: Trust) -> dict[int, float]:
    """Where this trust stands on each principle: its type, its own culture, the principle."""
    trust_rng = random.Random(trust.ods_code)  # the same trust stays itself every quarter
    base = TYPE_EFFECT.get(trust.trust_type, 2.6) + trust_rng.gauss(0, 0.35)
    return {principle: base + trust_rng.gauss(0, 0.3) for principle in range(1, 9)}


def _insert_answers(rows: list[tuple]) -> None:
    """Multi-row INSERTs, a thousand rows each: far faster than building a million model
    instances, and one round trip per thousand rows on PostgreSQL."""
    table = Answer._meta.db_table
    # No evidence: a seeded answer has none (the columns have no default in the database).
    columns = (
        "response_id, question_id, score, dont_know, comment, updated_at, "
        "evidence_title, evidence_url"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ANSWER_BATCH):
            batch = rows[start : start + ANSWER_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, '', '')"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",
                [value for row in batch for value in row],
            )
