"""The rule of whom a listed Entra ID tenant vouches for (accounts.tenants;
docs/decisions/0043-many-tenants.md)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.tenants import (
    Person,
    Vouching,
    person_of,
    tenant_find,
    tenant_vouches_for,
    vouches,
)
from tests.factories import MembershipFactory, SignInTenantFactory, UserFactory
from trusts.actions import invitation_revoke, invitation_send
from trusts.models import Role, SeatGroup


def listing(*trust_ids, every_trust=False, programme_staff=False) -> Vouching:
    return Vouching(
        every_trust=every_trust, programme_staff=programme_staff, trust_ids=frozenset(trust_ids)
    )


def member_of(*trust_ids, beyond_trusts=False) -> Person:
    return Person(trust_ids=frozenset(trust_ids), beyond_trusts=beyond_trusts)


# The rule over plain values


def test_a_tenant_vouches_for_a_member_of_trusts_it_lists():
    assert vouches(listing(1, 2), member_of(1))
    assert vouches(listing(1, 2), member_of(1, 2))


def test_a_tenant_does_not_vouch_for_someone_with_a_trust_it_does_not_list():
    assert not vouches(listing(1), member_of(2))
    assert not vouches(listing(1), member_of(1, 2))  # a whole person, never part of one


def test_a_tenant_for_every_trust_vouches_for_the_members_of_any():
    assert vouches(listing(every_trust=True), member_of(1, 2, 3))


def test_nobody_vouches_for_someone_with_no_trust_and_no_role_beyond_one():
    nobody = member_of()
    assert not vouches(listing(1), nobody)
    assert not vouches(listing(every_trust=True, programme_staff=True), nobody)


def test_programme_staff_need_a_tenant_ticked_for_programme_staff():
    staff = member_of(beyond_trusts=True)
    assert not vouches(listing(every_trust=True), staff)
    assert vouches(listing(programme_staff=True), staff)


def test_programme_staff_on_a_board_need_the_tenant_for_their_trust_too():
    staff_on_a_board = member_of(1, beyond_trusts=True)
    assert not vouches(listing(programme_staff=True), staff_on_a_board)
    assert not vouches(listing(1), staff_on_a_board)
    assert vouches(listing(1, programme_staff=True), staff_on_a_board)


trust_ids = st.frozensets(st.integers(min_value=1, max_value=6), max_size=4)


@given(
    listed=trust_ids,
    more=trust_ids,
    every_trust=st.booleans(),
    programme_staff=st.booleans(),
    person_trusts=trust_ids,
    beyond_trusts=st.booleans(),
)
def test_listing_more_never_turns_anyone_away(
    listed, more, every_trust, programme_staff, person_trusts, beyond_trusts
):
    person = Person(trust_ids=person_trusts, beyond_trusts=beyond_trusts)
    narrow = Vouching(every_trust=every_trust, programme_staff=programme_staff, trust_ids=listed)
    wide = Vouching(
        every_trust=every_trust, programme_staff=programme_staff, trust_ids=listed | more
    )
    if vouches(narrow, person):
        assert vouches(wide, person)
        assert vouches(Vouching(every_trust=True, programme_staff=True, trust_ids=listed), person)


# Whom a person is, read from the database


def test_a_persons_trusts_are_those_of_their_memberships(trust, other_trust):
    user = MembershipFactory(trust=trust).user
    MembershipFactory(user=user, trust=other_trust, role=Role.COORDINATOR)
    assert person_of(user) == member_of(trust.pk, other_trust.pk)


def test_waiting_invitations_count_while_a_person_has_no_membership(
    trust, other_trust, coordinator
):
    user = UserFactory(email="new@trust-b.example")
    invitation_send(
        trust=other_trust,
        email="New@Trust-B.example",
        full_name="New Person",
        seat_group=SeatGroup.EXECUTIVE,
        by=coordinator,
    )
    assert person_of(user) == member_of(other_trust.pk)
    # Once they are on a board, their memberships are what they are.
    MembershipFactory(user=user, trust=trust)
    assert person_of(user) == member_of(trust.pk)


def test_revoked_and_expired_invitations_do_not_count(trust, other_trust, coordinator):
    user = UserFactory(email="new@trust-b.example")
    revoked = invitation_send(
        trust=trust,
        email=user.email,
        full_name="New Person",
        seat_group=SeatGroup.EXECUTIVE,
        by=coordinator,
    )
    invitation_revoke(invitation=revoked, by=coordinator)
    invitation_send(
        trust=other_trust,
        email=user.email,
        full_name="New Person",
        seat_group=SeatGroup.EXECUTIVE,
        by=coordinator,
    )
    later = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        assert person_of(user) == member_of()


@pytest.mark.parametrize("role", ["is_programme_staff", "is_superuser"])
def test_programme_staff_and_administrators_hold_a_role_beyond_any_trust(db, role):
    assert person_of(UserFactory(**{role: True})) == member_of(beyond_trusts=True)


def test_a_listed_tenant_vouches_for_its_trusts_members_in_a_few_queries(
    trust, other_trust, django_assert_max_num_queries
):
    tenant = SignInTenantFactory(trusts=[trust])
    ours = MembershipFactory(trust=trust).user
    theirs = MembershipFactory(trust=other_trust).user
    with django_assert_max_num_queries(2):
        assert tenant_vouches_for(tenant, ours)
    assert not tenant_vouches_for(tenant, theirs)


def test_a_tenant_is_found_by_its_id_in_any_case(db):
    tenant = SignInTenantFactory(tenant_id="0a0a0a0a-1111-4a4a-8a8a-00000000000a")
    assert tenant_find("0A0A0A0A-1111-4A4A-8A8A-00000000000A") == tenant
    assert tenant_find("0b0b0b0b-2222-4b4b-8b8b-00000000000b") is None
