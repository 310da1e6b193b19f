import hashlib
import json

from django.core.management.base import BaseCommand

from assessments.models import Answer, Assessment, AssessmentStatus, PositionEvidence, RoadmapStep
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
            *Answer.CONTENT,
        )
        self._digest("answers", answers)
        self._digest("position_evidence", _position_evidence())
        roadmap = RoadmapStep.objects.order_by(
            "assessment_id", "principle__number", "step"
        ).values_list("assessment_id", "principle__number", "step", "level")
        self._digest("roadmap_steps", ([*row[:3], str(row[3])] for row in roadmap))
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

    def _digest(self, name: str, rows) -> None:
        """One line: how many rows, and a hash of them all, in order."""
        rows = [list(row) for row in rows]
        digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
        self.stdout.write(f"{name} {len(rows)} {digest}")


def _position_evidence():
    """Each piece of evidence with a hash of its PDF's bytes as restored (not the hash
    stored beside them, which a damaged restore would keep)."""
    evidence = PositionEvidence.objects.order_by(
        "position__assessment_id", "position__principle__number", "pk"
    ).values_list(
        "position__assessment_id", "position__principle__number", "title", "url", "pdf_name", "pdf"
    )
    for *fields, pdf in evidence.iterator(chunk_size=20):
        yield [*fields, hashlib.sha256(bytes(pdf)).hexdigest()]
