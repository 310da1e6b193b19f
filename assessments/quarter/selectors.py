"""Reads for running the quarter: the board, targets, agreed positions, reminders and
actions, always through a trust the caller may see."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import (
    OPEN_ACTION_STATUSES,
    AgreedPosition,
    Assessment,
    Cycle,
    Target,
)
from assessments.questionnaire.selectors import principles_with_questions
from assessments.results import rules
from assessments.selectors import before
from trusts.models import Membership, Role, Trust


def board_members(trust: Trust) -> QuerySet[Membership]:
    return (
        trust.memberships.filter(role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("user__full_name")
    )


def targets_of(assessment: Assessment) -> dict[int, Target]:
    return {target.principle_id: target for target in assessment.targets.all()}


def targets_to_start_from(assessment: Assessment) -> tuple[dict[int, Target], Cycle | None]:
    """The quarter's targets by principle id; where none are set yet, the trust's latest
    earlier targets as a starting point (matched by principle number, which every framework
    version keeps), with the quarter they come from."""
    own = targets_of(assessment)
    if own:
        return own, None
    cycle = assessment.cycle
    earlier = (
        Target.objects.filter(assessment__trust_id=assessment.trust_id)
        .filter(before(cycle, "assessment__cycle__"))
        .select_related("principle", "assessment__cycle")
        .order_by("-assessment__cycle__year", "-assessment__cycle__quarter")
    )
    latest = earlier.first()
    if latest is None:
        return {}, None
    by_number = {
        target.principle.number: target
        for target in earlier.filter(assessment_id=latest.assessment_id)
    }
    return {
        principle.pk: by_number[principle.number]
        for principle in principles_with_questions(assessment)
        if principle.number in by_number
    }, latest.assessment.cycle


def positions_of(assessment: Assessment) -> dict[int, AgreedPosition]:
    return {position.principle_id: position for position in assessment.positions.all()}


def reminded_today(assessment: Assessment) -> set[int]:
    """Who has had a reminder about this assessment today (by user id)."""
    return set(
        assessment.reminders.filter(sent_on=timezone.localdate()).values_list(
            "member_id", flat=True
        )
    )


def has_cover_sheet(assessment: Assessment) -> bool:
    """Whether the digital lead has filled in the paper's cover sheet (reports keeps it;
    asked by its related name, so this app imports nothing from reports)."""
    return Assessment.objects.filter(pk=assessment.pk, cover_sheet__isnull=False).exists()


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int


def action_counts(trust: Trust) -> ActionCounts:
    """The trust's open actions, and how many are overdue (rules.action_overdue, as the
    action log page marks them): one query."""
    today = timezone.localdate()
    actions = list(
        trust.board_actions.filter(status__in=OPEN_ACTION_STATUSES).values_list(
            "status", "due_date"
        )
    )
    return ActionCounts(
        open=len(actions),
        overdue=sum(
            rules.action_overdue(status=status, due=due, today=today) for status, due in actions
        ),
    )


def trust_cycles(trust: Trust) -> list[tuple[Cycle, Assessment | None]]:
    """Every cycle, newest first, with this trust's assessment in it where there is one."""
    assessments = {a.cycle_id: a for a in trust.assessments.all()}
    return [(cycle, assessments.get(cycle.pk)) for cycle in Cycle.objects.all()]
