"""Single sign-on through Entra ID's multi-tenant endpoint, against an imitation of it made
of two real providers, one per tenant (tests/accounts/oidc/entra.mjs): tenants matched to
trusts (accounts.tenants; docs/decisions/0043-many-tenants.md)."""

import re
import time
from html import unescape

import pytest
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from accounts import sso, two_factor
from accounts.middleware import SIGNED_IN_AT
from core.models import AuditEvent
from tests.accounts.oidc.conftest import TENANT_A, TENANT_B, provider_mode
from tests.accounts.oidc.test_single_sign_on import sign_in_at_provider
from tests.factories import (
    MembershipFactory,
    SignInTenantFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.pages import text, to_sign_in
from trusts.models import Membership, Role, User

REFUSALS = ["sign_in.tenant_unknown", "sign_in.tenant_refused"]


@pytest.fixture
def ada(trust):
    """A coordinator of trust A, whose organisation's tenant is tenant A."""
    user = UserFactory(email="ada.lovelace@trust-a.example", full_name="Ada Lovelace")
    MembershipFactory(user=user, trust=trust, role=Role.COORDINATOR)
    return user


@pytest.fixture
def bea(other_trust):
    """A board member of trust B, who has accounts in tenant B and tenant A."""
    user = UserFactory(email="bea.baker@trust-b.example", full_name="Bea Baker")
    MembershipFactory(user=user, trust=other_trust)
    return user


@pytest.fixture
def pat(db):
    return UserFactory(
        email="pat@programme.example", full_name="Pat Programme", is_programme_staff=True
    )


@pytest.fixture
def tenant_a(trust):
    return SignInTenantFactory(tenant_id=TENANT_A, name="Testshire Hospitals", trusts=[trust])


@pytest.fixture
def tenant_b(other_trust):
    return SignInTenantFactory(tenant_id=TENANT_B, name="Otherton Community", trusts=[other_trust])


@pytest.fixture
def tenants_at_sign_in():
    """The tenant each sign-in was made through, as whatever records the session sees it
    (request.sign_in_tenant, when user_logged_in is sent)."""
    seen = []

    def note(sender, request, user, **kwargs):
        seen.append(getattr(request, "sign_in_tenant", None))

    user_logged_in.connect(note, dispatch_uid="test-tenants-at-sign-in")
    yield seen
    user_logged_in.disconnect(dispatch_uid="test-tenants-at-sign-in")


def trust_page(trust) -> str:
    return reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code})


def signed_in_user_id(client) -> int | None:
    found = client.session.get("_auth_user_id")
    return int(found) if found else None


def test_a_trusts_member_signs_in_through_the_tenant_listed_for_their_trust(
    client, many_tenants, person_at_provider, ada, tenant_a, trust, tenants_at_sign_in
):
    response = sign_in_at_provider(client, person_at_provider("ada-at-a"), trust_page(trust))
    assert response.url == trust_page(trust)
    assert signed_in_user_id(client) == ada.pk
    assert tenants_at_sign_in == [tenant_a]
    assert client.session[sso.TENANT_SESSION_KEY] == TENANT_A
    assert "Ada Lovelace" in text(client.get(trust_page(trust)))
    assert not AuditEvent.objects.filter(action__in=REFUSALS).exists()


def test_an_account_at_tenant_a_of_a_trust_b_member_is_refused_and_audited(
    client, many_tenants, person_at_provider, bea, tenant_a, tenant_b, other_trust
):
    response = sign_in_at_provider(client, person_at_provider("bea-at-a"))
    assert response.status_code == 403
    page = text(response)
    assert "<h1>Testshire Hospitals cannot sign you in</h1>" in page
    assert "You have not been signed in" in page
    assert TENANT_A in page  # for the IT team
    assert signed_in_user_id(client) is None
    assert sso.ID_TOKEN_SESSION_KEY not in client.session
    (entry,) = AuditEvent.objects.filter(action__in=REFUSALS)
    assert entry.action == "sign_in.tenant_refused"
    assert entry.actor == bea
    assert (entry.target_type, entry.target_id) == ("accounts.signintenant", str(tenant_a.pk))
    assert entry.detail == {"tenant_id": TENANT_A}
    # Nor can they reach trust B's pages.
    to_sign_in(client.get(trust_page(other_trust)), trust_page(other_trust))


