"""The retention schedule, run daily by the task worker: each kind of personal data goes
when the schedule says, and not a day before; what was published stays; every run is
audited with its counts."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Answer, Response
from assessments.privacy.retention import retention_apply, retention_daily, retention_schedule
from assessments.quarter.actions import assessment_close, assessment_reopen
from core.models import AuditEvent, Email
from reports.paper.presenters import board_paper
from tests.factories import AccessAttemptFactory, EmailFactory
from tests.helpers import on_day, run_waiting_tasks, submitted_board

CLOSED_ON = datetime.date(2026, 10, 1)


@pytest.fixture
def closed_long_ago(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    with on_day(CLOSED_ON):
        submitted_board(assessment, 4, score=3)
        return assessment_close(assessment=assessment, by=coordinator)


def two_years_after(days: int) -> datetime.date:
    """The day two calendar years after the close, moved by ``days``."""
    return CLOSED_ON.replace(year=CLOSED_ON.year + 2) + datetime.timedelta(days=days)


def test_answers_are_kept_until_two_years_after_their_quarter_closed(closed_long_ago):
    with on_day(two_years_after(0)):  # the anniversary itself: not yet
        assert retention_apply()["responses"] == 0
    assert Answer.objects.filter(response__assessment=closed_long_ago).count() == 4 * 24


def test_a_quarter_reopened_after_years_keeps_its_live_answers(closed_long_ago, coordinator):
    with on_day(two_years_after(1)):
        assessment_reopen(assessment=closed_long_ago, reason="A correction", by=coordinator)
        assert retention_apply()["responses"] == 0
    assert Response.objects.count() == 4


def test_answers_go_after_two_years_and_the_paper_keeps_its_figures(closed_long_ago):
    published = board_paper(closed_long_ago)
    with on_day(two_years_after(1)):
        counts = retention_apply()
    assert counts["responses"] == 4
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    kept = board_paper(closed_long_ago)
    assert (kept.overall, kept.rows) == (published.overall, published.rows)
    assert kept.submitted == published.submitted == 4
    event = AuditEvent.objects.get(action="retention.applied")
    assert event.detail["responses"] == 4
    assert event.actor_name == "Quarterdeck (the daily retention run)"


def test_sign_in_records_go_after_ninety_days(db):
    with on_day(datetime.date(2026, 1, 1)):
        AccessAttemptFactory(username="old@test.example")
    with on_day(datetime.date(2026, 3, 31)):
        AccessAttemptFactory(username="recent@test.example")
    with on_day(datetime.date(2026, 4, 2)):
        assert retention_apply()["sign_in_records"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent@test.example"]


def test_an_emails_words_go_a_month_after_delivery_and_the_record_after_a_year(db):
    sent = EmailFactory(
        subject="Your board's questionnaire",
        body="Dear Ada",
        status=Email.Status.SENT,
        finished_at=timezone.make_aware(datetime.datetime(2026, 1, 1, 9)),
    )
    with on_day(datetime.date(2026, 1, 30)):
        assert retention_apply()["email_words"] == 0
    with on_day(datetime.date(2026, 2, 1)):
        assert retention_apply()["email_words"] == 1
    sent.refresh_from_db()
    assert (sent.subject, sent.body, sent.to) == ("", "", sent.to)
    with on_day(datetime.date(2027, 1, 2)):
        assert retention_apply()["emails"] == 1
    assert not Email.objects.exists()


def test_the_schedule_is_a_setting(closed_long_ago, settings):
    settings.RETENTION = {**settings.RETENTION, "answers_years": 1}
    with on_day(CLOSED_ON + datetime.timedelta(days=366)):
        assert retention_apply()["responses"] == 4


def test_the_worker_runs_it_daily_at_two_in_the_morning(database_tasks, closed_long_ago):
    with on_day(two_years_after(1)):
        assert retention_schedule()
        assert retention_schedule()  # still one waiting
        (waiting,) = DBTaskResult.objects.filter(task_path=retention_daily.module_path)
        at = timezone.localtime(waiting.run_after)
        assert (at.date(), at.hour) == (two_years_after(2), 2)
        assert run_waiting_tasks() == 0  # not before its time
    with on_day(two_years_after(2)):  # noon: after 02:00
        assert run_waiting_tasks() == 1
        assert not Response.objects.exists()
        following = DBTaskResult.objects.filter(
            task_path=retention_daily.module_path, status="READY"
        ).get()
        assert timezone.localtime(following.run_after).date() == two_years_after(3)


def test_the_privacy_notice_states_the_schedule_from_the_settings(client, db, settings):
    settings.RETENTION = {**settings.RETENTION, "answers_years": 3, "sign_in_days": 45}
    page = client.get(reverse("core:privacy")).content.decode()
    assert "3 years after the quarter closed" in page
    assert "45 days" in page
