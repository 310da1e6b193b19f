"""What programme staff see across trusts: completion, comparison, distributions and one
trust's trend beside its peers. Read from the summary table, never from answers, and only
for assessments that closed with at least MIN_RESPONSES submitted."""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from assessments import rules, scoring
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    OverallResult,
    PrincipleResult,
    Response,
    ResponseStatus,
    quarter_label,
)
from assessments.presenters import one_decimal
from trusts.models import Membership, Region, Role, Trust, TrustType


@dataclass(frozen=True)
class Filters:
    region: str = ""
    icb: str = ""
    trust_type: str = ""

    def apply(self, trusts: QuerySet, prefix: str = "") -> QuerySet:
        conditions = {}
        if self.region:
            conditions[f"{prefix}region"] = self.region
        if self.icb:
            conditions[f"{prefix}icb_code"] = self.icb
        if self.trust_type:
            conditions[f"{prefix}trust_type"] = self.trust_type
        return trusts.filter(**conditions)

    @property
    def as_query(self) -> str:
        parts = {"region": self.region, "icb": self.icb, "type": self.trust_type}
        return "&".join(f"{key}={value}" for key, value in parts.items() if value)


# Completion


@dataclass(frozen=True)
class CompletionRow:
    trust: Trust
    status: str
    submitted: int
    board_size: int

    @property
    def rate(self) -> str:
        return f"{self.submitted / self.board_size:.0%}" if self.board_size else "–"


@dataclass(frozen=True)
class Completion:
    rows: list[CompletionRow]
    opened: int
    closed: int
    not_opened: int
    submitted: int
    board_places: int

    @property
    def rate(self) -> str:
        return f"{self.submitted / self.board_places:.0%}" if self.board_places else "–"


