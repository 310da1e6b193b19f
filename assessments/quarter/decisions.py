"""The board's decisions: its agreed position per principle and its action log. Writes
here follow the actions-layer rules (keyword-only, ``by``, one transaction, audited)."""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.errors import AssessmentError
from assessments.models import (
    HALF_LEVELS,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    AgreedPosition,
    Assessment,
    AssessmentStatus,
    BoardAction,
    PositionEvidence,
    Release,
    RoadmapStep,
)
from assessments.results.disclosure import latest_release
from assessments.selectors import before
from core.audit import audit
from principles.models import Principle
from trusts.models import Trust, User


@dataclass(frozen=True)
class PositionInput:
    level: Decimal
    rationale: str
    dissent: str | None = None  # what the board asked to minute; None: keep what is there


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def results_published_on(assessment: Assessment) -> datetime.date | None:
    """The day the results the paper shows were published (the latest release), if any."""
    release = latest_release(assessment)
    return timezone.localdate(release.published_at) if release is not None else None


def meeting_date_of(assessment: Assessment) -> datetime.date | None:
    """The board meeting's date, as the paper's cover sheet gives it: the one date the
    positions page, the paper and its cover read (reports keeps the sheet; asked by its
    related name, so this app imports nothing from reports)."""
    return (
        Assessment.objects.filter(pk=assessment.pk)
        .values_list("cover_sheet__meeting_date", flat=True)
        .first()
    )


def meeting_date_problem(assessment: Assessment, meeting_date: datetime.date | None) -> str:
    """Why the cover sheet may not give the meeting this date ("" when it may): never
    before the results it discusses were published, and, once the board's position is
    recorded from it, neither blank nor still to come."""
    published = results_published_on(assessment)
    if meeting_date is not None and published is not None and meeting_date < published:
        return (
            f"The meeting must be on or after {_day(published)}, when the results it "
            "discusses were published"
        )
    if assessment.positions.exists():
        if meeting_date is None:
            return "Enter the date of the meeting: the board's agreed position is recorded from it"
        if meeting_date > timezone.localdate():
            return (
                "The board's agreed position is recorded from this meeting, so its date "
                "cannot be in the future"
            )
    return ""


def positions_meeting_problem(assessment: Assessment, meeting_date: datetime.date | None) -> str:
    """Why the board's position cannot be recorded from the meeting on the cover sheet
    ("" when it can): the results must be published, the cover sheet must date the
    meeting, and the meeting must have happened, not before the results were published."""
    published = results_published_on(assessment)
    if published is None:
        return (
            "Record the board's agreed position after it has discussed the results: they "
            "are published when the quarter closes"
        )
    if meeting_date is None:
        return (
            "Enter the date of the board meeting on the paper's cover sheet before recording "
            "the board's agreed position"
        )
    if meeting_date > timezone.localdate():
        return (
            f"The board meeting on {_day(meeting_date)} has not happened yet: record the "
            "board's position after it, or correct the date on the cover sheet"
        )
    if meeting_date < published:
        return (
            f"The board meeting on {_day(meeting_date)} was before these results were "
            f"published on {_day(published)}: correct the meeting date on the cover sheet"
        )
    return ""


def _refuse_clearing_evidenced(assessment: Assessment, cleared: list[Principle]) -> None:
    """A position with evidence behind it is not cleared: its PDFs would go with it,
    unannounced. The evidence is removed first, each removal audited."""
    evidenced = (
        PositionEvidence.objects.filter(
            position__assessment=assessment, position__principle__in=cleared
        )
        .order_by("position__principle__number")
        .values_list("position__principle__number", flat=True)
        .first()
    )
    if evidenced is not None:
        raise AssessmentError(
            f"Remove the evidence for principle {evidenced} before clearing its agreed position"
        )


@transaction.atomic
def positions_record(
    *,
    assessment: Assessment,
    positions: dict[Principle, PositionInput | None],
    by: User,
) -> None:
    """Records (or, with None, clears) the board's agreed level and rationale for each
    principle given, from the meeting on the paper's cover sheet (which recording any
    position needs: positions_meeting_problem)."""
    if assessment.status == AssessmentStatus.DRAFT:
        raise AssessmentError("Open the questionnaire before recording the board's position.")
    meeting_date = meeting_date_of(assessment)
    if any(position is not None for position in positions.values()):
        problem = positions_meeting_problem(assessment, meeting_date)
        if problem:
            raise AssessmentError(problem)
    for principle, position in positions.items():
        if principle.framework_id != assessment.cycle.framework_id:
            raise AssessmentError("A position names a principle from another framework.")
        if position is not None and position.level not in HALF_LEVELS:
            raise AssessmentError("Agreed levels run from 1 to 5, in halves.")
        if position is not None and not position.rationale.strip():
            raise AssessmentError(f"Give the reason for principle {principle.number}.")
    cleared = [principle for principle, position in positions.items() if position is None]
    _refuse_clearing_evidenced(assessment, cleared)
    AgreedPosition.objects.filter(assessment=assessment, principle__in=cleared).delete()
    # A form without the dissent (the agreed-position page) keeps what the meeting minuted.
    minuted = dict(
        AgreedPosition.objects.filter(assessment=assessment).values_list("principle_id", "dissent")
    )
    AgreedPosition.objects.bulk_create(
        [
            AgreedPosition(
                assessment=assessment,
                principle=principle,
                level=position.level,
                rationale=position.rationale.strip(),
                dissent=minuted.get(principle.pk, "")
                if position.dissent is None
                else position.dissent.strip(),
            )
            for principle, position in positions.items()
            if position is not None
        ],
        update_conflicts=True,
        unique_fields=["assessment", "principle"],
        update_fields=["level", "rationale", "dissent", "recorded_at"],
    )
    audit(
        action="positions.recorded",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={
            "meeting_date": meeting_date.isoformat() if meeting_date else "",
            "principles": sorted(p.number for p, position in positions.items() if position),
            **({"cleared": sorted(p.number for p in cleared)} if cleared else {}),
        },
    )


