"""The digital lead presents a closed quarter in the board meeting with the keyboard only,
on a boardroom screen (1920 × 1080) and a projector (1280 × 720): from the quarter's page
to the overview, through every principle to the actions and back, with axe on every page
and nothing scrolling sideways; and runs a meeting in which three members vote from their
phones (320 px) while the board's decision, a dissent and an action are recorded. The
pages, clicks and keys it takes are printed."""

import datetime
import time

import pytest
from django.utils import timezone

from assessments.models import AgreedPosition, RoomVote
from assessments.quarter.actions import assessment_close, assessment_open
from assessments.results import rules
from reports.paper.actions import cover_sheet_save
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

REASON = "Most teams work this way; two services do not yet."
DISSENT = "One member asked that their doubt about the pace be minuted."
ACTION, OWNER = "Publish the user research plan", "Chief Digital Officer"
LEVELS_CHOSEN = ("3: Developing", "3: Developing", "4: Established")
SCREENS = {"boardroom": (1920, 1080), "projector": (1280, 720)}


@pytest.fixture(params=list(SCREENS))
def screen(browser, live_server, request):
    context, page = new_tab(browser, live_server, request.param, *SCREENS[request.param])
    yield page
    assert_no_page_scrolls_sideways(page, "after the meeting")
    context.close()


def heading(page) -> str:
    return page.locator("main h1").inner_text().strip()


def open_the_meeting(page, lead, trust, cycle) -> float:
    """Signed in, from the quarter's page to the overview with a key: when it started."""
    sign_in(page, lead.email)
    started = time.monotonic()
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/")
    page.locator("a", has_text="Present the results in the board meeting").focus()
    assert press(page, "Enter") == "The board's results"
    return started


def follow(page, link: str) -> str:
    """Moves the focus to a link (as Tab would) and follows it with Enter: its heading."""
    page.locator("a", has_text=link).first.focus()
    return press(page, "Enter")


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
    started = open_the_meeting(page, lead, trust, cycle)
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


def enter(page, button: str) -> str:
    """Moves the focus to a button (as Tab would) and presses Enter on it: the next page."""
    page.locator("button", has_text=button).focus()
    return press(page, "Enter")


def vote_from_a_phone(browser, live_server, member, level: str) -> dict:
    context, phone = new_tab(browser, live_server, "phone", 320, 640)
    sign_in(phone, member.email)
    started = time.monotonic()
    phone.goto("/vote/")
    check(phone, "vote")
    phone.get_by_label(level).check()
    phone.get_by_role("button", name="Vote").click()
    phone.wait_for_load_state()
    assert "Your vote is counted" in phone.inner_text("main")
    check(phone, "vote-counted")
    counts = journey_summary(phone, "a member votes from their phone, 320 px", started)
    assert_no_page_scrolls_sideways(phone, "after voting")
    context.close()
    return counts


