"""What programme staff may read across trusts: completion, each trust's scores and what
they rest on, one trust's quarters and its trend beside its peers, as exact values. Read
from the summary table and the release it was written from, never from answers, and only
for assessments that closed with at least MIN_RESPONSES submitted. How the national view
shows them (words, rounded figures, colours, spreads) is ``reports.national.rows``."""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import connections
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    OverallResult,
    PrincipleResult,
    Release,
    Response,
    ResponseStatus,
)
from assessments.results import disclosure, rules, scoring
from core.fields import from_text
from trusts.models import Membership, Role, Trust


@dataclass(frozen=True)
class Filters:
    region: str = ""
    icb: str = ""
    trust_type: str = ""

    def chosen(self) -> list[tuple[str, str]]:
        """Each filter set, as the trusts table's column and its value: the one statement
        of them that the ORM's form (``apply``) and the SQL's (``as_sql``) both read."""
        columns = (("region", self.region), ("icb_code", self.icb), ("trust_type", self.trust_type))
        return [(column, value) for column, value in columns if value]

    def apply(self, trusts: QuerySet, prefix: str = "") -> QuerySet:
        return trusts.filter(**{f"{prefix}{column}": value for column, value in self.chosen()})

    def as_sql(self, trust: str) -> tuple[str, list]:
        """The filters as conditions on the trusts table (named ``trust`` in the statement)
        for a statement written in SQL, and their parameters."""
        chosen = self.chosen()
        where = "".join(f" AND {trust}.{column} = %s" for column, _ in chosen)
        return where, [value for _, value in chosen]

    @property
    def as_query(self) -> str:
        parts = {"region": self.region, "icb": self.icb, "type": self.trust_type}
        return "&".join(f"{key}={value}" for key, value in parts.items() if value)


# Completion


@dataclass(frozen=True)
class TrustCompletion:
    trust: Trust
    status: AssessmentStatus  # DRAFT where the quarter has no assessment yet
    submitted: int
    board_size: int


def completion_counts(cycle: Cycle, filters: Filters) -> list[TrustCompletion]:
    """Every trust in the filter, by name: its assessment's status, how many of its board
    submitted and how many sit on it (one query)."""
    submitted = (
        Response.objects.filter(
            assessment__cycle=cycle,
            assessment__trust=OuterRef("pk"),
            status=ResponseStatus.SUBMITTED,
        )
        .values("assessment__trust")
        .annotate(n=Count("pk"))
        .values("n")
    )
    board = (
        Membership.objects.filter(trust=OuterRef("pk"), role=Role.BOARD_MEMBER)
        .values("trust")
        .annotate(n=Count("pk"))
        .values("n")
    )
    status = Assessment.objects.filter(cycle=cycle, trust=OuterRef("pk")).values("status")[:1]
    trusts = filters.apply(Trust.objects.all()).annotate(
        submitted=Coalesce(Subquery(submitted), 0),
        board_size=Coalesce(Subquery(board), 0),
        assessment_status=Subquery(status),
    )
    return [
        TrustCompletion(
            trust=trust,
            status=AssessmentStatus(trust.assessment_status or AssessmentStatus.DRAFT),
            submitted=trust.submitted,
            board_size=trust.board_size,
        )
        for trust in trusts.order_by("name")
    ]


# What a quarter's figures rest on


@dataclass
class RestsOn:
    """How many had submitted, of how many on the board, and for each principle (by
    number) whether views differ and its share of "don't know": what the board paper's
    cover works its confidence out from. For a closed quarter, as its latest release
    published them (the paper's "N of M"); while a quarter is open, the counts as they
    stand (as the completion page and the draft paper show them) and no figures."""

    submitted: int
    board_size: int | None  # None only for summary rows written without a release
    figures_shown: bool = False  # published with at least MIN_RESPONSES submitted
    views_differ: dict[int, bool] = field(default_factory=dict)
    dont_know: dict[int, Fraction | None] = field(default_factory=dict)


def _latest_release(field_name: str, assessment: str = "pk") -> Subquery:
    """One field of an assessment's latest release, for the same query."""
    return Subquery(
        Release.objects.filter(assessment=OuterRef(assessment))
        .order_by("-number")
        .values(field_name)[:1]
    )


# Comparison


@dataclass
class TrustScores:
    trust_id: int
    name: str
    ods_code: str
    region: str
    trust_type: str
    scores: dict[int, Fraction | None] = field(default_factory=dict)
    overall: Fraction | None = None  # from the summary table, worked out at publication
    rests_on: RestsOn = field(default_factory=lambda: RestsOn(0, None))


