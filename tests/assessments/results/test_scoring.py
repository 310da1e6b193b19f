"""The scoring module against hand-computed cases, and its invariants as properties."""

import statistics
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.results import rules, scoring
from assessments.results.rules import Agreement, Rag

scores = st.integers(min_value=1, max_value=5)
answers = st.lists(st.one_of(scores, st.none()), max_size=30)


# Question statistics, worked by hand


def test_question_stats_hand_computed():
    stats = scoring.question_stats([2, 4, 4, None, 5])
    assert stats.n == 4
    assert stats.dont_know == 1
    assert stats.counts == (0, 1, 0, 2, 1)
    assert stats.mean == F(15, 4)  # (2 + 4 + 4 + 5) / 4
    assert stats.median == 4
    assert (stats.minimum, stats.maximum) == (2, 5)
    # population variance: deviations -1.75, .25, .25, 1.25 -> squares sum to 4.75, over 4
    assert stats.variance == F(19, 16)
    assert stats.views_differ  # SD 1.09 >= 1.0


def test_question_stats_all_dont_know_has_no_mean():
    stats = scoring.question_stats([None, None])
    assert (stats.n, stats.dont_know, stats.mean, stats.variance) == (0, 2, None, None)
    assert not stats.views_differ
    assert stats.agreement == Agreement.TOO_FEW


def test_question_stats_even_count_median_is_midpoint():
    assert scoring.question_stats([1, 2, 4, 5]).median == 3.0


def test_question_stats_close_views_do_not_differ():
    assert not scoring.question_stats([3, 3, 4, 4]).views_differ  # SD 0.5


def test_question_stats_sd_of_exactly_one_differs():
    assert scoring.question_stats([2, 4, 2, 4]).variance == 1
    assert scoring.question_stats([2, 4, 2, 4]).views_differ


def test_question_stats_with_too_few_scores_claims_neither_agreement_nor_difference():
    stats = scoring.question_stats([1, 5, None, None])  # SD 2, but from two scores
    assert stats.agreement == Agreement.TOO_FEW
    assert not stats.views_differ
    assert scoring.question_stats([3, 3, 3]).agreement == Agreement.AGREE


@pytest.mark.parametrize("bad", [0, 6, 3.5])
def test_question_stats_rejects_scores_outside_the_scale(bad):
    with pytest.raises(ValueError, match="1 to 5"):
        scoring.question_stats([3, bad])


# Principles and overall


def test_principle_summary_hand_computed():
    summary = scoring.principle_summary(
        {
            "p1.a": scoring.question_stats([3, 3, 3]),  # mean 3
            "p1.b": scoring.question_stats([4, 5, None]),  # mean 4.5, one don't know
            "p1.c": scoring.question_stats([1, 3, 1, 3, None]),  # mean 2, SD 1.0: differ
        }
    )
    assert summary.score == F(19, 6)  # (3 + 9/2 + 2) / 3
    assert summary.scores == 9
    assert summary.views_differ
    assert not summary.judged  # p1.b has only two scores
    assert summary.dont_know_share == F(2, 11)
    assert not summary.assurance_gap  # 18% < 25%
    assert summary.question_means == {"p1.a": 3, "p1.b": F(9, 2), "p1.c": 2}


def test_principle_summary_flags_assurance_gap_at_a_quarter():
    summary = scoring.principle_summary(
        {"p1.a": scoring.question_stats([3, 3, 3, None]), "p1.b": scoring.question_stats([4])}
    )
    assert summary.dont_know_share == F(1, 5)
    summary = scoring.principle_summary({"p1.a": scoring.question_stats([3, 3, 3, None])})
    assert summary.dont_know_share == F(1, 4)
    assert summary.assurance_gap


def test_principle_summary_question_without_scores_is_left_out_of_the_mean():
    summary = scoring.principle_summary(
        {"p1.a": scoring.question_stats([None]), "p1.b": scoring.question_stats([4])}
    )
    assert summary.score == 4.0


def test_overall_score_is_mean_of_principle_scores():
    assert scoring.overall_score([2, 3, None, 4]) == 3
    assert scoring.overall_score([None]) is None


# Gap, RAG, priorities: on the printed values


