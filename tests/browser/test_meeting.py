"""The digital lead presents a closed quarter in the board meeting with the keyboard only,
on a boardroom screen (1920 × 1080) and a projector (1280 × 720): from the quarter's page
to the overview, through every principle to the actions and back, with axe on every page
and nothing scrolling sideways. The pages, clicks and keys it takes are printed."""

import time

import pytest

from assessments.quarter.actions import assessment_close, assessment_open
from assessments.results import rules
from tests.browser.conftest import (
    assert_no_page_scrolls_sideways,
    check,
    journey_summary,
    new_tab,
    person,
    sign_in,
)
from tests.helpers import answer_everything, set_targets, submitted_board
from trusts.models import Role

SCREENS = {"boardroom": (1920, 1080), "projector": (1280, 720)}


@pytest.fixture(params=list(SCREENS))
def screen(browser, live_server, request):
    context, page = new_tab(browser, live_server, request.param, *SCREENS[request.param])
    yield page
    assert_no_page_scrolls_sideways(page, "after the meeting")
    context.close()


def heading(page) -> str:
    return page.locator("main h1").inner_text().strip()


def press(page, key: str) -> str:
    """Presses the key that moves to another page, and waits for it: its heading."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()
    return heading(page)


def test_the_digital_lead_presents_the_whole_meeting_with_the_keyboard(screen, quarter):
    trust, cycle = quarter
    lead = person(trust, Role.COORDINATOR, "lead@meeting.example", "Lena Lead")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    set_targets(assessment, lead, dict.fromkeys(range(1, 9), "4"))
    members = submitted_board(assessment, rules.minimum_group(), score=3)
    answer_everything(assessment, members[0], 2)  # views differ a little
    assessment_close(assessment=assessment, by=lead)
    page = screen
    sign_in(page, lead.email)
    started = time.monotonic()
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/")
    page.locator("a", has_text="Present the results in the board meeting").focus()
    assert press(page, "Enter") == "The board's results"
    check(page, "meeting-overview")
    seen = [heading(page)]
    for _ in range(9):  # eight principles, then the actions
        seen.append(press(page, "ArrowRight"))
        check(page, f"meeting-page-{len(seen)}")
    assert seen[1].startswith("1. ")
    assert seen[8].startswith("8. ")
    assert seen[-1] == "Actions"
    page.keyboard.press("ArrowRight")  # nothing after the last page
    assert heading(page) == "Actions"
    assert press(page, "Home") == "The board's results"
    assert press(page, "End") == "Actions"
    assert press(page, "PageUp").startswith("8. ")  # from the top of the last page
    # A principle's page is taller than the screen: Page Down scrolls it first.
    page.keyboard.press("PageDown")
    page.wait_for_function("() => window.scrollY > 0")
    assert heading(page).startswith("8. ")
    assert press(page, "ArrowRight") == "Actions"
    counts = journey_summary(page, f"digital lead presents the meeting, {page.width_name}", started)
    assert counts["clicks"] == 1  # signing in; the meeting itself, keys alone
    assert counts["keys"] == 16


def test_a_key_never_leaves_a_decision_typed_and_not_saved(screen, quarter):
    trust, cycle = quarter
    lead = person(trust, Role.COORDINATOR, "lead@meeting.example", "Lena Lead")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    submitted_board(assessment, rules.minimum_group(), score=3)
    assessment_close(assessment=assessment, by=lead)
    page = screen
    sign_in(page, lead.email)
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/present/principles/1/")
    page.fill("#id_decision-rationale", "Typed in the room, not yet saved")
    page.keyboard.press("ArrowRight")  # in the form: the key is the field's
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("ArrowRight")  # outside it, but unsaved: the page stays
    page.keyboard.press("End")
    assert heading(page).startswith("1. ")
    assert page.input_value("#id_decision-rationale") == "Typed in the room, not yet saved"
