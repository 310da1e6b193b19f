"""The scoring module against hand-computed cases, and its invariants as properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import Priority, Rag

scores = st.integers(min_value=1, max_value=5)
answers = st.lists(st.one_of(scores, st.none()), max_size=30)


# Question statistics, worked by hand


def test_question_stats_hand_computed():
    stats = scoring.question_stats([2, 4, 4, None, 5])
    assert stats.n == 4
    assert stats.dont_know == 1
    assert stats.counts == (0, 1, 0, 2, 1)
    assert stats.mean == 3.75  # (2 + 4 + 4 + 5) / 4
    assert stats.median == 4.0
    assert (stats.minimum, stats.maximum) == (2, 5)
    # population SD: deviations -1.75, .25, .25, 1.25 -> squares 3.0625 + .0625 + .0625 + 1.5625
    assert stats.sd == pytest.approx(math.sqrt(4.75 / 4))
    assert stats.views_differ  # 1.09 >= 1.0


def test_question_stats_all_dont_know_has_no_mean():
    stats = scoring.question_stats([None, None])
    assert (stats.n, stats.dont_know, stats.mean, stats.sd) == (0, 2, None, None)
    assert not stats.views_differ


def test_question_stats_even_count_median_is_midpoint():
    assert scoring.question_stats([1, 2, 4, 5]).median == 3.0


def test_question_stats_close_views_do_not_differ():
    assert not scoring.question_stats([3, 3, 4, 4]).views_differ  # SD 0.5


def test_question_stats_sd_of_exactly_one_differs():
    assert scoring.question_stats([2, 4]).sd == 1.0
    assert scoring.question_stats([2, 4]).views_differ


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
            "p1.c": scoring.question_stats([1, 3, None]),  # mean 2, SD 1.0: views differ
        }
    )
    assert summary.score == pytest.approx((3 + 4.5 + 2) / 3)
    assert summary.views_differ
    assert summary.dont_know_share == pytest.approx(2 / 9)
    assert not summary.assurance_gap  # 22% < 25%
    assert summary.question_means == {"p1.a": 3.0, "p1.b": 4.5, "p1.c": 2.0}


def test_principle_summary_flags_assurance_gap_at_a_quarter():
    summary = scoring.principle_summary(
        {"p1.a": scoring.question_stats([3, 3, 3, None]), "p1.b": scoring.question_stats([4])}
    )
    assert summary.dont_know_share == 0.2
    summary = scoring.principle_summary({"p1.a": scoring.question_stats([3, 3, 3, None])})
    assert summary.dont_know_share == 0.25
    assert summary.assurance_gap


def test_principle_summary_question_without_scores_is_left_out_of_the_mean():
    summary = scoring.principle_summary(
        {"p1.a": scoring.question_stats([None]), "p1.b": scoring.question_stats([4])}
    )
    assert summary.score == 4.0


def test_overall_score_is_mean_of_principle_scores():
    assert scoring.overall_score([2.0, 3.0, None, 4.0]) == 3.0
    assert scoring.overall_score([None]) is None


# Gap, RAG, priorities


@pytest.mark.parametrize(
    ("target", "score", "expected_gap", "expected_rag"),
    [
        (4.0, 2.5, 1.5, Rag.RED),
        (4.0, 3.0, 1.0, Rag.RED),
        (4.0, 3.2, 0.8, Rag.AMBER),
        (4.0, 3.5, 0.5, Rag.AMBER),
        (4.0, 3.6, 0.4, Rag.GREEN),
        (3.0, 3.4, -0.4, Rag.GREEN),
    ],
)
def test_gap_and_rag_hand_computed(target, score, expected_gap, expected_rag):
    gap = scoring.gap(target=target, score=score)
    assert gap == pytest.approx(expected_gap)
    assert scoring.rag(gap) == expected_rag


def test_gap_without_target_or_score_is_none():
    assert scoring.gap(target=None, score=3.0) is None
    assert scoring.gap(target=4.0, score=None) is None
    assert scoring.rag(None) is None


def test_priorities_largest_gap_first_then_lowest_score():
    rows = [
        Priority(number=1, score=3.0, gap=0.5),
        Priority(number=2, score=2.0, gap=1.5),
        Priority(number=3, score=2.5, gap=1.5),
        Priority(number=4, score=1.5, gap=1.5),
    ]
    assert [row.number for row in scoring.priorities(rows)] == [4, 2, 3, 1]


# Trend


def test_trend_counts_only_questions_asked_both_times():
    current = {"p1.a": 3.0, "p1.b": 4.0, "p1.new": 1.0}
    previous = {"p1.a": 2.0, "p1.b": 3.0, "p1.old": 5.0}
    assert scoring.trend(current, previous) == pytest.approx(1.0)


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
    assert scoring.question_stats(with_more).sd == scoring.question_stats(values).sd


@given(answers, st.randoms(use_true_random=False))
def test_property_order_of_answers_does_not_matter(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    a, b = scoring.question_stats(values), scoring.question_stats(shuffled)
    assert (a.n, a.dont_know, a.counts, a.median) == (b.n, b.dont_know, b.counts, b.median)
    if a.n:
        assert a.mean == pytest.approx(b.mean)
        assert a.sd == pytest.approx(b.sd)


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
