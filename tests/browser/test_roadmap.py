"""The digital lead builds the roadmap to the targets once the quarter has closed: from
the quarter's page to the roadmap, a mistake shown in the error summary and put right,
saved, then read on the quarter's page and in the board paper; at 1280 and 320 px with
axe on every page state. With QUARTERDECK_DOC_IMAGES set, the desktop run saves the
paper's roadmap section as the README's picture (docs/roadmap.png)."""

import datetime
import os
import time

from assessments.models import BoardAction
from assessments.quarter.actions import assessment_close, assessment_open
from assessments.results import rules
from tests.browser.conftest import check, journey_summary, person, sign_in
from tests.helpers import ROOT, set_targets, submitted_board
from trusts.models import Role

IMAGE = ROOT / "docs" / "roadmap.png"


def closed_quarter(trust, cycle):
    """2026/27 Q3 closed with every principle scored 3.0, targets of 4 for principles 1
    and 2, and an open action for principle 1 due in the roadmap's first quarter."""
    lead = person(trust, Role.COORDINATOR, "lead@roadmap.example", "Lena Lead")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    set_targets(assessment, lead, {1: "4", 2: "4"})
    submitted_board(assessment, rules.minimum_group(), score=3)
    BoardAction.objects.create(
        trust=trust,
        principle_number=1,
        title="Publish the digital strategy",
        owner="Chief Digital Officer",
        due_date=datetime.date(2027, 2, 26),
    )
    assessment_close(assessment=assessment, by=lead)
    return lead


def test_the_digital_lead_builds_the_roadmap_and_the_paper_shows_it(page, quarter):
    trust, cycle = quarter
    lead = closed_quarter(trust, cycle)
    sign_in(page, lead.email)
    started = time.monotonic()
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/")
    check(page, "quarter-without-roadmap")
    page.get_by_role("link", name="Build the roadmap").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "Roadmap to the targets"
    check(page, "roadmap-edit")
    # Even steps from 3.0 to 4: the form starts there for principles 1 and 2.
    assert page.input_value("#id_roadmap-1-1") == "3.5"
    assert page.input_value("#id_roadmap-2-4") == "4.0"
    page.select_option("#id_roadmap-1-2", "3.0")  # below the quarter before: refused
    page.get_by_role("button", name="Save the roadmap").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert "cannot go down from one quarter to the next" in summary.inner_text()
    check(page, "roadmap-error")
    summary.get_by_role("link").first.click()  # to the field, which is put right
    page.focus("#id_roadmap-1-2")
    page.select_option("#id_roadmap-1-2", "3.5")
    for step in (3, 4):  # ends short of its target: a warning only
        page.select_option(f"#id_roadmap-2-{step}", "3.5")
    page.get_by_role("button", name="Save the roadmap").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "The roadmap is saved." in main
    assert "The roadmap ends at 3.5, below the target of 4.0." in main
    assert "Publish the digital strategy (Chief Digital Officer, due 26 February 2027)" in main
    check(page, "quarter-with-roadmap")
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/paper/")
    section = page.locator("section[aria-labelledby='roadmap-title']")
    text = section.inner_text()
    assert "2026/27 Q4" in text
    assert "2027/28 Q3" in text
    assert "Publish the digital strategy (Chief Digital Officer, due 26 February 2027)" in text
    assert "Actions as the log stood on" in text  # the log kept at close
    check(page, "paper-roadmap")
    if os.environ.get("QUARTERDECK_DOC_IMAGES") and page.width_name == "desktop":
        section.screenshot(path=str(IMAGE))
    counts = journey_summary(page, f"digital lead builds the roadmap, {page.width_name}", started)
    # quarter, roadmap, its error, saved (redirected), paper; and the sign-in's two
    assert counts["pages"] == 7
