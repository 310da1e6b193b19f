from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import SystemActor
from trusts.actions import trusts_import
from trusts.ods import OdsFileError, read_etr, read_trust_types


class Command(BaseCommand):
    help = (
        "Load NHS trusts from an NHS ODS etr.csv file: open trusts in NHS England regions are "
        "created or updated; closed and non-English ones are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the ODS etr.csv file")
        parser.add_argument(
            "--types",
            type=Path,
            help="a CSV with the header ods_code,trust_type giving trust types",
        )

    def handle(self, *args, path: Path, types: Path | None, **options):
        records = self._read(read_etr, path)
        trust_types = self._read(read_trust_types, types) if types else {}
        report = trusts_import(
            records=records, trust_types=trust_types, by=SystemActor("import_trusts")
        )
        for code, reason in report.skipped:
            self.stdout.write(f"Skipped {code}: {reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
            )
        )

    @staticmethod
    def _read(reader, path: Path):
        try:
            return reader(path)
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except IsADirectoryError as error:
            raise CommandError(f"{path} is a folder: give the CSV file in it") from error
        except OSError as error:
            raise CommandError(f"{path} could not be read: {error.strerror}") from error
        except OdsFileError as error:
            raise CommandError(f"{path}, {error}. Nothing was imported.") from error
