"""`make bench`'s chart (bench/chart.py): every budget's binding measure as a share of its
limit, so a reader sees at once which budgets are met and by how much."""

import math
from xml.etree import ElementTree

import pytest

from bench.chart import draw, share_of_limit
from bench.harness import Budget, Result, Spread, single

SVG = "{http://www.w3.org/2000/svg}"


def ratio_result(ratio: float, database: str = "sqlite", budget: str = "save") -> Result:
    return Result(
        budget=budget,
        size="board of 5",
        database=database,
        limit=Budget(ratio=5, queries=10),
        ratio=Spread(ratio, ratio - 0.5, ratio + 0.5),
        subject_ms=Spread(10, 9, 11),
        floor_ms=Spread(2, 2, 2),
        queries=(8,),
    )


def test_a_ratio_budget_is_drawn_as_its_ratio_over_its_limit_with_its_spread():
    share = share_of_limit(ratio_result(4.0))
    assert (share.median, share.lower, share.upper) == (0.8, 0.7, 0.9)
    assert share.words == "4.00× of ≤ 5×"


def test_a_time_or_p95_budget_is_drawn_as_its_time_over_its_limit():
    bulk = single([72.0], budget="bulk", size="200", limit=Budget(ms=90_000), database="pg")
    assert share_of_limit(bulk).median == pytest.approx(0.8)
    assert share_of_limit(bulk).words == "72.0 s of ≤ 90 s"
    load = single(
        [0.1], budget="100 members", size="100", limit=Budget(p95_ms=300), database="pg", p95_ms=150
    )
    assert share_of_limit(load).median == 0.5
    assert share_of_limit(load).words == "p95 150 ms of ≤ 300 ms"
    judged_by_findings = single(
        [1.0], budget="50 members", size="50", limit=Budget(), database="pg"
    )
    assert share_of_limit(judged_by_findings) is None


def test_chart_is_an_accessible_svg_with_one_bar_per_measure_and_misses_in_red_and_words():
    results = [
        ratio_result(4.0),
        ratio_result(4.6, database="postgresql"),
        ratio_result(6.0, budget="questionnaire page"),
    ]
    svg = draw(results, measured_on="2026-12-06")
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Each performance budget")
    assert "3 measures from make bench on 2026-12-06, 2 within their limit" in (
        root.find(f"{SVG}desc").text
    )
    bars = root.findall(f"{SVG}rect")[1:]  # after the white background
    assert [bar.get("fill") for bar in bars] == ["#005eb8", "#330072", "#d5281b"]
    words = [text.text for text in root.iter(f"{SVG}text")]
    assert "6.00× of ≤ 5×  MISSED" in words
    assert "board of 5 · PostgreSQL" in words
    assert words.count("questionnaire page") == 1  # each budget named once, above its rows


def test_a_capacity_where_no_rate_held_is_a_row_without_a_bar_and_the_chart_still_ends():
    nothing_held = Result(
        budget="capacity",
        size="p95 ≤ 300 ms",
        database="postgresql",
        limit=Budget(ratio=5),
        ratio=Spread(math.inf, math.inf, math.inf),
        subject_ms=Spread(math.nan, math.nan, math.nan),
        floor_ms=Spread(80, 80, 80),
        problems=("no rate held",),
    )
    root = ElementTree.fromstring(draw([nothing_held], measured_on="2026-12-06"))
    assert root.findall(f"{SVG}rect")[1:] == []
    assert "not measured  MISSED" in [text.text for text in root.iter(f"{SVG}text")]
