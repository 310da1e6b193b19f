"""How Quarterdeck turns answers into board results (DESIGN.md §5). Pure functions over
plain values: no database, no Django. The board paper's methodology page describes these.

A score is an int from 1 to 5; "don't know" is passed as ``None``. Means are never rounded
here: rounding is for display only.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean, median, pstdev, quantiles

LEVELS = (1, 2, 3, 4, 5)
VIEWS_DIFFER_SD = 1.0  # a question's scores this spread (population SD) or more: views differ
DONT_KNOW_FLAG = 0.25  # this share of "don't know" answers or more is an assurance gap
RED_GAP = 1.0
AMBER_GAP = 0.5
PEER_MINIMUM = 5  # trusts in a peer group before its median is shown


@dataclass(frozen=True)
class QuestionStats:
    n: int  # scores given (excludes "don't know")
    dont_know: int
    counts: tuple[int, int, int, int, int]  # how many chose each level, 1 to 5
    mean: float | None
    median: float | None
    minimum: int | None
    maximum: int | None
    sd: float | None

    @property
    def answers(self) -> int:
        return self.n + self.dont_know

    @property
    def views_differ(self) -> bool:
        return self.sd is not None and self.sd >= VIEWS_DIFFER_SD


def question_stats(answers: Iterable[int | None]) -> QuestionStats:
    """Statistics for one question from its answers, ``None`` meaning "don't know"."""
    answers = list(answers)
    scores = [score for score in answers if score is not None]
    if any(score not in LEVELS for score in scores):
        raise ValueError(f"scores must be whole numbers from 1 to 5, got {scores}")
    counts = tuple(scores.count(level) for level in LEVELS)
    return QuestionStats(
        n=len(scores),
        dont_know=len(answers) - len(scores),
        counts=counts,
        mean=fmean(scores) if scores else None,
        median=float(median(scores)) if scores else None,
        minimum=min(scores, default=None),
        maximum=max(scores, default=None),
        sd=pstdev(scores) if scores else None,
    )


def mean_of(values: Iterable[float | None]) -> float | None:
    """The mean of the values that exist; None when none do."""
    present = [value for value in values if value is not None]
    return fmean(present) if present else None


@dataclass(frozen=True)
class PrincipleSummary:
    score: float | None  # mean of its question means
    views_differ: bool  # any of its questions does
    dont_know_share: float | None  # share of its answers that were "don't know"
    question_means: dict[str, float | None]

    @property
    def assurance_gap(self) -> bool:
        return self.dont_know_share is not None and self.dont_know_share >= DONT_KNOW_FLAG


def principle_summary(questions: Mapping[str, QuestionStats]) -> PrincipleSummary:
    """One principle from its questions' statistics, keyed by question key."""
    answers = sum(stats.answers for stats in questions.values())
    dont_knows = sum(stats.dont_know for stats in questions.values())
    return PrincipleSummary(
        score=mean_of(stats.mean for stats in questions.values()),
        views_differ=any(stats.views_differ for stats in questions.values()),
        dont_know_share=dont_knows / answers if answers else None,
        question_means={key: stats.mean for key, stats in questions.items()},
    )


def overall_score(principle_scores: Iterable[float | None]) -> float | None:
    return mean_of(principle_scores)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


def gap(*, target: float | None, score: float | None) -> float | None:
    """Positive when the board scores itself below its target."""
    if target is None or score is None:
        return None
    return float(target) - score


def rag(gap_value: float | None) -> Rag | None:
    if gap_value is None:
        return None
    if gap_value >= RED_GAP:
        return Rag.RED
    if gap_value >= AMBER_GAP:
        return Rag.AMBER
    return Rag.GREEN


@dataclass(frozen=True)
class Priority:
    number: int
    score: float
    gap: float


def priorities(rows: Sequence[Priority]) -> list[Priority]:
    """Largest gap first, then lowest score, then principle number (so ties are stable)."""
    return sorted(rows, key=lambda row: (-row.gap, row.score, row.number))


def trend(
    current: Mapping[str, float | None], previous: Mapping[str, float | None]
) -> float | None:
    """Change in a principle's score since the previous assessment, counting only the
    questions asked both times (matching keys), so a framework change does not move it."""
    keys = [key for key in current if current[key] is not None and previous.get(key) is not None]
    if not keys:
        return None
    return fmean(current[key] for key in keys) - fmean(previous[key] for key in keys)


@dataclass(frozen=True)
class PeerSummary:
    trusts: int
    median: float
    lower_quartile: float
    upper_quartile: float


def peer_summary(scores: Iterable[float | None]) -> PeerSummary | None:
    """Median and inter-quartile range of other trusts' principle scores, or None when
    fewer than PEER_MINIMUM trusts have one (too few to compare, and too easy to identify)."""
    present = sorted(score for score in scores if score is not None)
    if len(present) < PEER_MINIMUM:
        return None
    lower, _, upper = quantiles(present, n=4, method="inclusive")
    return PeerSummary(len(present), float(median(present)), lower, upper)


@dataclass(frozen=True)
class Distribution:
    n: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


def distribution(scores: Iterable[float | None]) -> Distribution | None:
    """Median, quartiles and range of trusts' scores, for programme staff (who see every
    trust); None when there are none. One or two scores make their own quartiles."""
    present = sorted(score for score in scores if score is not None)
    if not present:
        return None
    if len(present) == 1:
        lower = upper = present[0]
    else:
        lower, _, upper = quantiles(present, n=4, method="inclusive")
    return Distribution(len(present), present[0], lower, float(median(present)), upper, present[-1])
