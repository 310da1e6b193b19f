"""Chart geometry: plain numbers in, shapes out. Templates draw the SVG from these, so
the web page, the PDF and the Word file show the same chart, and the geometry is tested on
its own.

Both charts share one scale, the levels from 1 (not started) to 5 (leading), with a
gridline at each level: no score can be lower than 1, so an axis from 0 would spend a
fifth of the chart on values nobody can give and draw a bar for "not started". A bar's
length is how far a score is above not started, and a line's height the same. A missing
value draws nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass

SCALE_MIN = 1.0  # level 1, not started
SCALE_MAX = 5.0  # level 5, leading
LEVELS = tuple(range(int(SCALE_MIN), int(SCALE_MAX) + 1))


def along_scale(value: float) -> float:
    """How far along the scale ``value`` lies, from 0 at level 1 to 1 at level 5; values
    off the scale are drawn at its ends."""
    return (max(SCALE_MIN, min(value, SCALE_MAX)) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ScoreBar:
    label: str
    y: float
    height: float
    width: float  # 0 when there is no score
    target_x: float | None
    peer_x: float | None
    value_text: str
    left: float  # where the bar starts
    value_x: float  # the right edge of the score, in a column of its own right of the plot

    @property
    def text_y(self) -> float:
        return self.y + self.height * 0.75

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2

    @property
    def marker_top(self) -> float:
        return self.y - 4

    @property
    def marker_bottom(self) -> float:
        return self.y + self.height + 4


@dataclass(frozen=True)
class ScoreChart:
    width: float
    height: float
    plot_left: float
    plot_width: float
    bars: tuple[ScoreBar, ...]
    ticks: tuple[Tick, ...]  # a vertical gridline at each level, 1 to 5

    @property
    def label_x(self) -> float:
        return self.plot_left - 8

    @property
    def grid_bottom(self) -> float:
        return self.height - 20

    @property
    def axis_y(self) -> float:
        return self.height - 4


def score_chart(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    *,
    width: float = 640,
    label_width: float = 48,
    value_width: float = 40,
    row_height: float = 30,
    bar_height: float = 16,
    axis_height: float = 24,
) -> ScoreChart:
    """Horizontal bars of (label, score, target, peer median), one row each. Each score is
    written in a column right of the plot, where no bar, target or peer marker can cover
    it."""
    plot_width = width - label_width - value_width - 8

    def x_of(value: float) -> float:
        return label_width + along_scale(value) * plot_width

    bars = []
    for index, (label, score, target, peer) in enumerate(rows):
        top = index * row_height + (row_height - bar_height) / 2
        bars.append(
            ScoreBar(
                label=label,
                y=top,
                height=bar_height,
                width=x_of(score) - label_width if score is not None else 0.0,
                target_x=x_of(target) if target is not None else None,
                peer_x=x_of(peer) if peer is not None else None,
                value_text="" if score is None else f"{score:.1f}",
                left=label_width,
                value_x=width,
            )
        )
    ticks = tuple(Tick(position=x_of(level), label=str(level)) for level in LEVELS)
    return ScoreChart(
        width=width,
        height=len(rows) * row_height + axis_height,
        plot_left=label_width,
        plot_width=plot_width,
        bars=tuple(bars),
        ticks=ticks,
    )


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str
    value_text: str


@dataclass(frozen=True)
class TrendChart:
    width: float
    height: float
    plot_top: float
    plot_height: float
    plot_bottom: float
    points: tuple[TrendPoint, ...]
    path: str  # an SVG path through the points, broken where a quarter has no score
    ticks: tuple[Tick, ...]  # a horizontal gridline at each level, 1 to 5
    labels: tuple[TrendPoint, ...]  # quarter labels along the bottom, one per quarter
    changes: tuple[float, ...]  # x of a framework change, between two quarters


def trend_chart(
    series: Sequence[tuple[str, float | None]],
    *,
    framework_changes: Sequence[int] = (),
    width: float = 640,
    height: float = 190,
    margin: float = 36,
) -> TrendChart:
    """A line of scores by quarter, oldest first. ``framework_changes`` are indexes of
    quarters that use a different framework version from the quarter before."""
    plot_top, plot_height = 12.0, height - 12.0 - margin
    count = len(series)
    step = (width - 2 * margin) / max(count - 1, 1)

    def x_of(index: int) -> float:
        return margin + (index * step if count > 1 else (width - 2 * margin) / 2)

    def y_of(value: float) -> float:
        return plot_top + plot_height - along_scale(value) * plot_height

    labels, points, path, pen_down = [], [], [], False
    for index, (label, value) in enumerate(series):
        labels.append(TrendPoint(x_of(index), height - margin / 3, label, ""))
        if value is None:
            pen_down = False
            continue
        point = TrendPoint(x_of(index), y_of(value), label, f"{value:.1f}")
        points.append(point)
        path.append(f"{'L' if pen_down else 'M'}{point.x:.1f},{point.y:.1f}")
        pen_down = True
    return TrendChart(
        width=width,
        height=height,
        plot_top=plot_top,
        plot_height=plot_height,
        plot_bottom=plot_top + plot_height,
        points=tuple(points),
        path=" ".join(path),
        ticks=tuple(Tick(y_of(level), str(level)) for level in LEVELS),
        labels=tuple(labels),
        changes=tuple(x_of(index) - step / 2 for index in framework_changes if 0 < index < count),
    )