@pytest.mark.parametrize(
    ("target", "score", "expected_gap", "expected_rag"),
    [
        ("4.0", F(5, 2), "1.5", Rag.RED),
        ("4.0", F(3), "1.0", Rag.RED),
        ("4.0", F(16, 5), "0.8", Rag.AMBER),
        ("4.0", F(7, 2), "0.5", Rag.AMBER),
        ("4.0", F(18, 5), "0.4", Rag.GREEN),
        ("3.0", F(17, 5), "-0.4", Rag.GREEN),
        # 2.5 exactly, from question means 9/7, 29/7 and 29/14: gap exactly 0.5, amber
        ("3.0", (F(9, 7) + F(29, 7) + F(29, 14)) / 3, "0.5", Rag.AMBER),
        # 2.96 prints as 3.0: the gap printed beside it is 1.0 and the RAG red
        ("4.0", F(74, 25), "1.0", Rag.RED),
        # 3.54 prints as 3.5: gap 0.5, amber (the exact gap, 0.46, would say green)
        ("4.0", F(177, 50), "0.5", Rag.AMBER),
    ],
)
def test_gap_and_rag_decided_on_the_printed_values(target, score, expected_gap, expected_rag):
    gap = rules.printed_gap(target=Decimal(target), score=score)
    assert gap == Decimal(expected_gap)
    assert rules.rag(gap) == expected_rag


def test_gap_without_target_or_score_is_none():
    assert rules.printed_gap(target=None, score=F(3)) is None
    assert rules.printed_gap(target=Decimal("4.0"), score=None) is None
    assert rules.rag(None) is None


def test_priorities_largest_gap_first_then_lowest_score():
    rows = [
        (1, Decimal("0.5"), Decimal("3.0")),
        (2, Decimal("1.5"), Decimal("2.0")),
        (3, Decimal("1.5"), Decimal("2.5")),
        (4, Decimal("1.5"), Decimal("1.5")),
        (5, Decimal("0.0"), Decimal("4.0")),  # at target: not a priority
    ]
    assert rules.priority_order(rows) == [4, 2, 3, 1]


# Rounding: once, half up, never -0.0


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (F(9, 4), "2.3"),  # 2.25 half up, not to even
        (F(49, 20), "2.5"),  # 2.45
        (F(43, 20), "2.2"),  # 2.15 (a float would say 2.1)
        (F(-9, 4), "-2.3"),
        (F(-1, 40), "0.0"),  # -0.025: never -0.0
        (F(5, 2), "2.5"),
        (None, "–"),
    ],
)
def test_figures_are_printed_half_up_once(value, printed):
    assert rules.shown(value) == printed


def test_changes_are_signed_and_never_minus_zero():
    assert rules.shown_signed(F(3, 10)) == "+0.3"
    assert rules.shown_signed(F(-1, 5)) == "-0.2"
    assert rules.shown_signed(F(-1, 100)) == "0.0"


# Trend


def test_trend_counts_only_questions_asked_both_times():
    current = {"p1.a": F(3), "p1.b": F(4), "p1.new": F(1)}
    previous = {"p1.a": F(2), "p1.b": F(3), "p1.old": F(5)}
    assert scoring.trend(current, previous) == 1


def test_overall_trend_compares_only_questions_asked_both_times_in_every_principle():
    current = {1: {"a": F(3), "b": F(4)}, 2: {"c": None, "d": F(1)}, 3: {"e": None}}
    previous = {1: {"a": F(2), "b": F(3)}, 2: {"c": F(5), "d": F(2)}, 3: {"e": F(4)}}
    # principle 1: 3.5 vs 2.5; principle 2: d only, 1 vs 2; principle 3 all "don't know" now
    assert scoring.overall_trend(current, previous) == 0  # (3.5 + 1) / 2 - (2.5 + 2) / 2


def test_change_is_called_only_outside_the_bootstrap_interval():
    assert rules.change_direction(F(2, 5), (F(1, 10), F(7, 10))) == rules.Direction.UP
    assert rules.change_direction(F(-2, 5), (F(-7, 10), F(-1, 10))) == rules.Direction.DOWN
    assert rules.change_direction(F(1, 10), (F(-1, 5), F(2, 5))) == rules.Direction.NONE
    assert rules.change_direction(F(1, 100), (F(1, 200), F(1, 50))) == rules.Direction.NONE


