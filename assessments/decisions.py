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
)
from core.audit import audit
from principles.models import Principle
from trusts.models import Trust, User


@dataclass(frozen=True)
class PositionInput:
    level: Decimal
    rationale: str


@transaction.atomic
def positions_record(
    *,
    assessment: Assessment,
    positions: dict[Principle, PositionInput | None],
    meeting_date: datetime.date,
    by: User,
) -> None:
    """Records (or, with None, clears) the board's agreed level and rationale for each
    principle given, from the meeting on ``meeting_date``."""
    if assessment.status == AssessmentStatus.DRAFT:
        raise AssessmentError("Open the assessment before recording the board's position.")
    if meeting_date > timezone.localdate():
        raise AssessmentError("The meeting date cannot be in the future.")
    for principle, position in positions.items():
        if principle.framework_id != assessment.cycle.framework_id:
            raise AssessmentError("A position names a principle from another framework.")
        if position is not None and position.level not in HALF_LEVELS:
            raise AssessmentError("Agreed levels run from 1 to 5, in halves.")
        if position is not None and not position.rationale.strip():
            raise AssessmentError(f"Give the reason for principle {principle.number}.")
    cleared = [principle for principle, position in positions.items() if position is None]
    AgreedPosition.objects.filter(assessment=assessment, principle__in=cleared).delete()
    AgreedPosition.objects.bulk_create(
        [
            AgreedPosition(
                assessment=assessment,
                principle=principle,
                level=position.level,
                rationale=position.rationale.strip(),
                meeting_date=meeting_date,
            )
            for principle, position in positions.items()
            if position is not None
        ],
        update_conflicts=True,
        unique_fields=["assessment", "principle"],
        update_fields=["level", "rationale", "meeting_date", "recorded_at"],
    )
    audit(
        action="positions.recorded",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={
            "meeting_date": meeting_date.isoformat(),
            "principles": sorted(p.number for p, position in positions.items() if position),
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


def action_log(assessment: Assessment) -> list[dict]:
    """The trust's actions as they stand now: every open one, and those finished since
    this quarter opened. A closed assessment keeps this list as it was at closing."""
    actions = BoardAction.objects.filter(trust_id=assessment.trust_id).filter(
        Q(status__in=OPEN_ACTION_STATUSES) | Q(completed_on__gte=assessment.cycle.opens_on)
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
