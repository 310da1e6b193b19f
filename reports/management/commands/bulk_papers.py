import os
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Cycle, parse_quarter
from core.audit import SystemActor
from reports.models import BulkExport
from reports.national.bulk import Progress, bulk_export_start, progress_of

# A worker grows by about 0.3 MB a paper (measured over 80 papers: 143 to 164 MB), so 100
# papers keep it under 200 MB, and a quarter of 200 papers starts each worker only once:
# a fresh worker costs 1.3 s of start-up (Django, WeasyPrint and its fonts).
PAPERS_PER_WORKER = 100
WITHDRAWN = (
    "The papers changed while they were being made (a person was erased, or answers reached "
    "the end of their keeping), so this ZIP was withdrawn. Run the command again: the "
    "workers started stop by themselves."
)


class Command(BaseCommand):
    help = (
        "Make every closed board paper of a quarter into one ZIP, with background workers "
        "(recycled every few papers, so memory stays bounded). Shows progress; one trust's "
        "failure is reported and the rest carry on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, help='the quarter, e.g. "2026/27 Q3"')
        parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
        parser.add_argument(
            "--papers-per-worker",
            type=int,
            default=PAPERS_PER_WORKER,
            help=f"papers a worker makes before a fresh one replaces it ({PAPERS_PER_WORKER})",
        )
        parser.add_argument(
            "--output",
            help="where to write the ZIP (default: board-papers-<quarter>.zip here)",
        )

    def handle(
        self, *args, cycle: str, workers: int, papers_per_worker: int, output: str | None, **options
    ):
        quarter = parse_quarter(cycle)
        found = (
            Cycle.objects.filter(year=quarter[0], quarter=quarter[1]).first() if quarter else None
        )
        if found is None:
            raise CommandError(f"No quarter {cycle!r}: write it like 2026/27 Q3.")
        export = bulk_export_start(cycle=found, by=SystemActor("bulk_papers"))
        self.stdout.write(f"{export.total} closed board papers for {found.label}")
        started = time.perf_counter()
        running: list[subprocess.Popen] = []
        while True:
            try:
                export.refresh_from_db()
            except BulkExport.DoesNotExist:  # forgotten: reports.paper.actions._forget_files
                raise CommandError(WITHDRAWN) from None
            progress = progress_of(export)
            self._progress(progress)
            if export.status == BulkExport.Status.DONE:
                break
            running = [process for process in running if process.poll() is None]
            while len(running) < workers:
                running.append(self._worker(papers_per_worker))
            time.sleep(0.5)
        for process in running:
            process.wait()
        for failure in progress.failures:
            self.stderr.write(f"Could not make {failure['trust']}: {failure['error']}")
        made = progress.finished - len(progress.failures)
        # The ZIP lives in the file storage (the database by default); copy it out.
        destination = Path(output or f"board-papers-{found.slug}.zip")
        try:
            with export.zip_file.open("rb") as source:
                destination.write_bytes(source.read())
        except FileNotFoundError:  # forgotten between its last paper and this copy
            raise CommandError(WITHDRAWN) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{made} papers in {time.perf_counter() - started:.0f} s: {destination}"
            )
        )

    @staticmethod
    def _worker(papers: int) -> subprocess.Popen:
        """A worker that takes waiting tasks, stops after ``papers`` of them or when none
        are left, and is then replaced: a long run never grows one process's memory."""
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--max-tasks",
                str(papers),
                "--interval",
                "0.2",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a paper's failure is recorded on its export item
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )

    def _progress(self, progress: Progress) -> None:
        export, width = progress.export, 30
        filled = width * progress.percent // 100
        done = export.status == BulkExport.Status.DONE
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {progress.finished}/{export.total} "
            f"{export.get_status_display()}"
        )
        if sys.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="\n" if done else "")
        elif done or progress.finished % 20 == 0:
            self.stdout.write(line)
