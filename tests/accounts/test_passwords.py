"""Forgotten and changed passwords, in NHS.UK pages that never reveal whether an account
exists."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from core.models import Email
from tests.factories import UserFactory


def ask_for_reset(client, email, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("accounts:password-reset"), {"email": email}, follow=True)


def link_in(message) -> str:
    (path,) = re.findall(r"http://[^\s]+(/password-reset/[^\s]+/)", message.body)
    return path


def test_sign_in_page_links_to_password_reset(client, db):
    content = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{reverse("accounts:password-reset")}"' in content


def test_password_reset_emails_a_link_that_sets_a_new_password_once(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@test.example")
    page = ask_for_reset(client, "Ada@Test.example", django_capture_on_commit_callbacks)
    assert "Check your email" in page.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ada@test.example"]
    link = link_in(message)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        follow=True,
    )
    assert "Your password has been reset" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")
    assert "This link no longer works" in Client().get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@test.example")
    known = ask_for_reset(Client(), "ada@test.example", django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@test.example", django_capture_on_commit_callbacks)
    assert known.redirect_chain == unknown.redirect_chain
    without_nonce = [re.sub(rb'nonce="[^"]+"', b"", page.content) for page in (known, unknown)]
    assert without_nonce[0] == without_nonce[1]
    assert [message.to for message in mail.outbox] == [["ada@test.example"]]


def test_password_reset_mismatched_or_weak_password_is_an_error(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@test.example")
    ask_for_reset(client, "ada@test.example", django_capture_on_commit_callbacks)
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    for first, second, error in [
        ("a brand new passphrase", "another passphrase", "The passwords do not match"),
        ("12345678", "12345678", "This password is entirely numeric."),
    ]:
        response = client.post(form_url, {"new_password1": first, "new_password2": second})
        content = response.content.decode()
        assert "nhsuk-error-summary" in content
        assert error in content


def test_password_reset_bad_email_is_an_error(client, db):
    content = client.post(
        reverse("accounts:password-reset"), {"email": "not-an-email"}
    ).content.decode()
    assert '<a href="#id_email">Enter an email address like name@nhs.net</a>' in content
    assert not Email.objects.exists()


def test_password_change_needs_the_current_password(signed_in, board_member):
    client = signed_in(board_member)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert "The current password is not right" in response.content.decode()
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "a-test-password",
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
        follow=True,
    )
    assert "Your password has been changed." in response.content.decode()
    board_member.refresh_from_db()
    assert board_member.check_password("a brand new passphrase")
    assert "_auth_user_id" in client.session  # still signed in


def test_account_page_links_to_password_change_and_two_factor(signed_in, board_member):
    content = signed_in(board_member).get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:password-change") in content
    assert reverse("accounts:two-factor-set-up") in content


def test_password_pages_are_off_where_password_sign_in_is_off(
    client, signed_in, board_member, settings
):
    settings.PASSWORD_SIGN_IN = False
    assert client.get(reverse("accounts:password-reset")).status_code == 404
    assert 'name="password"' not in client.get(reverse("accounts:sign-in")).content.decode()
    post = client.post(
        reverse("accounts:sign-in"), {"username": board_member.email, "password": "x"}
    )
    assert post.status_code == 404
    assert signed_in(board_member).get(reverse("accounts:password-change")).status_code == 404
