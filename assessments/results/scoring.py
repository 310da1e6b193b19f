"""How Quarterdeck turns answers into board results (docs/architecture.md, "Where each
rule lives" and "From a stored answer to a printed figure"). Pure functions over plain
values: no database, no Django. The rules that decide (thresholds, rounding, RAG,
agreement, change) live in ``assessments.results.rules``; the board paper's methodology section
is written from them.

A score is an int from 1 to 5; "don't know" is passed as ``None``. Every figure here is an
exact ``Fraction``: rounding is for display only, once, in ``rules.rounded``.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import median

from assessments.results import rules
from assessments.results.rules import LEVELS, Agreement


@dataclass(frozen=True)
class QuestionStats:
    n: int  # scores given (excludes "don't know")
    dont_know: int
    counts: tuple[int, int, int, int, int]  # how many chose each level, 1 to 5
    mean: Fraction | None
    median: Fraction | None
    minimum: int | None
    maximum: int | None
    variance: Fraction | None  # population variance: the spread of this board's scores

    @property
    def answers(self) -> int:
        return self.n + self.dont_know

    @property
    def agreement(self) -> Agreement:
        return rules.agreement(self.n, self.variance)

    @property
    def views_differ(self) -> bool:
        return self.agreement == Agreement.DIFFER


def mean_of(values: Iterable[Fraction | int | None]) -> Fraction | None:
    """The exact mean of the values that exist; None when none do."""
    present = [Fraction(value) for value in values if value is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


def question_stats(answers: Iterable[int | None]) -> QuestionStats:
    """Statistics for one question from its answers, ``None`` meaning "don't know"."""
    answers = list(answers)
    scores = [score for score in answers if score is not None]
    if any(score not in LEVELS for score in scores):
        raise ValueError(f"scores must be whole numbers from 1 to 5, got {scores}")
    mean = mean_of(scores)
    return QuestionStats(
        n=len(scores),
        dont_know=len(answers) - len(scores),
        counts=tuple(scores.count(level) for level in LEVELS),
        mean=mean,
        median=Fraction(median(scores)) if scores else None,
        minimum=min(scores, default=None),
        maximum=max(scores, default=None),
        variance=mean_of((score - mean) ** 2 for score in scores) if scores else None,
    )


@dataclass(frozen=True)
class PrincipleSummary:
    score: Fraction | None  # mean of its question means
    scores: int  # how many scores it rests on
    views_differ: bool  # any of its questions does
    judged: bool  # every question had enough scores to say whether views differ
    dont_know_share: Fraction | None  # share of its answers that were "don't know"
    question_means: dict[str, Fraction | None]

    @property
    def assurance_gap(self) -> bool:
        return rules.dont_know_high(self.dont_know_share)


def principle_summary(questions: Mapping[str, QuestionStats]) -> PrincipleSummary:
    """One principle from its questions' statistics, keyed by question key."""
    answers = sum(stats.answers for stats in questions.values())
    dont_knows = sum(stats.dont_know for stats in questions.values())
    return PrincipleSummary(
        score=mean_of(stats.mean for stats in questions.values()),
        scores=sum(stats.n for stats in questions.values()),
        views_differ=any(stats.views_differ for stats in questions.values()),
        judged=all(stats.agreement != Agreement.TOO_FEW for stats in questions.values()),
        dont_know_share=Fraction(dont_knows, answers) if answers else None,
        question_means={key: stats.mean for key, stats in questions.items()},
    )


def overall_score(principle_scores: Iterable[Fraction | None]) -> Fraction | None:
    return mean_of(principle_scores)


def overall_score_over(
    means: Mapping[int, Mapping[str, Fraction | None]], keys: Mapping[int, Iterable[str]]
) -> Fraction | None:
    """The overall score over only the given questions: each principle's mean of those
    questions' means (``keys`` by principle number), then the mean over principles. Over
    every question it is the overall score; a trend across framework versions passes the
    questions asked in every version."""
    return overall_score(
        mean_of(means.get(number, {}).get(key) for key in chosen) for number, chosen in keys.items()
    )


def shared_keys(
    means: Mapping[str, Fraction | None], other: Mapping[str, Fraction | None]
) -> list[str]:
    """The question keys scored in both quarters."""
    return [key for key, value in means.items() if value is not None and other.get(key) is not None]


def comparable_mean(
    means: Mapping[str, Fraction | None], other: Mapping[str, Fraction | None]
) -> Fraction | None:
    """The mean of ``means`` over the question keys scored in both quarters."""
    return mean_of(means[key] for key in shared_keys(means, other))


def trend(
    current: Mapping[str, Fraction | None], previous: Mapping[str, Fraction | None]
) -> Fraction | None:
    """Change in a principle's score since an earlier quarter, counting only the questions
    scored both times (matching keys), so a framework change does not move it."""
    now, before = comparable_mean(current, previous), comparable_mean(previous, current)
    return None if now is None or before is None else now - before


def overall_trend(
    current: Mapping[int, Mapping[str, Fraction | None]],
    previous: Mapping[int, Mapping[str, Fraction | None]],
) -> Fraction | None:
    """The overall change by the same rule: the mean over principles of each principle's
    score on the questions scored both times, now minus then."""
    pairs = [
        (
            comparable_mean(means, previous.get(number, {})),
            comparable_mean(previous.get(number, {}), means),
        )
        for number, means in current.items()
    ]
    pairs = [(now, before) for now, before in pairs if now is not None and before is not None]
    if not pairs:
        return None
    return mean_of(now for now, _ in pairs) - mean_of(before for _, before in pairs)


Respondent = Mapping[str, int | None]  # one member's answers: question key -> score


