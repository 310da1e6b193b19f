"""The one way our benchmarks measure: subject and floor interleaved round by round.

A machine's speed drifts within a run (another process, a warm cache, the CPU's clock), so
timing the floor in one block and the subject in another measures the drift as much as the
code. Here each round times both, one straight after the other (which goes first
alternates), and the figure is the ratio of the two in that round; the report is the
median and interquartile range of those ratios, with every round's query count, against
the budget (docs/architecture.md, "Performance budgets").

Each script measures some of those budgets and ends by printing its results as one JSON
line (``emit``); ``bench/run.py`` (``make bench``) runs every script on SQLite and
PostgreSQL and prints them as one table.
"""

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

RESULT_PREFIX = "bench-results: "
# ``make bench-smoke`` (part of ``make test``): every script at its smallest size with two
# rounds and no warm-up, to prove the scripts still run. Its figures judge nothing.
SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def smallest(full, smoke):
    """What a script measures: ``full`` for ``make bench``, ``smoke`` for the smoke run."""
    return smoke if SMOKE else full


@dataclass(frozen=True)
class Spread:
    """The median and interquartile range of a sample."""

    median: float
    lower: float
    upper: float

    @classmethod
    def of(cls, values: list[float]) -> "Spread":
        if len(values) < 2:
            value = values[0] if values else float("nan")
            return cls(value, value, value)
        lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
        return cls(median, lower, upper)

    def text(self, scale: float = 1, digits: int = 2) -> str:
        return (
            f"{self.median * scale:.{digits}f} "
            f"[{self.lower * scale:.{digits}f}–{self.upper * scale:.{digits}f}]"
        )


@dataclass(frozen=True)
class Budget:
    """What a budget allows (docs/architecture.md, "Performance budgets"): a ratio to the
    floor, a time, a query count, a 95th percentile of many requests' times (any may be
    None), and whether the query count must stay the same from round to round."""

    ratio: float | None = None
    ms: float | None = None
    queries: int | None = None
    p95_ms: float | None = None

    def text(self) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}×")
        if self.ms is not None:
            parts.append(f"≤ {self.ms:g} ms" if self.ms < 1000 else f"≤ {self.ms / 1000:g} s")
        if self.queries is not None:
            parts.append(f"≤ {self.queries} queries")
        if self.p95_ms is not None:
            parts.append(f"p95 ≤ {self.p95_ms:g} ms")
        return ", ".join(parts)


@dataclass(frozen=True)
class Result:
    budget: str  # what is measured, in words: "questionnaire page"
    size: str  # "board of 5", "200 trusts × 23 quarters"
    database: str
    limit: Budget
    ratio: Spread | None  # subject / floor, round by round
    subject_ms: Spread
    floor_ms: Spread | None
    floor: str = ""  # what the subject is compared with
    queries: tuple[int, ...] = ()  # the distinct query counts seen over the rounds
    rounds: int = 0
    note: str = ""
    problems: tuple[str, ...] = ()  # what the script found wrong (errors, answers lost)
    p95_ms: float | None = None  # a load test's 95th percentile over all its requests

    @property
    def misses(self) -> list[str]:
        missed = list(self.problems)
        if self.limit.ratio is not None and self.ratio and self.ratio.median > self.limit.ratio:
            missed.append("ratio")
        if self.limit.ms is not None and self.subject_ms.median > self.limit.ms:
            missed.append("time")
        if self.limit.queries is not None and (
            not self.queries or max(self.queries) > self.limit.queries or len(self.queries) > 1
        ):
            missed.append("queries")
        if self.limit.p95_ms is not None and (
            self.p95_ms is None or self.p95_ms > self.limit.p95_ms
        ):
            missed.append("p95")
        return missed

    @property
    def met(self) -> bool:
        return not self.misses


@dataclass
class Sample:
    subject_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [s / f for s, f in zip(self.subject_s, self.floor_s, strict=True)]