def test_tenant_bs_person_signs_in_once_tenant_b_is_listed_for_trust_b(
    client, many_tenants, person_at_provider, bea, tenant_a, other_trust, tenants_at_sign_in
):
    person = person_at_provider("bea-at-b")
    refused = sign_in_at_provider(client, person)
    assert refused.status_code == 403
    tenant_b = SignInTenantFactory(tenant_id=TENANT_B, trusts=[other_trust])
    response = sign_in_at_provider(client, person, trust_page(other_trust))
    assert response.url == trust_page(other_trust)
    assert signed_in_user_id(client) == bea.pk
    assert tenants_at_sign_in == [tenant_b]


def test_an_unlisted_tenant_is_refused_without_a_word_about_accounts(
    client, many_tenants, person_at_provider, bea, tenant_a
):
    response = sign_in_at_provider(client, person_at_provider("bea-at-b"))
    assert response.status_code == 403
    page = text(response)
    assert "<h1>Your organisation cannot sign in to Quarterdeck yet</h1>" in page
    assert "Ask your IT team to register Quarterdeck" in page
    assert TENANT_B in page
    assert "bea.baker" not in page
    assert "belong" not in page
    assert signed_in_user_id(client) is None
    (entry,) = AuditEvent.objects.filter(action__in=REFUSALS)
    assert entry.action == "sign_in.tenant_unknown"
    assert entry.actor is None
    assert entry.actor_name == "Quarterdeck (single sign-on)"
    assert entry.detail == {"tenant_id": TENANT_B}


def test_an_unlisted_tenant_learns_nothing_of_an_email_with_no_account(
    client, many_tenants, person_at_provider, ada
):
    SignInTenantFactory(tenant_id=TENANT_B)  # listed: tenant A is not
    page = text(sign_in_at_provider(client, person_at_provider("stranger-at-a")))
    assert "<h1>Your organisation cannot sign in to Quarterdeck yet</h1>" in page
    assert "stranger" not in page
    assert not User.objects.filter(email__iexact="stranger@trust-a.example").exists()


def test_a_tenant_for_every_trust_signs_in_a_member_of_any_trust(
    client, many_tenants, person_at_provider, bea, other_trust, tenants_at_sign_in
):
    nhsmail = SignInTenantFactory(tenant_id=TENANT_A, name="NHSmail", every_trust=True)
    sign_in_at_provider(client, person_at_provider("bea-at-a"))
    assert signed_in_user_id(client) == bea.pk
    assert tenants_at_sign_in == [nhsmail]


def test_a_refused_person_is_pointed_to_the_tenant_for_every_trust_and_another_account(
    client, many_tenants, person_at_provider, bea, tenant_a
):
    nhsmail = SignInTenantFactory(tenant_id=TENANT_B, name="NHSmail", every_trust=True)
    person = person_at_provider("bea-at-a")
    page = text(sign_in_at_provider(client, person))
    assert "Sign in with your NHSmail account instead" in page
    another = unescape(re.search(r'href="([^"]*account=another)"', page).group(1))
    to_provider = client.get(another)
    assert "prompt=select_account" in to_provider.url
    # They choose their NHSmail account at the provider.
    person.account = "bea-at-b"
    client.get(person.follow_to_app(to_provider.url))
    assert signed_in_user_id(client) == bea.pk
    assert client.session[sso.TENANT_SESSION_KEY] == nhsmail.tenant_id


def test_programme_staff_need_a_tenant_ticked_for_programme_staff(
    client, many_tenants, person_at_provider, pat
):
    tenant = SignInTenantFactory(tenant_id=TENANT_A, every_trust=True)
    sign_in_at_provider(client, person_at_provider("pat-at-a"))
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.get(action="sign_in.tenant_refused").actor == pat
    tenant.programme_staff = True
    tenant.save()
    sign_in_at_provider(client, person_at_provider("pat-at-a"))
    assert signed_in_user_id(client) == pat.pk


