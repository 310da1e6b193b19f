"""Single sign-on with OpenID Connect, against a real provider
(tests/accounts/oidc/provider.mjs)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import two_factor
from core.models import AuditEvent
from tests.accounts.oidc.conftest import provider_mode
from tests.factories import MembershipFactory, UserFactory
from tests.pages import not_found
from trusts.actions import invitation_send
from trusts.models import Membership, Role, User


@pytest.fixture
def ada(trust):
    user = UserFactory(email="ada.lovelace@trust.example", full_name="Ada Lovelace")
    MembershipFactory(user=user, trust=trust, role=Role.COORDINATOR)
    return user


def sign_in_at_provider(client, person, next_url=""):
    """The whole journey: our button, the provider's pages, back to our callback."""
    start = reverse("accounts:sso-start") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    callback = person.follow_to_app(to_provider.url)
    assert callback.startswith(reverse("accounts:sso-callback"))
    return client.get(callback)


def test_sign_in_page_offers_single_sign_on_when_it_is_set_up(client, single_sign_on, db):
    content = client.get(reverse("accounts:sign-in")).content.decode()
    assert "Sign in with your organisation&#x27;s account" in content
    assert 'name="password"' in content  # password sign-in stays, unless switched off


def test_single_sign_on_signs_in_the_invited_account_by_verified_email(
    client, single_sign_on, person_at_provider, ada, trust, settings
):
    settings.TWO_FACTOR_REQUIRED = True  # a coordinator, yet no second factor here:
    trust_page = reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code})
    response = sign_in_at_provider(client, person_at_provider("ada"), next_url=trust_page)
    assert response.status_code == 302
    assert response.url == trust_page
    assert int(client.session["_auth_user_id"]) == ada.pk
    assert client.session[two_factor.SESSION_KEY] == two_factor.DONE  # the provider's MFA
    assert client.get(trust_page).status_code == 200
    # Matched, never made: one account, and no new membership.
    assert User.objects.filter(email__iexact=ada.email).count() == 1
    assert Membership.objects.filter(user=ada).count() == 1


def test_unknown_email_is_refused_and_no_account_is_made(
    client, single_sign_on, person_at_provider, ada
):
    response = sign_in_at_provider(client, person_at_provider("stranger"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:sign-in")
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "There is no Quarterdeck account for stranger@elsewhere.example" in page
    assert not User.objects.filter(email="stranger@elsewhere.example").exists()


def test_unverified_email_is_refused(client, single_sign_on, person_at_provider, ada):
    response = sign_in_at_provider(client, person_at_provider("unverified"))
    assert "_auth_user_id" not in client.session
    assert "did not confirm your email address" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("mode", "found"),
    [
        ("wrong-audience", "InvalidAudienceError"),
        ("bad-signature", "InvalidSignatureError"),
        ("wrong-issuer", "InvalidIssuerError"),
    ],
)
def test_an_id_token_we_cannot_trust_is_refused(
    client, single_sign_on, person_at_provider, ada, mode, found, caplog
):
    provider_mode(single_sign_on, mode)
    response = sign_in_at_provider(client, person_at_provider("ada"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:sign-in")
    assert "_auth_user_id" not in client.session
    assert "We could not sign you in with" in client.get(response.url).content.decode()
    assert f"ID token refused: {found}" in caplog.text


def test_closed_account_is_refused(client, single_sign_on, person_at_provider, ada):
    ada.is_active = False
    ada.save()
    response = sign_in_at_provider(client, person_at_provider("ada"))
    assert "_auth_user_id" not in client.session
    assert "This account has been closed" in client.get(response.url).content.decode()


def test_sign_out_ends_the_session_here_and_at_the_provider(
    client, single_sign_on, person_at_provider, ada
):
    person = person_at_provider("ada")
    sign_in_at_provider(client, person)
    response = client.post(reverse("accounts:sign-out"))
    assert "_auth_user_id" not in client.session
    assert response.url.startswith(f"{single_sign_on}/session/end")
    assert "id_token_hint=" in response.url
    # The provider confirms and sends the person back to our sign-in page.
    assert person.follow_to_app(response.url) == reverse("accounts:sign-in")
    # Signed out there too: the next single sign-on asks for their account again.
    again = client.get(reverse("accounts:sso-start"))
    first_page = person.browser.get(again.url, allow_redirects=True, timeout=10)
    assert 'name="login"' in first_page.text


def test_provider_down_is_a_clear_message(client, settings, db):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.OIDC_RP_CLIENT_ID = "x"
    settings.SINGLE_SIGN_ON = True
    response = client.get(reverse("accounts:sso-start"))
    assert response.url == reverse("accounts:sign-in")
    assert "We could not reach the sign-in service" in client.get(response.url).content.decode()


def test_single_sign_on_is_404_where_it_is_not_set_up(client, db, settings):
    settings.SINGLE_SIGN_ON = False
    not_found(client.get(reverse("accounts:sso-start")))
    not_found(client.get(reverse("accounts:sso-callback")))


def test_invitation_accepted_with_single_sign_on_makes_no_password(
    client,
    single_sign_on,
    person_at_provider,
    trust,
    coordinator,
    django_capture_on_commit_callbacks,
):

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            trust=trust,
            email="ada.lovelace@trust.example",
            full_name="Ada Lovelace",
            seat_group="executive",
            by=coordinator,
        )
    (link,) = re.findall(r"http://[^\s]+(/invitations/[^\s/]+/)", mail.outbox[0].body)
    assert "Accept and sign in with" in client.get(link).content.decode()
    response = client.post(link, {"single-sign-on": "1"})
    assert response.url == reverse("accounts:sign-in")
    ada = User.objects.get(email="ada.lovelace@trust.example")
    assert not ada.has_usable_password()
    assert Membership.objects.filter(user=ada, trust=trust, role=Role.BOARD_MEMBER).exists()
    sign_in_at_provider(client, person_at_provider("ada"))
    assert int(client.session["_auth_user_id"]) == ada.pk
    assert AuditEvent.objects.filter(action="invitation.accepted").exists()


def test_signing_in_again_to_confirm_it_is_you_makes_the_provider_ask_again(
    client, single_sign_on, db
):
    response = client.get(reverse("accounts:sso-start") + "?again=1&next=/account/email/")
    assert response.status_code == 302
    assert "prompt=login" in response.url
    assert "max_age=0" in response.url
    ordinary = client.get(reverse("accounts:sso-start"))
    assert "prompt=" not in ordinary.url