class QueryCounter:
    """Counts the queries the default connection runs, at the cost of one function call
    per query (no query log, which would itself slow the subject)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(action: Callable[[], object], counter: QueryCounter | None = None) -> tuple[float, int]:
    before = counter.count if counter else 0
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    return elapsed, (counter.count - before if counter else 0)


def interleave(
    subject: Callable[[], object],
    floor: Callable[[], object],
    *,
    rounds: int,
    warmup: int = 3,
    prepare: Callable[[], object] | None = None,
    count_queries: bool = True,
) -> Sample:
    """Times ``subject`` and ``floor`` once each per round, alternating which goes first,
    after ``warmup`` untimed rounds. ``prepare`` runs untimed before each subject (to put
    back what the subject changes: a first save needs no response yet)."""
    from django.db import connection

    counter = QueryCounter() if count_queries else None
    sample = Sample()
    rounds, warmup = smallest((rounds, warmup), (2, 0))
    with connection.execute_wrapper(counter) if counter else _nothing():
        for number in range(warmup + rounds):
            if prepare:
                prepare()
            if number % 2:
                floor_s, _ = _timed(floor, counter)
                subject_s, queries = _timed(subject, counter)
            else:
                subject_s, queries = _timed(subject, counter)
                floor_s, _ = _timed(floor, counter)
            if number >= warmup:
                sample.subject_s.append(subject_s)
                sample.floor_s.append(floor_s)
                if counter:
                    sample.queries.append(queries)
    return sample


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def result(
    sample: Sample,
    *,
    budget: str,
    size: str,
    limit: Budget,
    floor: str,
    database: str | None = None,
    note: str = "",
    per_unit: float = 1,
) -> Result:
    """A sample as a result. ``per_unit`` divides the subject's time before the ratio is
    taken (a PDF of N pages against a one-page floor: per_unit=N)."""
    from django.db import connection

    ratios = [(s / per_unit) / f for s, f in zip(sample.subject_s, sample.floor_s, strict=True)]
    return Result(
        budget=budget,
        size=size,
        database=database or connection.vendor,
        limit=limit,
        ratio=Spread.of(ratios),
        subject_ms=Spread.of([s * 1000 for s in sample.subject_s]),
        floor_ms=Spread.of([f * 1000 for f in sample.floor_s]),
        floor=floor,
        queries=tuple(sorted(set(sample.queries))),
        rounds=len(sample.subject_s),
        note=note,
    )


def single(
    seconds: list[float],
    *,
    budget: str,
    size: str,
    limit: Budget,
    database: str,
    note: str = "",
    problems: tuple[str, ...] = (),
    p95_ms: float | None = None,
) -> Result:
    """A measure with no floor to divide by (a whole bulk run, a load test)."""
    return Result(
        problems=problems,
        p95_ms=p95_ms,
        budget=budget,
        size=size,
        database=database,
        limit=limit,
        ratio=None,
        subject_ms=Spread.of([s * 1000 for s in seconds]),
        floor_ms=None,
        rounds=len(seconds),
        note=note,
    )


def emit(results: list[Result]) -> None:
    """Prints each result for a person, then all of them as one JSON line for run.py."""
    for item in results:
        print(describe(item))
    print(RESULT_PREFIX + json.dumps([asdict(item) for item in results]))


def describe(item: Result) -> str:
    ratio = f"ratio {item.ratio.text()}" if item.ratio else "no floor"
    queries = f", queries {'/'.join(map(str, item.queries))}" if item.queries else ""
    p95 = f", p95 {item.p95_ms:.0f} ms" if item.p95_ms is not None else ""
    verdict = "met" if item.met else f"MISSED ({', '.join(item.misses)})"
    note = f" ({item.note})" if item.note else ""
    return (
        f"{item.database}: {item.budget}, {item.size}: {item.subject_ms.text(digits=1)} ms, "
        f"{ratio}{queries}{p95}; budget {item.limit.text() or 'as noted'}: {verdict}{note}"
    )


def load(line: str) -> list[Result]:
    """The results one script printed (the inverse of ``emit``)."""
    items = json.loads(line[len(RESULT_PREFIX) :])
    loaded = []
    for item in items:
        item["limit"] = Budget(**item["limit"])
        for name in ("ratio", "subject_ms", "floor_ms"):
            if item[name] is not None:
                item[name] = Spread(**item[name])
        item["queries"] = tuple(item["queries"])
        item["problems"] = tuple(item["problems"])
        loaded.append(Result(**item))
    return loaded
