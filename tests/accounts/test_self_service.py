"""People looking after their own account: changing their email address (a link to the new
address, the old one told), confirming it is them before a change to how they sign in,
adding and removing authenticators, and new recovery codes. Each change is audited, and a
role that needs two-factor never ends up without it."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import keeping, self_service, two_factor
from accounts.models import KeptInput, SignedInSession
from core.models import AuditEvent
from tests.accounts.test_sessions import (
    FIREFOX_ON_WINDOWS,
    SAFARI_ON_IPHONE,
    is_signed_out,
    row_of,
    signed_in_on,
)
from tests.accounts.test_two_factor import current_code, set_up, sign_in
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.pages import locked_out, not_found, page_headed, redirected, text

NOON = datetime.datetime(2026, 11, 3, 12, 0, tzinfo=datetime.UTC)
LATER = datetime.timedelta(minutes=self_service.CONFIRM_AGAIN_MINUTES, seconds=1)
ACCOUNT = reverse("accounts:account")
EMAIL_CHANGE = reverse("accounts:email-change")
RECOVERY_CODES = reverse("accounts:two-factor-recovery-codes")
SET_UP = reverse("accounts:two-factor-set-up")


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def signed_in(client):
    """Signs a person in on the test client, their second factor given if they have one."""

    def sign_in(user):
        client.force_login(user)
        session = client.session
        session[two_factor.SESSION_KEY] = two_factor.DONE
        session.save()
        return client

    return sign_in


def confirm_url(next_url: str) -> str:
    return f"{reverse('accounts:confirm-identity')}?{urlencode({'next': next_url})}"


def remove_url(device) -> str:
    return reverse("accounts:authenticator-remove", args=[device.pk])


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def link_in(message) -> str:
    """The path of the link in an email."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.fixture(autouse=True)
def _emails_sent(django_capture_on_commit_callbacks, monkeypatch):
    """Each request's emails are delivered as its transaction commits, into mail.outbox."""
    post = Client.post

    def post_and_send(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post_and_send)


def ask_for_change(client, email: str) -> str:
    """Asks to move the client's account to ``email``; returns the path of the link sent."""
    mail.outbox.clear()
    response = client.post(EMAIL_CHANGE, {"email": email})
    redirected(response, reverse("accounts:email-change-sent"))
    (sent,) = mail.outbox
    assert sent.to == [email.strip().lower()]
    return link_in(sent)


# Changing the email address


def test_email_change_sends_a_link_to_the_new_address_and_tells_the_old_one_at_confirm(
    signed_in, board_member
):
    client = signed_in(board_member)
    page = page_headed(client.get(EMAIL_CHANGE), "Change your email address")
    assert "bea@test.example" in text(page)
    link = ask_for_change(client, " Bea.New@Trust.example ")
    sent = page_headed(client.get(reverse("accounts:email-change-sent")), "Check your email")
    assert "bea.new@trust.example" in text(sent)
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"  # nothing changes until confirmed

    mail.outbox.clear()
    shown = client.get(link)
    assert "<h1>Change your email address to bea.new@trust.example?</h1>" in text(shown)
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"  # opening the link never changes it
    assert mail.outbox == []

    done = client.post(link)
    redirected(done, ACCOUNT)
    board_member.refresh_from_db()
    assert board_member.email == "bea.new@trust.example"
    assert shown_messages(done)[0].startswith("Your email address is now bea.new@trust.example.")
    (told,) = mail.outbox
    assert told.to == ["bea@test.example"]
    assert "changed" in told.subject
    assert "from this address to bea.new@trust.example" in told.body
    assert "If you did not make this change" in told.body
    event = AuditEvent.objects.get(action="user.email_changed")
    assert (event.actor, event.target_id) == (board_member, str(board_member.pk))
    assert "@" not in str(event.detail)  # never the addresses
    assert AuditEvent.objects.filter(action="user.email_change_requested").count() == 1
    account = page_headed(client.get(ACCOUNT), "Your account")
    assert "bea.new@trust.example" in text(account)


