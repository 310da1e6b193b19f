"""A person looking after their own account, in the browser at 1280 and 320 px, every page
state checked with axe: a coordinator's authenticators and recovery codes, a board member's
new email address, where a person is signed in, programme staff's sign-in tenants, and the
page for someone whose organisation's account may not sign them in."""

import base64
import json
import re
import shutil
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.middleware import SIGNED_IN_AT
from accounts.models import SignInTenant
from core.models import Email
from tests.accounts.oidc.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT_A,
    TENANT_B,
    TENANTS,
    _run_provider,
)
from tests.browser.conftest import (
    PASSWORD,
    check,
    journey_summary,
    long_email,
    new_tab,
    person,
    sign_in,
)
from tests.factories import MembershipFactory, SignInTenantFactory, TrustFactory, UserFactory
from tests.helpers import ROOT
from trusts.models import Role


def code_from(key: str, ahead: int = 0) -> str:
    """What an authenticator app shows now for the key a person typed into it, or
    ``ahead`` steps on (each code is accepted once, so a second code from the same app
    within 30 seconds is the next one, which is within tolerance)."""
    typed = key.replace(" ", "")
    secret = base64.b32decode(typed + "=" * (-len(typed) % 8))
    return f"{totp(secret, drift=ahead):06d}"


def signed_in_minutes_ago(page, minutes: int) -> None:
    """Moves the time the person last proved who they were back, as if the page had been
    left open that long (the idle clock is left alone)."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[SIGNED_IN_AT] -= minutes * 60
    session.save()


def error_summary(page) -> str:
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    return summary.inner_text()


def account_row(page, key: str):
    return page.locator(".nhsuk-summary-list__row", has=page.locator("dt", has_text=key))


def test_coordinator_adds_an_authenticator_removes_the_first_and_gets_new_recovery_codes(
    page, quarter, settings
):
    settings.TWO_FACTOR_REQUIRED = True  # as in production
    trust, _cycle = quarter
    coordinator = person(trust, Role.COORDINATOR, long_email("cora"), "Cora Ordinator")

    started = time.monotonic()
    page.goto("/sign-in/")
    page.fill("#id_username", coordinator.email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/two-factor/**")
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    check(page, "two-factor-set-up")
    work_key = page.locator(".qd-secret-key").inner_text()
    page.fill("#id_code", code_from(work_key))
    page.click("button:has-text('Turn on two-factor authentication')")  # no name given
    assert "Enter a name for this authenticator" in error_summary(page)
    check(page, "two-factor-set-up-with-errors")
    assert page.locator(".qd-secret-key").inner_text() == work_key  # the same app, still
    page.fill("#id_name", "Work phone")
    page.fill("#id_code", code_from(work_key))
    page.click("button:has-text('Turn on two-factor authentication')")
    page.wait_for_url("**/account/two-factor/recovery-codes/")
    first_codes = page.locator(".qd-recovery-codes code").all_inner_texts()
    assert len(first_codes) == 10
    check(page, "recovery-codes-first")
    page.click("text=I have saved my codes")

    # Your account: a second authenticator, named, beside the first.
    page.goto("/account/")
    check(page, "account-with-one-authenticator")
    page.click("main a[href='/account/two-factor/']")  # Add an authenticator app
    page.wait_for_url("**/account/two-factor/")
    expect(page.locator("h1")).to_have_text("Add an authenticator")
    check(page, "add-an-authenticator")
    spare_key = page.locator(".qd-secret-key").inner_text()
    assert spare_key != work_key
    page.fill("#id_name", "work PHONE")  # the same name in other letters
    page.fill("#id_code", code_from(spare_key))
    page.click("button:has-text('Add authenticator')")
    assert "You already have an authenticator with this name" in error_summary(page)
    check(page, "add-an-authenticator-with-errors")
    page.fill("#id_name", "Spare phone")
    page.fill("#id_code", code_from(spare_key))
    page.click("button:has-text('Add authenticator')")
    page.wait_for_url("**/account/")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Spare phone")
    expect(page.locator("main")).to_contain_text("Your recovery codes are unchanged")
    expect(account_row(page, "Authenticator app")).to_have_count(2)
    check(page, "account-with-two-authenticators")

    # Removing the first, some time later: "Confirm it's you" first.
    signed_in_minutes_ago(page, 11)
    page.click("main a:has-text('Remove the authenticator Work phone')")
    page.wait_for_url("**/account/confirm-it-is-you/**")
    check(page, "confirm-it-is-you")
    page.fill("#id_password", "not-the-password")
    page.fill("#id_code", code_from(spare_key, ahead=1))
    page.click("button:has-text('Continue')")
    assert "The password is not right" in error_summary(page)
    check(page, "confirm-it-is-you-with-errors")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", code_from(spare_key, ahead=1))  # from the spare phone
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/authenticators/*/remove/")
    expect(page.locator("h1")).to_have_text("Remove Work phone?")
    expect(page.locator("main")).to_contain_text("Your other authenticators and your recovery")
    check(page, "remove-an-authenticator")
    page.click("button:has-text('Remove Work phone')")
    page.wait_for_url("**/account/")
    expect(page.locator("main")).to_contain_text("Work phone is removed")
    expect(account_row(page, "Authenticator app")).to_have_count(1)
    expect(account_row(page, "Authenticator app")).to_contain_text("Spare phone")
    check(page, "account-after-removing-one")

    # The last one stays: a coordinator needs two-factor.
    page.click("main a:has-text('Remove the authenticator Spare phone')")
    page.wait_for_url("**/authenticators/*/remove/")
    expect(page.locator("h1")).to_have_text("You cannot remove Spare phone yet")
    expect(page.locator("main")).to_contain_text("Add another before removing this one")
    assert page.locator("main button:has-text('Remove')").count() == 0
    check(page, "remove-the-last-authenticator-refused")
    page.click("main a:has-text('Back to your account')")
    page.wait_for_url("**/account/")
    expect(account_row(page, "Authenticator app")).to_have_count(1)

    # New recovery codes, shown once.
    expect(account_row(page, "Recovery codes")).to_contain_text("10 left")
    page.click("main a:has-text('New codes')")
    page.wait_for_url("**/account/two-factor/recovery-codes/")
    check(page, "recovery-codes-ask-for-new")
    page.click("button:has-text('Get new recovery codes')")
    page.wait_for_url("**/account/two-factor/recovery-codes/")
    new_codes = page.locator(".qd-recovery-codes code").all_inner_texts()
    assert len(new_codes) == 10
    assert not set(new_codes) & set(first_codes)
    check(page, "recovery-codes-new")
    page.reload()
    assert page.locator(".qd-recovery-codes code").count() == 0
    assert not any(code in page.content() for code in new_codes)
    expect(page.locator("main")).to_contain_text("You have 10 recovery codes left")
    journey_summary(page, f"coordinator's authenticators, {page.width_name}", started)


def test_board_member_changes_their_email_address_through_a_link(page, quarter):
    trust, _cycle = quarter
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    taken = person(trust, Role.BOARD_MEMBER, long_email("cal"), "Cal Colleague").email
    old, new = member.email, long_email("bea.new")

    started = time.monotonic()
    sign_in(page, old)
    page.goto("/account/")
    page.click("main a[href='/account/email/']")
    page.wait_for_url("**/account/email/")
    check(page, "email-change")
    page.fill("#id_email", taken.upper())
    page.click("button:has-text('Send me a link')")
    assert "Another account uses this email address" in error_summary(page)
    check(page, "email-change-with-errors")
    page.click(".nhsuk-error-summary a")  # the summary's link goes to the field
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(new)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/email/sent/")
    expect(page.locator("h1")).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text(new)
    check(page, "email-change-sent")

    # The live server runs in this process: what it sent is in Django's test outbox.
    (sent,) = [message for message in mail.outbox if message.to == [new]]
    link = re.search(r"https?://\S+(/account/email/confirm/\S+/)", sent.body).group(1)
    page.goto(link)
    expect(page.locator("h1")).to_have_text(f"Change your email address to {new}?")
    check(page, "email-change-confirm")
    page.click("button:has-text('Change my email address')")
    page.wait_for_url("**/account/")
    expect(page.locator("main")).to_contain_text(f"Your email address is now {new}")
    expect(account_row(page, "Email address")).to_contain_text(new)
    check(page, "account-with-new-email")
    member.refresh_from_db()
    assert member.email == new
    (notice,) = [message for message in mail.outbox if message.to == [old]]
    assert notice.subject == "Your Quarterdeck email address has changed"
    assert new in notice.body
    assert Email.objects.filter(to=old, template="email_changed").exists()

    page.goto(link)  # the link works once
    expect(page.locator("main")).not_to_contain_text("Change my email address")
    check(page, "email-change-link-used")
    journey_summary(page, f"board member's new email address, {page.width_name}", started)


def test_a_person_signs_out_their_other_browser_and_then_everywhere_else(
    page, quarter, browser, live_server
):
    trust, _cycle = quarter
    member = person(trust, Role.BOARD_MEMBER, long_email("bea"), "Bea Member")
    other_context, other = new_tab(browser, live_server, page.width_name, 1280, 900)
    try:
        started = time.monotonic()
        sign_in(other, member.email)  # at home, say
        sign_in(page, member.email)
        page.goto("/account/")
        page.click("main a[href='/account/sessions/']")
        page.wait_for_url("**/account/sessions/")
        cards = page.locator("main .nhsuk-card")
        expect(cards).to_have_count(2)
        expect(cards.filter(has_text="This device")).to_have_count(1)
        check(page, "sessions-two")

        elsewhere = cards.filter(has_not_text="This device")
        elsewhere.locator("button:has-text('Sign out')").click()
        page.wait_for_url("**/account/sessions/")
        expect(page.locator("main")).to_contain_text("You have been signed out on")
        expect(cards).to_have_count(1)
        expect(cards).to_contain_text("This device")
        expect(page.locator("main button:has-text('Sign out everywhere else')")).to_have_count(0)
        check(page, "sessions-one-after-signing-out-the-other")
        other.goto("/account/")
        other.wait_for_url("**/sign-in/**")
        expect(other.locator("#id_username")).to_be_visible()

        sign_in(other, member.email)  # back again; then signed out everywhere else
        page.reload()
        expect(cards).to_have_count(2)
        page.click("button:has-text('Sign out everywhere else')")
        page.wait_for_url("**/account/sessions/")
        expect(page.locator("main")).to_contain_text("You have been signed out everywhere else")
        expect(cards).to_have_count(1)
        expect(page.locator("main button:has-text('Sign out everywhere else')")).to_have_count(0)
        check(page, "sessions-after-signing-out-everywhere-else")
        other.goto("/account/")
        other.wait_for_url("**/sign-in/**")
        page.goto("/account/")  # this device is still signed in
        expect(page.locator("h1")).to_have_text("Your account")
        journey_summary(page, f"where you're signed in, {page.width_name}", started)
    finally:
        other_context.close()


def open_from_menu(page, text: str) -> None:
    """Follows a link in the header's menu; on a narrow screen, from under "More"."""
    link = page.locator("nav[aria-label='Menu'] a", has_text=text)
    if not link.is_visible():
        page.click("#toggle-menu")
    link.click()


