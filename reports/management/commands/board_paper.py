from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment, AssessmentStatus, parse_quarter
from core.audit import SystemActor
from reports.paper.actions import TooFewResponses, paper_file
from trusts.models import Trust


class Command(BaseCommand):
    help = (
        "Write a trust's board paper for a quarter as a PDF, or as a Word file when the "
        "output ends .docx: the frozen paper of a closed quarter, or a draft of an open one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--trust", required=True, help="the trust's ODS code, e.g. RAL")
        parser.add_argument("--cycle", required=True, help='the quarter, e.g. "2026/27 Q3"')
        parser.add_argument(
            "--output", required=True, type=Path, help="the file to write: .pdf or .docx"
        )

    def handle(self, *args, trust: str, cycle: str, output: Path, **options):
        found = Trust.objects.filter(ods_code=trust.strip().upper()).first()
        if found is None:
            raise CommandError(f"No trust has the ODS code {trust!r}.")
        quarter = parse_quarter(cycle)
        if quarter is None:
            raise CommandError(f"{cycle!r} is not a quarter: write it like 2026/27 Q3.")
        assessment = (
            Assessment.objects.select_related("cycle__framework", "trust")
            .filter(trust=found, cycle__year=quarter[0], cycle__quarter=quarter[1])
            .exclude(status=AssessmentStatus.DRAFT)
            .first()
        )
        if assessment is None:
            raise CommandError(f"{found.name} has no opened assessment for {cycle.strip()}.")
        extension = output.suffix.lower().lstrip(".")
        if extension not in {"pdf", "docx"}:
            raise CommandError(f"Write the paper to a .pdf or .docx file, not {output.name!r}.")
        try:
            document = paper_file(
                assessment=assessment,
                by=SystemActor("board_paper"),
                require_results=True,
                extension=extension,
            )
        except TooFewResponses as error:
            raise CommandError(str(error)) from error
        output.write_bytes(document.content)
        how = "made now" if document.made_now else "the frozen paper"
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {output} ({how}, {len(document.content):,} bytes)")
        )
