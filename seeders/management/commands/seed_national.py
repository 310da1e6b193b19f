import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.management.arguments import whole_number
from seeders.national import seed_national
from trusts.ods import OdsFileError


class Command(BaseCommand):
    help = (
        "Build a synthetic national data set for the programme view and benchmarks: trusts "
        "from an ODS etr.csv (or generated fictional ones), several quarters, 8 to 14 board "
        "members each, every question answered. Every page then carries a 'synthetic "
        "data' banner, since real trust names carry invented scores."
    )

    def add_arguments(self, parser):
        parser.add_argument("ods_file", nargs="?", type=Path, help="an ODS etr.csv (optional)")
        parser.add_argument(
            "--trusts", type=whole_number(1, 1000), default=200, help="how many trusts (200)"
        )
        parser.add_argument(
            "--quarters", type=whole_number(1, 40), default=8, help="how many quarters (8)"
        )
        parser.add_argument(
            "--seed", type=whole_number(0, 2**32 - 1), default=2026, help="random seed"
        )

    def handle(self, *args, ods_file, trusts, quarters, seed, **options):
        started = time.perf_counter()
        try:
            report = seed_national(
                ods_path=ods_file,
                trust_count=trusts,
                quarters=quarters,
                seed=seed,
                progress=self._progress,
            )
        except FileNotFoundError as error:
            raise CommandError(f"{ods_file}: no such file") from error
        except OdsFileError as error:
            raise CommandError(f"{ods_file}, {error}. Nothing was loaded.") from error
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.trusts} trusts, {report.cycles} quarters, {report.members:,} board "
                f"members, {report.responses:,} responses, {report.answers:,} answers in "
                f"{time.perf_counter() - started:.0f} s"
            )
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        """A bar on a terminal; a line every tenth of the way otherwise."""
        width = 30
        filled = width * done // total
        line = f"{stage:<20} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if sys.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="")
            if done == total:
                self.stdout.write("")
        elif done == total or done % max(total // 10, 1) == 0:
            self.stdout.write(line)
