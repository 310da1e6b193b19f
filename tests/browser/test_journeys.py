"""End-to-end journeys for each role, every page checked with axe."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import AssessmentStatus, Response, ResponseStatus
from assessments.quarter.actions import assessment_open
from tests.browser.conftest import (
    PASSWORD,
    check,
    journey_summary,
    long_email,
    long_trust_name,
    person,
    sign_in,
)
from tests.factories import (
    AssessmentFactory,
    TrustFactory,
    UserFactory,
)
from tests.helpers import answer_everything, new_board_member, summary_rows
from trusts.models import Region, Role


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {id: e.id, name: e.name || '', text: (e.innerText || '').trim(),
                    tag: e.tagName, classes: e.className || ''};
        }"""
    )


def tab_to(page, matches, limit=80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return
    raise AssertionError(f"Tab never reached the element on {page.url}")


def answer_by_keyboard(page, level: int) -> None:
    """Answers every question on a principle page with the keyboard alone: Tab into each
    group of radios, Space to choose level 1, the down arrow to move up the scale."""
    groups = page.eval_on_selector_all(
        "input.nhsuk-radios__input", "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    for name in groups:
        tab_to(page, lambda f, name=name: f["name"] == name)
        page.keyboard.press("Space")
        for _ in range(level - 1):
            page.keyboard.press("ArrowDown")
        assert page.is_checked(f"input[name='{name}'][value='{level}']")


def press_button(page, text: str) -> None:
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == text)
    page.keyboard.press("Enter")


def test_board_member_answers_every_page_by_keyboard_with_a_break(page, quarter):
    trust, cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)

    started = time.monotonic()
    sign_in(page, member.email)
    check(page, "board-member-home")
    page.click("text=Answer the 2026/27 Q3 questionnaire")
    check(page, "questionnaire-start")
    page.click("text=Start now")
    for number in range(1, 5):
        page.wait_for_url(f"**/principles/{number}/")
        check(page, f"questionnaire-principle-{number}")
        answer_by_keyboard(page, level=3)
        press_button(page, "Save and come back later" if number == 4 else "Save and continue")
    page.wait_for_url("**/questionnaire/")
    expect(page.locator("main")).to_contain_text("Your answers are saved")
    check(page, "questionnaire-saved-for-later")

    page.goto("/")  # a break: back on the home page, then on again where they stopped
    page.click("text=Continue the 2026/27 Q3 questionnaire")
    expect(page.locator("#principles-4-status")).to_have_text("Completed")
    expect(page.locator("#principles-5-status")).to_have_text("Not started")
    check(page, "questionnaire-task-list")
    page.click("a.nhsuk-button:has-text('Continue')")
    for number in range(5, 9):
        page.wait_for_url(f"**/principles/{number}/")
        answer_by_keyboard(page, level=4)
        press_button(page, "Save and continue")
    page.wait_for_url("**/check/")
    check(page, "questionnaire-check-answers")
    expect(page.locator("main")).not_to_contain_text("Not answered")

    # A second thought: Change one answer, and come straight back to check answers.
    page.locator(".qd-answers a:has-text('Change')").nth(3).click()
    page.wait_for_url("**/principles/2/?return=check#*")
    check(page, "questionnaire-change-answer")
    page.locator("fieldset").first.locator("input[value='5']").check()
    page.click("button:has-text('Save and return to check your answers')")
    page.wait_for_url("**/check/#principle-2")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("are changed")
    check(page, "questionnaire-answer-changed")
    press_button(page, "Submit answers")
    page.wait_for_url("**/submitted/*")
    check(page, "questionnaire-submitted")
    journey_summary(page, "board member answers, breaks, changes one answer, submits", started)
    response = Response.objects.get(respondent=member)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.answers.count() == 24


def test_board_member_with_two_tabs_chooses_which_answers_to_keep(page, quarter):
    trust, cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)
    sign_in(page, member.email)
    first_page = "/trusts/QJA/assessments/2026-27-q3/questionnaire/principles/1/"
    page.goto(first_page)
    other_tab = page.context.new_page()
    other_tab.goto(first_page)
    other_tab.locator("fieldset").first.locator("input[value='5']").check()
    other_tab.click("button:has-text('Save and continue')")
    other_tab.wait_for_url("**/principles/2/")

    page.locator("fieldset").first.locator("input[value='1']").check()
    page.fill("textarea >> nth=0", "We have barely started")
    page.click("button:has-text('Save and continue')")
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("These answers changed in another tab")
    expect(callout).to_contain_text("5 – ")
    expect(callout).to_contain_text("We have barely started")
    check(page, "questionnaire-changed-in-another-tab")
    assert Response.objects.get(respondent=member).answers.get(question__order=1).score == 5

    page.click("button:has-text('Save and continue')")  # keep what was typed here
    page.wait_for_url("**/principles/2/")
    kept = Response.objects.get(respondent=member).answers.get(question__order=1)
    assert (kept.score, kept.comment) == (1, "We have barely started")


