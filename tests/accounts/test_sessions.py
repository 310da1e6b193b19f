"""Where you're signed in: each session recorded at sign-in with its device in words, seen
again at most once a minute, listed for its person alone, and ended one at a time or
everywhere else; a password change or reset ends the others. Ending a session never loses
what was typed there."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.keeping import KEPT_MESSAGE
from accounts.middleware import LAST_SEEN, SESSION_ENDED_TYPED
from accounts.models import SignedInSession
from accounts.sessions import device_in_words, session_record
from accounts.sso import BACKEND_PATH
from assessments.models import Answer
from assessments.privacy.erasure import person_erase
from assessments.privacy.retention import retention_apply
from assessments.privacy.subject_access import subject_access_file
from core.models import AuditEvent
from tests.factories import SETUP, SignedInSessionFactory, SignInTenantFactory, UserFactory
from tests.helpers import page_data, questionnaire_url
from tests.pages import not_found, page_headed, signed_in_as, to_sign_in

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)
CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)
EDGE_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
)
CHROME_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
SESSIONS = reverse("accounts:sessions")


def signed_in_on(user, user_agent: str = FIREFOX_ON_WINDOWS, next_url: str = "/") -> Client:
    """A browser of its own, signed in with the person's password."""
    browser = Client(HTTP_USER_AGENT=user_agent)
    browser.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": user.email, "password": "a-test-password"},
    )
    signed_in_as(browser, user)
    return browser


def row_of(browser: Client) -> SignedInSession:
    return SignedInSession.objects.get(session_key=browser.session.session_key)


def listed(browser: Client) -> str:
    """The browser is signed in: "Where you're signed in", as it shows."""
    response = browser.get(SESSIONS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Where you're signed in</h1>" in content
    return content


def is_signed_out(browser: Client) -> None:
    """The browser's next request finds no session: sent to sign in."""
    to_sign_in(browser.get(SESSIONS), SESSIONS)


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (CHROME_ON_ANDROID, "Chrome on Android"),
        (EDGE_ON_WINDOWS, "Edge on Windows"),
        (CHROME_ON_MAC, "Chrome on Mac"),
        ("curl/8.5.0", "an unknown browser"),
        ("", "an unknown browser"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "a browser on Linux"),
    ],
)
def test_device_in_words_names_the_browser_and_its_system(user_agent, words):
    assert device_in_words(user_agent) == words


def test_device_in_words_is_never_longer_than_its_column():
    assert len(device_in_words("Firefox/1 " + "Windows " * 100)) <= 120


def test_signing_in_records_the_session_with_its_device_in_words(board_member):
    with time_machine.travel(timezone.now(), tick=False):
        browser = signed_in_on(board_member, SAFARI_ON_IPHONE)
        session = row_of(browser)
        assert session.user == board_member
        assert session.device == "Safari on iPhone"
        assert session.method == SignedInSession.Method.PASSWORD
        assert session.tenant is None
        assert session.signed_in_at == session.last_seen_at == timezone.now()


def test_a_single_sign_on_records_the_organisation_and_its_tenant(board_member):
    tenant = SignInTenantFactory(name="NHSmail")
    request = RequestFactory(HTTP_USER_AGENT=EDGE_ON_WINDOWS).get("/")
    SessionMiddleware(lambda request: None).process_request(request)
    request.session[BACKEND_SESSION_KEY] = BACKEND_PATH
    request.sign_in_tenant = tenant
    session_record(request, board_member)
    session = SignedInSession.objects.get(session_key=request.session.session_key)
    assert (session.method, session.tenant, session.device) == (
        SignedInSession.Method.ORGANISATION,
        tenant,
        "Edge on Windows",
    )


def test_the_page_lists_each_live_session_of_the_person_and_marks_this_one(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    signed_in_on(board_member, CHROME_ON_ANDROID)
    SignedInSessionFactory(
        user=board_member,
        device="Edge on Windows",
        method=SignedInSession.Method.ORGANISATION,
        tenant=SignInTenantFactory(name="Testshire directory"),
    )
    content = listed(laptop)
    assert "Firefox on Windows" in content
    assert "Chrome on Android" in content
    assert "Organisation&#x27;s account (Testshire directory)" in content
    assert content.count("This device") == 1
    assert content.index("Firefox on Windows") < content.index("This device")
    assert content.index("This device") < content.index("Chrome on Android")
    assert content.count('action="/account/sessions/') == 3  # two others, and everywhere else
    assert "Just now" in content


def test_the_page_lists_nobody_elses_sessions(board_member):
    someone = UserFactory()
    signed_in_on(someone, CHROME_ON_ANDROID)
    SignedInSessionFactory(user=someone, device="Safari on iPhone")
    content = listed(signed_in_on(board_member))
    assert "Chrome on Android" not in content
    assert "Safari on iPhone" not in content
    assert "Sign out everywhere else" not in content  # nowhere else to sign out of


def test_a_session_idle_past_the_timeout_is_not_listed(board_member, settings):
    browser = signed_in_on(board_member)
    SignedInSessionFactory(
        user=board_member,
        device="Safari on iPhone",
        last_seen_at=timezone.now() - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1),
    )
    SignedInSessionFactory(
        user=board_member,
        device="Chrome on Android",
        last_seen_at=timezone.now() - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1),
    )
    content = listed(browser)
    assert "Safari on iPhone" not in content
    assert "Chrome on Android" in content
    assert "29\xa0minutes ago" in content  # kept on one line


