"""What the boardroom screen shows: an overview, then a page for each principle, then the
actions. Every figure and word comes from the board paper's presenter (reports.paper), so
the screen never says anything the paper does not."""

from dataclasses import dataclass

from django.db.models import DateTimeField, F, Q, Subquery, Value
from django.db.models.functions import Coalesce

from assessments.models import Release
from assessments.quarter.roadmap import RoadmapRow
from reports.paper.evidence import EvidenceSection
from reports.paper.presenters import BoardPaper, GapRow, present
from reports.paper.sections import (
    ActionEntry,
    AppendixSection,
    NextLevel,
    long_date,
    next_levels_of,
)
from reports.paper.selectors import paper_inputs


@dataclass(frozen=True)
class Proposed:
    """An action added to the log for this quarter's meeting: after its results were first
    published and before the next quarter's were (_added_for_the_meeting)."""

    principle_number: int
    title: str
    owner: str
    due: str


@dataclass(frozen=True)
class PrinciplePage:
    row: GapRow
    questions: AppendixSection | None
    next_level: NextLevel | None
    actions: tuple[ActionEntry, ...]  # open or overdue when the quarter closed
    proposed: tuple[Proposed, ...]  # added against this principle for the meeting
    roadmap: RoadmapRow | None = None  # the roadmap to its target, once made
    position_evidence: EvidenceSection | None = None  # behind the board's agreed position


@dataclass(frozen=True)
class Meeting:
    paper: BoardPaper
    principles: tuple[PrinciplePage, ...]
    proposed: tuple[Proposed, ...]

    @property
    def views_differ(self) -> tuple[GapRow, ...]:
        return tuple(row for row in self.paper.rows if row.views_differ)

    @property
    def dont_know(self) -> tuple[GapRow, ...]:
        return tuple(row for row in self.paper.rows if row.assurance_gap)

    # Open (or overdue) in the paper's action log, as it stood at close, less any the
    # meeting added (meeting_of).
    carried: tuple[ActionEntry, ...] = ()

    @property
    def open_actions(self) -> tuple[ActionEntry, ...]:
        return self.carried

    def page(self, number: int) -> PrinciplePage | None:
        return next((p for p in self.principles if p.row.number == number), None)


def meeting_of(assessment) -> Meeting:
    """The published results of a closed quarter, page by page."""
    inputs = paper_inputs(assessment)
    paper = present(inputs)
    sections = {section.number: section for section in paper.appendix}
    steps = {step.number: step for step in next_levels_of(inputs, paper.rows, paper.appendix)}
    roadmaps = {row.number: row for row in paper.roadmap.rows} if paper.roadmap else {}
    evidence = {section.number: section for section in paper.position_evidence}
    proposed = tuple(
        Proposed(action.principle_number, action.title, action.owner, long_date(action.due_date))
        for action in _added_for_the_meeting(assessment)
    )
    # A re-close takes the action log as it stands then, so it may hold what the meeting
    # added: those are the meeting's, never carried forward too. The log keeps no id; an
    # action is its principle and title there.
    added = {(action.principle_number, action.title) for action in proposed}
    open_actions = tuple(
        action
        for action in paper.actions.overdue + paper.actions.open
        if (action.principle_number, action.title) not in added
    )
    return Meeting(
        paper=paper,
        proposed=proposed,
        carried=open_actions,
        principles=tuple(
            PrinciplePage(
                row=row,
                questions=sections.get(row.number),
                next_level=steps.get(row.number),
                actions=tuple(a for a in open_actions if a.principle_number == row.number),
                proposed=tuple(a for a in proposed if a.principle_number == row.number),
                roadmap=roadmaps.get(row.number),
                position_evidence=evidence.get(row.number),
            )
            for row in paper.rows
        ),
    )


def _added_for_the_meeting(assessment):
    """The trust's actions added after this quarter's results were first published (a
    reopen and a re-close move its close, never its first release) and before the next
    quarter's were, if they have been: the ones its meeting agreed. In one query."""
    cycle = assessment.cycle
    first = Release.objects.filter(assessment_id=assessment.pk).order_by("published_at")
    next_quarters = Release.objects.filter(assessment__trust_id=assessment.trust_id).filter(
        Q(assessment__cycle__year__gt=cycle.year)
        | Q(assessment__cycle__year=cycle.year, assessment__cycle__quarter__gt=cycle.quarter)
    )
    # Without a release (too few had answered to publish) the close stands in.
    since = Coalesce(
        Subquery(first.values("published_at")[:1]),
        Value(assessment.closed_at, output_field=DateTimeField()),
    )
    until = Subquery(next_quarters.order_by("published_at").values("published_at")[:1])
    return (
        assessment.trust.board_actions.annotate(since=since, until=until)
        .filter(created_at__gt=F("since"))
        .filter(Q(until__isnull=True) | Q(created_at__lt=F("until")))
        .order_by("created_at", "pk")
    )
