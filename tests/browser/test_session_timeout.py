"""A board member's session ends mid-page: they sign in again and find what they typed.
And, where JavaScript runs, the timeout warning offers to stay signed in first."""

from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.middleware import LAST_SEEN
from assessments.models import Answer
from assessments.quarter.actions import assessment_open
from tests.browser.conftest import PASSWORD, check, long_email, person, sign_in
from trusts.models import Role


def idle_for(page, minutes: int) -> None:
    """Moves the server's idle clock back, as if the person had left the page open."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN] -= minutes * 60
    session.save()


def test_board_member_signed_out_mid_page_gets_back_what_they_typed(page, quarter):
    trust, cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)
    sign_in(page, member.email)
    page.click("text=Answer the 2026/27 Q3 questionnaire")
    page.click("text=Start now")
    page.wait_for_url("**/principles/1/")
    first_page = page.url
    for group in page.eval_on_selector_all(
        "input.nhsuk-radios__input", "inputs => [...new Set(inputs.map(i => i.name))]"
    ):
        page.check(f"input[name='{group}'][value='4']")
    comment = page.locator("textarea").first
    comment.fill("We test the portal with patients every fortnight.")

    idle_for(page, 45)  # a long phone call
    page.click("button:has-text('Save and continue')")
    page.wait_for_url("**/sign-in/**")
    expect(page.locator("main")).to_contain_text("what you typed will be shown back")
    check(page, "signed-out-after-timeout")
    assert not Answer.objects.exists()

    page.fill("#id_username", member.email)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(first_page)
    expect(page.locator("main")).to_contain_text("What you had typed is shown again below")
    expect(page.locator("textarea").first).to_have_value(
        "We test the portal with patients every fortnight."
    )
    assert page.locator("input.nhsuk-radios__input[value='4']:checked").count() == 3
    check(page, "typed-input-shown-back")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url("**/principles/2/")
    saved = Answer.objects.filter(response__respondent=member, comment__startswith="We test")
    assert saved.count() == 1


def test_timeout_warning_offers_to_stay_signed_in(page, quarter):
    trust, _ = quarter
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    page.clock.install()
    sign_in(page, member.email)
    dialog = page.locator("dialog[data-module='qd-timeout-warning']")
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("28:01")  # two minutes before the 30-minute timeout
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("We will sign you out in 2 minutes")
    check(page, "timeout-warning")
    with page.expect_response("**/session/keep-alive/") as answer:
        page.click("button:has-text('Stay signed in')")
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("30:30")  # left alone this time
    expect(dialog).to_contain_text("You have been signed out")
    expect(dialog.locator("button:has-text('Close')")).to_be_visible()
