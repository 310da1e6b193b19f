"""How the national view shows what programme staff may read (``reports.programme``):
completion with its rates, the comparison's cells with their colours, a principle's spread
by group, one trust's quarters and its trend beside its peers, in rounded figures and words.
Shared by the pages; the exports write the exact values themselves."""

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from assessments import rules, scoring
from assessments.models import Assessment, AssessmentStatus, quarter_label
from assessments.presenters import one_decimal
from reports.programme import TrendPoint, TrustCompletion, TrustScores
from trusts.models import Region, Trust, TrustType

# Completion


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


@dataclass(frozen=True)
class CompletionRow:
    trust: Trust
    status: str
    submitted: int
    board_size: int

    @property
    def rate(self) -> str:
        return _rate(self.submitted, self.board_size)


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
        return _rate(self.submitted, self.board_places)


def completion(counts: list[TrustCompletion]) -> Completion:
    """Each trust's row, and the totals above the table."""
    statuses = [count.status for count in counts]
    return Completion(
        rows=[
            CompletionRow(count.trust, count.status.label, count.submitted, count.board_size)
            for count in counts
        ],
        opened=statuses.count(AssessmentStatus.OPEN),
        closed=statuses.count(AssessmentStatus.CLOSED),
        not_opened=statuses.count(AssessmentStatus.DRAFT),
        submitted=sum(count.submitted for count in counts),
        board_places=sum(count.board_size for count in counts),
    )


# The comparison


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
        if spread and not rules.enough_trusts(spread.n):
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


def quarter_rows(quarters: list[tuple[Assessment, Fraction | None]]) -> list[TrustQuarter]:
    return [
        TrustQuarter(
            label=assessment.cycle.label,
            slug=assessment.cycle.slug,
            status=assessment.status,
            status_label=assessment.get_status_display(),
            submitted=assessment.submitted,
            overall=one_decimal(overall),
        )
        for assessment, overall in quarters
    ]


# One trust's trend beside its peers


@dataclass(frozen=True)
class TrendRow:
    quarter: str
    trust: str
    peers: str
    peer_count: int


def trend_rows(points: list[TrendPoint]) -> list[TrendRow]:
    return [
        TrendRow(
            quarter=quarter_label(point.year, point.quarter),
            trust=one_decimal(point.trust),
            peers=one_decimal(point.peers),
            peer_count=point.peer_count,
        )
        for point in points
    ]
