"""The board paper's PDF against WeasyPrint's own trivial one-page render, and the frozen
paper's download against a bare view.

The budgets (docs/architecture.md, "Performance budgets"): the PDF at most 1.5 times the
trivial render per page, tagging kept, on the demo paper and on a 15-member paper with
long comments; a frozen paper served in at most 20 ms (median) and at most 5 times a bare
view. Interleaved round by round (bench/harness.py).

The subject is the paper as we serve it: our ``render_pdf`` (PDF/UA-1, our URL fetcher,
then the tagging pass). The floor is WeasyPrint alone with its defaults on a trivial page
(no base URL, no fetcher, no PDF variant, no options), so that nothing of ours is in the
denominator: making our own pipeline slower can never make the ratio look better.

    .venv/bin/python bench/board_paper.py     (DATABASE_URL=postgres://... for PostgreSQL)
"""

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BARE_URL, app_with_bare_view
from bench.harness import Budget, emit, interleave, result

TRIVIAL = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>One page</title>'
    "</head><body><h1>One page</h1><p>A trivial document, the floor for any PDF.</p></body></html>"
)
PDF_ROUNDS = 5
DOWNLOAD_ROUNDS = 100


urlpatterns: list = []  # set by app_with_bare_view


def papers():
    """The demo trust's closed quarter and a closed 15-member quarter with long comments."""
    from assessments.models import Assessment, AssessmentStatus
    from assessments.quarter.actions import assessment_open
    from seeders.demo import seed_demo
    from tests.factories import MembershipFactory, TrustFactory
    from tests.helpers import board_with_long_comments
    from trusts.models import Role

    seed_demo()
    demo = Assessment.objects.select_related("trust", "cycle__framework").get(
        trust__ods_code="ZZA", status=AssessmentStatus.CLOSED
    )
    trust = TrustFactory(name="Long Comments NHS Trust")
    coordinator = MembershipFactory(trust=trust, role=Role.COORDINATOR, seat_group="").user
    opened = assessment_open(trust=trust, cycle=demo.cycle, by=coordinator, notify=False)
    heavy = board_with_long_comments(opened, coordinator, 15)
    return {"demo paper": demo, "15 members, long comments": heavy}


def trivial_pdf() -> bytes:
    """The floor: WeasyPrint's own render of a one-page document, with its defaults."""
    from weasyprint import HTML

    return HTML(string=TRIVIAL).write_pdf()


def measure_pdf(name: str, assessment) -> list:
    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from reports.paper.pdf import render_pdf
    from reports.paper.presenters import board_paper

    html = render_to_string("paper/document.html", {"paper": board_paper(assessment)})
    pdf = render_pdf(html)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    sample = interleave(
        lambda: render_pdf(html),
        trivial_pdf,
        rounds=PDF_ROUNDS,
        warmup=1,
        count_queries=False,
    )
    return [
        result(
            sample,
            budget="board paper PDF, per page",
            size=f"{name}, {pages} pages",
            limit=Budget(ratio=1.5),
            floor="WeasyPrint's defaults, trivial one-page PDF",
            per_unit=pages,
            note="tagged (PDF/UA-1)",
        )
    ]


def measure_frozen(assessment) -> list:
    from django.test import Client
    from django.urls import reverse

    from core.audit import SystemActor
    from reports.paper.actions import paper_file
    from trusts.models import Membership, Role

    paper_file(assessment=assessment, by=SystemActor("benchmark"))  # freeze it
    coordinator = Membership.objects.filter(trust=assessment.trust, role=Role.COORDINATOR).first()
    client = Client()
    client.force_login(coordinator.user)
    url = reverse("paper:paper-pdf", args=[assessment.trust.ods_code, assessment.cycle.slug])

    def download():
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    def bare_view():
        assert client.get(BARE_URL).status_code == 200

    return [
        result(
            interleave(download, bare_view, rounds=DOWNLOAD_ROUNDS),
            budget="frozen paper download",
            size="demo paper",
            limit=Budget(ratio=5, ms=20),
            floor="bare view",
        )
    ]


def main() -> None:
    from reports.paper.pdf import render_pdf

    with app_with_bare_view(sys.modules[__name__]):
        render_pdf(TRIVIAL)  # load fonts once, as a running server would have
        chosen = papers()
        results = []
        for name, assessment in chosen.items():
            results += measure_pdf(name, assessment)
        results += measure_frozen(chosen["demo paper"])
        emit(results)


if __name__ == "__main__":
    main()
