"""Every rule that turns answers into what a board reads, in one place.

The scoring module computes (exactly, with fractions); this module decides: the minimum
group size, how figures are rounded, the RAG lines, when views differ, when "don't know"
is high, the level of confidence, the priorities and when a change is a change. The
presenters, exports, national view and the paper's methodology section all read from
here, and the methodology text is written from these same values, so it cannot drift.
"""

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

LEVELS = (1, 2, 3, 4, 5)
RED_GAP = Decimal("1.0")  # printed gap at or above this: red
AMBER_GAP = Decimal("0.5")  # printed gap at or above this: amber
VIEWS_DIFFER_SD = Fraction(1)  # population SD of a question's scores at or above: views differ
# The one suppression rule for every figure made from several trusts (a peer median on a
# paper, the national spread, a trend's peers, the exports): fewer trusts in the group,
# no figure. Quartiles of two trusts say nothing, a median of one is that trust's score,
# and a small group's figure lets its members be picked out.
MIN_TRUSTS = 5


def enough_trusts(count: int) -> bool:
    """Whether a figure made from ``count`` trusts may be shown at all (MIN_TRUSTS)."""
    return count >= MIN_TRUSTS


MIN_SCORES_TO_JUDGE = 3  # fewer scores on a question: too few to say whether views differ
DONT_KNOW_FLAG = Fraction(1, 4)  # this share of "don't know" answers or more is high
CHANGE_CONFIDENCE = 95  # per cent: a change is called only outside this bootstrap interval
BOOTSTRAP_SAMPLES = 400  # resamples of the respondents per change (seeded: same every time)
PLACES = 1  # decimal places of every score, gap and change a person reads
EXPORT_PLACES = 4  # decimal places of the exports' numbers


def minimum_group() -> int:
    """The fewest submitted responses behind any figure (the MIN_RESPONSES setting)."""
    from django.conf import settings

    return settings.MIN_RESPONSES


def figures_shown(respondents: int) -> bool:
    """Whether figures resting on this many submitted responses may be shown at all (the
    release rule, assessments.results.disclosure, decides which responses those are)."""
    return respondents >= minimum_group()


