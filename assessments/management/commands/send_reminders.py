from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.quarter.notifications import reminder_send, reminders_due
from core.management.arguments import whole_number


class Command(BaseCommand):
    help = (
        "Email board members who have not submitted, in assessments closing within the next "
        "few days. At most one reminder a day each; run it daily (from cron, say)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=whole_number(0, 366),
            default=settings.REMINDER_DAYS_BEFORE_CLOSE,
            help="remind when the assessment closes within this many days "
            f"(default {settings.REMINDER_DAYS_BEFORE_CLOSE}, from REMINDER_DAYS_BEFORE_CLOSE)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be emailed; send nothing"
        )

    def handle(self, *args, days: int, dry_run: bool, **options):
        today = timezone.localdate()
        due = reminders_due(today=today, days_before_close=days)
        sent = 0
        for reminder in due:
            label = f"{reminder.member.email} ({reminder.assessment})"
            if dry_run:
                self.stdout.write(f"Would remind {label}")
            elif reminder_send(reminder=reminder, today=today):
                sent += 1
                self.stdout.write(f"Reminded {label}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {len(due)} reminders would be sent."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{sent} reminders sent."))