def test_the_lead_runs_a_meeting_with_the_keyboard_while_members_vote_from_phones(
    screen, quarter, browser, live_server
):
    trust, cycle = quarter
    lead = person(trust, Role.COORDINATOR, "lead@meeting.example", "Lena Lead")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    submitted_board(assessment, rules.minimum_group(), score=3)
    voters = [
        person(trust, Role.BOARD_MEMBER, f"voter{n}@meeting.example", f"Voter {n}")
        for n in range(3)
    ]
    assessment_close(assessment=assessment, by=lead)
    cover_sheet_save(
        assessment=assessment,
        values={"meeting": "Trust board", "meeting_date": timezone.localdate()},
        by=lead,
    )
    page = screen
    started = open_the_meeting(page, lead, trust, cycle)
    assert press(page, "ArrowRight").startswith("1. ")
    enter(page, "Take a room vote")
    assert "0 have voted" in page.inner_text("#room-vote-now")
    check(page, "meeting-vote-open")
    phones = [
        vote_from_a_phone(browser, live_server, voter, level)
        for voter, level in zip(voters, LEVELS_CHOSEN, strict=True)
    ]
    # The screen counts by itself (its script looks again every few seconds).
    page.wait_for_function(
        "() => document.querySelector('#room-vote-now').innerText.includes('3 have voted')",
        timeout=15_000,
    )
    assert "chose level" not in page.inner_text("main")
    enter(page, "Close the vote and show the result")
    shown = page.inner_text("#room-vote-now")
    assert "Room vote: 3 voted. 2 chose level 3 (developing), 1 chose level 4" in shown
    check(page, "meeting-vote-shown")
    # The board's decision, typed and saved with the keyboard: the level, why, and the
    # dissent the board asks to minute.
    page.focus("#id_decision-level")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type(REASON)
    page.keyboard.press("Tab")
    page.keyboard.type(DISSENT)
    page.keyboard.press("Tab")
    assert press(page, "Enter").startswith("1. ")
    position = AgreedPosition.objects.get(assessment=assessment)
    assert (position.level, position.dissent) == (3, DISSENT)
    assert "Room vote: 3 voted." in page.inner_text("main")
    assert f"Dissent minuted: {DISSENT}" in page.inner_text("main")
    check(page, "meeting-decision-saved")
    # An action the board agrees, against the same principle: what, who, when it is due.
    due = timezone.localdate() + datetime.timedelta(days=91)
    page.focus("#id_action-title")
    page.keyboard.type(ACTION)
    page.keyboard.press("Tab")
    page.keyboard.type(OWNER)
    typed_due = (str(due.day), str(due.month), str(due.year))
    for part in typed_due:  # day, month and year, a box each
        page.keyboard.press("Tab")
        page.keyboard.type(part)
    page.keyboard.press("Tab")
    assert press(page, "Enter").startswith("1. ")
    added = f"{ACTION} ({OWNER}, due {due:%-d %B %Y})"
    assert added in page.inner_text("main")
    check(page, "meeting-action-added")
    # A vote nobody joins, left open: moving on closes it.
    page.evaluate("() => document.activeElement.blur()")
    assert press(page, "ArrowRight").startswith("2. ")
    enter(page, "Take a room vote")
    assert "0 have voted" in page.inner_text("#room-vote-now")
    check(page, "meeting-page-2-vote-open")
    assert press(page, "ArrowRight").startswith("3. ")
    assert not RoomVote.objects.filter(closed_at__isnull=True).exists()
    check(page, "meeting-page-3")
    # Back on principle 2, the vote closed with nobody voting says so.
    assert press(page, "ArrowLeft").startswith("2. ")
    assert "Room vote: nobody voted." in page.inner_text("#room-vote-now")
    check(page, "meeting-vote-nobody-voted")
    assert press(page, "End") == "Actions"
    check(page, "meeting-actions")
    # After the meeting: who attended, and the extract for the company secretary.
    follow(page, "Record who attended and make the extract from the minutes")
    check(page, "minutes-extract")
    assert follow(page, "Record who attended") == "Who attended the board meeting"
    check(page, "minutes-attendance")
    for field, count in (("#id_executives", "1"), ("#id_non_executives", "2")):
        page.focus(field)
        page.keyboard.type(count)
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    press(page, "Enter")
    extract = page.inner_text("main")
    assert "Room vote: 3 voted. 2 chose level 3 (developing)" in extract
    assert f"Dissent minuted: {DISSENT}" in extract
    agreed = page.get_by_role("table", name="Actions agreed at the meeting").inner_text()
    assert all(cell in agreed for cell in (ACTION, OWNER, f"{due:%-d %B %Y}"))
    check(page, "minutes-extract-with-attendance")
    counts = journey_summary(page, f"digital lead runs the meeting, {page.width_name}", started)
    assert counts["clicks"] == 1  # signing in; the meeting itself, keys alone
    # Twenty-three to move, open and close votes, save the decision, add the action, reach
    # the minutes and record who was there; the rest typed: the level, why, the dissent,
    # the action, its owner and due date, and three counts of who attended.
    typed = ["3", REASON, DISSENT, ACTION, OWNER, *typed_due, "1", "2", "1"]
    assert counts["keys"] == 23 + sum(len(text) for text in typed)
    assert [phone["clicks"] for phone in phones] == [3, 3, 3]  # sign in, a level, Vote
