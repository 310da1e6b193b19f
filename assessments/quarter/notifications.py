"""Emails to board members: when an assessment opens, and reminders before it closes."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Assessment, AssessmentStatus, Reminder, ResponseStatus
from core.audit import SystemActor, audit
from core.mail import absolute, send
from trusts.models import Role, User


def questionnaire_link(assessment: Assessment) -> str:
    return absolute(
        reverse(
            "questionnaire:questionnaire-start",
            kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
        )
    )


def board_of(assessment: Assessment) -> list[User]:
    return [
        membership.user
        for membership in assessment.trust.memberships.filter(role=Role.BOARD_MEMBER)
        .select_related("user")
        .filter(user__is_active=True)
    ]


def assessment_opened(*, assessment: Assessment) -> None:
    """Tells every board member the questionnaire is open."""
    link = questionnaire_link(assessment)
    for member in board_of(assessment):
        send(
            about=assessment,
            to=member.email,
            template="quarter/email/assessment_opened.txt",
            context={"assessment": assessment, "member": member, "link": link},
        )


@dataclass(frozen=True)
class DueReminder:
    assessment: Assessment
    member: User
    started: bool


def reminders_due(*, today: datetime.date, days_before_close: int) -> list[DueReminder]:
    """Board members who have not submitted, in open assessments closing within
    ``days_before_close`` days, who have not had a reminder today."""
    assessments = Assessment.objects.filter(
        status=AssessmentStatus.OPEN,
        cycle__closes_on__gte=today,
        cycle__closes_on__lte=today + datetime.timedelta(days=days_before_close),
    ).select_related("trust", "cycle")
    return [due for assessment in assessments for due in reminders_for(assessment, today=today)]


def reminders_for(assessment: Assessment, *, today: datetime.date) -> list[DueReminder]:
    """The assessment's board members who have not submitted and not been reminded today."""
    statuses = dict(assessment.responses.values_list("respondent_id", "status"))
    reminded = set(assessment.reminders.filter(sent_on=today).values_list("member_id", flat=True))
    return [
        DueReminder(assessment, member, started=member.pk in statuses)
        for member in board_of(assessment)
        if statuses.get(member.pk) != ResponseStatus.SUBMITTED and member.pk not in reminded
    ]


DAILY_REMINDERS = SystemActor("send_reminders, the daily run")


def reminder_send(*, reminder: DueReminder, today: datetime.date, by=DAILY_REMINDERS) -> bool:
    """Logs and queues one reminder (sent by ``by``: a coordinator who pressed the button,
    or the daily run); False if one was already sent today."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                assessment=reminder.assessment, member=reminder.member, sent_on=today
            )
            audit(
                action="reminder.sent",
                by=by,
                trust=reminder.assessment.trust,
                target=reminder.assessment,
                detail={"to": reminder.member.email},
            )
            send(
                about=reminder.assessment,
                to=reminder.member.email,
                template="quarter/email/reminder.txt",
                context={
                    "assessment": reminder.assessment,
                    "member": reminder.member,
                    "started": reminder.started,
                    "link": questionnaire_link(reminder.assessment),
                },
            )
    except IntegrityError:
        return False
    return True