def test_error_summary_takes_focus_and_links_to_its_field(page, quarter):
    page.goto("/sign-in/")
    check(page, "sign-in")
    page.click("button:has-text('Sign in')")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()  # moved there by NHS.UK JS
    check(page, "sign-in-with-errors")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Enter your email address"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_username"


def test_focus_is_visible(page, quarter):
    page.goto("/sign-in/")
    page.keyboard.press("Tab")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {shadow: s.boxShadow, outline: s.outlineStyle, background: s.backgroundColor}; }"
    )
    assert focused(page)["text"] == "Skip to main content"
    assert style["shadow"] != "none" or style["outline"] != "none"
    assert style["background"] == "rgb(255, 235, 59)"  # the NHS.UK focus yellow


def test_coordinator_runs_the_quarter(page, quarter):
    trust, cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")
    sign_in(page, coordinator.email)
    check(page, "coordinator-home")
    expect(page.locator("main")).to_contain_text("Open the 2026/27 Q3 questionnaire for the board")
    page.click("h3.nhsuk-card__heading a")
    check(page, "trust-page")

    page.click("text=Add or remove board members")
    check(page, "board-members")
    page.fill("#id_full_name", "Nia Newcomer")
    newcomer = long_email("nia")
    page.fill("#id_email", newcomer)
    page.check("#id_seat_group_1")
    page.click("button:has-text('Add board member')")
    expect(page.locator("main")).to_contain_text(f"We have emailed {newcomer}")
    check(page, "board-members-invited")

    page.goto(f"/trusts/{trust.ods_code}/")
    page.click("a:has-text('Open the 2026/27 Q3 questionnaire for the board')")
    expect(page.locator("h1")).to_contain_text("Open the 2026/27 Q3 questionnaire?")
    check(page, "assessment-open-confirm")
    page.click("button:has-text('Open 2026/27 Q3 and email the board')")
    page.wait_for_url("**/assessments/2026-27-q3/")
    check(page, "assessment-opened")
    assessment = trust.assessments.get(cycle=cycle)
    for _ in range(3):
        answer_everything(assessment, new_board_member(trust), 3)
    late = new_board_member(trust)
    page.reload()
    expect(page.locator("main")).to_contain_text("3 submitted")
    expect(page.locator("#quarter-open-2-status")).to_have_text("1 not reminded today")
    check(page, "assessment-completion")

    page.click("a.nhsuk-task-list__link:has-text('Remind those who have not answered')")
    expect(page.locator("main")).to_contain_text(late.full_name)
    check(page, "assessment-remind-confirm")
    page.click("button:has-text('Send the reminders')")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "We emailed a reminder to 1 board member."
    )
    expect(page.locator("#quarter-open-2-status")).to_have_text(
        "Reminded today: nobody else to remind"
    )

    page.click("a.nhsuk-task-list__link:has-text('Set the board')")
    check(page, "targets")
    page.select_option("#id_principle-1", "4.0")
    page.select_option("#id_principle-2", "3.5")
    page.click("button:has-text('Save targets')")
    expect(page.locator("#quarter-before-2-status")).to_have_text("2 of 8 set")
    check(page, "assessment-with-targets")

    # The meeting is dated once, on the cover sheet (the board meets today, after closing).
    page.click("a.nhsuk-task-list__link:has-text('Fill in the paper')")
    check(page, "cover-sheet")
    page.click("text=Choose which sections your trust's cover sheet has")
    check(page, "cover-sheet-sections")
    page.check("input[name='sections'][value='version']")
    page.click("button:has-text('Save your trust')")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("sections are saved")
    today = timezone.localdate()
    page.fill("#id_meeting", "Trust board (held in public)")
    page.fill("#id_meeting_date_day", str(today.day))
    page.fill("#id_meeting_date_month", str(today.month))
    page.fill("#id_meeting_date_year", str(today.year))
    page.fill("#id_agenda_item", "7.2")
    page.fill("#id_version", "1.0")
    page.fill("#id_alert", "Cyber training is behind plan.")
    page.click("button:has-text('Save the cover sheet')")
    expect(page.locator("#quarter-after-1-status")).to_have_text("Completed")

    page.goto(f"/trusts/{trust.ods_code}/actions/new/")
    check(page, "action-new")
    page.fill("#id_title", "Appoint a head of product")
    page.select_option("#id_principle_number", "5")
    page.fill("#id_owner", "Chief Digital Officer")
    page.fill("#id_due_date_day", "28")
    page.fill("#id_due_date_month", "2")
    page.fill("#id_due_date_year", "2027")
    page.click("button:has-text('Save action')")
    expect(page.locator("main")).to_contain_text("from the due date")  # its RAG, worked out
    check(page, "action-log")

    page.goto(f"/trusts/{trust.ods_code}/assessments/2026-27-q3/")
    page.click("a.nhsuk-task-list__link:has-text('Close the questionnaire')")
    expect(page.locator("h1")).to_contain_text("Close the 2026/27 Q3 questionnaire?")
    check(page, "assessment-close-confirm")
    page.click("button:has-text('Close the questionnaire')")
    expect(page.locator("main")).to_contain_text("questionnaire is closed")
    check(page, "assessment-closed")
    page.goto(f"/trusts/{trust.ods_code}/")
    expect(page.locator("main")).to_contain_text("Read the 2026/27 Q3 board paper")
    check(page, "trust-page-closed")
    page.goto(f"/trusts/{trust.ods_code}/assessments/2026-27-q3/")

    page.click("a.nhsuk-task-list__link:has-text('Record the board')")
    expect(page.locator("#meeting")).to_contain_text(f"{today.day} {today:%B %Y}")
    check(page, "agreed-position")
    page.select_option("#id_level-1", "3.5")
    page.fill("#id_rationale-1", "Better than members think")
    page.click("button:has-text('Save the board')")
    expect(page.locator("main")).to_contain_text("The board's agreed position is saved")
    expect(page.locator("#quarter-after-2-status")).to_have_text("1 of 8 recorded")
    page.click("a.nhsuk-task-list__link:has-text('Download the board paper')")
    check(page, "board-paper")
    with page.expect_download() as download:
        page.click("text=Board paper (PDF)")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as download:
        page.click("text=Board paper (Word)")
    with open(download.value.path(), "rb") as word:
        assert word.read(2) == b"PK"
    page.goto(f"/trusts/{trust.ods_code}/audit/")
    check(page, "audit-trail")


