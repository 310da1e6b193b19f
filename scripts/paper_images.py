"""Page images of the demo board paper for the README: the PDF's pages, and the Word file
as LibreOffice opens it. Builds the demo in a throwaway SQLite database; `make
paper-images` runs it (and installs LibreOffice's writer where missing)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PDF_PAGES = 3  # the cover and the first pages of figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quarterdeck-paper-images-") as folder:
        work = Path(folder)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'demo.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from assessments.models import Assessment, AssessmentStatus
        from core.audit import SystemActor
        from reports.actions import paper_file

        for command in ("migrate", "load_framework", "seed_demo"):
            call_command(command, verbosity=0)
        closed = Assessment.objects.filter(
            trust__ods_code="ZZA", status=AssessmentStatus.CLOSED
        ).select_related("trust", "cycle__framework")
        assessment = closed.order_by("-cycle__year", "-cycle__quarter").first()
        for extension in ("pdf", "docx"):
            content = paper_file(
                assessment=assessment, by=SystemActor("paper_images"), extension=extension
            ).content
            (work / f"paper.{extension}").write_bytes(content)
        pages(work / "paper.pdf", DOCS / "board-paper-page", PDF_PAGES)
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work / "word"),
                str(work / "paper.docx"),
            ],
            check=True,
            capture_output=True,
        )
        pages(work / "word" / "paper.pdf", DOCS / "board-paper-word-page", 2)
    print(f"Wrote page images to {DOCS}")


def pages(pdf: Path, stem: Path, count: int) -> None:
    """Pages 1..count of the PDF as stem-1.png, stem-2.png, ..."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(count), str(pdf), str(stem)],
        check=True,
    )
    for made in stem.parent.glob(f"{stem.name}-*.png"):  # pdftoppm pads: page-01.png
        number = int(made.stem.rsplit("-", 1)[1])
        made.rename(stem.parent / f"{stem.name}-{number}.png")


if __name__ == "__main__":
    main()
