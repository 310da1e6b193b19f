"""Check your answers, submitted with gaps: one error a principle, leading to the gap."""

from playwright.sync_api import expect

from assessments.models import Answer, Response
from assessments.quarter.actions import assessment_open
from tests.browser.conftest import check, long_email, person, sign_in
from tests.helpers import answer_everything
from trusts.models import Role


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.innerText || ''})"
    )


CHECK = "/trusts/QJA/assessments/2026-27-q3/questionnaire/check/"


def test_board_member_error_summary_on_check_answers_leads_to_the_gap(page, quarter):
    trust, cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)
    answer_everything(assessment, member, 3, submit=False)
    mine = Answer.objects.filter(response__respondent=member)
    mine.filter(question__principle__number=2).delete()
    mine.filter(question__principle__number=5, question__order=2).delete()

    sign_in(page, member.email)
    page.goto(CHECK)
    page.click("button:has-text('Submit answers')")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()  # moved there by NHS.UK JS
    check(page, "questionnaire-check-answers-with-gaps")
    links = summary.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_contain_text("3 questions not answered")
    expect(links.nth(1)).to_contain_text("1 question not answered")

    page.keyboard.press("Tab")
    assert focused(page)["text"].startswith("2. ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/principles/2/?return=check#*")
    # The browser focuses the first unanswered question's first level, in view.
    first_gap = page.locator("fieldset").first.locator("input.nhsuk-radios__input").first
    expect(first_gap).to_be_focused()
    expect(first_gap).to_be_in_viewport()
    assert focused(page)["id"] == page.evaluate("document.querySelector(':target').id")
    check(page, "questionnaire-gap-from-check-answers")
    assert not Response.objects.get(respondent=member).is_submitted