# The comparison's two statements: each closed assessment (its trust, overall score and
# board as its latest release published it), then each of its principle rows that may be
# shown. Written in SQL: building them through the ORM took twice as long as running them.
CLOSED_ASSESSMENTS = """
SELECT a.id, t.id, t.name, t.ods_code, t.region, t.trust_type, o.score,
    (SELECT l.board_size FROM assessments_release l WHERE l.assessment_id = a.id
     ORDER BY l.number DESC LIMIT 1)
FROM assessments_assessment a
JOIN trusts_trust t ON t.id = a.trust_id
LEFT JOIN assessments_overallresult o ON o.assessment_id = a.id
WHERE a.cycle_id = %s AND a.status = %s{where}
"""
CLOSED_PRINCIPLES = """
SELECT r.assessment_id, p.number, r.score, r.respondents, r.views_differ, r.dont_know_share
FROM assessments_principleresult r
JOIN assessments_assessment a ON a.id = r.assessment_id
JOIN trusts_trust t ON t.id = a.trust_id
JOIN principles_principle p ON p.id = r.principle_id
WHERE a.cycle_id = %s AND a.status = %s AND r.respondents >= %s{where}
ORDER BY p.number, a.id
"""


def closed_results(cycle: Cycle, filters: Filters) -> list[TrustScores]:
    """Each trust's principle and overall scores for the quarter, with what they rest on
    (its board as published in the latest release), in two queries of the summary table.
    One query, repeating the trust and looking up the latest release for every principle
    row, did eight times the work: at 200 trusts it took twice as long as these two."""
    where, params = filters.as_sql("t")
    with connections[Assessment.objects.db].cursor() as cursor:
        cursor.execute(
            CLOSED_ASSESSMENTS.format(where=where),
            [cycle.pk, AssessmentStatus.CLOSED.value, *params],
        )
        closed = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            CLOSED_PRINCIPLES.format(where=where),
            [cycle.pk, AssessmentStatus.CLOSED.value, rules.minimum_group(), *params],
        )
        principles = cursor.fetchall()
    by_assessment: dict[int, TrustScores] = {}
    for assessment_id, number, score, respondents, differ, dont_know in principles:
        entry = by_assessment.get(assessment_id)
        if entry is None:
            # A trust is listed only where its figures may be shown (MIN_RESPONSES).
            trust_id, name, code, region, trust_type, overall, board_size = closed[assessment_id]
            entry = TrustScores(
                trust_id,
                name,
                code,
                region,
                trust_type,
                overall=from_text(overall),
                rests_on=RestsOn(respondents, board_size, figures_shown=True),
            )
            by_assessment[assessment_id] = entry
        entry.scores[number] = from_text(score)
        entry.rests_on.views_differ[number] = bool(differ)  # SQLite answers 0 or 1
        entry.rests_on.dont_know[number] = from_text(dont_know)
    return list(by_assessment.values())


def sort_keys(numbers: tuple[int, ...]) -> list[str]:
    """The columns the comparison can be sorted by: name, each principle, overall."""
    return ["name", *(f"p{n}" for n in numbers), "overall"]


def sorted_trusts(trusts: list[TrustScores], sort: str, descending: bool) -> list[TrustScores]:
    """By name, "overall" or a principle ("p3"), as NationalQuery has checked."""
    if sort == "name":
        return sorted(trusts, key=lambda t: t.name, reverse=descending)

    def value(trust: TrustScores):
        score = trust.overall if sort == "overall" else trust.scores.get(int(sort[1:]))
        # Trusts without a score go last, whichever way the column is sorted.
        return (score is None, -(score or 0) if descending else (score or 0), trust.name)

    return sorted(trusts, key=value)


# One trust's quarters, for its page in the national view


@dataclass(frozen=True)
class TrustQuarter:
    assessment: Assessment
    rests_on: RestsOn
    overall: Fraction | None  # where the results are published with enough responses


def trust_quarters(trust: Trust) -> tuple[list[TrustQuarter], int]:
    """Every quarter the trust's board has been asked, newest first, each with what its
    figures rest on and its overall score where the results are published; and how many
    sit on the board today (four queries)."""
    assessments = (
        trust.assessments.exclude(status=AssessmentStatus.DRAFT)
        .select_related("cycle")
        .annotate(
            released=_latest_release("respondents"),
            released_board=_latest_release("board_size"),
        )
        .order_by("-cycle__year", "-cycle__quarter")
    )
    scores: dict[int, list] = defaultdict(list)
    differ: dict[int, dict[int, bool]] = defaultdict(dict)
    dont_know: dict[int, dict[int, Fraction | None]] = defaultdict(dict)
    for assessment_id, number, score, views_differ, share in PrincipleResult.objects.filter(
        assessment__trust=trust,
        assessment__status=AssessmentStatus.CLOSED,
        respondents__gte=rules.minimum_group(),
    ).values_list("assessment_id", "principle__number", "score", "views_differ", "dont_know_share"):
        scores[assessment_id].append(score)
        differ[assessment_id][number] = views_differ
        dont_know[assessment_id][number] = share
    members = list(
        trust.memberships.filter(role=Role.BOARD_MEMBER).values_list("user_id", flat=True)
    )
    answered: dict[int, list[int]] = defaultdict(list)
    for assessment_id, respondent_id in Response.objects.filter(
        assessment__trust=trust, status=ResponseStatus.SUBMITTED
    ).values_list("assessment_id", "respondent_id"):
        answered[assessment_id].append(respondent_id)
    quarters = []
    for a in assessments:
        if a.is_closed and a.released is not None:
            # As published when it closed (the paper's "N of M"), whoever has come or gone.
            rests_on = RestsOn(
                a.released,
                a.released_board,
                figures_shown=a.pk in scores,
                views_differ=differ[a.pk],
                dont_know=dont_know[a.pk],
            )
        else:
            # As it stands, counted as the draft paper counts it: today's members and
            # anyone who submitted and has left since.
            rests_on = RestsOn(*disclosure.counted(members=members, submitted=answered[a.pk]))
        overall = scoring.overall_score(scores[a.pk]) if a.pk in scores else None
        quarters.append(TrustQuarter(a, rests_on, overall))
    return quarters, len(members)


