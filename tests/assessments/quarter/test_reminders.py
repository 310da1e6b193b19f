"""Emails when an assessment opens, and reminders before it closes."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from assessments.models import Reminder
from assessments.quarter.actions import assessment_close, assessment_open
from core.models import AuditEvent
from tests.helpers import answer_everything, new_board_member, on_day

TODAY = datetime.date(2026, 12, 24)  # a week before the fixture quarter closes (31 December)


def test_opening_an_assessment_emails_every_board_member(
    cycle, trust, coordinator, board_member, django_capture_on_commit_callbacks
):
    other = new_board_member(trust)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_open(trust=trust, cycle=cycle, by=coordinator)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [board_member.email, other.email]
    )
    assert all("2026/27 Q3 board questionnaire is open" in m.subject for m in mail.outbox)
    assert all("/trusts/QAA/assessments/2026-27-q3/questionnaire/" in m.body for m in mail.outbox)


def test_opening_that_fails_sends_nothing(
    assessment, coordinator, django_capture_on_commit_callbacks
):
    from assessments.errors import AssessmentError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AssessmentError):
        assessment_open(trust=assessment.trust, cycle=assessment.cycle, by=coordinator)
    assert mail.outbox == []


@pytest.fixture
def board(assessment, board_member):
    """Three members: one submitted, one part-way, one not started."""
    submitted, started = new_board_member(assessment.trust), new_board_member(assessment.trust)
    answer_everything(assessment, submitted)
    answer_everything(assessment, started, submit=False)
    return {"submitted": submitted, "started": started, "not_started": board_member}


def remind(*args, today=TODAY):
    out = StringIO()
    # Emails are sent by a task once each reminder's transaction commits.
    with on_day(today), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_send_reminders_emails_only_members_who_have_not_submitted(board):
    out = remind()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [board["started"].email, board["not_started"].email]
    )
    assert "2 reminders sent" in out
    started_message = next(m for m in mail.outbox if m.to == [board["started"].email])
    assert "Your answers so far are saved" in started_message.body
    assert Reminder.objects.count() == 2
    assert AuditEvent.objects.filter(action="reminder.sent").count() == 2


def test_send_reminders_at_most_once_a_day(board):
    remind()
    assert "0 reminders sent" in remind()
    assert len(mail.outbox) == 2
    remind(today=TODAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 4


def test_send_reminders_dry_run_sends_and_logs_nothing(board):
    out = remind("--dry-run")
    assert f"Would remind {board['not_started'].email}" in out
    assert "Dry run: 2 reminders would be sent" in out
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_send_reminders_waits_until_the_configured_days_before_close(board):
    assert "0 reminders sent" in remind(today=datetime.date(2026, 12, 1))
    assert "2 reminders sent" in remind("--days", "30", today=datetime.date(2026, 12, 1))


def test_send_reminders_default_days_come_from_settings(board, settings):
    settings.REMINDER_DAYS_BEFORE_CLOSE = 3  # read when the command is built
    assert "0 reminders sent" in remind(today=TODAY)


def test_send_reminders_skips_closed_assessments_and_past_closing(board, assessment, coordinator):
    assert "0 reminders sent" in remind(today=datetime.date(2027, 1, 2))
    assessment_close(assessment=assessment, by=coordinator)
    assert "0 reminders sent" in remind()
