"""The benchmark harness decides budgets from the ratio within each round, counts every
round's queries, and alternates which of subject and floor goes first (bench/harness.py).
No time is asserted: the subjects here are counted, not timed."""

import pytest

from bench.harness import Budget, Result, Spread, emit, interleave, load, result, single
from trusts.models import Trust


def test_interleave_alternates_which_goes_first_and_skips_the_warm_up(db):
    calls = []
    sample = interleave(
        lambda: calls.append("subject"), lambda: calls.append("floor"), rounds=4, warmup=2
    )
    assert calls[:4] == ["subject", "floor", "floor", "subject"]
    assert len(calls) == 12
    assert len(sample.subject_s) == len(sample.floor_s) == 4


def test_interleave_counts_the_subjects_queries_every_round(db):
    sample = interleave(
        lambda: (Trust.objects.count(), Trust.objects.exists()),
        lambda: Trust.objects.count(),
        rounds=3,
        warmup=1,
    )
    assert sample.queries == [2, 2, 2]


def test_interleave_prepares_each_round_untimed(db):
    turns = []
    interleave(
        lambda: turns.append("s"),
        lambda: None,
        rounds=2,
        warmup=1,
        prepare=lambda: turns.append("p"),
    )
    assert turns == ["p", "s", "p", "s", "p", "s"]


def measured(ratio: float, queries=(8,), ms: float = 5.0, problems=()) -> Result:
    return Result(
        budget="save",
        size="board of 5",
        database="sqlite",
        limit=Budget(ratio=5, ms=20, queries=10),
        ratio=Spread(ratio, ratio, ratio),
        subject_ms=Spread(ms, ms, ms),
        floor_ms=Spread(1, 1, 1),
        queries=queries,
        problems=problems,
    )


@pytest.mark.parametrize(
    ("outcome", "misses"),
    [
        (measured(4.99), []),
        (measured(5.01), ["ratio"]),
        (measured(4.0, ms=20.5), ["time"]),
        (measured(4.0, queries=(11,)), ["queries"]),
        (measured(4.0, queries=(8, 9)), ["queries"]),  # not the same every round
        (measured(4.0, problems=("2 errors",)), ["2 errors"]),
    ],
)
def test_budget_is_missed_for_each_limit_exceeded(outcome, misses):
    assert outcome.misses == misses
    assert outcome.met == (not misses)


def test_result_ratio_is_per_unit_of_the_subject(db):
    sample = interleave(lambda: None, lambda: None, rounds=3, warmup=0, count_queries=False)
    sample.subject_s, sample.floor_s = [10.0, 12.0, 14.0], [1.0, 2.0, 1.0]
    made = result(
        sample, budget="pdf", size="10 pages", limit=Budget(ratio=1.5), floor="trivial", per_unit=10
    )
    assert made.ratio == Spread(median=1.0, lower=0.8, upper=1.2)
    assert made.queries == ()


def test_emitted_results_load_back_as_they_were(capsys):
    results = [
        measured(4.2),
        single([90.5], budget="bulk", size="200", limit=Budget(ms=90_000), database="postgresql"),
    ]
    emit(results)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert load(line) == results