def _half_up(value: Fraction | Decimal | int, places: int) -> tuple[bool, int]:
    """(negative, |value| × 10^places rounded half up), in whole numbers: a table of 2,000
    figures is rounded in a millisecond, not in the tens that Fraction arithmetic takes."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    numerator, denominator = abs(exact.numerator), exact.denominator
    whole = (2 * numerator * 10**places + denominator) // (2 * denominator)
    return exact < 0 and whole > 0, whole  # never -0.0


def rounded(value: Fraction | Decimal | int | None, places: int = PLACES) -> Decimal | None:
    """Half up (2.25 is 2.3, -2.25 is -2.3), once, from the exact value; never -0.0."""
    if value is None:
        return None
    negative, whole = _half_up(value, places)
    result = Decimal(whole).scaleb(-places)
    return -result if negative else result


def nearest_level(value) -> int:
    """The whole level nearest the exact value, half up (for a heat map's colour)."""
    negative, whole = _half_up(value, 0)
    return -whole if negative else whole


def shown(value, places: int = PLACES) -> str:
    """The figure as printed: "2.5", or "–" for none."""
    if value is None:
        return "–"
    negative, whole = _half_up(value, places)
    units, part = divmod(whole, 10**places)
    sign = "-" if negative else ""
    return f"{sign}{units}.{part:0{places}d}" if places else f"{sign}{units}"


def shown_signed(value) -> str:
    value = rounded(value)
    if value is None:
        return "–"
    return f"{value:+.{PLACES}f}" if value else f"{Decimal(0):.{PLACES}f}"


def percent(share: Fraction | None) -> str:
    return "–" if share is None else f"{rounded(share * 100, 0):.0f}%"


def exported(value) -> float | None:
    """A number for CSV, Excel and the API: the exact value at EXPORT_PLACES decimal
    places, half up. Whole numbers divided exactly: the same float as the rounded
    decimal's, without making one (an API answer holds 2,000 of them)."""
    if value is None:
        return None
    negative, whole = _half_up(value, EXPORT_PLACES)
    number = whole / 10**EXPORT_PLACES
    return -number if negative else number


# Targets, gaps and RAG, on the printed values so that no two cells of a row disagree


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


def printed_gap(*, target: Decimal | None, score: Fraction | None) -> Decimal | None:
    """Target minus the score as printed; positive is below target."""
    if target is None or score is None:
        return None
    return Decimal(target) - rounded(score)


def rag(gap: Decimal | None) -> Rag | None:
    if gap is None:
        return None
    if gap >= RED_GAP:
        return Rag.RED
    if gap >= AMBER_GAP:
        return Rag.AMBER
    return Rag.GREEN


ACTION_AMBER_DAYS = 28  # an action not started and due within this many days: amber
OPEN_ACTIONS = ("not_started", "in_progress")  # the statuses of an action still open


def action_overdue(*, status: str, due: datetime.date, today: datetime.date) -> bool:
    """Whether an action is overdue: still open (not started or in progress) and past its
    due date. The checklist's count, the action log page and the paper all ask here."""
    return status in OPEN_ACTIONS and due < today


def action_rag(*, status: str, due: datetime.date, chosen: str, today: datetime.date):
    """An action's RAG: the one the board chose, or else worked out from its due date and
    status: red once overdue, amber when due within four weeks and not started, green
    otherwise; done is green, and a dropped action has none."""
    if chosen:
        return Rag(chosen)
    if status == "done":
        return Rag.GREEN
    if status == "dropped":
        return None
    if action_overdue(status=status, due=due, today=today):
        return Rag.RED
    if status == "not_started" and (due - today).days <= ACTION_AMBER_DAYS:
        return Rag.AMBER
    return Rag.GREEN


RAG_WORDS = {
    Rag.RED: f"Red: {RED_GAP} level or more below target",
    Rag.AMBER: f"Amber: {AMBER_GAP} level or more below target",
    Rag.GREEN: f"Green: less than {AMBER_GAP} level below target, or above it",
}


def priority_order(rows: Sequence[tuple[int, Decimal, Decimal]]) -> list[int]:
    """Principle numbers below target, (number, printed gap, printed score): largest gap
    first, then the lower score, then the lower number."""
    below = [row for row in rows if row[1] > 0]
    return [number for number, _, _ in sorted(below, key=lambda r: (-r[1], r[2], r[0]))]


# Agreement and "don't know"


class Agreement(StrEnum):
    DIFFER = "differ"
    AGREE = "agree"
    TOO_FEW = "too few"


def agreement(scores: int, variance: Fraction | None) -> Agreement:
    """Views differ when a question's population SD reaches VIEWS_DIFFER_SD; with fewer
    than MIN_SCORES_TO_JUDGE scores nothing is claimed either way."""
    if scores < MIN_SCORES_TO_JUDGE or variance is None:
        return Agreement.TOO_FEW
    return Agreement.DIFFER if variance >= VIEWS_DIFFER_SD**2 else Agreement.AGREE


def dont_know_high(share: Fraction | None) -> bool:
    return share is not None and share >= DONT_KNOW_FLAG


# Confidence in these results: how far the board can rely on its own answers. Not an
# audit opinion, which the app cannot give.

CONFIDENCE_LEVELS = ("High", "Moderate", "Low")


def confidence(*, submitted: int, board: int, high_dont_know: int, differ: int) -> str:
    rate = Fraction(submitted, board) if board else Fraction(0)
    if rate >= Fraction(3, 4) and high_dont_know == 0 and differ <= 1:
        return CONFIDENCE_LEVELS[0]
    if rate < Fraction(1, 2) or high_dont_know >= 3:
        return CONFIDENCE_LEVELS[2]
    return CONFIDENCE_LEVELS[1]


# Change since an earlier quarter


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    NONE = "no clear change"


def change_direction(change: Fraction | None, interval: tuple[Fraction, Fraction] | None):
    """A change is up or down only when the bootstrap interval leaves out zero and the
    printed change is not 0.0."""
    if change is None:
        return None
    if interval is None or interval[0] <= 0 <= interval[1] or not rounded(change):
        return Direction.NONE
    return Direction.UP if change > 0 else Direction.DOWN


def bootstrap_interval(
    statistic, before: Sequence, after: Sequence, *, seed: str
) -> tuple[Fraction, Fraction] | None:
    """The central CHANGE_CONFIDENCE% of ``statistic(after') - statistic(before')`` over
    BOOTSTRAP_SAMPLES resamples (with replacement) of each quarter's respondents. Seeded
    from ``seed``, so the same answers always give the same interval."""
    if len(before) < 2 or len(after) < 2:
        return None
    generator = random.Random(seed)
    differences = []
    for _ in range(BOOTSTRAP_SAMPLES):
        a = statistic([before[generator.randrange(len(before))] for _ in before])
        b = statistic([after[generator.randrange(len(after))] for _ in after])
        if a is not None and b is not None:
            differences.append(b - a)
    if len(differences) < BOOTSTRAP_SAMPLES // 2:
        return None
    differences.sort()
    tail = (100 - CHANGE_CONFIDENCE) / 200
    low = differences[int(tail * (len(differences) - 1))]
    high = differences[int((1 - tail) * (len(differences) - 1))]
    return Fraction(low), Fraction(high)


# The early warning for programme staff (reports.national.warning): a trust whose board
# may need a conversation, for a reason said in words. Never shown to a trust.

WARNING_RESPONSE_RATE = Fraction(1, 2)  # fewer than this share of the board submitted
WARNING_OPEN_DAYS = 14  # an open quarter's rate counts from this many days before it closes
WARNING_OVERDUE_ACTIONS = 3  # this many board actions overdue, or more


def fell_twice(this: Direction | None, before: Direction | None) -> bool:
    """A score that went down more than chance, in this quarter and the one before."""
    return this == Direction.DOWN and before == Direction.DOWN


def response_rate_low(submitted: int, board: int) -> bool:
    """Fewer than half the board submitted (a board of nobody has no rate)."""
    return board > 0 and Fraction(submitted, board) < WARNING_RESPONSE_RATE


def open_rate_counts(closes_on: datetime.date, today: datetime.date) -> bool:
    """Whether an open quarter's response rate is worth a warning yet: from WARNING_OPEN_DAYS
    before its closing date; before that, answers are only starting to come in."""
    return (closes_on - today).days <= WARNING_OPEN_DAYS


def overdue_actions_many(overdue: int) -> bool:
    return overdue >= WARNING_OVERDUE_ACTIONS


def methodology(minimum: int | None = None) -> tuple[tuple[str, str], ...]:
    """The paper's "how these figures are worked out", from the values above."""
    n = minimum or minimum_group()
    return (
        (
            "Answers",
            "Each board member scores each question from 1 (not started) to 5 (leading), or "
            'says "don\'t know". Only submitted answers count, and "don\'t know" is not a '
            "score: it never raises or lowers one.",
        ),
        (
            "Scores",
            "A question's score is the mean of the scores given; a principle's is the mean "
            "of its question scores (each question counts the same, however many scored "
            "it); the overall score is the mean of the principle scores. Every figure is "
            f"worked out exactly and rounded once, to {PLACES} decimal place, half up "
            "(2.25 becomes 2.3). Each principle shows how many scores it rests on.",
        ),
        (
            "Views differ",
            "When the scores on a question have a population standard deviation of "
            f"{float(VIEWS_DIFFER_SD):g} level or more. With fewer than {MIN_SCORES_TO_JUDGE} "
            "scores on a question there are too few to say either way.",
        ),
        (
            "Don't know",
            f"The share of a principle's answers that were \"don't know\". "
            f"{percent(DONT_KNOW_FLAG)} or more is high: the board may lack assurance there.",
        ),
        (
            "Gap and RAG",
            "The target minus the score as printed; a positive gap is below target. "
            f"{RAG_WORDS[Rag.RED]}. {RAG_WORDS[Rag.AMBER]}. {RAG_WORDS[Rag.GREEN]}.",
        ),
        ("Priorities", "The largest gaps first; where gaps are equal, the lower score first."),
        (
            "Change",
            "Against the trust's latest earlier quarter with results, named, over the "
            "questions asked both times (so a change of framework does not move it), for "
            "each principle and overall. A change is called up or down only when zero lies "
            f"outside the central {CHANGE_CONFIDENCE}% of the changes found in "
            f"{BOOTSTRAP_SAMPLES} bootstrap resamples of each quarter's respondents (drawn "
            'with replacement, the same draws every time); otherwise it reads "no clear '
            'change".',
        ),
        (
            "Peer median",
            "The median principle score of other trusts that closed this quarter with "
            f"results, shown only where at least {MIN_TRUSTS} trusts have one. No trust is "
            "named or ranked.",
        ),
        (
            "Confidence in these results",
            "How far the board can rely on its own answers (not an audit opinion). "
            f"{CONFIDENCE_LEVELS[0]} when at least three quarters of the board answered, no "
            'principle has a high share of "don\'t know" and views differ on at most one; '
            f"{CONFIDENCE_LEVELS[2].lower()} when fewer than half answered or three or more "
            f'principles have a high share of "don\'t know"; otherwise '
            f"{CONFIDENCE_LEVELS[1].lower()}. Results need at least {n} submitted responses.",
        ),
    )
