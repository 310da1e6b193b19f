"""The digital lead attaches evidence to the board's agreed position: from the positions
page to the principle's evidence page, a file that is not a PDF refused in the error
summary (the title kept), a PDF added, then listed in the board paper's appendix with its
download link; at 1280 and 320 px with axe on every page state."""

import io
import time
from decimal import Decimal

import pikepdf
from django.utils import timezone

from assessments.quarter.actions import assessment_close, assessment_open
from assessments.quarter.decisions import PositionInput, positions_record
from assessments.results import rules
from reports.paper.actions import cover_sheet_save
from tests.browser.conftest import check, journey_summary, person, sign_in
from tests.helpers import submitted_board
from trusts.models import Role


def a_pdf() -> bytes:
    document, out = pikepdf.new(), io.BytesIO()
    document.add_blank_page()
    document.save(out)
    return out.getvalue()


def agreed_position(trust, cycle):
    """A closed quarter whose board met today and agreed a level for principle 1."""
    lead = person(trust, Role.COORDINATOR, "lead@evidence.example", "Lena Lead")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    submitted_board(assessment, rules.minimum_group(), score=3)
    assessment_close(assessment=assessment, by=lead)
    today = timezone.localdate()
    values = {"meeting": "Trust board", "meeting_date": today, "purpose": "assurance"}
    cover_sheet_save(assessment=assessment, values=values, by=lead)
    principle = assessment.cycle.framework.principles.get(number=1)
    positions_record(
        assessment=assessment,
        positions={principle: PositionInput(level=Decimal("3.5"), rationale="Agreed")},
        by=lead,
    )
    return lead


def test_the_digital_lead_attaches_a_pdf_and_the_paper_lists_it(page, quarter):
    trust, cycle = quarter
    lead = agreed_position(trust, cycle)
    sign_in(page, lead.email)
    started = time.monotonic()
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/positions/")
    page.get_by_role("link", name="Add or remove evidence for principle 1").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text().startswith("Evidence for principle 1")
    check(page, "position-evidence")
    page.fill("#id_title", "Digital strategy 2026")
    page.set_input_files(
        "#id_pdf", files=[{"name": "strategy.pdf", "mimeType": "application/pdf", "buffer": b"x"}]
    )
    page.get_by_role("button", name="Add the evidence").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert "The selected file must be a PDF" in summary.inner_text()
    assert page.input_value("#id_title") == "Digital strategy 2026"
    check(page, "position-evidence-error")
    page.set_input_files(
        "#id_pdf",
        files=[{"name": "strategy.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}],
    )
    page.get_by_role("button", name="Add the evidence").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "“Digital strategy 2026” is added." in main
    check(page, "position-evidence-added")
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/paper/")
    section = page.locator("section[aria-labelledby='evidence-title']")
    assert "Digital strategy 2026: PDF attached to the online paper" in section.inner_text()
    check(page, "paper-position-evidence")
    counts = journey_summary(page, f"digital lead attaches evidence, {page.width_name}", started)
    assert counts["pages"] >= 5
