"""API tokens: made for digital leads and programme staff only, stored as a digest, shown
once; each use checks the person's roles as they are then and counts the request in its
minute, in the database; revoked and expired tokens stop working at once."""

import datetime
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import (
    TokenRefused,
    TokenUse,
    digest_of,
    state_of,
    token_create,
    token_revoke,
    token_use,
    tokens_of,
)
from assessments.privacy.erasure import person_erase
from assessments.privacy.subject_access import subject_access_file
from core.models import AuditEvent
from tests.factories import SETUP, ApiTokenFactory, UserFactory
from trusts.actions import membership_remove
from trusts.permissions import memberships_of

LONDON = ZoneInfo("Europe/London")
# A minute's window runs from hh:mm:00; these moments sit inside one and the next.
TEN_PAST = datetime.datetime(2026, 12, 7, 9, 30, 10, tzinfo=LONDON)
NEXT_MINUTE = datetime.datetime(2026, 12, 7, 9, 31, 0, tzinfo=LONDON)


def made(user, name="Regional dashboard", days=90):
    return token_create(user=user, name=name, expires_days=days, by=user)


def every_stored_text() -> str:
    """Every text value of every row of every model: where a token's value could be kept."""
    found = []
    for model in apps.get_models():
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(value, str | dict | list):
                    found.append(json.dumps(value) if not isinstance(value, str) else value)
    return "\n".join(found)


# Making one


def test_a_digital_lead_gets_a_random_value_of_which_only_the_digest_is_stored(coordinator):
    token, raw = made(coordinator)
    assert raw.startswith("qd_")
    assert len(raw) == 46
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest() == digest_of(raw)
    assert raw not in every_stored_text()
    assert ApiToken.objects.get().user == coordinator


def test_each_token_is_a_different_value(coordinator):
    values = {made(coordinator)[1] for _ in range(5)}
    assert len(values) == 5


def test_programme_staff_may_have_one(programme_staff):
    token, _ = made(programme_staff, days=365)
    assert token.expires_at - token.created_at == datetime.timedelta(days=365)


def test_making_one_is_audited_with_its_name_never_its_value(coordinator):
    token, raw = made(coordinator, name="  Trust dashboard ")
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.target_id) == (coordinator, str(coordinator.pk))
    assert event.detail["name"] == token.name == "Trust dashboard"
    assert event.detail["token"] == token.pk
    assert raw not in json.dumps(event.detail)
    assert token.digest not in json.dumps(event.detail)


def test_a_board_member_is_refused_and_nothing_is_kept(board_member):
    with pytest.raises(TokenRefused, match="cannot use the API"):
        made(board_member)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.created").exists()


def test_the_refusal_is_a_value_error(board_member):
    with pytest.raises(ValueError, match="cannot use the API"):
        made(board_member)


@pytest.mark.parametrize("days", [0, -1, 366, 10_000])
def test_an_expiry_outside_one_to_365_days_is_refused(coordinator, days):
    with pytest.raises(TokenRefused, match="1 to 365 days"):
        made(coordinator, days=days)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [1, 365])
def test_an_expiry_of_one_day_or_a_year_is_taken(coordinator, days):
    token, _ = made(coordinator, days=days)
    assert token.expires_at - token.created_at == datetime.timedelta(days=days)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "a\x00b"])
def test_a_blank_long_or_nul_name_is_refused(coordinator, name):
    with pytest.raises(TokenRefused, match="a name of 1 to 80 characters"):
        made(coordinator, name=name)
    assert not ApiToken.objects.exists()


# Revoking


def test_revoking_stops_it_at_once_and_is_audited_once(coordinator):
    token, raw = made(coordinator)
    token_revoke(token=token, by=coordinator)
    token_revoke(token=token, by=coordinator)  # a second press changes nothing
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_use(raw) == TokenUse(token=None)
    (event,) = AuditEvent.objects.filter(action="api_token.revoked")
    assert event.detail == {"token": token.pk, "name": "Regional dashboard"}


# Using one


def test_a_good_token_gives_its_person_and_notes_when_it_was_used(coordinator):
    token, raw = made(coordinator)
    with time_machine.travel(TEN_PAST, tick=False):
        use = token_use(raw)
    assert (use.token, use.limited, use.retry_after) == (token, False, 0)
    assert use.token.user == coordinator
    token.refresh_from_db()
    assert token.last_used_at == TEN_PAST


def test_programme_staff_token_takes_two_queries(programme_staff, django_assert_num_queries):
    _, raw = made(programme_staff)
    with django_assert_num_queries(2):  # the token with its person; the counted use
        use = token_use(raw)
        assert use.token.user.email == "pat@programme.example"


