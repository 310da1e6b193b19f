import pytest

from reports.paper import charts


def test_score_chart_bar_lengths_are_proportional_to_the_levels_above_not_started():
    chart = charts.score_chart(
        [("P1", 5.0, 4.0, 3.0), ("P2", 2.5, None, None), ("P3", None, 1.0, None)],
        width=448,
        label_width=0,
        value_width=40,
    )  # plot width 400: one level is 100 units, level 1 at 0
    assert [bar.width for bar in chart.bars] == [400.0, 150.0, 0.0]
    assert chart.bars[0].target_x == 300.0
    assert chart.bars[0].peer_x == 200.0
    assert chart.bars[1].target_x is None
    assert chart.bars[2].target_x == 0.0
    assert [bar.value_text for bar in chart.bars] == ["5.0", "2.5", ""]
    assert [tick.position for tick in chart.ticks] == [0, 100, 200, 300, 400]
    assert [tick.label for tick in chart.ticks] == ["1", "2", "3", "4", "5"]


def test_score_chart_rows_stack_and_values_stay_on_the_scale():
    chart = charts.score_chart([("P1", 7.0, -1.0, None), ("P2", 3.0, None, None)], row_height=30)
    assert chart.bars[0].width == chart.plot_width  # clamped at 5
    assert chart.bars[0].target_x == chart.plot_left  # clamped at 1
    assert chart.bars[1].y - chart.bars[0].y == 30
    assert chart.height == 2 * 30 + 24


def test_score_chart_values_stand_clear_of_every_bar_and_marker():
    chart = charts.score_chart([("P1", 5.0, 5.0, 5.0), ("P2", 1.0, None, None)], width=640)
    for bar in chart.bars:
        assert bar.value_x == chart.width  # right-aligned at the chart's edge
        # "5.0" in 12-unit type is under 24 units wide; the plot ends 40 units before it.
        assert bar.value_x - 24 > chart.plot_left + chart.plot_width + 4
        assert bar.left + bar.width <= chart.plot_left + chart.plot_width


def test_both_charts_share_one_scale_from_level_1_to_5():
    """A score sits as far along the score chart's axis as up the trend chart's."""
    scores = [1.0, 2.2, 3.5, 5.0]
    bars = charts.score_chart([(f"P{n}", s, None, None) for n, s in enumerate(scores)])
    trend = charts.trend_chart([(f"Q{n}", s) for n, s in enumerate(scores)])
    along = [bar.width / bars.plot_width for bar in bars.bars]
    up = [(trend.plot_bottom - point.y) / trend.plot_height for point in trend.points]
    assert along == pytest.approx(up)
    assert along == pytest.approx([0.0, 0.3, 0.625, 1.0])
    assert (
        [t.label for t in bars.ticks] == [t.label for t in trend.ticks] == ["1", "2", "3", "4", "5"]
    )


def test_trend_chart_places_points_by_quarter_and_score():
    chart = charts.trend_chart(
        [("Q1", 1.0), ("Q2", 5.0), ("Q3", 3.0)], width=272, height=200, margin=36
    )
    xs = [point.x for point in chart.points]
    assert xs == [36.0, 136.0, 236.0]
    bottom, top = chart.plot_top + chart.plot_height, chart.plot_top
    assert [point.y for point in chart.points] == [bottom, top, (top + bottom) / 2]
    assert chart.path.startswith("M36.0,")
    assert chart.path.count("L") == 2


def test_trend_chart_breaks_the_line_at_a_missing_quarter():
    chart = charts.trend_chart([("Q1", 2.0), ("Q2", None), ("Q3", 3.0)])
    assert len(chart.points) == 2
    assert chart.path.count("M") == 2
    assert "L" not in chart.path
    assert len(chart.labels) == 3


def test_trend_chart_marks_a_framework_change_between_quarters():
    chart = charts.trend_chart([("Q1", 2.0), ("Q2", 3.0), ("Q3", 3.0)], framework_changes=[2])
    (change,) = chart.changes
    assert chart.labels[1].x < change < chart.labels[2].x


def test_trend_chart_single_quarter_sits_in_the_middle():
    chart = charts.trend_chart([("Q1", 3.0)], width=300, margin=50)
    assert chart.points[0].x == 150.0
