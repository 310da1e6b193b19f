"""Emails go out through a task: a mail server that is down never turns a committed change
into an error page, and a failure is a record the coordinator can see."""

import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments.quarter.actions import assessment_open
from core.mail import deliver, queue_waiting, send
from core.models import Email
from tests.helpers import run_waiting_tasks
from trusts.models import Invitation

SMTP_DOWN = mock.patch(
    "core.mail.send_mail", side_effect=smtplib.SMTPConnectError(421, "Service not available")
)


def invite(client, trust):
    return client.post(
        reverse("trusts:board-people", args=[trust.ods_code]),
        {"full_name": "New Member", "email": "new.member@test.example", "seat_group": "executive"},
    )


def test_invite_with_the_mail_server_down_succeeds_and_says_the_email_was_not_sent(
    signed_in, coordinator, trust, django_capture_on_commit_callbacks
):
    client = signed_in(coordinator)
    with SMTP_DOWN, django_capture_on_commit_callbacks(execute=True):
        response = invite(client, trust)
    assert response.status_code == 302
    invitation = Invitation.objects.select_related("delivery").get()
    assert invitation.delivery.status == Email.Status.FAILED
    assert invitation.delivery.attempts == 5  # the first try and four retries
    assert invitation.delivery.body == ""  # the single-use link does not outlive its purpose
    assert "SMTPConnectError" in invitation.delivery.last_error
    page = client.get(reverse("trusts:board-people", args=[trust.ods_code])).content.decode()
    assert "Email not sent" in page


def test_invitation_sent_again_once_the_mail_server_is_back_is_delivered(
    signed_in, coordinator, trust, django_capture_on_commit_callbacks
):
    client = signed_in(coordinator)
    with SMTP_DOWN, django_capture_on_commit_callbacks(execute=True):
        invite(client, trust)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("trusts:invitation-resend", args=[trust.ods_code, invitation.pk])
        )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.delivery.status == Email.Status.SENT
    assert [message.to for message in mail.outbox] == [["new.member@test.example"]]
    page = client.get(reverse("trusts:board-people", args=[trust.ods_code])).content.decode()
    assert "Email not sent" not in page


def test_opening_with_the_mail_server_down_opens_and_lists_who_was_not_emailed(
    signed_in, coordinator, board_member, cycle, trust, django_capture_on_commit_callbacks
):
    client = signed_in(coordinator)
    with SMTP_DOWN, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quarter:assessment-open", args=[trust.ods_code, cycle.slug])
        )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Emails we could not send" in page
    assert board_member.email in page


def test_a_failed_delivery_waits_for_its_retry_in_the_queue(
    trust, coordinator, board_member, cycle, database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment_open(trust=trust, cycle=cycle, by=coordinator)
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    with SMTP_DOWN, django_capture_on_commit_callbacks(execute=True):
        assert run_waiting_tasks() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
    assert email.body  # still to be sent
    # The retry is queued for later (a minute on), so no worker takes it now.
    with django_capture_on_commit_callbacks(execute=True):
        assert run_waiting_tasks() == 0
    assert mail.outbox == []


def test_delivery_sends_each_email_once_however_often_its_task_runs(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send(
            to="someone@test.example",
            template="quarter/email/reminder.txt",
            context={"started": False},
        )
    assert deliver.call(email.pk) == "nothing to send"
    assert len(mail.outbox) == 1


def test_emails_whose_task_was_lost_are_queued_again(db, django_capture_on_commit_callbacks):
    lost = Email.objects.create(to="a@test.example", template="reminder", subject="S", body="B")
    Email.objects.filter(pk=lost.pk).update(created_at=lost.created_at.replace(year=2025))
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_waiting(older_than_minutes=10) == 1
    lost.refresh_from_db()
    assert lost.status == Email.Status.SENT


@pytest.mark.parametrize("template", ["invitation", "assessment_opened", "reminder"])
def test_nothing_personal_is_logged_when_delivery_fails(db, template, caplog):
    email = Email.objects.create(
        to="private.person@test.example", template=template, subject="S", body="B"
    )
    with SMTP_DOWN:
        deliver.call(email.pk)
    assert "private.person" not in caplog.text
    assert f"Email {email.pk} not sent" in caplog.text


def test_deliver_emails_command_queues_lost_emails_again(db, django_capture_on_commit_callbacks):
    lost = Email.objects.create(to="a@test.example", template="reminder", subject="S", body="B")
    Email.objects.filter(pk=lost.pk).update(created_at=lost.created_at.replace(year=2025))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("deliver_emails", "--minutes", "5", stdout=out)
    assert "1 emails queued again" in out.getvalue()
    assert [message.to for message in mail.outbox] == [["a@test.example"]]