def test_an_unverified_email_from_a_listed_tenant_is_refused(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    response = sign_in_at_provider(client, person_at_provider("unverified-at-a"))
    assert signed_in_user_id(client) is None
    assert "did not confirm your email address" in text(client.get(response.url))


def test_an_email_with_no_account_from_a_listed_tenant_makes_no_account(
    client, many_tenants, person_at_provider, tenant_a
):
    response = sign_in_at_provider(client, person_at_provider("stranger-at-a"))
    assert "There is no Quarterdeck account for stranger@trust-a.example" in text(
        client.get(response.url)
    )
    assert not User.objects.filter(email__iexact="stranger@trust-a.example").exists()
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("mode", "found"),
    [
        ("wrong-issuer", "InvalidIssuerError"),
        ("no-tid", "MissingRequiredClaimError"),
        ("bad-tid", "InvalidTenantError"),
    ],
)
def test_an_id_token_not_from_the_tenant_it_names_is_refused(
    client, many_tenants, person_at_provider, ada, tenant_a, tenant_b, mode, found, caplog
):
    provider_mode(many_tenants, mode)
    response = sign_in_at_provider(client, person_at_provider("ada-at-a"))
    assert response.url == reverse("accounts:sign-in")
    assert signed_in_user_id(client) is None
    assert "We could not sign you in with" in text(client.get(response.url))
    assert f"ID token refused: {found}" in caplog.text