def test_programme_staff_compare_filter_and_export(page, quarter):
    _, cycle = quarter
    staff = UserFactory(email=long_email("pat"), password=PASSWORD, is_programme_staff=True)
    principles = list(cycle.framework.principles.all())
    for n, (region, score) in enumerate(
        [
            (Region.LONDON, 2.0),
            (Region.LONDON, 3.0),
            (Region.NORTH_WEST, 4.0),
            (Region.MIDLANDS, 3.5),
        ]
    ):
        name = long_trust_name("Peer 2 ") if n == 2 else f"Peer {n} NHS Trust"
        peer = TrustFactory(ods_code=f"QJ{n}", name=name, region=region)
        closed = AssessmentFactory(trust=peer, cycle=cycle, status=AssessmentStatus.CLOSED)
        summary_rows(closed, dict.fromkeys(principles, score), 5)
    sign_in(page, staff.email)
    check(page, "programme-home")
    page.click("text=National view")
    check(page, "national-completion")
    page.click("text=Comparison")
    check(page, "national-comparison")
    page.select_option("#filter-region", "Y56")
    page.click("button:has-text('Apply filters')")
    expect(page.locator("table.qd-heat tbody tr")).to_have_count(2)
    check(page, "national-comparison-filtered")
    page.click("text=Clear filters")
    expect(page.locator("table.qd-heat tbody tr")).to_have_count(4)
    page.click("th >> text=P1")
    page.select_option("#principle", "3")
    page.click("button:has-text('Show the spread')")
    expect(page.locator("main")).to_contain_text("Too few trusts to show a spread")
    page.fill("#trust-code", "peer")  # part of a name: several match
    page.click("button:has-text('Show the trend')")
    expect(page.locator("main")).to_contain_text("4 trusts match")
    check(page, "national-trend-choose-a-trust")
    page.click("a:has-text('Peer 0 NHS Trust (QJ0)')")
    expect(page.locator("caption")).to_contain_text(["Peer 0 NHS Trust: overall score"])
    check(page, "national-trend")
    with page.expect_download() as download:
        page.click("a:has-text('CSV')")
    with open(download.value.path(), encoding="utf-8-sig") as csv:
        assert csv.readline().startswith("trust_ods_code")
    page.click("text=All board papers")
    check(page, "national-board-papers")
    page.click("button:has-text('Make the ZIP of all board papers')")
    expect(page.locator("main")).to_contain_text("4 papers")
    check(page, "national-board-papers-started")

    page.goto("/trusts/")
    page.click("a:has-text('Peer 2 ')")
    expect(page.locator("h1")).to_have_text(long_trust_name("Peer 2 "))
    expect(page.locator("main")).to_contain_text("4.0")  # its published overall score
    check(page, "programme-trust")
    page.click("a:has-text('paper')")
    check(page, "programme-trust-paper")
    page.goto("/programme/cycles/")
    check(page, "quarters")
    page.click("text=Create a quarter")
    check(page, "quarter-new")


def test_axe_check_catches_a_real_violation(page, quarter):
    """The harness itself: a page with an unlabelled image and input must fail."""
    page.goto("/sign-in/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\\'x.png\\'><input type=\\'text\\'>')"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        check(page, "deliberately-broken")


def test_sideways_check_catches_a_page_that_was_never_checked(page, quarter):
    """The harness itself: a page left without a check that scrolled sideways fails the
    next check, whichever page that is on."""
    page.goto("/sign-in/")
    page.evaluate(
        "() => { const wide = document.createElement('div');"
        " wide.style.width = '3000px'; wide.style.height = '1px';"
        " document.querySelector('main').append(wide); }"
    )
    page.goto("/help/")
    with pytest.raises(AssertionError, match="/sign-in/ scrolls sideways"):
        check(page, "help-after-a-wide-page")