@dataclass(frozen=True)
class ActionInput:
    principle_number: int
    title: str
    owner: str
    due_date: datetime.date
    status: str
    rag: str
    notes: str = ""


@transaction.atomic
def board_action_save(
    *, trust: Trust, action: BoardAction | None, values: ActionInput, by: User
) -> BoardAction:
    """Adds an action to the trust's log, or changes one. Marking it done or dropped dates
    its completion; opening it again clears that date."""
    if action is not None and action.trust_id != trust.pk:
        raise AssessmentError("That action belongs to another trust.")
    # Principles are numbered by the framework, not by this code: any published version's.
    if not Principle.objects.filter(
        number=values.principle_number, framework__published=True
    ).exists():
        raise AssessmentError(f"No published framework has a principle {values.principle_number}.")
    created = action is None
    action = action or BoardAction(trust=trust)
    was_open = created or action.is_open
    for field, value in asdict(values).items():
        setattr(action, field, value.strip() if isinstance(value, str) else value)
    if action.is_open:
        action.completed_on = None
    elif was_open:
        action.completed_on = timezone.localdate()
    action.full_clean()
    action.save()
    audit(
        action="board_action.added" if created else "board_action.changed",
        by=by,
        trust=trust,
        target=action,
        detail={"title": action.title, "status": action.status, "rag": action.rag},
    )
    return action


def what_followed_since(assessment: Assessment) -> datetime.date:
    """The day the paper's "actions and what followed" counts from: when the latest earlier
    quarter with figures first published them (what "since last quarter" compares with), or,
    with none, the day this quarter opened. Worked out once, at close (one query)."""
    first_published = (
        Release.objects.filter(
            assessment__trust_id=assessment.trust_id,
            assessment__status=AssessmentStatus.CLOSED,
            figures_shown=True,
        )
        .filter(before(assessment.cycle, "assessment__cycle__"))
        .order_by("-assessment__cycle__year", "-assessment__cycle__quarter", "number")
        .values_list("published_at", flat=True)
        .first()
    )
    if first_published is None:
        return assessment.cycle.opens_on
    return timezone.localdate(first_published)


def action_log(assessment: Assessment, *, since: datetime.date | None = None) -> list[dict]:
    """The trust's actions as they stand now: every open one, and those finished since this
    quarter opened or, if earlier, ``since`` (the day "actions and what followed" counts
    from, at close). A closed assessment keeps this list as it was at closing."""
    opened = assessment.cycle.opens_on
    actions = BoardAction.objects.filter(trust_id=assessment.trust_id).filter(
        Q(status__in=OPEN_ACTION_STATUSES) | Q(completed_on__gte=min(opened, since or opened))
    )
    return [
        {
            "title": action.title,
            "principle_number": action.principle_number,
            "owner": action.owner,
            "due_date": action.due_date.isoformat(),
            "status": action.status,
            "status_label": ActionStatus(action.status).label,
            "rag": action.rag,
            "notes": action.notes,
            "completed_on": action.completed_on.isoformat() if action.completed_on else None,
        }
        for action in actions.order_by("due_date", "pk")
    ]


# The roadmap to the targets (assessments.quarter.roadmap)


@transaction.atomic
def roadmap_save(
    *, assessment: Assessment, roadmap: dict[Principle, dict[int, Decimal] | None], by: User
) -> None:
    """Replaces the board's roadmap for each principle given: four levels, one for each
    quarter after this one, or None to have none. Only once the questionnaire has closed."""
    if not assessment.is_closed:
        raise AssessmentError("The roadmap is made once the questionnaire has closed.")
    for principle, levels in roadmap.items():
        if principle.framework_id != assessment.cycle.framework_id:
            raise AssessmentError("A roadmap names a principle from another framework.")
        if levels is not None and (
            sorted(levels) != [1, 2, 3, 4] or any(v not in HALF_LEVELS for v in levels.values())
        ):
            raise AssessmentError(f"Choose four levels for principle {principle.number}.")
    RoadmapStep.objects.filter(assessment=assessment, principle__in=list(roadmap)).delete()
    RoadmapStep.objects.bulk_create(
        RoadmapStep(assessment=assessment, principle=principle, step=step, level=level)
        for principle, levels in roadmap.items()
        if levels is not None
        for step, level in levels.items()
    )
    audit(
        action="roadmap.saved",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={
            "principles": sorted(p.number for p, levels in roadmap.items() if levels),
            "cleared": sorted(p.number for p, levels in roadmap.items() if not levels),
        },
    )


@transaction.atomic
def roadmap_mark_reviewed(*, assessment: Assessment, reviewed: Assessment, by: User) -> None:
    """Records that the roadmap agreed in ``reviewed`` was reviewed this quarter."""
    if reviewed.trust_id != assessment.trust_id:
        raise AssessmentError("That roadmap belongs to another trust.")
    assessment.roadmap_reviewed_at = timezone.now()
    assessment.save(update_fields=["roadmap_reviewed_at"])
    audit(
        action="roadmap.reviewed",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"quarter": reviewed.cycle.label},
    )
