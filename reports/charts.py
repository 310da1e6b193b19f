"""Chart geometry: plain numbers in, shapes out. Templates draw the SVG from these, so
the web page and the PDF show the same chart, and the geometry is tested on its own.

Scores run from 0 to 5 along the value axis; a missing value draws nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass

SCALE_MAX = 5.0


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

    @property
    def value_inside(self) -> bool:
        """Long bars carry their value inside the end, clear of the target marker."""
        return self.width >= 40

    @property
    def value_x(self) -> float:
        return self.left + self.width + (-4 if self.value_inside else 4)

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
    ticks: tuple[Tick, ...]

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
    row_height: float = 30,
    bar_height: float = 16,
    axis_height: float = 24,
) -> ScoreChart:
    """Horizontal bars of (label, score, target, peer median), one row each."""
    plot_width = width - label_width - 16
    bars = []
    for index, (label, score, target, peer) in enumerate(rows):
        top = index * row_height + (row_height - bar_height) / 2
        bars.append(
            ScoreBar(
                label=label,
                y=top,
                height=bar_height,
                width=_along(score, plot_width) if score is not None else 0.0,
                target_x=label_width + _along(target, plot_width) if target is not None else None,
                peer_x=label_width + _along(peer, plot_width) if peer is not None else None,
                value_text="" if score is None else f"{score:.1f}",
                left=label_width,
            )
        )
    ticks = tuple(
        Tick(position=label_width + _along(level, plot_width), label=str(level))
        for level in range(0, int(SCALE_MAX) + 1)
    )
    return ScoreChart(
        width=width,
        height=len(rows) * row_height + axis_height,
        plot_left=label_width,
        plot_width=plot_width,
        bars=tuple(bars),
        ticks=ticks,
    )


def _along(value: float, length: float) -> float:
    return max(0.0, min(value, SCALE_MAX)) / SCALE_MAX * length


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
    ticks: tuple[Tick, ...]  # horizontal gridlines for levels 1 to 5
    labels: tuple[TrendPoint, ...]  # quarter labels along the bottom, one per quarter
    changes: tuple[float, ...]  # x of a framework change, between two quarters


def trend_chart(
    series: Sequence[tuple[str, float | None]],
    *,
    framework_changes: Sequence[int] = (),
    width: float = 640,
    height: float = 220,
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
        return plot_top + plot_height - (value - 1) / (SCALE_MAX - 1) * plot_height

    labels, points, path, pen_down = [], [], [], False
    for index, (label, value) in enumerate(series):
        labels.append(TrendPoint(x_of(index), height - margin / 3, label, ""))
        if value is None:
            pen_down = False
            continue
        point = TrendPoint(
            x_of(index), y_of(max(1.0, min(value, SCALE_MAX))), label, f"{value:.1f}"
        )
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
        ticks=tuple(Tick(y_of(level), str(level)) for level in range(1, int(SCALE_MAX) + 1)),
        labels=tuple(labels),
        changes=tuple(x_of(index) - step / 2 for index in framework_changes if 0 < index < count),
    )