def test_signing_out_of_another_device_ends_its_session(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    response = laptop.post(reverse("accounts:session-end", args=[row_of(phone).pk]), follow=True)
    assert "You have been signed out on Safari on iPhone." in response.content.decode()
    assert "Safari on iPhone</h2>" not in response.content.decode()
    assert list(SignedInSession.objects.values_list("device", flat=True)) == ["Firefox on Windows"]
    event = AuditEvent.objects.get(action="user.session_ended")
    assert (event.actor, event.target_id) == (board_member, str(board_member.pk))
    is_signed_out(phone)
    listed(laptop)  # still signed in here


def test_another_persons_session_cannot_be_ended(board_member):
    someone = UserFactory()
    theirs = signed_in_on(someone)
    browser = signed_in_on(board_member)
    not_found(browser.post(reverse("accounts:session-end", args=[row_of(theirs).pk])))
    assert SignedInSession.objects.filter(user=someone).count() == 1
    listed(theirs)
    assert not AuditEvent.objects.filter(action="user.session_ended").exists()


def test_this_devices_own_session_is_not_ended_from_the_list(board_member):
    browser = signed_in_on(board_member)
    response = browser.post(reverse("accounts:session-end", args=[row_of(browser).pk]), follow=True)
    assert "This is the device you are using" in response.content.decode()
    listed(browser)


def test_signing_out_everywhere_else_keeps_this_session_only(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    tablet = signed_in_on(board_member, CHROME_ON_ANDROID)
    someone = signed_in_on(UserFactory())
    response = laptop.post(reverse("accounts:sessions-end-others"), follow=True)
    assert "You have been signed out everywhere else." in response.content.decode()
    assert list(SignedInSession.objects.filter(user=board_member)) == [row_of(laptop)]
    is_signed_out(phone)
    is_signed_out(tablet)
    listed(someone)
    event = AuditEvent.objects.get(action="user.sessions_ended")
    assert event.detail == {"sessions": 2, "why": "signed out everywhere else"}


def test_signing_out_everywhere_else_with_nowhere_else_says_so(board_member):
    browser = signed_in_on(board_member)
    response = browser.post(reverse("accounts:sessions-end-others"), follow=True)
    assert "You were not signed in anywhere else." in response.content.decode()
    assert not AuditEvent.objects.filter(action="user.sessions_ended").exists()


def test_the_sign_out_buttons_sent_after_the_session_ended_do_nothing_but_ask_to_sign_in(
    board_member,
):
    laptop = signed_in_on(board_member)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    phone_row = row_of(phone)
    laptop.post(reverse("accounts:sessions-end-others"))
    ended = reverse("accounts:session-end", args=[phone_row.pk])
    to_sign_in(phone.post(ended), ended)
    assert list(SignedInSession.objects.all()) == [row_of(laptop)]


def test_what_was_typed_on_a_device_signed_out_elsewhere_comes_back_after_sign_in(
    board_member, assessment
):
    page = questionnaire_url(assessment, "page", number=1)
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS, page)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    phone.post(reverse("accounts:session-end", args=[row_of(laptop).pk]))

    typed = page_data(assessment, 1, levels=("2", "5", "dont-know"), comments=("Kept", "", ""))
    response = to_sign_in(laptop.post(page, typed), page)
    assert SESSION_ENDED_TYPED in laptop.get(response.url).content.decode()
    assert not Answer.objects.exists()

    back = laptop.post(
        f"{reverse('accounts:sign-in')}?next={page}",
        {"username": board_member.email, "password": "a-test-password"},
        follow=True,
    )
    assert back.redirect_chain[-1][0] == page
    content = back.content.decode()
    assert KEPT_MESSAGE in content
    assert "Kept" in content
    for level in ("2", "5", "dont-know"):
        assert f'value="{level}" checked' in content
    assert not Answer.objects.exists()  # shown back to save, not saved for them


def test_changing_the_password_signs_out_every_other_device(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    response = laptop.post(
        reverse("accounts:password-change"),
        {
            "old_password": "a-test-password",
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
        follow=True,
    )
    assert (
        "Your password has been changed. You have been signed out on every other device."
        in response.content.decode()
    )
    is_signed_out(phone)
    # This session has a new key since the change: its row followed it.
    assert list(SignedInSession.objects.all()) == [row_of(laptop)]
    content = listed(laptop)
    assert "This device" in content
    event = AuditEvent.objects.get(action="user.sessions_ended")
    assert event.detail == {"sessions": 1, "why": "password changed"}


def test_resetting_the_password_signs_out_everywhere(board_member):
    laptop = signed_in_on(board_member, FIREFOX_ON_WINDOWS)
    phone = signed_in_on(board_member, SAFARI_ON_IPHONE)
    board_member.refresh_from_db()  # the link is made as the email would be: after signing in
    link = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(board_member.pk)),
            "token": default_token_generator.make_token(board_member),
        },
    )
    browser = Client()
    form = browser.get(link, follow=True)
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        follow=True,
    )
    content = done.content.decode()
    assert "Your password has been reset</h1>" in content
    assert "You have been signed out everywhere you were signed in." in content
    assert not SignedInSession.objects.exists()
    is_signed_out(laptop)
    is_signed_out(phone)


