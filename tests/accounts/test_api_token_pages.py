"""The API tokens page (Your account → API tokens): digital leads and programme staff list,
make and revoke their own tokens; a new token is shown once, in the response that made
it; nobody else's token can be seen or revoked; everyone else gets our 403."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import ApiToken
from accounts.tokens import digest_of, token_create, token_use
from tests.factories import ApiTokenFactory, KeptInputFactory
from tests.house.test_fuzz import FUZZ, nasty_text
from tests.pages import forbidden, not_found, page_headed, redirected, text, to_sign_in

LIST = reverse("accounts:api-tokens")
CREATE = reverse("accounts:api-token-create")


def revoke_url(token) -> str:
    return reverse("accounts:api-token-revoke", args=[token.pk])


@pytest.mark.parametrize("who", ["coordinator", "programme_staff"])
def test_the_account_page_leads_people_with_api_access_to_their_tokens(who, request, signed_in):
    client = signed_in(request.getfixturevalue(who))
    page = page_headed(client.get(reverse("accounts:account")), "Your account")
    assert f'<a href="{LIST}">Manage<span class="nhsuk-u-visually-hidden"> API tokens' in text(page)


def test_the_account_page_offers_a_board_member_no_tokens(signed_in, board_member):
    page = page_headed(signed_in(board_member).get(reverse("accounts:account")), "Your account")
    assert LIST not in text(page)


def test_the_page_lists_only_the_persons_own_tokens(signed_in, coordinator, programme_staff):
    ApiTokenFactory(user=coordinator, name="Trust dashboard")
    ApiTokenFactory(user=programme_staff, name="Someone else's")
    page = text(page_headed(signed_in(coordinator).get(LIST), "API tokens"))
    assert "Trust dashboard" in page
    assert "Someone else&#x27;s" not in page
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Active</strong>' in page
    assert "Never" in page  # not used yet
    assert "120 requests a minute" in page


def test_the_page_says_which_tokens_are_revoked_and_offers_no_button_for_them(
    signed_in, coordinator
):
    token = ApiTokenFactory(user=coordinator, name="Old dashboard")
    client = signed_in(coordinator)
    client.post(revoke_url(token))
    page = text(page_headed(client.get(LIST), "API tokens"))
    assert 'nhsuk-tag--grey">Revoked</strong>' in page
    assert revoke_url(token) not in page


def test_the_page_of_someone_with_no_tokens_says_so(signed_in, programme_staff):
    page = text(page_headed(signed_in(programme_staff).get(LIST), "API tokens"))
    assert "You have no API tokens." in page
    assert f'action="{CREATE}"' in page


def test_a_new_token_is_shown_once_in_the_response_that_made_it(signed_in, coordinator):
    client = signed_in(coordinator)
    response = client.post(CREATE, {"name": "Trust dashboard", "expires_days": "30"})
    page = text(page_headed(response, "Your new API token"))
    (raw,) = re.findall(r'<code class="qd-api-token">(qd_[\w-]+)</code>', page)
    assert "This is the only time we show this token" in page
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=coordinator)
    assert (token.name, token.digest) == ("Trust dashboard", digest_of(raw))
    assert (token.expires_at - token.created_at).days == 30
    assert raw not in str(dict(client.session))
    assert raw not in text(client.get(LIST))
    assert token_use(raw).token == token


def test_a_form_with_nothing_chosen_is_an_error_summary_and_makes_nothing(signed_in, coordinator):
    response = signed_in(coordinator).post(CREATE, {"name": " \u200b "})
    page = text(page_headed(response, "API tokens"))
    assert "<title>Error: API tokens" in page
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in page
    assert 'href="#id_name">Enter a name for the token</a>' in page
    assert 'href="#id_expires_days_0">Choose how long the token works</a>' in page
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["7", "366", "ninety", "0"])
def test_an_expiry_not_offered_is_an_error(signed_in, coordinator, days):
    response = signed_in(coordinator).post(CREATE, {"name": "Dashboard", "expires_days": days})
    assert "Choose how long the token works" in text(page_headed(response, "API tokens"))
    assert not ApiToken.objects.exists()


def test_a_name_past_80_characters_is_an_error(signed_in, coordinator):
    response = signed_in(coordinator).post(CREATE, {"name": "x" * 81, "expires_days": "90"})
    assert "Keep it to 80 characters or fewer" in text(page_headed(response, "API tokens"))
    assert not ApiToken.objects.exists()


def test_the_create_address_looked_at_shows_the_page_and_makes_nothing(signed_in, coordinator):
    page_headed(signed_in(coordinator).get(CREATE), "API tokens")
    assert not ApiToken.objects.exists()


def test_a_form_sent_after_the_session_ended_is_shown_back_and_makes_nothing_until_sent(
    client, coordinator
):
    KeptInputFactory(user=coordinator, path=CREATE, post="name=Kept+dashboard&expires_days=180")
    client.force_login(coordinator)  # signing in again
    page = text(page_headed(client.get(CREATE), "API tokens"))
    assert 'value="Kept dashboard"' in page
    assert 'value="180" checked' in page
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_says_so(signed_in, coordinator):
    token, raw = token_create(
        user=coordinator, name="Trust dashboard", expires_days=90, by=coordinator
    )
    client = signed_in(coordinator)
    redirected(client.post(revoke_url(token)), LIST)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_use(raw).token is None
    assert "Trust dashboard is revoked: it no longer works." in text(client.get(LIST))
    redirected(client.post(revoke_url(token)), LIST)  # a second press, from an old page
    assert "Trust dashboard was already revoked." in text(client.get(LIST))


def test_the_revoke_address_looked_at_revokes_nothing(signed_in, coordinator):
    token = ApiTokenFactory(user=coordinator)
    redirected(signed_in(coordinator).get(revoke_url(token)), LIST)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_is_not_found_and_stays_as_it_was(
    signed_in, coordinator, programme_staff
):
    theirs = ApiTokenFactory(user=programme_staff)
    not_found(signed_in(coordinator).post(revoke_url(theirs)))
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST), ("get", CREATE), ("post", CREATE), ("post", "revoke")],
)
def test_a_board_member_is_refused_every_token_page(signed_in, board_member, method, url):
    token = ApiTokenFactory(user=board_member)  # as if made while they were a digital lead
    url = revoke_url(token) if url == "revoke" else url
    client = signed_in(board_member)
    forbidden(getattr(client, method)(url, {"name": "Mine", "expires_days": "90"}))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_someone_signed_out_is_sent_to_sign_in(client, db, url):
    to_sign_in(client.get(url), url)


@FUZZ
@given(name=nasty_text, days=st.one_of(nasty_text, st.sampled_from(["30", "90", "180", "365"])))
def test_whatever_is_typed_makes_one_token_or_an_error_never_a_500(
    signed_in, coordinator, name, days
):
    before = ApiToken.objects.count()
    response = signed_in(coordinator).post(CREATE, {"name": name, "expires_days": days})
    page = text(response)
    assert response.status_code == 200
    if "<h1>Your new API token</h1>" in page:
        assert ApiToken.objects.count() == before + 1
    else:
        assert "nhsuk-error-summary" in page
        assert ApiToken.objects.count() == before