def test_programme_staff_add_change_and_remove_a_sign_in_tenant(page, quarter):
    trust, _cycle = quarter
    staff = UserFactory(email=long_email("pat"), password=PASSWORD, is_programme_staff=True)
    tenant_id = "3f2b9c1e-7a4d-4e8b-9c2a-1d5e6f7a8b9c"

    started = time.monotonic()
    sign_in(page, staff.email)
    open_from_menu(page, "Sign-in tenants")
    page.wait_for_url("**/programme/sign-in-tenants/")
    expect(page.locator("main")).to_contain_text("No tenant is on the list")
    check(page, "tenants-none")
    page.click("main a:has-text('Add a tenant')")
    page.wait_for_url("**/sign-in-tenants/add/")
    check(page, "tenant-add")
    page.fill("#id_tenant_id", f"  {tenant_id.upper()} ")  # as pasted
    page.fill("#id_name", "Journey Hospitals' own directory")
    page.fill("#id_trusts", f"{trust.ods_code}\nRZZ9")
    page.click("button:has-text('Add the tenant')")
    assert "Line 2: there is no trust with ODS code RZZ9" in error_summary(page)
    check(page, "tenant-add-with-errors")
    page.fill("#id_trusts", trust.ods_code.lower())
    page.click("button:has-text('Add the tenant')")
    page.wait_for_url("**/programme/sign-in-tenants/")
    expect(page.locator("main")).to_contain_text("may now sign people in")
    rows = page.locator("main table").first.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(tenant_id)
    expect(rows).to_contain_text("1 trust: Journey ")
    check(page, "tenants-one")
    tenant = SignInTenant.objects.get()
    assert list(tenant.trusts.all()) == [trust]

    page.click(f"main a[href='/programme/sign-in-tenants/{tenant.pk}/']")
    page.wait_for_url(f"**/sign-in-tenants/{tenant.pk}/")
    expect(page.locator("#id_trusts")).to_have_value(trust.ods_code)
    check(page, "tenant-change")
    page.check("#id_programme_staff")
    page.click("button:has-text('Save the changes')")
    page.wait_for_url("**/programme/sign-in-tenants/")
    expect(page.locator("main")).to_contain_text("is changed")
    expect(rows).to_contain_text("Programme staff")
    check(page, "tenants-changed")

    page.click(f"main a[href='/programme/sign-in-tenants/{tenant.pk}/remove/']")
    page.wait_for_url(f"**/sign-in-tenants/{tenant.pk}/remove/")
    expect(page.locator("main")).to_contain_text("Nobody is signed in through it now")
    check(page, "tenant-remove")
    page.click("button:has-text('Remove Journey')")
    page.wait_for_url("**/programme/sign-in-tenants/")
    expect(page.locator("main")).to_contain_text("nobody signs in through it now")
    expect(page.locator("main")).to_contain_text("No tenant is on the list")
    assert not SignInTenant.objects.exists()
    check(page, "tenants-after-removing")
    journey_summary(page, f"programme staff's sign-in tenants, {page.width_name}", started)


