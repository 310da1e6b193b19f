from django.core.management.base import BaseCommand

from assessments.privacy.retention import retention_apply, retention_schedule


class Command(BaseCommand):
    help = (
        "Deletes now everything the retention schedule (settings.RETENTION) says has been "
        "kept long enough, and prints the counts; with --schedule, only makes sure the "
        "daily run is waiting for the task worker (the worker's service does this at start)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Only schedule the daily run.")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            if retention_schedule():
                self.stdout.write("The daily retention run is waiting for the task worker.")
            else:
                self.stdout.write("This task backend runs tasks at once: nothing scheduled.")
            return
        counts = retention_apply()
        self.stdout.write(", ".join(f"{line}={count}" for line, count in counts.items()))
