"""How the national view shows what programme staff may read (``reports.national.queries``):
completion with its rates, the comparison's cells with their colours and the key to them,
what each trust's figures rest on (submitted of the board, the rate, the confidence the
trust's paper shows), a principle's spread by group, one trust's quarters and its trend
beside its peers, in rounded figures and words. Shared by the pages; the exports write the
exact values themselves."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from assessments.models import AssessmentStatus, quarter_label
from assessments.results import rules, scoring
from assessments.results.presenters import one_decimal
from principles.models import LEVEL_LABELS, LEVELS
from reports.national.queries import RestsOn, TrendPoint, TrustCompletion, TrustQuarter, TrustScores
from reports.paper.cover import confidence_of
from trusts.models import Region, Trust, TrustType

# Completion


def response_rate(part: int, whole: int | None) -> Fraction | None:
    """The share of the board who submitted, exactly; None with no board to divide by."""
    return Fraction(part, whole) if whole else None


@lru_cache(maxsize=4096)
def _rate(part: int, whole: int | None) -> str:
    """Rounded half up, once, as every percentage (rules.percent); once per process for
    each pair, as boards' sizes and counts repeat across 200 trusts."""
    return rules.percent(response_rate(part, whole))


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
    # 0 (no score) to 5, for the colour; the value is always there as text. None: a cell
    # of what the scores rest on, which has no colour.
    heat: int | None
    numeric: bool = True


def _heat(printed: Decimal) -> int:
    return max(LEVELS[0], min(LEVELS[-1], rules.nearest_level(printed)))


@lru_cache(maxsize=4096)
def heat_cell(value: Fraction | None) -> Cell:
    """A score's cell, coloured by the level nearest the score as printed (so that a cell
    reading 1.5 is always the colour the key gives 1.5). Boards' means take few distinct
    values, so a table of 2,000 cells rounds each value once (kept per process; a value's
    cell never changes)."""
    return Cell(one_decimal(value), 0 if value is None else _heat(rules.rounded(value)))


def heat_cells(trust: TrustScores, numbers: tuple[int, ...]) -> list[Cell]:
    """One cell for each of the framework's principles, then the overall score."""
    return [*map(heat_cell, map(trust.scores.get, numbers)), heat_cell(trust.overall)]


def comparison_cells(trust: TrustScores, numbers: tuple[int, ...]) -> list[Cell]:
    """A trust's row after its name: its scores, then what they rest on."""
    facts = rests_on(trust.rests_on)
    return [
        *heat_cells(trust, numbers),
        Cell(facts.submitted, None),
        Cell(facts.rate, None),
        Cell(facts.confidence, None, numeric=False),
    ]


@dataclass(frozen=True)
class KeyRow:
    heat: int
    scores: str  # the printed scores of this colour: "1.5 to 2.4"
    meaning: str


def heat_key() -> list[KeyRow]:
    """What each colour of the comparison means, in words: the printed scores nearest
    each level (heat_cell decides the colour on the printed score), then no score."""
    step = Decimal(1).scaleb(-rules.PLACES)  # one in the last printed place
    half = Decimal("0.5")
    rows = []
    for level in LEVELS:
        low = max(Decimal(LEVELS[0]), level - half)
        high = min(Decimal(LEVELS[-1]), level + half - step)
        rows.append(
            KeyRow(
                _heat(low),
                f"{rules.shown(low)} to {rules.shown(high)}",
                f"Nearest level {level}, {LEVEL_LABELS[level].lower()}",
            )
        )
    rows.append(KeyRow(0, "–", 'No score: every answer was "don\'t know"'))
    return rows


# What a trust's figures rest on, beside them

HEADINGS = ("Submitted", "Response rate", "Confidence")  # their columns, after the scores


@dataclass(frozen=True)
class RestsOnRow:
    submitted: str  # "7 of 9"
    rate: str  # "78%"
    confidence: str  # rules.CONFIDENCE_LEVELS, or "–" where no figures are shown


def rests_on(figures: RestsOn) -> RestsOnRow:
    board = figures.board_size
    return RestsOnRow(
        submitted=str(figures.submitted) if board is None else f"{figures.submitted} of {board}",
        rate=_rate(figures.submitted, board),
        confidence=confidence(figures) or "–",
    )


@dataclass(frozen=True)
class _PrincipleFlags:
    """What the paper's confidence reads of each principle's row (reports.paper.presenters)."""

    assurance_gap: bool
    views_differ: bool


def confidence(figures: RestsOn) -> str | None:
    """The confidence in these results that the trust's board paper shows on its cover,
    worked out by the paper's own function from the same published figures. None where
    no figures are shown (an open quarter, or too few responses): it is made from the
    answers ("don't know" and how far views differ), so it is hidden as they are."""
    if not figures.figures_shown or not figures.board_size:
        return None
    numbers, differ = figures.views_differ.keys(), figures.views_differ.values()
    high = map(_dont_know_high, map(figures.dont_know.get, numbers))
    flags = tuple(zip(high, differ, strict=True))
    return _confidence(flags, figures.submitted, figures.board_size)


@lru_cache(maxsize=4096)
def _dont_know_high(share: Fraction | None) -> bool:
    """rules.dont_know_high, once for each share: comparing two Fractions costs more than
    finding the answer kept, and a page of 200 trusts has 1,600 shares of a few values."""
    return rules.dont_know_high(share)


@lru_cache(maxsize=4096)
def _confidence(flags: tuple[tuple[bool, bool], ...], submitted: int, board_size: int) -> str:
    """The paper's rule on what it reads, once for each set of them: a national page or API
    answer of 200 trusts has far fewer different ones."""
    rows = [_PrincipleFlags(assurance_gap=gap, views_differ=differ) for gap, differ in flags]
    level, _reason = confidence_of(rows, submitted, board_size)
    return level


def confidence_meaning() -> str:
    """What the levels of confidence mean, as the paper's methodology says it."""
    return dict(rules.methodology())["Confidence in these results"]


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
class QuarterRow:
    label: str
    slug: str
    status: str  # the questionnaire's state ("open", "reopened", "closed"), for its tag
    status_label: str
    rests_on: RestsOnRow
    overall: str  # "–" until closed with enough responses to publish


def quarter_rows(quarters: list[TrustQuarter]) -> list[QuarterRow]:
    return [
        QuarterRow(
            label=quarter.assessment.cycle.label,
            slug=quarter.assessment.cycle.slug,
            status=quarter.assessment.state,
            status_label=quarter.assessment.state.label,
            rests_on=rests_on(quarter.rests_on),
            overall=one_decimal(quarter.overall),
        )
        for quarter in quarters
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
