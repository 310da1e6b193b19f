"""The pages of the API and the open data, as their people use them, checked with axe: a
digital lead makes a token, sees it once and revokes it; anyone reads the API's reference
and the open data index."""

from tests.browser.conftest import check, person, sign_in
from trusts.models import Role


def test_a_digital_lead_makes_a_token_sees_it_once_and_revokes_it(page, quarter):
    trust, _cycle = quarter
    person(trust, Role.COORDINATOR, "lead@api.example", "Lena Lead")
    sign_in(page, "lead@api.example")
    page.goto("/account/")
    page.click("main a[href='/account/api-tokens/']")
    check(page, "api-tokens")
    page.click("button:has-text('Create token')")  # no name given
    page.locator(".nhsuk-error-summary").wait_for()
    assert "Enter" in page.locator(".nhsuk-error-summary").inner_text()
    check(page, "api-tokens-with-errors")
    page.fill("input[name='name']", "Board dashboard")
    page.check("input[name='expires_days'][value='90']")
    page.click("button:has-text('Create token')")
    page.wait_for_url("**/api-tokens/new/")
    token = page.locator("main code", has_text="qd_").first.inner_text()
    assert token.startswith("qd_")
    check(page, "api-token-created")
    page.goto("/account/api-tokens/")
    assert token not in page.content()  # shown once, never again
    page.click("button:has-text('Revoke')")
    page.wait_for_url("**/api-tokens/")
    assert "Revoked" in page.locator("main table").inner_text()
    check(page, "api-tokens-revoked")


def test_the_api_reference_and_the_open_data_pass_axe(page, transactional_db, settings):
    settings.OPEN_DATA = True
    page.goto("/api/v1/")
    assert page.locator("h1").inner_text() == "API reference"
    check(page, "api-reference")
    page.goto("/open-data/")
    check(page, "open-data")
