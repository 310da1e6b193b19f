"""Opening, reminding, closing and reopening a quarter, and its targets.

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments import hooks
from assessments.errors import AssessmentError, AssessmentNotOpen
from assessments.locking import lock_assessment
from assessments.models import Assessment, AssessmentStatus, Cycle, Target, quarter_dates
from assessments.quarter import decisions, notifications
from assessments.results.actions import later_changes_record, results_publish
from core.audit import audit
from principles.models import Framework, Principle
from trusts.models import Trust, User


@transaction.atomic
def cycle_create(
    *, year: int, quarter: int, opens_on, closes_on, framework: Framework, by
) -> Cycle:
    """A new quarter, with an assessment (not yet opened) for every trust."""
    if not framework.published:
        raise AssessmentError("Choose a published framework version.")
    if Cycle.objects.filter(year=year, quarter=quarter).exists():
        raise AssessmentError("That quarter already exists.")
    if closes_on < opens_on:
        raise AssessmentError("The closing date must be on or after the opening date.")
    cycle = Cycle.objects.create(
        year=year, quarter=quarter, opens_on=opens_on, closes_on=closes_on, framework=framework
    )
    Assessment.objects.bulk_create(
        Assessment(trust=trust, cycle=cycle) for trust in Trust.objects.only("pk")
    )
    audit(action="cycle.created", by=by, target=cycle, detail={"cycle": cycle.label})
    return cycle


def cycle_for_quarter(*, year: int, quarter: int, framework: Framework, by) -> Cycle:
    """The quarter's cycle, made with its NHS financial-year dates if there is none yet
    (for seeders and tests; programme staff choose the dates in the form)."""
    found = Cycle.objects.filter(year=year, quarter=quarter).first()
    if found is not None:
        return found
    opens_on, closes_on = quarter_dates(year, quarter)
    return cycle_create(
        year=year,
        quarter=quarter,
        opens_on=opens_on,
        closes_on=closes_on,
        framework=framework,
        by=by,
    )


@transaction.atomic
def assessment_open(*, trust: Trust, cycle: Cycle, by: User, notify: bool = True) -> Assessment:
    """Opens the quarter for the trust's board and (unless ``notify`` is off, as for
    invented demo people) emails every board member."""
    assessment, _ = Assessment.objects.select_for_update().get_or_create(trust=trust, cycle=cycle)
    if assessment.status != AssessmentStatus.DRAFT:
        raise AssessmentError(
            f"The {cycle.label} questionnaire is already {assessment.state.label.lower()}."
        )
    assessment.status = AssessmentStatus.OPEN
    assessment.opened_at = timezone.now()
    assessment.save(update_fields=["status", "opened_at"])
    audit(action="assessment.opened", by=by, trust=trust, target=assessment)
    if notify:
        # Written with the opening, sent by a task once it commits (core.mail).
        notifications.assessment_opened(assessment=assessment)
    return assessment


def board_remind(*, assessment: Assessment, by: User) -> list[User]:
    """Emails a reminder to each board member who has not submitted, at most one a day
    each (whoever sends it: the coordinator or the daily run), each audited; returns who
    was emailed."""
    if not assessment.is_open:
        raise AssessmentNotOpen("Only an open questionnaire has anyone to remind.")
    today = timezone.localdate()
    return [
        due.member
        for due in notifications.reminders_for(assessment, today=today)
        if notifications.reminder_send(reminder=due, today=today, by=by)
    ]


@transaction.atomic
def assessment_close(*, assessment: Assessment, by: User) -> Assessment:
    assessment = lock_assessment(assessment)
    if not assessment.is_open:
        raise AssessmentError("Only an open questionnaire can be closed.")
    assessment.status = AssessmentStatus.CLOSED
    assessment.closed_at = timezone.now()
    # The paper of a closed quarter shows the action log as it stood at closing, reaching
    # back to the day its "actions and what followed" counts from.
    assessment.action_log_since = decisions.what_followed_since(assessment)
    assessment.action_log = decisions.action_log(assessment, since=assessment.action_log_since)
    assessment.save(update_fields=["status", "closed_at", "action_log", "action_log_since"])
    audit(action="assessment.closed", by=by, trust=assessment.trust, target=assessment)
    results_publish(assessment=assessment, by=by)
    # What apps above do at close (freeze the paper), wherever the close is called from:
    # each hook does its work once this transaction has committed.
    hooks.assessment_closed(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, reason: str, by: User) -> Assessment:
    assessment = lock_assessment(assessment)
    reason = reason.strip()
    if not assessment.is_closed:
        raise AssessmentError("Only a closed questionnaire can be reopened.")
    if not reason:
        raise AssessmentError("Give a reason for reopening.")
    assessment.status = AssessmentStatus.OPEN
    assessment.reopen_reason = reason
    assessment.save(update_fields=["status", "reopen_reason"])
    # The later quarter that compared with this one now compares, as its paper does, with
    # the one before (only closed quarters count): its kept change follows, and comes back
    # at this quarter's close, published again or held.
    later_changes_record(assessment=assessment)
    audit(
        action="assessment.reopened",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"reason": reason},
    )
    return assessment


@transaction.atomic
def targets_set(*, assessment: Assessment, levels: dict[Principle, Decimal | None], by: User):
    """Sets (or, with None, clears) the board's target level for each principle given.
    A closed quarter's targets are part of its published paper: reopen it to change them."""
    if assessment.is_closed:
        raise AssessmentError(
            "This quarter is closed and its paper published, so its targets cannot change. "
            "Reopen the quarter to change them."
        )
    framework_id = assessment.cycle.framework_id
    if any(principle.framework_id != framework_id for principle in levels):
        raise AssessmentError("A target names a principle from another framework.")
    if any(level is not None and not 1 <= level <= 5 for level in levels.values()):
        raise AssessmentError("Targets must be between 1 and 5.")
    cleared = [principle for principle, level in levels.items() if level is None]
    Target.objects.filter(assessment=assessment, principle__in=cleared).delete()
    Target.objects.bulk_create(
        [
            Target(assessment=assessment, principle=principle, level=level)
            for principle, level in levels.items()
            if level is not None
        ],
        update_conflicts=True,
        unique_fields=["assessment", "principle"],
        update_fields=["level"],
    )
    audit(
        action="targets.set",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={str(p.number): str(level) if level else None for p, level in levels.items()},
    )