def test_sign_out_ends_the_session_at_the_persons_own_tenant(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    person = person_at_provider("ada-at-a")
    sign_in_at_provider(client, person)
    response = client.post(reverse("accounts:sign-out"))
    assert signed_in_user_id(client) is None
    assert response.url.startswith(f"{many_tenants}/{TENANT_A}/v2.0/session/end?")
    assert "id_token_hint=" in response.url
    assert person.follow_to_app(response.url) == reverse("accounts:sign-in")


def test_a_tenant_template_on_another_host_is_refused(many_tenants, settings):
    settings.OIDC_ISSUER = many_tenants.replace("127.0.0.1", "localhost") + "/organizations/v2.0"
    with pytest.raises(SuspiciousOperation):
        sso.discovery()


def test_a_single_issuer_sign_in_names_no_tenant(
    client, single_sign_on, person_at_provider, trust, tenants_at_sign_in
):
    user = UserFactory(email="ada.lovelace@trust.example")
    MembershipFactory(user=user, trust=trust)
    sign_in_at_provider(client, person_at_provider("ada"))
    assert signed_in_user_id(client) == user.pk
    assert tenants_at_sign_in == [None]
    assert sso.TENANT_SESSION_KEY not in client.session


# Mends after review: the second factor, a person who grows past their tenant, confirming
# it is them, and the address always verified.


@pytest.mark.parametrize(("asks", "expected"), [(False, "needed"), (True, "done")])
def test_a_coordinator_is_asked_for_our_second_factor_unless_the_tenant_asks_for_one(
    client, many_tenants, person_at_provider, ada, tenant_a, settings, asks, expected
):
    settings.TWO_FACTOR_REQUIRED = True
    tenant_a.asks_for_second_factor = asks
    tenant_a.save()
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    assert signed_in_user_id(client) == ada.pk
    assert client.session[two_factor.SESSION_KEY] == expected


def test_joining_a_trust_the_tenant_does_not_cover_signs_the_session_out(
    client, many_tenants, person_at_provider, ada, tenant_a, trust, other_trust
):
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    assert "Ada Lovelace" in text(client.get(trust_page(trust)))
    MembershipFactory(user=ada, trust=other_trust)  # an invitation accepted, say
    response = client.get(trust_page(other_trust))
    to_sign_in(response, trust_page(other_trust))
    assert signed_in_user_id(client) is None
    assert "cannot sign you in for" in text(client.get(response.url))


def test_joining_a_trust_the_tenant_covers_keeps_the_session(
    client, many_tenants, person_at_provider, ada, tenant_a, trust, other_trust
):
    tenant_a.trusts.add(other_trust)
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    MembershipFactory(user=ada, trust=other_trust)
    assert "Ada Lovelace" in text(client.get(trust_page(other_trust)))
    assert signed_in_user_id(client) == ada.pk


def test_being_made_programme_staff_signs_out_a_session_from_a_tenant_not_ticked_for_them(
    client, many_tenants, person_at_provider, ada, tenant_a, trust
):
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    User.objects.filter(pk=ada.pk).update(is_programme_staff=True)
    to_sign_in(client.get(trust_page(trust)), trust_page(trust))
    assert signed_in_user_id(client) is None


def _signed_in_long_ago(client) -> None:
    session = client.session
    session[SIGNED_IN_AT] -= 11 * 60
    session.save()


def test_signing_in_again_at_the_provider_confirms_it_is_you(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    email_page = reverse("accounts:email-change")
    person = person_at_provider("ada-at-a")
    sign_in_at_provider(client, person)
    _signed_in_long_ago(client)
    confirm = client.get(email_page)
    assert confirm.url.startswith(reverse("accounts:confirm-identity"))
    again = re.search(r'href="([^"]*again=1[^"]*)"', text(client.get(confirm.url))).group(1)
    to_provider = client.get(unescape(again))
    assert "prompt=login" in to_provider.url
    callback = person.follow_to_app(to_provider.url)
    back = client.get(callback)
    assert back.url == email_page
    assert signed_in_user_id(client) == ada.pk
    assert 'name="email"' in text(client.get(email_page))  # the form, not the confirm page


def test_a_silent_return_from_the_provider_does_not_confirm_it_is_you(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    person = person_at_provider("ada-at-a")
    sign_in_at_provider(client, person)
    _signed_in_long_ago(client)
    # The provider's own session signs them straight back in: nobody was asked anything.
    email_page = reverse("accounts:email-change")
    start = client.get(reverse("accounts:sso-start") + f"?next={email_page}")
    back = client.get(person.follow_to_app(start.url))
    assert back.url == email_page
    assert signed_in_user_id(client) == ada.pk
    assert client.get(back.url).url.startswith(reverse("accounts:confirm-identity"))


def test_with_many_tenants_the_address_must_be_verified_even_with_the_check_switched_off(
    client, many_tenants, person_at_provider, ada, tenant_a, settings
):
    settings.OIDC_REQUIRE_EMAIL_VERIFIED = False
    sign_in_at_provider(client, person_at_provider("unverified-at-a"))
    assert signed_in_user_id(client) is None


def test_refused_sign_ins_from_many_addresses_never_lock_single_sign_on_for_everyone(
    client, many_tenants, person_at_provider, ada, tenant_a, settings
):
    assert settings.AXES_FAILURE_LIMIT <= 5
    for number in range(1, 7):  # from an unlisted tenant, each from its own address
        client.defaults["REMOTE_ADDR"] = f"192.0.2.{number}"
        refused = sign_in_at_provider(client, person_at_provider("bea-at-b"))
        assert refused.status_code == 403
    client.defaults["REMOTE_ADDR"] = "198.51.100.7"
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    assert signed_in_user_id(client) == ada.pk


def test_a_start_that_does_not_ask_again_forgets_an_abandoned_asking(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    sign_in_at_provider(client, person_at_provider("ada-at-a"))
    client.get(reverse("accounts:sso-start") + "?again=1&next=/account/email/")
    assert sso.AGAIN_SESSION_KEY in client.session  # asked, then given up
    client.get(reverse("accounts:sso-start") + "?next=/account/email/")
    assert sso.AGAIN_SESSION_KEY not in client.session


def test_an_asking_long_ago_confirms_nothing():
    now = time.time()
    assert sso._asked_again(now - 30, now)
    assert not sso._asked_again(now - sso.AGAIN_SECONDS - 1, now)
    assert not sso._asked_again(now - 30, now - 120)  # signed in before the asking
    assert not sso._asked_again(now - 30, None)


def test_confirming_at_a_tenant_not_trusted_for_a_second_factor_asks_for_ours_too(
    client, many_tenants, person_at_provider, ada, tenant_a
):
    TOTPDeviceFactory(user=ada)
    person = person_at_provider("ada-at-a")
    sign_in_at_provider(client, person)
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.DONE  # gave the code at sign-in
    session.save()
    _signed_in_long_ago(client)
    email_page = reverse("accounts:email-change")
    to_provider = client.get(reverse("accounts:sso-start") + f"?again=1&next={email_page}")
    client.get(person.follow_to_app(to_provider.url))
    assert client.session[two_factor.SESSION_KEY] == two_factor.NEEDED
    assert client.get(email_page).url.startswith(reverse("accounts:two-factor"))
