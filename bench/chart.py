"""One picture of a `make bench` run: each budget's measure as a share of its limit, by
size and database, drawn as an SVG bar chart (docs/bench.svg, shown in the README).

A bar's length is the measure that binds the budget, divided by its limit: the ratio to
the floor where the budget has one (with its interquartile range as a whisker), or else
the time or the p95. So every budget reads the same way: a bar short of the line at 1 is
met, a bar past it is missed, and the nearer the line, the thinner the margin.
"""

import math
from dataclasses import dataclass
from html import escape

from bench.harness import Result

WIDTH = 960
LABEL_WIDTH = 430  # the size and database of each row, indented under its budget
PLOT_WIDTH = 360
ROW = 20
HEADING = 24
TOP = 64
COLOURS = {"sqlite": "#005eb8", "postgresql": "#330072"}  # NHS blue and purple
MISSED = "#d5281b"  # NHS red: a missed bar also says MISSED in words
GRID = "#768692"
DOTTED = f'stroke="{GRID}" stroke-width="0.5" stroke-dasharray="2 3"'


@dataclass(frozen=True)
class Share:
    """A measure as a share of its limit: the median and the spread either side."""

    median: float
    lower: float
    upper: float
    words: str  # what was measured against what: "4.1× of ≤ 5×"


def share_of_limit(item: Result) -> Share | None:
    """The measure that binds ``item``'s budget as a share of its limit, or None for a
    budget judged only by what it found (errors, answers lost). A measure that could not be
    taken (a capacity where no rate held) is infinite: drawn as a row with no bar."""
    limit = item.limit
    if limit.ratio is not None and item.ratio is not None:
        spread = item.ratio
        return Share(
            spread.median / limit.ratio,
            spread.lower / limit.ratio,
            spread.upper / limit.ratio,
            f"{spread.median:.2f}× of ≤ {limit.ratio:g}×",
        )
    if limit.p95_ms is not None and item.p95_ms is not None:
        share = item.p95_ms / limit.p95_ms
        return Share(share, share, share, f"p95 {item.p95_ms:.0f} ms of ≤ {limit.p95_ms:g} ms")
    if limit.ms is not None:
        spread = item.subject_ms
        return Share(
            spread.median / limit.ms,
            spread.lower / limit.ms,
            spread.upper / limit.ms,
            f"{spread.median / 1000:.1f} s of ≤ {limit.ms / 1000:g} s"
            if limit.ms >= 1000
            else f"{spread.median:.1f} ms of ≤ {limit.ms:g} ms",
        )
    return None


def draw(results: list[Result], *, measured_on: str) -> str:
    """The chart of ``results`` as an SVG document: each budget under one heading, in the
    order they were first measured, its sizes and databases as measured."""
    first_seen = {item.budget: number for number, item in reversed(list(enumerate(results)))}
    ordered = sorted(results, key=lambda item: first_seen[item.budget])
    charted = [(item, share_of_limit(item)) for item in ordered]
    charted = [(item, share) for item, share in charted if share is not None]
    furthest = max([1.25, *(share.upper for _, share in charted if math.isfinite(share.upper))])
    scale = PLOT_WIDTH / furthest
    left = LABEL_WIDTH + 10

    parts: list[str] = []
    y = TOP
    budget = None
    for item, share in charted:
        if item.budget != budget:
            budget = item.budget
            y += 6
            parts.append(_text(10, y + 14, item.budget, weight="bold"))
            y += HEADING
        parts += _row(item, share, y, left, scale)
        y += ROW
    height = y + 40
    axis = _axis(left, scale, furthest, TOP, y)
    met = sum(item.met for item, _ in charted)
    title = "Each performance budget's measure as a share of its limit"
    description = (
        f"{len(charted)} measures from make bench on {measured_on}, {met} within their limit. "
        "A bar is the measure divided by its limit: the ratio to the floor where the budget "
        "has one, else the time or the 95th percentile. The line at 1 is the limit; blue is "
        "SQLite, purple PostgreSQL, red a missed budget; whiskers show the interquartile range."
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="title desc" '
            'font-family="Arial, Helvetica, sans-serif" font-size="12" fill="#212b32">',
            f'<title id="title">{escape(title)}</title>',
            f'<desc id="desc">{escape(description)}</desc>',
            '<rect width="100%" height="100%" fill="#ffffff"/>',
            _text(10, 22, title, size=16, weight="bold"),
            _text(10, 42, f"make bench, {measured_on}: {met} of {len(charted)} within the limit"),
            *axis,
            *parts,
            _text(
                left,
                height - 12,
                "measure ÷ limit (1 = the limit; blue SQLite, purple PostgreSQL, red missed)",
            ),
            "</svg>",
            "",
        ]
    )


def _row(item: Result, share: Share, top: float, left: float, scale: float) -> list[str]:
    """One measure's row: its size and database, its bar with the spread as a whisker, and
    the measure in words ("not measured" for one that could not be taken)."""
    middle = top + ROW / 2
    parts = [_text(26, middle + 4, f"{item.size} · {_database(item.database)}")]
    verdict = "" if item.met else "  MISSED"
    if not math.isfinite(share.median):
        return [*parts, _text(left + 6, middle + 4, "not measured" + verdict)]
    colour = COLOURS.get(item.database, GRID) if item.met else MISSED
    parts.append(
        f'<rect x="{left}" y="{top + 4}" width="{share.median * scale:.1f}" '
        f'height="{ROW - 8}" fill="{colour}"/>'
    )
    if share.upper > share.lower:
        parts.append(
            f'<line x1="{left + share.lower * scale:.1f}" y1="{middle}" '
            f'x2="{left + share.upper * scale:.1f}" y2="{middle}" stroke="#212b32"/>'
        )
    words_x = left + max(share.median, share.upper) * scale + 6
    return [*parts, _text(words_x, middle + 4, share.words + verdict)]


def _axis(left: float, scale: float, furthest: float, top: float, bottom: float) -> list[str]:
    """Grid lines every quarter of the limit, the limit itself drawn heavier."""
    lines = []
    step = 0.25
    tick = 0.0
    while tick <= furthest + 1e-9:
        x = left + tick * scale
        limit = abs(tick - 1) < 1e-9
        style = f'stroke="{MISSED}" stroke-width="2"' if limit else DOTTED
        lines.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" {style}/>')
        lines.append(_text(x - 8, top - 6, f"{tick:g}", weight="bold" if limit else "normal"))
        tick += step
    return lines


def _text(x: float, y: float, words: str, *, size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}">'
        f"{escape(words)}</text>"
    )


def _database(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)