def test_last_seen_is_written_back_at_most_once_a_minute(board_member):
    account = reverse("accounts:account")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        browser = signed_in_on(board_member)
        signed_in_at = row_of(browser).last_seen_at
        clock.shift(59)
        with CaptureQueriesContext(connection) as queries:
            page_headed(browser.get(account), "Your account")
        assert not [q for q in queries if "accounts_signedinsession" in q["sql"]]
        assert row_of(browser).last_seen_at == signed_in_at
        clock.shift(1)
        with CaptureQueriesContext(connection) as queries:
            page_headed(browser.get(account), "Your account")
        (written,) = [q for q in queries if "accounts_signedinsession" in q["sql"]]
        assert written["sql"].startswith("UPDATE")
        assert row_of(browser).last_seen_at == signed_in_at + datetime.timedelta(seconds=60)


def test_a_session_whose_row_has_gone_is_not_recorded_again(board_member):
    browser = signed_in_on(board_member)
    SignedInSession.objects.all().delete()
    session = browser.session
    session[LAST_SEEN] -= 120
    session.save()
    page_headed(browser.get(reverse("accounts:account")), "Your account")
    assert not SignedInSession.objects.exists()


def test_signing_out_forgets_the_session(board_member):
    browser = signed_in_on(board_member)
    other = signed_in_on(board_member, SAFARI_ON_IPHONE)
    browser.post(reverse("accounts:sign-out"))
    assert list(SignedInSession.objects.values_list("device", flat=True)) == ["Safari on iPhone"]
    listed(other)


def test_the_idle_timeout_forgets_the_session(board_member, settings):
    browser = signed_in_on(board_member)
    session = browser.session
    session[LAST_SEEN] -= (settings.SESSION_IDLE_MINUTES + 1) * 60
    session.save()
    to_sign_in(browser.get(SESSIONS), SESSIONS)
    assert not SignedInSession.objects.exists()


def test_erasure_deletes_where_the_person_was_signed_in(board_member):
    signed_in_on(board_member)
    SignedInSessionFactory(user=board_member)
    kept = SignedInSessionFactory()
    person_erase(user=board_member, by=SETUP)
    assert list(SignedInSession.objects.all()) == [kept]


def test_subject_access_lists_where_the_person_is_signed_in_without_the_key(board_member):
    tenant = SignInTenantFactory(name="NHSmail")
    browser = signed_in_on(board_member, CHROME_ON_ANDROID)
    SignedInSessionFactory(
        user=board_member,
        device="Edge on Windows",
        method=SignedInSession.Method.ORGANISATION,
        tenant=tenant,
        signed_in_at=timezone.now() - datetime.timedelta(hours=1),
    )
    SignedInSessionFactory(device="Safari on iPhone")  # someone else's
    data = subject_access_file(board_member)
    assert [
        (row["device"], row["signed_in_with"], row["organisation"])
        for row in data["signed_in_sessions"]
    ] == [
        ("Edge on Windows", "Organisation's account", "NHSmail"),
        ("Chrome on Android", "Password", ""),
    ]
    assert all(row["signed_in_at"] and row["last_seen_at"] for row in data["signed_in_sessions"])
    assert "signed_in_sessions" in data["about"]["sections"]
    text = json.dumps(data)
    for key in SignedInSession.objects.values_list("session_key", flat=True):
        assert key not in text
    assert browser.session.session_key not in text


def test_retention_deletes_rows_not_seen_for_as_long_as_a_session_lives(settings, db):
    now = timezone.now()
    gone = SignedInSessionFactory(
        last_seen_at=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    )
    alive = SignedInSessionFactory(
        last_seen_at=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    )
    assert retention_apply()["signed_in_sessions"] == 1
    assert list(SignedInSession.objects.all()) == [alive]
    assert not SignedInSession.objects.filter(pk=gone.pk).exists()
