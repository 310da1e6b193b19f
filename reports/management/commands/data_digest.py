import hashlib
import json

from django.core.management.base import BaseCommand

from assessments.models import Answer, Assessment, AssessmentStatus
from reports.models import FrozenPaper
from reports.paper.presenters import board_paper


class Command(BaseCommand):
    help = (
        "Print a digest of every answer and of every board paper's figures, one line each. "
        "Run it before a backup and after a restore: the two outputs must be identical."
    )

    def handle(self, *args, **options):
        answers = Answer.objects.order_by(
            "response__assessment_id", "response__respondent_id", "question__key"
        ).values_list(
            "response__assessment_id",
            "response__respondent_id",
            "question__key",
            "score",
            "dont_know",
            "comment",
        )
        rows = [list(row) for row in answers]
        digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
        self.stdout.write(f"answers {len(rows)} {digest}")
        assessments = (
            Assessment.objects.exclude(status=AssessmentStatus.DRAFT)
            .select_related("trust", "cycle__framework")
            .order_by("trust__ods_code", "cycle__year", "cycle__quarter")
        )
        frozen = dict(FrozenPaper.objects.values_list("assessment_id", "fingerprint"))
        for assessment in assessments:
            paper = board_paper(assessment)
            self.stdout.write(
                f"paper {assessment.trust.ods_code} {assessment.cycle.slug} "
                f"{paper.fingerprint()} frozen={frozen.get(assessment.pk, '-')}"
            )
