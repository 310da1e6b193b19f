"""The open data's rows as the publishing page shows them: one line a group, with its
counts, its median response rate and its overall score's median and quartiles (the files
have every principle's too), and whether it is shown."""

from dataclasses import dataclass

from assessments.models import Cycle
from assessments.results import rules
from reports.models import OpenDataRelease
from reports.opendata import files
from reports.opendata.figures import OVERALL, GroupFigures, Withheld, spread_trusts
from reports.opendata.files import group_label
from reports.opendata.queries import figures_now, principles_of

# Why a group, or some of its figures, would be withheld, in words for programme staff.
# The files never say which: "too few" would tell that the others have enough.
REASONS = {
    Withheld.TOO_FEW: "Withheld: fewer than {minimum} trusts with results",
    Withheld.WORKING_BACK: "Withheld: a withheld group's figures could be worked out from it",
}
# Why a group shown shows its counts alone (its overall score's spread is withheld).
COUNTS_ONLY = {
    Withheld.TOO_FEW: "Counts only: fewer than {spread} trusts with results for its figures",
    Withheld.WORKING_BACK: "Counts only: a withheld group's figures could be worked out from it",
}


@dataclass(frozen=True)
class Line:
    group: str
    asked: str
    with_results: str
    response_rate: str
    overall: str  # "3.0 (2.5 to 3.4)": median, then the quartiles
    shown: str


def _text(value) -> str:
    return "–" if value is None else str(value)


def _overall(row: dict) -> str:
    median = row["overall_median"]
    if median is None:
        return "–"
    return f"{median} ({row['overall_lower_quartile']} to {row['overall_upper_quartile']})"


def lines(rows: list[dict], figures: list[GroupFigures] | None = None, minimum: int = 0):
    """The published ``rows``; or, with ``figures`` (the same groups in the same order),
    the preview, which also gives a withheld group's counts and why it is withheld."""
    found = []
    for index, row in enumerate(rows):
        group = figures[index] if figures else None
        medians = [value for name, value in row.items() if name.endswith("_median")]
        if row["suppressed"]:
            shown = REASONS[group.withheld].format(minimum=minimum) if group else "Withheld"
        elif all(value is None for value in medians):
            reason = group.figures_withheld.get(OVERALL) if group else None
            shown = (
                COUNTS_ONLY[reason].format(spread=spread_trusts(minimum))
                if reason
                else "Counts only"
            )
        elif any(value is None for value in medians):
            shown = "Shown, with some figures withheld"
        else:
            shown = "Shown"
        found.append(
            Line(
                group_label(row),
                _text(group.asked if group else row["trusts_asked"]),
                _text(group.with_results if group else row["trusts_with_results"]),
                _text(row["response_rate_median"]),
                _overall(row),
                shown,
            )
        )
    return found


def page_lines(cycle: Cycle, release: OpenDataRelease | None) -> list[Line]:
    """What was published; or, before it is, what would be published now (read afresh)."""
    if release is not None:
        return lines(release.rows)
    figures = figures_now(cycle)
    numbers = [number for number, _ in principles_of(cycle)]
    return lines(
        files.rows(figures, quarter=cycle.label, numbers=numbers), figures, rules.MIN_TRUSTS
    )