# The single sign-on refusal page, reached as a person reaches it: through the imitation of
# Entra ID's multi-tenant endpoint that the single sign-on tests use (tests/accounts/oidc),
# started here to send people back to the live server rather than the test client.


@pytest.fixture(scope="module")
def entra(live_server, tmp_path_factory):
    """The imitation of Entra ID, for this module; its origin."""
    if not (shutil.which("node") and (ROOT / "node_modules" / "oidc-provider").exists()):
        pytest.skip("Node.js or oidc-provider is missing: `make test` installs both.")
    yield from _run_provider(
        tmp_path_factory,
        "entra.mjs",
        {
            "TENANTS": json.dumps(TENANTS),
            "REDIRECT_URI": f"{live_server.url}/sign-in/organisation/callback/",
            "POST_LOGOUT_URI": f"{live_server.url}/sign-in/",
        },
        "/organizations/v2.0/.well-known/openid-configuration",
    )


@pytest.fixture
def many_tenants(entra, live_server, settings):
    settings.OIDC_ISSUER = f"{entra}/organizations/v2.0"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SINGLE_SIGN_ON = True
    settings.OIDC_REQUIRE_EMAIL_VERIFIED = True
    settings.OIDC_PROVIDER_NAME = "your organisation's account"
    settings.SITE_URL = live_server.url
    return entra