def test_email_change_link_works_once(signed_in, board_member):
    client = signed_in(board_member)
    link = ask_for_change(client, "bea.new@trust.example")
    client.post(link)
    again = client.get(link)
    assert again.status_code == 410
    assert "<h1>This link has been used</h1>" in text(again)
    client.post(link)
    assert AuditEvent.objects.filter(action="user.email_changed").count() == 1


def test_changing_the_email_address_signs_out_every_other_device(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    link = ask_for_change(laptop, "bea.new@trust.example")
    assert "sign you out on every other device" in text(laptop.get(link))
    done = laptop.post(link, follow=True)
    assert (
        "Your email address is now bea.new@trust.example. You have been signed out on every "
        "other device." in text(done)
    )
    is_signed_out(phone)
    assert list(SignedInSession.objects.all()) == [row_of(laptop)]
    page_headed(laptop.get(ACCOUNT), "Your account")  # where the change was made: still in
    event = AuditEvent.objects.get(action="user.sessions_ended")
    assert (event.actor, event.detail) == (
        board_member,
        {"sessions": 1, "why": "email address changed"},
    )


def test_changing_the_email_address_with_nowhere_else_signed_in_says_nothing_of_it(
    signed_in, board_member
):
    client = signed_in(board_member)
    done = client.post(ask_for_change(client, "bea.new@trust.example"))
    assert "signed out" not in shown_messages(done)[0]
    assert not AuditEvent.objects.filter(action="user.sessions_ended").exists()


def test_email_change_link_stops_working_after_another_change(signed_in, board_member):
    client = signed_in(board_member)
    first = ask_for_change(client, "first@trust.example")
    second = ask_for_change(client, "second@trust.example")
    client.post(second)
    refused = client.post(first)
    assert "<h1>This link has been used</h1>" in text(refused)
    board_member.refresh_from_db()
    assert board_member.email == "second@trust.example"


def test_email_change_link_is_refused_after_changing_away_and_back(clock, signed_in, board_member):
    client = signed_in(board_member)
    old_link = ask_for_change(client, "x@trust.example")
    for address in ("b@trust.example", "bea@test.example"):
        clock.shift(datetime.timedelta(minutes=1))
        client.post(ask_for_change(client, address))
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"  # the address the old link was sent from
    mail.outbox.clear()
    for response in (client.get(old_link), client.post(old_link)):
        assert response.status_code == 410
        assert "<h1>This link has been used</h1>" in text(response)
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"
    assert AuditEvent.objects.filter(action="user.email_changed").count() == 2
    assert mail.outbox == []


def test_email_change_link_expires_after_24_hours(clock, signed_in, board_member):
    client = signed_in(board_member)
    link = ask_for_change(client, "bea.new@trust.example")
    clock.shift(datetime.timedelta(hours=self_service.EMAIL_CHANGE_HOURS, minutes=1))
    client.force_login(board_member)  # the session has long ended
    expired = client.post(link)
    assert expired.status_code == 410
    assert "<h1>This link has expired</h1>" in text(expired)
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"


def test_a_changed_link_is_refused_with_a_clear_page(signed_in, board_member):
    client = signed_in(board_member)
    link = ask_for_change(client, "bea.new@trust.example")
    broken = client.get(link[:-6] + "abcdef/")
    assert "<h1>This link does not work</h1>" in text(broken)


def test_another_persons_email_change_link_is_not_found(signed_in, board_member, coordinator):
    link = ask_for_change(signed_in(board_member), "bea.new@trust.example")
    other = signed_in(coordinator)
    not_found(other.get(link))
    not_found(other.post(link))
    board_member.refresh_from_db()
    coordinator.refresh_from_db()
    assert (board_member.email, coordinator.email) == ("bea@test.example", "cora@test.example")


def test_email_change_refuses_an_address_another_account_uses_and_changes_nothing(
    signed_in, board_member, coordinator
):
    client = signed_in(board_member)
    mail.outbox.clear()
    refused = client.post(EMAIL_CHANGE, {"email": "CORA@test.example"})
    page = text(refused)
    assert "nhsuk-error-summary" in page
    assert "Another account uses this email address" in page
    assert "Cora" not in page  # never whose
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action__startswith="user.email_change").exists()
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"