def test_bootstrap_interval_is_the_same_every_time_and_wide_for_noisy_boards():
    steady = [{"a": 3}] * 10
    noisy = [{"a": score} for score in (1, 5, 2, 4, 3, 1, 5, 2, 4, 3)]
    up = [{"a": 4}] * 10

    def statistic(respondents):
        return scoring.mean_of(r["a"] for r in respondents)

    clear = rules.bootstrap_interval(statistic, steady, up, seed="x")
    assert clear == (1, 1)
    first = rules.bootstrap_interval(statistic, noisy, steady, seed="y")
    assert first == rules.bootstrap_interval(statistic, noisy, steady, seed="y")
    assert first[0] < 0 < first[1]


def test_trend_without_matching_questions_is_none():
    assert scoring.trend({"p1.a": 3.0}, {"p1.b": 2.0}) is None
    assert scoring.trend({"p1.a": None}, {"p1.a": 2.0}) is None


# Properties


@given(answers)
def test_property_question_mean_and_median_stay_within_the_scale(values):
    stats = scoring.question_stats(values)
    if stats.n:
        assert 1 <= stats.mean <= 5
        assert 1 <= stats.median <= 5
        assert stats.minimum <= stats.mean <= stats.maximum
    assert sum(stats.counts) == stats.n
    assert stats.n + stats.dont_know == len(values)


@given(answers, st.integers(min_value=1, max_value=10))
def test_property_dont_know_never_moves_a_mean(values, extra):
    with_more = values + [None] * extra
    assert scoring.question_stats(with_more).mean == scoring.question_stats(values).mean
    assert scoring.question_stats(with_more).variance == scoring.question_stats(values).variance