def mean_of_column_means(rows: Sequence[Sequence[int | None]]) -> Fraction | None:
    """The exact mean of each column's mean, columns with no score left out:
    ``mean_of(mean_of(column) for column in zip(*rows))``, worked out in whole numbers,
    so only the answer becomes a Fraction. The bootstrap asks for it thousands of times a
    paper."""
    return _as_fraction(_column_means_ratio(rows))


def mean_of_means_of_column_means(groups) -> Fraction | None:
    """``mean_of(mean_of_column_means(rows) for rows in groups)`` (the overall score of a
    resample: the mean of its principles' scores), in whole numbers likewise."""
    ratios = (_column_means_ratio(rows) for rows in groups)
    return _as_fraction(_mean_ratio(ratio for ratio in ratios if ratio is not None))


def _column_means_ratio(rows) -> tuple[int, int] | None:
    columns = (
        [score for score in column if score is not None] for column in zip(*rows, strict=True)
    )
    return _mean_ratio((sum(scores), len(scores)) for scores in columns if scores)


def _mean_ratio(ratios) -> tuple[int, int] | None:
    """The mean of (numerator, denominator) pairs as one such pair, not reduced: their sum
    kept over one common denominator, so no Fraction is made on the way."""
    numerator, denominator, count = 0, 1, 0
    for part, whole in ratios:
        numerator = numerator * whole + part * denominator
        denominator *= whole
        count += 1
    return (numerator, denominator * count) if count else None


def _as_fraction(ratio: tuple[int, int] | None) -> Fraction | None:
    return None if ratio is None else Fraction(*ratio)


def change_interval(
    before: Sequence[Respondent], after: Sequence[Respondent], keys_by_principle, *, seed: str
):
    """The bootstrap interval of the change in each principle, and overall, over the
    questions scored both times (``rules.bootstrap_interval``). Each respondent is
    resampled as a row of scores in the principle's question order; a principle's
    statistic is the mean of its question means."""

    def rows(respondents, keys):
        return [tuple(answers.get(key) for key in keys) for answers in respondents]

    intervals = {}
    for number, keys in keys_by_principle.items():
        intervals[number] = rules.bootstrap_interval(
            mean_of_column_means, rows(before, keys), rows(after, keys), seed=f"{seed}:{number}"
        )

    def by_principle(respondents):
        return list(
            zip(*(rows(respondents, keys) for keys in keys_by_principle.values()), strict=True)
        )

    def overall(sample):
        return mean_of_means_of_column_means(zip(*sample, strict=True))

    intervals["overall"] = rules.bootstrap_interval(
        overall, by_principle(before), by_principle(after), seed=f"{seed}:all"
    )
    return intervals


def exactly_sorted(scores: Iterable[Fraction | float | None]) -> list[Fraction]:
    """The scores given, lowest first. Ordered by their floats and only ties compared
    exactly: the same order as comparing fractions (a float never reverses two values),
    in a fraction of the time."""
    present = [
        score if isinstance(score, Fraction) else Fraction(score)
        for score in scores
        if score is not None
    ]
    return sorted(present, key=lambda score: (float(score), score))


def median_of_sorted(ordered: Sequence[Fraction]) -> Fraction:
    """The median of values already in order (``statistics.median`` without sorting them
    again, which compares every pair of fractions anew)."""
    half = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[half]
    return (ordered[half - 1] + ordered[half]) / 2


def quartiles(ordered: Sequence[Fraction]) -> tuple[Fraction, Fraction, Fraction]:
    """Lower quartile, median and upper quartile of two or more values already in order,
    by the "inclusive" method of ``statistics.quantiles`` (linear between the nearest
    ranks), exactly."""
    last = len(ordered) - 1
    cuts = []
    for quarter in (1, 2, 3):
        rank, part = divmod(quarter * last, 4)
        low = ordered[rank]
        cuts.append(low if not part else (low * (4 - part) + ordered[rank + 1] * part) / 4)
    return cuts[0], cuts[1], cuts[2]


@dataclass(frozen=True)
class PeerSummary:
    trusts: int
    median: Fraction
    lower_quartile: Fraction
    upper_quartile: Fraction


def peer_summary(scores: Iterable[Fraction | float | None]) -> PeerSummary | None:
    """Median and inter-quartile range of other trusts' principle scores, or None when
    fewer than MIN_TRUSTS trusts have one (too few to compare, and too easy to identify)."""
    present = exactly_sorted(scores)
    if not rules.enough_trusts(len(present)):
        return None
    lower, middle, upper = quartiles(present)
    return PeerSummary(len(present), middle, lower, upper)


def median_of_middle(middle: Sequence[Fraction]) -> Fraction:
    """The median of a group from its middle value (an odd count) or its middle two (an
    even one), as the database picks them out of an ordered group: the same value as
    ``statistics.median`` of the whole group."""
    if len(middle) not in (1, 2):
        raise ValueError(f"The middle of a group is one or two values, not {len(middle)}.")
    return Fraction(sum(middle, Fraction(0)), len(middle))


@dataclass(frozen=True)
class Distribution:
    n: int
    minimum: Fraction
    lower_quartile: Fraction
    median: Fraction
    upper_quartile: Fraction
    maximum: Fraction


def distribution(scores: Iterable[Fraction | float | None]) -> Distribution | None:
    """Median, quartiles and range of trusts' scores, for programme staff (who see every
    trust); None when there are none. One or two scores make their own quartiles."""
    present = exactly_sorted(scores)
    if not present:
        return None
    if len(present) == 1:
        lower = upper = present[0]
    else:
        lower, _, upper = quartiles(present)
    return Distribution(
        len(present), present[0], lower, median_of_sorted(present), upper, present[-1]
    )
