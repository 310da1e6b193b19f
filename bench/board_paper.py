"""Board paper rendering against a trivial one-page document, memory, and frozen serving.

DESIGN.md §8: a 12-member board's PDF in well under a second on one core. Measured in one
run: the demo trust's closed-quarter paper (median of several renders), WeasyPrint's time
for a trivial one-page document (the floor), their per-page ratio (goal <= 1.5), the peak
memory of a process that renders the paper (goal <= 150 MB), and the time to serve the
frozen paper through the app.

    .venv/bin/python bench/board_paper.py     (DATABASE_URL=postgres://... for PostgreSQL)
"""

import io
import multiprocessing
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_seconds, ms, setup_django, teardown_django

TRIVIAL = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>One page</title>'
    "</head><body><h1>One page</h1><p>A trivial document, the floor for any PDF.</p></body></html>"
)


def render_in_child(html: str, queue) -> None:
    """Runs in a fresh process: render once, report peak resident memory."""
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from reports.pdf import render_pdf

    render_pdf(html)
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB to MiB


def peak_memory_mb(html: str) -> float:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=render_in_child, args=(html, queue))
    process.start()
    peak = queue.get(timeout=120)
    process.join()
    return peak


def main() -> None:
    setup_django()
    try:
        run()
    finally:
        teardown_django()


def run() -> None:
    from django.template.loader import render_to_string
    from django.test import Client
    from django.urls import reverse
    from pypdf import PdfReader

    from assessments.models import Assessment, AssessmentStatus
    from core.demo import seed_demo
    from principles.actions import framework_load
    from principles.loader import read_framework, shipped_framework_files
    from reports.actions import paper_file
    from reports.pdf import render_pdf
    from reports.presenters import board_paper
    from trusts.models import Membership, Role

    framework_load(spec=read_framework(shipped_framework_files()[0]))
    seed_demo()
    assessment = Assessment.objects.select_related("trust", "cycle__framework").get(
        trust__ods_code="ZZA", status=AssessmentStatus.CLOSED
    )
    paper = board_paper(assessment)
    html = render_to_string("reports/paper_document.html", {"paper": paper})
    render_pdf(TRIVIAL)  # load fonts once, as a running server would have
    pdf = render_pdf(html)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    trivial_s = median_seconds(lambda: render_pdf(TRIVIAL), repeat=15, warmup=2)
    paper_s = median_seconds(lambda: render_pdf(html), repeat=5, warmup=1)
    present_s = median_seconds(lambda: board_paper(assessment), repeat=20, warmup=2)
    per_page_ratio = (paper_s / pages) / trivial_s
    peak_mb = peak_memory_mb(html)

    paper_file(assessment=assessment, by=None)  # freeze it
    coordinator = Membership.objects.filter(trust=assessment.trust, role=Role.COORDINATOR).first()
    client = Client()
    client.force_login(coordinator.user)
    url = reverse("paper-pdf", args=[assessment.trust.ods_code, assessment.cycle.slug])

    def serve_frozen():
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    frozen_s = median_seconds(serve_frozen, repeat=20, warmup=2)

    print(f"paper: {assessment.trust.name}, {assessment.cycle.label}, {paper.submitted} responses")
    print(f"figures for the paper (presenter):     {ms(present_s)}")
    print(f"render the paper:                      {ms(paper_s)} for {pages} pages")
    print(f"per page:                              {ms(paper_s / pages)}")
    print(f"trivial one-page document:             {ms(trivial_s)}")
    print(f"per-page ratio to the trivial page:    {per_page_ratio:.2f} (goal <= 1.5)")
    print(f"peak memory of a rendering process:    {peak_mb:.0f} MB (goal <= 150 MB)")
    print(f"serve the frozen paper (whole request): {ms(frozen_s)}")
    print(
        f"bench board_paper: per_page_ratio={per_page_ratio:.2f} pages={pages} "
        f"frozen_ms={frozen_s * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