@given(answers, st.randoms(use_true_random=False))
def test_property_order_of_answers_does_not_matter(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    a, b = scoring.question_stats(values), scoring.question_stats(shuffled)
    assert (a.n, a.dont_know, a.counts, a.median) == (b.n, b.dont_know, b.counts, b.median)
    if a.n:
        assert a.mean == pytest.approx(b.mean)
        assert a.variance == pytest.approx(b.variance)


@given(st.dictionaries(st.sampled_from(["p1.a", "p1.b", "p1.c"]), answers, min_size=1))
def test_property_principle_score_stays_within_the_scale(questions):
    summary = scoring.principle_summary(
        {key: scoring.question_stats(values) for key, values in questions.items()}
    )
    if summary.score is not None:
        assert 1 <= summary.score <= 5
    if summary.dont_know_share is not None:
        assert 0 <= summary.dont_know_share <= 1


@given(st.lists(st.one_of(st.floats(min_value=1, max_value=5), st.none())))
def test_property_overall_score_stays_within_the_scale(principle_scores):
    overall = scoring.overall_score(principle_scores)
    assert overall is None or 1 <= overall <= 5


# Peer benchmark


def test_peer_summary_hand_computed():
    peers = scoring.peer_summary([2.0, 3.0, 3.5, 4.0, 2.5, None])
    assert peers == scoring.PeerSummary(
        trusts=5, median=3.0, lower_quartile=2.5, upper_quartile=3.5
    )


def test_peer_summary_needs_five_trusts():
    assert scoring.peer_summary([2.0, 3.0, 3.5, 4.0, None]) is None


@given(st.lists(st.floats(min_value=1, max_value=5), min_size=5, max_size=40))
def test_property_peer_median_sits_within_its_quartiles(scores):
    peers = scoring.peer_summary(scores)
    assert peers.lower_quartile <= peers.median <= peers.upper_quartile
    assert min(scores) <= peers.lower_quartile
    assert peers.upper_quartile <= max(scores)


@given(st.lists(st.fractions(min_value=1, max_value=5, max_denominator=60), min_size=1))
def test_median_of_middle_equals_the_median_of_the_whole_group(scores):
    ordered = sorted(scores)
    n = len(ordered)
    middle = ordered[(n - 1) // 2 : n // 2 + 1]  # what the database returns: 2 × rank in [n, n + 2]
    assert middle == [s for rank, s in enumerate(ordered, 1) if n <= 2 * rank <= n + 2]
    assert scoring.median_of_middle(middle) == F(statistics.median(ordered))


def test_median_of_middle_refuses_more_than_the_middle_two():
    with pytest.raises(ValueError, match="one or two values"):
        scoring.median_of_middle([F(1), F(2), F(3)])


@given(st.fractions(min_value=-10, max_value=10, max_denominator=2000), st.integers(0, 2))
def test_rounded_is_half_up_from_the_exact_value(value, places):
    whole = int(abs(value) * 10**places + F(1, 2))  # the definition, in Fraction arithmetic
    expected = Decimal(whole).scaleb(-places)
    assert rules.rounded(value, places) == (-expected if value < 0 and whole else expected)


@given(st.lists(st.fractions(min_value=1, max_value=5, max_denominator=10**6)))
def test_exactly_sorted_orders_as_fractions_compare(scores):
    assert scoring.exactly_sorted(scores) == sorted(scores)


@given(st.fractions(min_value=-10, max_value=10, max_denominator=2000), st.integers(0, 2))
def test_shown_prints_the_rounded_value(value, places):
    assert rules.shown(value, places) == f"{rules.rounded(value, places):.{places}f}"


@given(st.lists(st.fractions(min_value=1, max_value=5, max_denominator=500), min_size=2))
def test_quartiles_of_sorted_scores_match_the_statistics_module(scores):
    ordered = sorted(scores)
    expected = statistics.quantiles(ordered, n=4, method="inclusive")
    assert scoring.quartiles(ordered) == tuple(F(q) for q in expected)
    assert scoring.median_of_sorted(ordered) == F(statistics.median(ordered))


@given(st.lists(st.lists(st.one_of(scores, st.none()), min_size=4, max_size=4), max_size=15))
def test_property_mean_of_column_means_in_whole_numbers_is_the_definition(rows):
    expected = scoring.mean_of(scoring.mean_of(column) for column in zip(*rows, strict=True))
    assert scoring.mean_of_column_means(rows) == expected


@given(
    st.lists(
        st.lists(st.lists(st.one_of(scores, st.none()), min_size=3, max_size=3), max_size=6),
        max_size=4,
    )
)
def test_property_mean_of_means_of_column_means_in_whole_numbers_is_the_definition(groups):
    expected = scoring.mean_of(scoring.mean_of_column_means(rows) for rows in groups)
    assert scoring.mean_of_means_of_column_means(groups) == expected


def _change_interval_by_definition(before, after, keys_by_principle, seed):
    def statistic_for(keys):
        return lambda sample: scoring.mean_of(
            scoring.mean_of(answers.get(key) for answers in sample) for key in keys
        )

    intervals = {
        number: rules.bootstrap_interval(
            statistic_for(keys), before, after, seed=f"{seed}:{number}"
        )
        for number, keys in keys_by_principle.items()
    }
    overall = lambda sample: scoring.mean_of(  # noqa: E731
        statistic_for(keys)(sample) for keys in keys_by_principle.values()
    )
    intervals["overall"] = rules.bootstrap_interval(overall, before, after, seed=f"{seed}:all")
    return intervals


boards = st.lists(
    st.dictionaries(st.sampled_from(["1a", "1b", "2a"]), st.one_of(scores, st.none())),
    min_size=2,
    max_size=8,
)


@settings(max_examples=20, deadline=None)
@given(boards, boards)
def test_property_change_interval_is_the_bootstrap_of_the_definition(before, after):
    keys = {1: ["1a", "1b"], 2: ["2a"]}
    expected = _change_interval_by_definition(before, after, keys, "s")
    assert scoring.change_interval(before, after, keys, seed="s") == expected


@given(
    st.fractions(min_value=-10, max_value=10, max_denominator=10**6)
    | st.decimals(min_value=-10, max_value=10, places=6).map(F)
)
def test_an_exported_number_is_the_float_of_the_half_up_rounded_decimal(value):
    assert rules.exported(value) == float(rules.rounded(value, rules.EXPORT_PLACES))
    assert rules.exported(None) is None
