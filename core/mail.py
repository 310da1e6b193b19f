"""Sending the app's emails: plain text, each from its room's templates, delivered by a task.

``send`` writes the email in the caller's transaction and queues its delivery once that
transaction commits, so a change is never committed without its email, and a mail server
that is down never turns a committed change into an error page: the task tries again
later (``EMAIL_RETRY_MINUTES``) and, when it gives up, leaves a failure people can see.
"""

import datetime
import logging
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.tasks import task
from django.tasks.base import Task
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import Email
from core.text import shortened

logger = logging.getLogger(__name__)

# An email's subject is one line of at most this many characters, cut after a word: every
# NHS trust's name fits whole (the longest, 74 characters, makes an invitation's 121).
SUBJECT_LIMIT = 150


def send(*, to: str, template: str, context: dict, about: models.Model | None = None) -> Email:
    """Renders ``template`` (a room's "<room>/email/<name>.txt"), whose first line is the
    subject, and queues it; the email is recorded by its name ("reminder"). ``about`` is
    the object the email concerns, so its page can show a failure. The subject is kept to
    one short line (a mail header cannot break, and a long trust name would fill it); the
    body says everything whole."""
    subject, _, body = render_to_string(template, context).partition("\n")
    email = Email.objects.create(
        to=to,
        template=Path(template).stem,
        subject=shortened(subject, SUBJECT_LIMIT),
        body=body.lstrip("\n"),
        about_type=about._meta.label_lower if about is not None else "",
        about_id=str(about.pk) if about is not None else "",
    )
    # robust: should queueing itself fail, the change has committed and stays a success;
    # the email stays "waiting to be sent" and `deliver_emails` queues it again.
    transaction.on_commit(partial(queue_delivery, email.pk), robust=True)
    return email


def emails_about(obj: models.Model):
    return Email.objects.filter(about_type=obj._meta.label_lower, about_id=str(obj.pk))


def queue_delivery(email_id: int, *, delay_minutes: int = 0) -> None:
    job: Task = deliver
    if delay_minutes and job.get_backend().supports_defer:
        later = timezone.now() + datetime.timedelta(minutes=delay_minutes)
        job = job.using(run_after=later)
    job.enqueue(email_id)


@task
def deliver(email_id: int) -> str:
    """Sends one queued email; on failure records why and tries again later, until the
    attempts in ``EMAIL_RETRY_MINUTES`` run out."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != Email.Status.QUEUED:
            return "nothing to send"
        email.attempts += 1
        try:
            send_mail(
                subject=email.subject,
                message=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email.to],
            )
        except Exception as problem:  # any mail backend's failure: recorded, tried again
            return _failed(email, problem)
        email.status = Email.Status.SENT
        email.body = ""
        email.last_error = ""
        email.finished_at = timezone.now()
        email.save(update_fields=["status", "body", "last_error", "attempts", "finished_at"])
    return "sent"


def _failed(email: Email, problem: Exception) -> str:
    email.last_error = f"{type(problem).__name__}: {problem}"[:255]
    retries = settings.EMAIL_RETRY_MINUTES
    # Logged by id only: the address and the body are personal.
    logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, email.last_error)
    if email.attempts > len(retries):
        email.status = Email.Status.FAILED
        email.body = ""
        email.finished_at = timezone.now()
    else:
        delay = retries[email.attempts - 1]
        transaction.on_commit(partial(queue_delivery, email.pk, delay_minutes=delay), robust=True)
    email.save(update_fields=["status", "body", "last_error", "attempts", "finished_at"])
    return "failed" if email.status == Email.Status.FAILED else "will try again"


def queue_waiting(*, older_than_minutes: int) -> int:
    """Queues again every email never tried after ``older_than_minutes`` (its task was
    lost, say); returns how many. Emails waiting for a retry already have a task."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    waiting = list(
        Email.objects.filter(
            status=Email.Status.QUEUED, attempts=0, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for email_id in waiting:
        queue_delivery(email_id)
    return len(waiting)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
