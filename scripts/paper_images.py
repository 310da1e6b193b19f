"""Page images of the demo board paper for the README: the PDF's first pages, the Word
file's first pages as LibreOffice lays it out, and the pages with the board's decisions
and with the action log and the trend. Builds the demo in a throwaway SQLite database and
closes its current quarter there, so that the paper has an action log and a trend across
a framework change; `make paper-images` runs it (and installs LibreOffice's writer where
missing). Prints each format's page count and how long it takes to make (the presenter
and the render, timed a few times)."""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PDF_PAGES = 3  # the cover and the first pages of figures
WORD_PAGES = 2
TIMINGS = 5


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quarterdeck-paper-images-") as folder:
        work = Path(folder)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'demo.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from assessments.models import Assessment
        from assessments.quarter.actions import assessment_close
        from core.audit import SystemActor
        from reports.paper.actions import paper_file
        from reports.paper.documents import paper_pdf
        from reports.paper.presenters import board_paper
        from reports.paper.word import paper_docx

        for command in ("migrate", "load_framework", "seed_demo"):
            call_command(command, verbosity=0, stdout=io.StringIO())
        actor = SystemActor("paper_images")
        quarters = Assessment.objects.filter(trust__ods_code="ZZA").select_related(
            "trust", "cycle__framework"
        )
        # This quarter, closed here if it is open, and last quarter, where the board
        # recorded its position.
        latest, discussed = quarters.order_by("-cycle__year", "-cycle__quarter")[:2]
        if latest.is_open:
            latest = assessment_close(assessment=latest, by=actor)
        files = {}
        for name, assessment, extension in (
            ("paper", latest, "pdf"),
            ("paper", latest, "docx"),
            ("discussed", discussed, "pdf"),
        ):
            files[name, extension] = work / f"{name}.{extension}"
            content = paper_file(assessment=assessment, by=actor, extension=extension).content
            files[name, extension].write_bytes(content)
        pdf = files["paper", "pdf"]
        pages(pdf, DOCS / "board-paper-page", 1, PDF_PAGES)
        for name, source, heading in (
            ("board-paper-decisions", files["discussed", "pdf"], "The board's agreed position"),
            ("board-paper-actions-trend", pdf, "Trend"),
        ):
            number = page_with(source, heading)
            pages(source, DOCS / name, number, number, resolution=90)
        convert = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work / "word")]
        subprocess.run([*convert, str(files["paper", "docx"])], check=True, capture_output=True)
        word = work / "word" / "paper.pdf"
        pages(word, DOCS / "board-paper-word-page", 1, WORD_PAGES)
        print(f"Wrote page images to {DOCS}")
        print(f"The demo paper: {latest.trust.name}, {latest.cycle.label}")
        for label, path, make in (
            ("PDF", pdf, paper_pdf),
            ("Word, as LibreOffice lays it out", word, paper_docx),
        ):
            seconds = timed(lambda make=make: make(board_paper(latest)))
            print(
                f"{label}: {page_count(path)} pages, made in {statistics.median(seconds):.2f} s "
                f"(median of {TIMINGS}; {min(seconds):.2f} to {max(seconds):.2f} s)"
            )


def timed(make) -> list[float]:
    """Seconds each of TIMINGS runs of ``make`` took, after one to warm up."""
    make()
    seconds = []
    for _ in range(TIMINGS):
        started = time.perf_counter()
        make()
        seconds.append(time.perf_counter() - started)
    return seconds


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def page_with(pdf: Path, heading: str) -> int:
    """The number of the first page with a line that reads ``heading``."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if any(line.strip() == heading for line in page.splitlines()):
            return number
    raise SystemExit(f"No page of {pdf.name} has the heading {heading!r}")


def pages(pdf: Path, stem: Path, first: int, last: int, resolution: int = 70) -> None:
    """Pages first..last of the PDF as stem-1.png, stem-2.png, ... (a single page as
    stem.png)."""
    numbers = ["-f", str(first), "-l", str(last)]
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), *numbers, str(pdf), str(stem)], check=True
    )
    for made in stem.parent.glob(f"{stem.name}-*.png"):  # pdftoppm pads: page-01.png
        number = int(made.stem.rsplit("-", 1)[1]) - first + 1
        name = f"{stem.name}.png" if first == last else f"{stem.name}-{number}.png"
        made.rename(stem.parent / name)


if __name__ == "__main__":
    main()
