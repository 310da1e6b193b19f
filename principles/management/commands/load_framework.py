from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from principles.actions import FrameworkLocked, framework_load
from principles.loader import FrameworkFileError, read_framework, shipped_framework_files


class Command(BaseCommand):
    help = (
        "Load framework content from TOML data files (by default the ones shipped in "
        "principles/frameworks). Safe to run again; a published version is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="framework files to load")

    def handle(self, *args, paths: list[Path], **options):
        paths = paths or shipped_framework_files()
        if not paths:
            raise CommandError("No framework files to load.")
        specs = [(path, self._read(path)) for path in paths]
        specs.sort(key=lambda item: (item[1].slug, item[1].version))
        outcomes = []
        with transaction.atomic():
            for path, spec in specs:
                try:
                    outcomes.append((path, framework_load(spec=spec)))
                except (FrameworkFileError, FrameworkLocked) as error:
                    raise CommandError(failure(path, error)) from error
        for path, outcome in outcomes:
            framework = outcome.framework
            self.stdout.write(
                f"{framework.slug} version {framework.version} ({path.name}): {outcome.status}"
            )

    @staticmethod
    def _read(path: Path):
        try:
            return read_framework(path)
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except IsADirectoryError as error:
            raise CommandError(f"{path} is a folder: give the TOML file in it") from error
        except OSError as error:
            raise CommandError(f"{path} could not be read: {error.strerror}") from error
        except FrameworkFileError as error:
            raise CommandError(failure(path, error)) from error


def failure(path: Path, error: Exception) -> str:
    return f"{path}: {str(error).rstrip('.')}. Nothing was loaded."