def test_email_change_refuses_the_address_the_person_has_now(signed_in, board_member):
    refused = signed_in(board_member).post(EMAIL_CHANGE, {"email": "Bea@Test.example"})
    assert "This is already your email address" in text(refused)
    assert mail.outbox == []


def test_email_change_confirm_refuses_an_address_taken_since_the_link_was_sent(
    signed_in, board_member
):
    client = signed_in(board_member)
    link = ask_for_change(client, "bea.new@trust.example")
    UserFactory(email="bea.new@trust.example")
    refused = client.post(link, follow=True)
    assert "Another account uses this email address" in text(refused)
    board_member.refresh_from_db()
    assert board_member.email == "bea@test.example"


def test_the_pages_say_single_sign_on_must_use_the_new_address(signed_in, board_member, settings):
    settings.SINGLE_SIGN_ON = True
    client = signed_in(board_member)
    assert "use the account for the new address" in text(client.get(EMAIL_CHANGE))
    link = ask_for_change(client, "bea.new@trust.example")
    assert "it must be the account for the new address" in text(client.get(link))


# Confirm it's you


def test_email_change_needs_the_person_to_confirm_it_is_them_after_10_minutes(
    clock, signed_in, board_member
):
    client = signed_in(board_member)
    page_headed(client.get(EMAIL_CHANGE), "Change your email address")
    clock.shift(LATER)
    redirected(client.get(EMAIL_CHANGE), confirm_url(EMAIL_CHANGE))
    late = client.post(EMAIL_CHANGE, {"email": "late@trust.example"})
    redirected(late, confirm_url(EMAIL_CHANGE))
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action__startswith="user.email_change").exists()
    asked = client.get(confirm_url(EMAIL_CHANGE))
    assert "<h1>Confirm it's you</h1>" in text(asked)
    back = client.post(
        reverse("accounts:confirm-identity"),
        {"password": "a-test-password", "next": EMAIL_CHANGE},
    )
    redirected(back, EMAIL_CHANGE)
    page = page_headed(client.get(EMAIL_CHANGE), "Change your email address")
    assert 'value="late@trust.example"' in text(page)  # what was typed is not lost
    assert mail.outbox == []  # nor sent until the person sends it again


def test_an_address_typed_when_confirming_it_is_them_was_due_comes_back_ready_to_send(
    clock, signed_in, board_member
):
    client = signed_in(board_member)
    page_headed(client.get(EMAIL_CHANGE), "Change your email address")
    clock.shift(LATER)  # the page was open too long
    asked = client.post(EMAIL_CHANGE, {"email": "late@trust.example"}, follow=True)
    assert "<h1>Confirm it's you</h1>" in text(asked)
    assert "What you typed has been kept" in text(asked)
    (kept,) = KeptInput.objects.filter(user=board_member, path=EMAIL_CHANGE)
    assert keeping.unseal(user_id=board_member.pk, sealed=kept.sealed).dict() == {
        "email": "late@trust.example"
    }
    client.post(
        reverse("accounts:confirm-identity"),
        {"password": "a-test-password", "next": EMAIL_CHANGE},
    )
    shown = text(page_headed(client.get(EMAIL_CHANGE), "Change your email address"))
    assert 'value="late@trust.example"' in shown
    assert "nhsuk-error-summary" not in shown
    assert not KeptInput.objects.exists()  # shown back once
    assert 'value="late@trust.example"' not in text(client.get(EMAIL_CHANGE))
    ask_for_change(client, "late@trust.example")  # sent as it stands