# One trust's trend beside its peers


@dataclass(frozen=True)
class TrustSearch:
    typed: str
    chosen: Trust | None = None
    suggestions: tuple[Trust, ...] = ()  # several trusts matched: the person picks one


SUGGESTIONS = 10


def trust_search(typed: str) -> TrustSearch:
    """A trust by its ODS code or its name, exactly; otherwise the trusts whose name has
    every word typed, to choose from ("Wessex Vale" finds Wessex Vale Hospitals)."""
    typed = " ".join(typed.split())[:200]
    if not typed:
        return TrustSearch(typed)
    exact = Trust.objects.filter(Q(ods_code__iexact=typed) | Q(name__iexact=typed)).first()
    if exact is not None:
        return TrustSearch(typed, chosen=exact)
    matches = Trust.objects.order_by("name")
    for word in typed.split():
        matches = matches.filter(name__icontains=word)
    found = list(matches[: SUGGESTIONS + 1])
    if len(found) == 1:
        return TrustSearch(typed, chosen=found[0])
    return TrustSearch(typed, suggestions=tuple(found[:SUGGESTIONS]))


@dataclass(frozen=True)
class TrendPoint:
    year: int
    quarter: int
    trust: Fraction | None  # the chosen trust's overall score, if published that quarter
    peers: Fraction | None  # the median of the other trusts in the filter, if enough
    peer_count: int


# A trust's overall score in each closed quarter, and the middle one or two of the other
# trusts' in the filter each quarter, with how many there are: the database ranks each
# quarter's scores, and keeps those whose rank doubled is within one of the count + 1.
# Written in SQL for the same reason as the comparison's statements.
TREND_MINE = """
SELECT c.year, c.quarter, o.score
FROM assessments_overallresult o
JOIN assessments_assessment a ON a.id = o.assessment_id
JOIN assessments_cycle c ON c.id = a.cycle_id
WHERE a.status = %s AND o.respondents >= %s AND a.trust_id = %s
"""
TREND_MIDDLE = """
SELECT year, quarter, score, peers FROM (
    SELECT c.year AS year, c.quarter AS quarter, o.score AS score,
        COUNT(*) OVER (PARTITION BY a.cycle_id) AS peers,
        2 * ROW_NUMBER() OVER (PARTITION BY a.cycle_id ORDER BY o.score_order) AS twice
    FROM assessments_overallresult o
    JOIN assessments_assessment a ON a.id = o.assessment_id
    JOIN trusts_trust t ON t.id = a.trust_id
    JOIN assessments_cycle c ON c.id = a.cycle_id
    WHERE a.status = %s AND o.respondents >= %s AND a.trust_id <> %s
        AND o.score_order IS NOT NULL{where}
) ranked
WHERE twice >= peers AND twice <= peers + 2
"""


def trust_trend(trust: Trust, filters: Filters) -> list[TrendPoint]:
    """The trust's overall score in each closed quarter beside the median of the other
    trusts in the filter that quarter, where there are enough of them (rules.MIN_TRUSTS,
    as for every figure made from several trusts). The database returns only each
    quarter's one or two scores in the middle, with how many there are; the exact median
    is worked out from those (two queries, however many trusts and quarters)."""
    where, params = filters.as_sql("t")
    published = [AssessmentStatus.CLOSED.value, rules.minimum_group(), trust.pk]
    with connections[OverallResult.objects.db].cursor() as cursor:
        cursor.execute(TREND_MINE, published)
        mine = {(year, number): from_text(score) for year, number, score in cursor.fetchall()}
        cursor.execute(TREND_MIDDLE.format(where=where), [*published, *params])
        middle = cursor.fetchall()
    middles: dict[tuple[int, int], list] = defaultdict(list)
    counts: dict[tuple[int, int], int] = {}
    for year, number, score, peers in middle:
        middles[(year, number)].append(from_text(score))
        counts[(year, number)] = peers
    return [
        TrendPoint(
            *key,
            trust=mine.get(key),
            peers=(
                scoring.median_of_middle(middles[key])
                if key in middles and rules.enough_trusts(counts[key])
                else None
            ),
            peer_count=counts.get(key, 0),
        )
        for key in sorted(set(middles) | set(mine))
    ]
