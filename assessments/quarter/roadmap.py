"""The roadmap to the targets: for each principle, the level the board plans to reach by
each of the four quarters after the one it was agreed in (RoadmapStep), and the open
actions due in each of those quarters. One presenter (``roadmap_of``) feeds the
coordinator's pages, the board paper (page, PDF and Word) and present mode; the reads
and the starting point for the form are here too. Writes are in ``decisions``."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef

from assessments.models import (
    HALF_LEVELS,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    Assessment,
    AssessmentStatus,
    BoardAction,
    Cycle,
    RoadmapStep,
    Target,
    quarter_dates,
    quarter_label,
    quarter_of,
)
from assessments.questionnaire.selectors import principles_with_questions
from assessments.results.presenters import BoardResults
from assessments.selectors import before

STEPS = (1, 2, 3, 4)  # the first to the fourth quarter after the assessment's own
NOT_PUBLISHED = "Not published"
NO_TARGET = "No target"


@dataclass(frozen=True)
class Quarter:
    step: int
    year: int
    quarter: int
    label: str  # "2026/27 Q4"

    @property
    def dates(self) -> tuple[datetime.date, datetime.date]:
        return quarter_dates(self.year, self.quarter)


def quarters_after(cycle: Cycle) -> tuple[Quarter, ...]:
    """The four quarters a roadmap agreed in ``cycle`` plans for."""
    quarters = []
    year, quarter = cycle.year, cycle.quarter
    for step in STEPS:
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        quarters.append(Quarter(step, year, quarter, quarter_label(year, quarter)))
    return tuple(quarters)


def _level(halves: int) -> Decimal:
    """A number of half levels as a level, within 1 to 5."""
    return max(HALF_LEVELS[0], min(HALF_LEVELS[-1], (Decimal(halves) / 2).quantize(Decimal("0.1"))))


def half_level(value: Fraction | Decimal) -> Decimal:
    """``value`` to the nearest half level (halves rounded up), within 1 to 5."""
    return _level(math.floor(Fraction(value) * 2 + Fraction(1, 2)))


def half_level_up(value: Fraction | Decimal) -> Decimal:
    """``value`` rounded up to a half level, within 1 to 5."""
    return _level(math.ceil(Fraction(value) * 2))


def even_steps(score: Fraction | None, target: Decimal | None) -> dict[int, Decimal]:
    """Four even steps from today's score to the target, to half levels, never past the
    target and never below today's score (rounded up to a half); where the score already
    meets the target, each quarter holds the target. Nothing without both."""
    if score is None or target is None:
        return {}
    if score >= target:
        return dict.fromkeys(STEPS, target)
    floor = half_level_up(score)
    return {
        step: min(
            target,
            max(floor, half_level(score + (Fraction(target) - score) * step / len(STEPS))),
        )
        for step in STEPS
    }


def steps_of(assessment: Assessment) -> dict[int, dict[int, Decimal]]:
    """The assessment's roadmap: principle number -> step -> level (one query)."""
    roadmap: dict[int, dict[int, Decimal]] = {}
    rows = RoadmapStep.objects.filter(assessment=assessment).values_list(
        "principle__number", "step", "level"
    )
    for number, step, level in rows:
        roadmap.setdefault(number, {})[step] = level
    return roadmap


def targets_by_number(assessment: Assessment) -> dict[int, Decimal]:
    """The quarter's targets: principle number -> level (one query)."""
    return dict(
        Target.objects.filter(assessment=assessment).values_list("principle__number", "level")
    )


def previous_roadmap(assessment: Assessment) -> Assessment | None:
    """The trust's latest earlier quarter with a roadmap, if any."""
    return (
        Assessment.objects.filter(trust_id=assessment.trust_id, roadmap__isnull=False)
        .filter(before(assessment.cycle, "cycle__"))
        .select_related("cycle", "trust")
        .order_by("-cycle__year", "-cycle__quarter")
        .first()
    )


def previous_closed_roadmap(assessment: Assessment) -> Assessment | None:
    """The trust's previous closed quarter, where it has a roadmap: what this quarter's
    checklist starts by reviewing (one query)."""
    previous = (
        Assessment.objects.filter(trust_id=assessment.trust_id, status=AssessmentStatus.CLOSED)
        .filter(before(assessment.cycle, "cycle__"))
        .annotate(has_roadmap=Exists(RoadmapStep.objects.filter(assessment=OuterRef("pk"))))
        .select_related("cycle", "trust")
        .order_by("-cycle__year", "-cycle__quarter")
        .first()
    )
    return previous if previous is not None and previous.has_roadmap else None


def _quarters_between(earlier: Cycle, later: Cycle) -> int:
    return (later.year - earlier.year) * 4 + later.quarter - earlier.quarter


def carried_forward(assessment: Assessment) -> tuple[dict[int, dict[int, Decimal]], Cycle | None]:
    """The trust's latest earlier roadmap moved on to this quarter: each step shifted by
    the quarters between them, the last quarters holding its last level; with the quarter
    it comes from. Nothing when it ended before this quarter's first."""
    earlier = previous_roadmap(assessment)
    if earlier is None:
        return {}, None
    shift = _quarters_between(earlier.cycle, assessment.cycle)
    if shift >= len(STEPS):
        return {}, None
    carried = {}
    for number, steps in steps_of(earlier).items():
        levels = [steps[step] for step in STEPS if step in steps]
        if len(levels) != len(STEPS):
            continue
        moved = levels[shift:]
        carried[number] = dict(zip(STEPS, moved + [moved[-1]] * shift, strict=True))
    return carried, earlier.cycle