def test_a_password_and_code_sent_when_confirming_it_is_them_was_due_are_never_kept(
    clock, signed_in, board_member
):
    client = signed_in(board_member)
    clock.shift(LATER)
    client.post(
        EMAIL_CHANGE,
        {"email": "late@trust.example", "password": "a-test-password", "code": "123456"},
    )
    (kept,) = KeptInput.objects.all()
    assert keeping.unseal(user_id=board_member.pk, sealed=kept.sealed).dict() == {
        "email": "late@trust.example"
    }


def test_confirm_identity_refuses_a_wrong_password_and_counts_it_towards_the_lockout(
    clock, signed_in, board_member, settings
):
    client = signed_in(board_member)
    clock.shift(LATER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(
            reverse("accounts:confirm-identity"), {"password": "not-it", "next": EMAIL_CHANGE}
        )
        assert "The password is not right" in text(wrong)
        assert "nhsuk-error-summary" in text(wrong)
    redirected(client.get(EMAIL_CHANGE), confirm_url(EMAIL_CHANGE))
    locked_out(
        client.post(
            reverse("accounts:confirm-identity"), {"password": "not-it", "next": EMAIL_CHANGE}
        )
    )
    locked = Client().post(
        reverse("accounts:sign-in"), {"username": board_member.email, "password": "a-test-password"}
    )
    locked_out(locked)


def test_confirm_identity_asks_for_a_code_from_a_person_with_two_factor(
    clock, signed_in, board_member
):
    device = TOTPDeviceFactory(user=board_member, name="Work phone")
    client = signed_in(board_member)
    clock.shift(LATER)
    url = reverse("accounts:confirm-identity")
    assert 'name="code"' in text(client.get(confirm_url(EMAIL_CHANGE)))
    no_code = client.post(url, {"password": "a-test-password", "next": EMAIL_CHANGE})
    assert "Enter the security code" in text(no_code)
    wrong = client.post(url, {"password": "a-test-password", "code": "000000"})
    assert "Enter the 6-digit code" in text(wrong)
    redirected(client.get(EMAIL_CHANGE), confirm_url(EMAIL_CHANGE))
    clock.shift(datetime.timedelta(seconds=30))  # past the wrong code's wait
    right = client.post(
        url, {"password": "a-test-password", "code": current_code(device), "next": EMAIL_CHANGE}
    )
    redirected(right, EMAIL_CHANGE)


def test_confirm_identity_offers_single_sign_on_to_a_person_without_a_password(
    clock, signed_in, board_member, settings
):
    settings.SINGLE_SIGN_ON = True
    board_member.set_unusable_password()
    board_member.save()
    client = signed_in(board_member)
    clock.shift(LATER)
    page = text(client.get(confirm_url(EMAIL_CHANGE)))
    assert 'name="password"' not in page
    start = reverse("accounts:sso-start")
    assert f'href="{start}?again=1&amp;next=/account/email/"' in page  # asked again


def test_confirm_identity_goes_on_only_to_our_own_pages(clock, signed_in, board_member):
    client = signed_in(board_member)
    clock.shift(LATER)
    response = client.post(
        reverse("accounts:confirm-identity"),
        {"password": "a-test-password", "next": "https://elsewhere.example/"},
    )
    redirected(response, ACCOUNT)


# Authenticators


def test_adding_a_second_authenticator_keeps_the_first_and_the_recovery_codes(
    client, coordinator, required
):
    sign_in(client, coordinator)
    codes = set_up(client, "Work phone")
    first = TOTPDevice.objects.get(user=coordinator)
    page = page_headed(client.get(SET_UP), "Add an authenticator")
    assert "Add authenticator" in text(page)
    assert set_up(client, "Spare phone") == []  # no new codes shown
    names = list(two_factor.authenticators(coordinator).values_list("name", flat=True))
    assert names == ["Work phone", "Spare phone"]
    assert TOTPDevice.objects.filter(pk=first.pk, confirmed=True).exists()
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    event = AuditEvent.objects.get(action="user.authenticator_added")
    assert event.detail == {"name": "Spare phone"}
    account = text(page_headed(client.get(ACCOUNT), "Your account"))
    for device in two_factor.authenticators(coordinator):
        assert device.name in account
        assert (
            f'href="{remove_url(device)}">Remove<span class="nhsuk-u-visually-hidden"> the '
            f"authenticator {device.name}</span>"
        ) in account


def test_an_authenticator_needs_a_name_of_its_own(client, board_member):
    sign_in(client, board_member)
    set_up(client, "Work phone")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(confirmed=False)
    for name, problem in [
        ("", "Enter a name for this authenticator"),
        ("WORK PHONE", "You already have an authenticator with this name"),
        ("x" * 65, "Keep it to 64 characters or fewer"),
    ]:
        refused = client.post(SET_UP, {"name": name, "code": current_code(device)})
        assert problem in text(refused)
    assert two_factor.authenticators(board_member).count() == 1


def test_a_code_from_either_authenticator_signs_in(coordinator, required, clock):
    first_client = Client()
    sign_in(first_client, coordinator)
    set_up(first_client, "Work phone")
    clock.shift(datetime.timedelta(seconds=30))
    set_up(first_client, "Spare phone")
    work, spare = two_factor.authenticators(coordinator)
    for device in (spare, work):
        clock.shift(datetime.timedelta(seconds=30))
        client = Client()
        sign_in(client, coordinator)
        response = client.post(reverse("accounts:two-factor"), {"code": current_code(device)})
        redirected(response, reverse("quarter:home"))
        page_headed(client.get(ACCOUNT), "Your account")
    work.refresh_from_db()
    assert work.throttling_failure_count == 0  # the spare's code was no wrong code for it


def test_a_wrong_code_counts_against_every_authenticator(coordinator, required):
    work = TOTPDeviceFactory(user=coordinator, name="Work phone")
    spare = TOTPDeviceFactory(user=coordinator, name="Spare phone")
    client = Client()
    sign_in(client, coordinator)
    wrong = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    assert "nhsuk-error-summary" in text(wrong)
    for device in (work, spare):
        device.refresh_from_db()
        assert device.throttling_failure_count == 1


def test_removing_an_authenticator_needs_the_person_to_confirm_it_is_them(
    clock, signed_in, board_member
):
    device = TOTPDeviceFactory(user=board_member, name="Work phone")
    client = signed_in(board_member)
    clock.shift(LATER)
    redirected(client.get(remove_url(device)), confirm_url(remove_url(device)))
    redirected(client.post(remove_url(device)), confirm_url(remove_url(device)))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not KeptInput.objects.exists()  # a button: nothing typed, nothing kept


@pytest.mark.parametrize("password", [True, False], ids=["with a password", "single sign-on only"])
def test_the_last_authenticator_of_a_role_that_needs_two_factor_is_kept(
    signed_in, coordinator, required, password
):
    if not password:  # a tenant not trusted to ask for a second factor may sign them in
        coordinator.set_unusable_password()
        coordinator.save()
    device = TOTPDeviceFactory(user=coordinator, name="Work phone")
    client = signed_in(coordinator)
    page = page_headed(client.get(remove_url(device)), "You cannot remove Work phone yet")
    assert "Add another before removing this one" in text(page)
    assert "<form" not in text(page).split("<main")[-1].split("</main>")[0]
    refused = client.post(remove_url(device))
    redirected(refused, ACCOUNT)
    assert "Add another before removing this one." in shown_messages(refused)[0]
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="user.authenticator").exists()


