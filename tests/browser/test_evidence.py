"""A board member adds evidence to an answer: opens "Evidence for question 1", is told a
link must start with https:// and must not be to their personal OneDrive, saves a title
and link, sees them on check your answers; once the quarter closes with enough answers,
the board paper lists the evidence in its appendix, without a name. At 1280 and 320 px,
with axe on every state of every page."""

from playwright.sync_api import expect

from assessments.quarter.actions import assessment_close, assessment_open
from assessments.results import rules
from tests.browser.conftest import check, person, sign_in
from tests.helpers import answer_everything, submitted_board
from trusts.models import Role

TITLE = "Digital strategy 2026 to 2029, section 4: our users"
LINK = "https://journey.example.nhs.uk/publications/digital-strategy-2026-to-2029#section-4"


def test_a_member_adds_evidence_that_the_paper_lists_once_the_quarter_closes(page, quarter):
    trust, cycle = quarter
    lead = person(trust, Role.COORDINATOR, "lead@evidence.example", "Lena Lead")
    member = person(trust, Role.BOARD_MEMBER, "bea@evidence.example", "Bea Member")
    assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
    submitted_board(assessment, rules.minimum_group())
    answer_everything(assessment, member, 3, submit=False)
    questionnaire = f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/questionnaire/"

    sign_in(page, member.email)
    page.goto(f"{questionnaire}principles/1/")
    summary = page.locator("summary", has_text="Evidence for question 1 (optional)")
    summary.click()
    title = page.get_by_label("Title of the evidence for question 1")
    link = page.get_by_label("Link to the evidence for question 1")
    expect(title).to_be_visible()
    check(page, "questionnaire-evidence-open")

    title.fill(TITLE)
    link.fill("http://journey.example.nhs.uk/strategy")
    page.click("button:has-text('Save and come back later')")
    error = page.locator(".nhsuk-error-summary")
    expect(error).to_contain_text(
        "Enter a full web address for the evidence on question 1 that starts with https://"
    )
    expect(page.get_by_label("Title of the evidence for question 1")).to_have_value(TITLE)
    check(page, "questionnaire-evidence-error")

    personal = "https://journey-my.sharepoint.com/personal/bea_member_trust_nhs_uk/strategy.pdf"
    page.get_by_label("Link to the evidence for question 1").fill(personal)
    page.click("button:has-text('Save and come back later')")
    expect(error).to_contain_text("is to a personal space, such as your OneDrive")

    page.get_by_label("Link to the evidence for question 1").fill(LINK)
    page.click("button:has-text('Save and come back later')")
    page.wait_for_url(f"**{questionnaire}")
    page.goto(f"{questionnaire}check/")
    evidence = page.locator(".qd-evidence-link")
    expect(evidence).to_contain_text(TITLE)
    expect(evidence).to_contain_text(LINK)
    check(page, "questionnaire-check-with-evidence")
    page.click("button:has-text('Submit answers')")
    page.wait_for_url(f"**{questionnaire}submitted/")

    assessment_close(assessment=assessment, by=lead)
    page.goto(f"/trusts/{trust.ods_code}/assessments/{cycle.slug}/paper/")
    listed = page.locator(".qd-paper__member-evidence li")
    expect(listed).to_have_count(1)
    expect(listed.locator("a")).to_have_text(TITLE)
    expect(listed.locator("a")).to_have_attribute("href", LINK)
    expect(listed).to_contain_text(f"({LINK})")
    appendix = page.locator(".qd-paper__appendix")
    expect(appendix).not_to_contain_text(member.full_name)
    check(page, "paper-with-evidence")
