from reports import charts


def test_score_chart_bar_lengths_are_proportional_to_scores():
    chart = charts.score_chart(
        [("P1", 5.0, 4.0, 3.0), ("P2", 2.5, None, None), ("P3", None, 1.0, None)],
        width=516,
        label_width=0,
    )  # plot width 500: one level is 100 units
    assert [bar.width for bar in chart.bars] == [500.0, 250.0, 0.0]
    assert chart.bars[0].target_x == 400.0
    assert chart.bars[0].peer_x == 300.0
    assert chart.bars[1].target_x is None
    assert [bar.value_text for bar in chart.bars] == ["5.0", "2.5", ""]
    assert [tick.position for tick in chart.ticks] == [0, 100, 200, 300, 400, 500]


def test_score_chart_rows_stack_and_values_stay_on_the_scale():
    chart = charts.score_chart([("P1", 7.0, -1.0, None), ("P2", 3.0, None, None)], row_height=30)
    assert chart.bars[0].width == chart.plot_width  # clamped at 5
    assert chart.bars[0].target_x == chart.plot_left  # clamped at 0
    assert chart.bars[1].y - chart.bars[0].y == 30
    assert chart.height == 2 * 30 + 24


def test_score_chart_short_bars_carry_their_value_outside():
    chart = charts.score_chart([("P1", 0.2, None, None), ("P2", 4.0, None, None)])
    assert not chart.bars[0].value_inside
    assert chart.bars[0].value_x > chart.bars[0].left + chart.bars[0].width
    assert chart.bars[1].value_inside
    assert chart.bars[1].value_x < chart.bars[1].left + chart.bars[1].width


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