def test_one_of_two_authenticators_may_be_removed_by_a_role_that_needs_two_factor(
    signed_in, coordinator, required
):
    work = TOTPDeviceFactory(user=coordinator, name="Work phone")
    spare = TOTPDeviceFactory(user=coordinator, name="Spare phone")
    two_factor.recovery_codes_new(user=coordinator)
    client = signed_in(coordinator)
    page_headed(client.get(remove_url(spare)), "Remove Spare phone?")
    removed = client.post(remove_url(spare))
    redirected(removed, ACCOUNT)
    assert shown_messages(removed) == ["Spare phone is removed: its codes no longer work."]
    assert list(two_factor.authenticators(coordinator)) == [work]
    assert two_factor.recovery_codes_left(coordinator) == two_factor.RECOVERY_CODE_COUNT
    event = AuditEvent.objects.get(action="user.authenticator_removed")
    assert (event.actor, event.detail) == (coordinator, {"name": "Spare phone"})


@pytest.mark.parametrize("who", ["board_member", "coordinator"])
def test_removing_the_last_authenticator_otherwise_turns_two_factor_off(
    who, request, signed_in, settings
):
    settings.TWO_FACTOR_REQUIRED = False  # the coordinator's role needs it only when on
    person = request.getfixturevalue(who)
    device = TOTPDeviceFactory(user=person, name="Work phone")
    two_factor.recovery_codes_new(user=person)
    client = signed_in(person)
    page = page_headed(client.get(remove_url(device)), "Remove Work phone?")
    assert "two-factor authentication will be turned off" in text(page)
    removed = client.post(remove_url(device))
    assert shown_messages(removed) == [
        "Work phone is removed, and two-factor authentication is off."
    ]
    assert not two_factor.has_two_factor(person)
    assert two_factor.recovery_codes_left(person) == 0
    assert AuditEvent.objects.filter(action="user.two_factor_turned_off", actor=person).exists()
    later = Client()
    sign_in(later, person)
    page_headed(later.get(ACCOUNT), "Your account")  # no second step asked for