def test_a_digital_leads_token_reads_their_roles_once_for_the_whole_request(
    coordinator, trust, django_assert_num_queries
):
    _, raw = made(coordinator)
    with django_assert_num_queries(3):  # and the roles, kept for the API's own checks
        use = token_use(raw)
        assert list(memberships_of(use.token.user).trusts) == [trust.ods_code]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "qd_",
        "Bearer qd_" + "a" * 43,
        "qd_" + "a" * 42,
        "qd_" + "a" * 44,
        "qd_" + "a" * 42 + "!",
        "QD_" + "a" * 43,
        "qd_" + "a" * 42 + "\x00",
        b"qd_" + b"a" * 43,
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_without_a_query(raw, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert token_use(raw) == TokenUse(token=None, limited=False, retry_after=0)


def test_a_value_of_the_right_shape_that_nobody_was_given_is_refused(
    coordinator, django_assert_num_queries
):
    made(coordinator)
    with django_assert_num_queries(1):
        assert token_use("qd_" + "A" * 43).token is None


def test_an_expired_token_stops_working_at_its_expiry(coordinator):
    with time_machine.travel(TEN_PAST, tick=False):
        token, raw = made(coordinator, days=1)
    with time_machine.travel(token.expires_at - datetime.timedelta(seconds=1), tick=False):
        assert token_use(raw).token == token
    with time_machine.travel(token.expires_at, tick=False):
        assert token_use(raw).token is None


def test_a_closed_account_token_is_refused(coordinator):
    _, raw = made(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert token_use(raw).token is None


def test_a_digital_lead_removed_from_their_trust_loses_the_api_at_once(coordinator, trust):
    _, raw = made(coordinator)
    assert token_use(raw).token is not None
    membership_remove(membership=coordinator.memberships.get(trust=trust), by=SETUP)
    assert token_use(raw).token is None


def test_programme_staff_who_leave_the_programme_lose_the_api_at_once(programme_staff):
    _, raw = made(programme_staff)
    programme_staff.is_programme_staff = False
    programme_staff.save()
    assert token_use(raw).token is None


# The rate limit


def test_requests_past_the_minutes_limit_are_refused_until_the_next_minute(coordinator, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    token, raw = made(coordinator)
    with time_machine.travel(TEN_PAST, tick=False):
        assert [token_use(raw).limited for _ in range(3)] == [False, False, False]
        refused = token_use(raw)
    assert (refused.token, refused.limited, refused.retry_after) == (token, True, 50)
    token.refresh_from_db()
    assert (token.window_start, token.window_count) == (
        TEN_PAST.replace(second=0),
        3,  # a refused request is not counted
    )
    assert token.last_used_at == TEN_PAST
    with time_machine.travel(NEXT_MINUTE, tick=False):
        assert token_use(raw).limited is False
    token.refresh_from_db()
    assert (token.window_start, token.window_count) == (NEXT_MINUTE, 1)


def test_the_wait_is_at_least_a_second_at_the_end_of_a_minute(coordinator, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    _, raw = made(coordinator)
    with time_machine.travel(NEXT_MINUTE - datetime.timedelta(microseconds=1), tick=False):
        token_use(raw)
        assert token_use(raw).retry_after == 1


def test_the_count_is_the_databases_not_one_processs(coordinator, settings):
    """Each use reads the token afresh, as another app server would, and the count goes
    on from what the row holds."""
    settings.API_REQUESTS_PER_MINUTE = 2
    token, raw = made(coordinator)
    with time_machine.travel(TEN_PAST, tick=False):
        ApiToken.objects.filter(pk=token.pk).update(
            window_start=TEN_PAST.replace(second=0), window_count=2
        )
        assert token_use(raw).limited is True


def test_each_token_has_its_own_count(coordinator, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    _, first = made(coordinator)
    _, second = made(coordinator, name="Another")
    with time_machine.travel(TEN_PAST, tick=False):
        assert [token_use(first).limited, token_use(first).limited] == [False, True]
        assert token_use(second).limited is False


# Listing


def test_tokens_of_lists_the_persons_own_newest_first_in_every_state(coordinator):
    with time_machine.travel(TEN_PAST, tick=False):
        old, _ = made(coordinator, name="Old", days=1)
    with time_machine.travel(TEN_PAST + datetime.timedelta(days=2), tick=False):
        revoked, _ = made(coordinator, name="Revoked")
        token_revoke(token=revoked, by=coordinator)
    with time_machine.travel(TEN_PAST + datetime.timedelta(days=3), tick=False):
        active, _ = made(coordinator, name="Active")
        ApiTokenFactory(user=UserFactory(is_programme_staff=True))  # someone else's
        assert tokens_of(coordinator) == [active, revoked, old]
        states = [state_of(token) for token in tokens_of(coordinator)]
    assert states == ["Active", "Revoked", "Expired"]


# Erasure and subject access


def test_erasure_deletes_the_persons_tokens(coordinator):
    _, raw = made(coordinator)
    someone = ApiTokenFactory(user=UserFactory(is_programme_staff=True))
    person_erase(user=coordinator, by=SETUP)
    assert list(ApiToken.objects.all()) == [someone]
    assert token_use(raw).token is None


def test_the_persons_data_file_lists_their_tokens_never_a_value_or_digest(coordinator):
    with time_machine.travel(TEN_PAST, tick=False):
        token, raw = made(coordinator, name="Trust dashboard", days=30)
        token_use(raw)
    token_revoke(token=token, by=coordinator)
    ApiTokenFactory(user=UserFactory(is_programme_staff=True), name="Not theirs")
    data = subject_access_file(coordinator)
    token.refresh_from_db()
    (listed,) = data["api_tokens"]
    assert listed == {
        "name": "Trust dashboard",
        "made_at": "2026-12-07T09:30:10+00:00",
        "last_used_at": "2026-12-07T09:30:10+00:00",
        "expires_at": "2027-01-06T09:30:10+00:00",
        "revoked_at": listed["revoked_at"],
    }
    assert listed["revoked_at"]
    text = json.dumps(data)
    assert raw not in text
    assert token.digest not in text
    assert "Not theirs" not in text


def test_the_admin_revokes_the_chosen_tokens_and_counts_only_those_it_stopped(
    client, coordinator, programme_staff
):
    from accounts import two_factor
    from tests.factories import UserFactory

    first, _ = made(coordinator)
    second, _ = made(coordinator)
    token_revoke(token=second, by=coordinator)  # already stopped
    admin = UserFactory(email="admin@test.example", is_superuser=True)
    client.force_login(admin)
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.DONE
    session.save()
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "1 token revoked." in response.content.decode()
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 2