def roadmap_to_start_from(
    assessment: Assessment, *, scores: dict[int, Fraction | None], targets: dict[int, Decimal]
) -> tuple[dict[int, dict[int, Decimal]], Cycle | None]:
    """What the form starts from: the saved roadmap; where there is none, the last one
    carried forward (with its quarter) for the principles it had, even steps from today's
    score to the target for the others."""
    own = steps_of(assessment)
    if own:
        return own, None
    carried, source = carried_forward(assessment)
    start = {
        number: carried.get(number) or even_steps(scores.get(number), target)
        for number, target in targets.items()
    }
    return {number: steps for number, steps in start.items() if steps}, source


def actions_of(trust_id: int, *, open_only: bool = False) -> list[dict]:
    """The trust's actions as the roadmap places them, soonest due first (one query): every
    one, whatever its status (what happened since, for the review), or only the open ones
    (what is planned)."""
    actions = BoardAction.objects.filter(trust_id=trust_id)
    if open_only:
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    return list(
        actions.order_by("due_date", "pk").values(
            "title", "owner", "due_date", "status", "principle_number"
        )
    )


# The presenter


@dataclass(frozen=True)
class PlannedAction:
    title: str
    owner: str
    due: str  # "12 March 2027"
    status: str  # "Not started", "In progress", "Done", "Dropped"


@dataclass(frozen=True)
class Step:
    label: str  # the quarter, "2026/27 Q4"
    level: str  # "3.5"
    actions: tuple[PlannedAction, ...]


@dataclass(frozen=True)
class RoadmapRow:
    number: int
    title: str
    today: str  # the published score, or NOT_PUBLISHED
    target: str  # "4.0", or "No target"
    steps: tuple[Step, ...]
    other_actions: int  # open actions for the principle due outside the four quarters
    short_of_target: bool  # the last step is below the target

    @property
    def other_actions_words(self) -> str:
        if not self.other_actions:
            return ""
        count = self.other_actions
        return (
            f"{count} other open action{'s are' if count != 1 else ' is'} due before or "
            "after these four quarters."
        )

    @property
    def last_level(self) -> str:
        return self.steps[-1].level

    @property
    def target_words(self) -> str:
        """The target in words: "target 4.0", or "no target set"."""
        return f"target {self.target}" if self.target != NO_TARGET else "no target set"

    def level_for(self, label: str) -> str | None:
        """The level planned for the quarter labelled ``label``, if the roadmap reaches it."""
        return next((step.level for step in self.steps if step.label == label), None)

    @property
    def warning(self) -> str:
        if not self.short_of_target:
            return ""
        return f"The roadmap ends at {self.last_level}, below the target of {self.target}."


@dataclass(frozen=True)
class Roadmap:
    quarters: tuple[str, ...]  # the four quarters' labels
    rows: tuple[RoadmapRow, ...]  # principles with a roadmap, in order

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def last_quarter(self) -> str:
        return self.quarters[-1]


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _planned(action: dict) -> PlannedAction:
    return PlannedAction(
        title=action["title"],
        owner=action["owner"],
        due=_long_date(action["due_date"]),
        status=ActionStatus(action["status"]).label,
    )


def roadmap_of(
    *,
    cycle: Cycle,
    principles,
    steps: dict[int, dict[int, Decimal]],
    scores: dict[int, str],
    targets: dict[int, Decimal],
    actions: list[dict],
) -> Roadmap:
    """The roadmap as every output shows it. ``principles``: (number, title) pairs in
    order; ``scores``: the published score by number, as printed; ``actions``: the
    trust's actions (dicts of title, owner, due_date, status, principle_number), placed
    in the quarter they are due; those due outside the four quarters are counted."""
    quarters = quarters_after(cycle)
    by_quarter = {(q.year, q.quarter): q.step for q in quarters}
    rows = []
    for number, title in principles:
        levels = steps.get(number)
        if not levels:
            continue
        placed: dict[int, list[PlannedAction]] = {step: [] for step in STEPS}
        others = 0
        for action in actions:
            if action["principle_number"] != number:
                continue
            step = by_quarter.get(quarter_of(action["due_date"]))
            if step is None:
                others += action["status"] in OPEN_ACTION_STATUSES
            else:
                placed[step].append(_planned(action))
        target = targets.get(number)
        rows.append(
            RoadmapRow(
                number=number,
                title=title,
                today=scores.get(number) or NOT_PUBLISHED,
                target=str(target) if target is not None else NO_TARGET,
                steps=tuple(
                    Step(q.label, str(levels[q.step]), tuple(placed[q.step])) for q in quarters
                ),
                other_actions=others,
                short_of_target=target is not None and levels[STEPS[-1]] < target,
            )
        )
    return Roadmap(tuple(q.label for q in quarters), tuple(rows))


def published_scores(results: BoardResults) -> dict[int, str]:
    """Each principle's published score as printed, where the results may be shown."""
    return {row.number: row.score for row in results.rows if row.score_value is not None}


def roadmap_shown(assessment: Assessment, results: BoardResults, actions=None) -> Roadmap:
    """The assessment's saved roadmap with the open actions due in its quarters."""
    return roadmap_of(
        cycle=assessment.cycle,
        principles=[(p.number, p.title) for p in principles_with_questions(assessment)],
        steps=steps_of(assessment),
        scores=published_scores(results),
        targets=targets_by_number(assessment),
        actions=actions_of(assessment.trust_id, open_only=True) if actions is None else actions,
    )