def test_another_persons_authenticator_is_not_found(signed_in, board_member, coordinator):
    device = TOTPDeviceFactory(user=coordinator, name="Cora's phone")
    client = signed_in(board_member)
    not_found(client.get(remove_url(device)))
    not_found(client.post(remove_url(device)))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# Recovery codes


def test_new_recovery_codes_need_confirm_identity_and_are_shown_once_and_audited(
    clock, client, board_member
):
    sign_in(client, board_member)
    old = set_up(client)
    device = TOTPDevice.objects.get(user=board_member)
    clock.shift(LATER)
    redirected(client.get(RECOVERY_CODES), confirm_url(RECOVERY_CODES))
    redirected(client.post(RECOVERY_CODES), confirm_url(RECOVERY_CODES))
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)
    clock.shift(datetime.timedelta(seconds=30))
    client.post(
        reverse("accounts:confirm-identity"),
        {"password": "a-test-password", "code": current_code(device), "next": RECOVERY_CODES},
    )
    page_headed(client.get(RECOVERY_CODES), "Recovery codes")
    shown = client.post(RECOVERY_CODES, follow=True)
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", text(shown))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert "<code>" not in text(client.get(RECOVERY_CODES))  # shown once
    event = AuditEvent.objects.get(action="user.recovery_codes_replaced")
    assert (event.actor, event.target_id) == (board_member, str(board_member.pk))


def test_an_authenticator_name_typed_when_confirming_it_is_them_was_due_comes_back(
    clock, signed_in, board_member
):
    TOTPDeviceFactory(user=board_member, name="Work phone")
    client = signed_in(board_member)
    page_headed(client.get(SET_UP), "Add an authenticator")
    clock.shift(LATER)
    late = client.post(SET_UP, {"name": "Spare phone", "code": "123456"})
    redirected(late, confirm_url(SET_UP))
    (kept,) = KeptInput.objects.filter(user=board_member, path=SET_UP)
    assert keeping.unseal(user_id=board_member.pk, sealed=kept.sealed).dict() == {
        "name": "Spare phone"  # never the code
    }
    client.post(
        reverse("accounts:confirm-identity"),
        {
            "password": "a-test-password",
            "code": current_code(board_member.totpdevice_set.first()),
            "next": SET_UP,
        },
    )
    shown = text(page_headed(client.get(SET_UP), "Add an authenticator"))
    assert 'value="Spare phone"' in shown
    assert two_factor.authenticators(board_member).count() == 1