def completion(cycle: Cycle, filters: Filters) -> Completion:
    """Every trust in the filter, its assessment's status and its response rate."""
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
    rows = [
        CompletionRow(
            trust=trust,
            status=AssessmentStatus(trust.assessment_status or AssessmentStatus.DRAFT).label,
            submitted=trust.submitted,
            board_size=trust.board_size,
        )
        for trust in trusts.order_by("name")
    ]
    statuses = [trust_row.status for trust_row in rows]
    return Completion(
        rows=rows,
        opened=statuses.count(AssessmentStatus.OPEN.label),
        closed=statuses.count(AssessmentStatus.CLOSED.label),
        not_opened=statuses.count(AssessmentStatus.DRAFT.label),
        submitted=sum(row.submitted for row in rows),
        board_places=sum(row.board_size for row in rows),
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


def closed_results(cycle: Cycle, filters: Filters) -> list[TrustScores]:
    """Each trust's principle and overall scores for the quarter, in one query of the
    summary table."""
    rows = filters.apply(
        PrincipleResult.objects.filter(
            assessment__cycle=cycle,
            assessment__status=AssessmentStatus.CLOSED,
            respondents__gte=rules.minimum_group(),
        ),
        prefix="assessment__trust__",
    ).values_list(
        "assessment__trust_id",
        "assessment__trust__name",
        "assessment__trust__ods_code",
        "assessment__trust__region",
        "assessment__trust__trust_type",
        "assessment__overall_result__score",
        "principle__number",
        "score",
    )
    by_trust: dict[int, TrustScores] = {}
    for trust_id, name, code, region, trust_type, overall, number, score in rows:
        entry = by_trust.get(trust_id)
        if entry is None:
            entry = TrustScores(trust_id, name, code, region, trust_type, overall=overall)
            by_trust[trust_id] = entry
        entry.scores[number] = score
    return list(by_trust.values())


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


@dataclass(frozen=True)
class Cell:
    value: str
    heat: int  # 0 (no score) to 5, for the colour; the value is always there as text


@lru_cache(maxsize=4096)
def heat_cell(value: Fraction | None) -> Cell:
    """A score's cell. Boards' means take few distinct values, so a table of 2,000 cells
    rounds each value once (kept per process; a value's cell never changes)."""
    return Cell(
        one_decimal(value), 0 if value is None else max(1, min(5, rules.nearest_level(value)))
    )


def heat_cells(trust: TrustScores, numbers: tuple[int, ...]) -> list[Cell]:
    """One cell for each of the framework's principles, then the overall score."""
    return [heat_cell(trust.scores.get(n)) for n in numbers] + [heat_cell(trust.overall)]


@dataclass(frozen=True)
class DistributionRow:
    label: str
    values: tuple[str, ...]  # n, min, lower quartile, median, upper quartile, max
    shown: bool = True  # False: too few trusts for a spread to mean anything (n only)


def distribution_rows(trusts: list[TrustScores], principle: int) -> list[DistributionRow]:
    """The spread of one principle's scores: all trusts, then by type, then by region."""
    groups: dict[str, list[float | None]] = defaultdict(list)
    for trust in trusts:
        score = trust.scores.get(principle)
        groups["All trusts"].append(score)
        if trust.trust_type:
            groups[f"Type: {TrustType(trust.trust_type).label}"].append(score)
        groups[f"Region: {Region(trust.region).label}"].append(score)
    rows = []
    for label in sorted(groups, key=lambda g: (g != "All trusts", not g.startswith("Type"), g)):
        spread = scoring.distribution(groups[label])
        if spread and spread.n < rules.MIN_TRUSTS_FOR_SPREAD:
            rows.append(DistributionRow(label, (str(spread.n),), shown=False))
        elif spread:
            rows.append(
                DistributionRow(
                    label,
                    (
                        str(spread.n),
                        one_decimal(spread.minimum),
                        one_decimal(spread.lower_quartile),
                        one_decimal(spread.median),
                        one_decimal(spread.upper_quartile),
                        one_decimal(spread.maximum),
                    ),
                )
            )
    return rows


# One trust's quarters, for its page in the national view


@dataclass(frozen=True)
class TrustQuarter:
    label: str
    slug: str
    status: str  # the assessment's status code ("open", "closed"), for its tag
    status_label: str
    submitted: int
    overall: str  # "–" until closed with enough responses to publish


def trust_quarters(trust: Trust) -> list[TrustQuarter]:
    """Every quarter the trust's board has been asked, newest first: how many submitted,
    and the overall score where the results are published (two queries)."""
    assessments = (
        trust.assessments.exclude(status=AssessmentStatus.DRAFT)
        .select_related("cycle")
        .annotate(
            submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
        )
        .order_by("-cycle__year", "-cycle__quarter")
    )
    scores: dict[int, list] = defaultdict(list)
    for assessment_id, score in PrincipleResult.objects.filter(
        assessment__trust=trust,
        assessment__status=AssessmentStatus.CLOSED,
        respondents__gte=rules.minimum_group(),
    ).values_list("assessment_id", "score"):
        scores[assessment_id].append(score)
    return [
        TrustQuarter(
            label=a.cycle.label,
            slug=a.cycle.slug,
            status=a.status,
            status_label=a.get_status_display(),
            submitted=a.submitted,
            overall=one_decimal(scoring.overall_score(scores[a.pk])) if a.pk in scores else "–",
        )
        for a in assessments
    ]


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
class TrendRow:
    quarter: str
    trust: str
    peers: str
    peer_count: int


def trust_trend(trust: Trust, filters: Filters) -> list[TrendRow]:
    """The trust's overall score in each closed quarter beside the median of the other
    trusts in the filter that quarter. The database ranks each quarter's overall scores
    and returns only the one or two in the middle, with how many there are; the exact
    median is worked out from those (two queries, however many trusts and quarters)."""
    published = OverallResult.objects.filter(
        assessment__status=AssessmentStatus.CLOSED, respondents__gte=rules.minimum_group()
    )
    quarter = ("assessment__cycle__year", "assessment__cycle__quarter")
    mine = {
        (year, number): score
        for year, number, score in published.filter(assessment__trust=trust).values_list(
            *quarter, "score"
        )
    }
    by_quarter = F("assessment__cycle_id")
    middle = (
        filters.apply(published, prefix="assessment__trust__")
        .exclude(assessment__trust=trust)
        .filter(score_order__isnull=False)
        .annotate(
            rank=Window(RowNumber(), partition_by=by_quarter, order_by=F("score_order").asc()),
            peers=Window(Count("pk"), partition_by=by_quarter),
        )
        # The middle one of an odd count, the middle two of an even one: 2 × rank within
        # one of the count + 1 (a single condition, as the database filters on windows).
        .annotate(twice=F("rank") * 2)
        .filter(twice__gte=F("peers"), twice__lte=F("peers") + 2)
        .values_list(*quarter, "score", "peers")
    )
    middles: dict[tuple[int, int], list] = defaultdict(list)
    counts: dict[tuple[int, int], int] = {}
    for year, number, score, peers in middle:
        middles[(year, number)].append(score)
        counts[(year, number)] = peers
    trend = []
    for key in sorted(set(middles) | set(mine)):
        peer_median = scoring.median_of_middle(middles[key]) if key in middles else None
        trend.append(
            TrendRow(
                quarter=quarter_label(*key),
                trust=one_decimal(mine.get(key)),
                peers=one_decimal(peer_median),
                peer_count=counts.get(key, 0),
            )
        )
    return trend
