"""A session can end without the idle clock: its row deleted (signed out elsewhere, the
session store cleared), the password changed on another device, the secret key rotated.
Whatever ended it, a form the browser sends afterwards is kept for the person whose
browser it is, and shown back to them alone after they sign in again."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.keeping import KEPT_MESSAGE
from accounts.models import BrowserKey, KeptInput
from assessments.models import Answer
from tests.helpers import new_board_member, page_data, questionnaire_url
from tests.pages import page_headed


def sign_in(client, user, next_url="/"):
    return client.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": user.email, "password": "a-test-password"},
        follow=True,
    )


def delete_session_rows():
    Session.objects.all().delete()


def change_password_elsewhere(user):
    user.set_password("another-test-password-2026")
    user.save()


def rotate_secret_key():
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 30


ENDINGS = {
    "session row deleted": lambda user: delete_session_rows(),
    "password changed on another device": change_password_elsewhere,
    "secret key rotated without a fallback": lambda user: rotate_secret_key(),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_form_sent_after_the_session_ended_comes_back_after_sign_in(
    ending, board_member, assessment, settings
):
    browser = Client()
    page = questionnaire_url(assessment, "page", number=1)
    sign_in(browser, board_member, page)
    ENDINGS[ending](board_member)
    typed = page_data(assessment, 1, levels=("2", "5", "dont-know"), comments=("Kept", "", ""))
    response = browser.post(page, typed)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign-in')}?next={page}"
    assert not Answer.objects.exists()
    assert KeptInput.objects.filter(user=board_member).count() == 1
    told = browser.get(response.url).content.decode()
    assert "Your session ended before that page was saved" in told

    if ending == "password changed on another device":
        board_member.set_password("a-test-password")
        board_member.save()
    back = sign_in(browser, board_member, page)
    assert back.redirect_chain[-1][0] == page
    content = page_headed(back, "Deliver things that patients and staff need").content.decode()
    assert KEPT_MESSAGE in content
    assert "Kept" in content
    for level in ("2", "5", "dont-know"):
        assert f'value="{level}" checked' in content
    assert not Answer.objects.exists()  # shown back to check and save, not saved for them


def test_what_was_kept_is_shown_to_nobody_else_who_signs_in_on_that_browser(
    board_member, assessment
):
    browser = Client()
    page = questionnaire_url(assessment, "page", number=1)
    sign_in(browser, board_member, page)
    delete_session_rows()
    browser.post(page, page_data(assessment, 1, comments=("Only mine", "", "")))
    colleague = new_board_member(assessment.trust)
    content = sign_in(browser, colleague, page).content.decode()
    assert "Only mine" not in content
    assert KeptInput.objects.filter(user=board_member).exists()


def test_signing_out_on_a_browser_forgets_whose_it_was(board_member, assessment):
    """On a shared computer, the next person's forms are never kept for the last one."""
    browser = Client()
    page = questionnaire_url(assessment, "page", number=1)
    sign_in(browser, board_member, page)
    assert BrowserKey.objects.filter(user=board_member).count() == 1
    browser.post(reverse("accounts:sign-out"))
    assert not BrowserKey.objects.exists()
    assert browser.cookies[settings.BROWSER_KEY_COOKIE].value == ""
    response = browser.post(page, page_data(assessment, 1, comments=("Someone", "", "")))
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert not KeptInput.objects.exists()


def test_the_browser_key_is_a_random_cookie_stored_only_as_a_digest(board_member, assessment):
    browser = Client()
    sign_in(browser, board_member)
    cookie = browser.cookies[settings.BROWSER_KEY_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    (stored,) = BrowserKey.objects.values_list("digest", flat=True)
    assert cookie.value not in stored
    assert len(stored) == 64
    sign_in(browser, board_member)  # signing in again on the same browser keeps its key
    assert BrowserKey.objects.count() == 1


def test_a_browser_key_past_its_days_keeps_nothing(board_member, assessment):
    browser = Client()
    page = questionnaire_url(assessment, "page", number=1)
    sign_in(browser, board_member, page)
    BrowserKey.objects.update(created_at="2020-01-01T00:00:00Z")
    delete_session_rows()
    browser.post(page, page_data(assessment, 1, comments=("Too late", "", "")))
    assert not KeptInput.objects.exists()
