from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.models import Assessment, AssessmentStatus
from assessments.results.actions import results_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the per-principle results summary table from each assessment's latest "
        "release, with each quarter's change since the one before. Safe to run at any time: "
        "results come out as they were published."
    )

    def handle(self, *args, **options):
        assessments = (
            Assessment.objects.exclude(status=AssessmentStatus.DRAFT)
            .select_related("cycle", "trust")
            # Oldest quarter first: a quarter's change is worked out from the one before.
            .order_by("cycle__year", "cycle__quarter", "pk")
        )
        count = 0
        for assessment in assessments.iterator(chunk_size=200):
            with transaction.atomic():
                results_refresh(assessment=assessment)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Rebuilt results for {count} assessments."))
