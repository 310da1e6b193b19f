from django.core.management.base import BaseCommand

from core.mail import queue_waiting


class Command(BaseCommand):
    help = (
        "Queue again every email that has waited longer than --minutes without a first "
        "attempt (its task was lost, say). Safe to run often: an email is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15, help="how long is too long (15)")

    def handle(self, *args, minutes: int, **options):
        count = queue_waiting(older_than_minutes=minutes)
        self.stdout.write(f"{count} emails queued again")
