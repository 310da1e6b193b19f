"""The retention schedule: what is deleted when (settings.RETENTION), run daily by the task
worker. Each run deletes everything past its date, in one transaction, and leaves an audit
entry with the counts; the privacy notice states the same figures (core.views).

Individual answers go when their quarter has been closed for ``answers_years``: their rows
leave every release through assessments.results.settling, as for an erasure, so that
every published paper keeps its figures and withdraws its comments."""

import datetime
from collections.abc import Callable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import BrowserKey, KeptInput, SignedInSession
from assessments.models import Assessment, AssessmentStatus, Reminder, Response
from assessments.results.settling import RETENTION, answers_withdraw, years_ago
from core.audit import SystemActor, audit
from core.models import AuditEvent, Email
from trusts.models import Invitation

DAILY_RUN = SystemActor("the daily retention run")


def _answers_past(now: datetime.datetime) -> int:
    """Responses of quarters closed longer ago than the schedule (a reopened quarter's
    answers are live again), or never closed and ended that long ago."""
    before = years_ago(now, settings.RETENTION["answers_years"])
    old = Assessment.objects.filter(
        Q(status=AssessmentStatus.CLOSED, closed_at__lt=before)
        | Q(closed_at__isnull=True, cycle__closes_on__lt=before.date())
    )
    responses = Response.objects.filter(assessment__in=old)
    ids = set(responses.values_list("pk", flat=True))
    trusts = set(responses.values_list("assessment__trust_id", flat=True))
    if ids:
        answers_withdraw(response_ids=ids, trust_ids=trusts, reason=RETENTION)
    Reminder.objects.filter(assessment__in=old).delete()
    return responses.delete()[1].get(Response._meta.label, 0)


def _days_ago(now, key: str) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION[key])


# What each line of the schedule deletes, given the moment of the run: how many went.
SCHEDULE: dict[str, Callable[[datetime.datetime], int]] = {
    "responses": _answers_past,
    "sign_in_records": lambda now: sum(
        model.objects.filter(attempt_time__lt=_days_ago(now, "sign_in_days")).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    ),
    "email_words": lambda now: (
        Email.objects.filter(finished_at__lt=_days_ago(now, "email_words_days"))
        .exclude(body="", subject="")
        .update(body="", subject="")
    ),
    "emails": lambda now: Email.objects.filter(
        finished_at__lt=_days_ago(now, "email_days")
    ).delete()[0],
    "invitations": lambda now: Invitation.objects.filter(
        Q(accepted_at__lt=_days_ago(now, "invitation_days"))
        | Q(revoked_at__lt=_days_ago(now, "invitation_days"))
        | Q(expires_at__lt=_days_ago(now, "invitation_days"))
    ).delete()[0],
    "kept_input": lambda now: KeptInput.objects.expired(now).delete()[0],
    "browser_keys": lambda now: BrowserKey.objects.expired(now).delete()[0],
    "sessions": lambda now: Session.objects.filter(expire_date__lt=now).delete()[0],
    # Where a person was signed in, once that session cannot be alive (never seen for as
    # long as a session lives): one signed out at its next request left its row behind.
    "signed_in_sessions": lambda now: SignedInSession.objects.filter(
        last_seen_at__lt=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()[0],
    "task_results": lambda now: (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=_days_ago(now, "task_days"))
        .delete()[0]
    ),
    "audit_entries": lambda now: AuditEvent.objects.filter(
        at__lt=years_ago(now, settings.RETENTION["audit_years"])
    ).delete()[0],
}


@transaction.atomic
def retention_apply(*, by=DAILY_RUN) -> dict[str, int]:
    """Deletes everything the schedule says has been kept long enough; audited with the
    counts. Returns {line of the schedule: how many went}."""
    now = timezone.now()
    counts = {line: deleting(now) for line, deleting in SCHEDULE.items()}
    audit(action="retention.applied", by=by, detail=counts)
    return counts


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next RETENTION_HOUR o'clock in London after ``now``."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.RETENTION_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + datetime.timedelta(days=1)


def retention_schedule() -> bool:
    """Makes sure a daily run is waiting for the worker (a worker's start and each run
    call this); False where the task backend cannot wait (tests run tasks at once)."""
    if not retention_daily.get_backend().supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=retention_daily.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        retention_daily.using(run_after=next_run(timezone.now())).enqueue()
    return True


@task
def retention_daily() -> dict[str, int]:
    try:
        return retention_apply()
    finally:  # tomorrow's run waits even if today's failed
        retention_schedule()