def at_the_provider(page, account: str, live_server) -> None:
    """The person chooses ``account`` on the provider's pages (and agrees to share their
    details) until it sends them back to Quarterdeck."""
    for _ in range(10):
        page.wait_for_load_state()
        if page.url.startswith(live_server.url):
            return
        if page.locator("input[name='login']").count():
            page.fill("input[name='login']", account)
            page.fill("input[name='password']", "anything")
        page.locator("button, input[type='submit']").first.click()
        page.wait_for_load_state()
    raise AssertionError(f"the provider never sent the person back: {page.url}")


def test_a_person_whose_organisation_may_not_sign_them_in_is_told_what_to_do(
    page, quarter, many_tenants, live_server
):
    trust, _cycle = quarter
    trust_b = TrustFactory(ods_code="QJB", name="Otherton Community NHS Trust")
    bea = UserFactory(email="bea.baker@trust-b.example", full_name="Bea Baker")
    MembershipFactory(user=bea, trust=trust_b, role=Role.BOARD_MEMBER)
    SignInTenantFactory(tenant_id=TENANT_A, name="Journey Hospitals", trusts=[trust])

    started = time.monotonic()
    page.goto("/sign-in/")
    page.click("main a:has-text('Sign in with your organisation')")
    at_the_provider(page, "bea-at-b", live_server)  # tenant B: on no list
    expect(page.locator("h1")).to_have_text("Your organisation cannot sign in to Quarterdeck yet")
    expect(page.locator("main")).to_contain_text(TENANT_B)
    expect(page.locator("main")).not_to_contain_text("bea.baker")
    check(page, "sso-refused-unlisted-tenant")

    page.click("main a:has-text('Sign in with another account')")
    at_the_provider(page, "bea-at-a", live_server)  # tenant A: listed, for trust A only
    expect(page.locator("h1")).to_have_text("Journey Hospitals cannot sign you in")
    expect(page.locator("main")).to_contain_text(TENANT_A)
    check(page, "sso-refused-tenant-not-for-this-person")

    page.click("main a:has-text('Sign in with your email address and password')")
    page.wait_for_url("**/sign-in/")
    expect(page.locator("#id_username")).to_be_visible()
    journey_summary(page, f"single sign-on refused by tenant, {page.width_name}", started)
