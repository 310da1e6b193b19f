"""A permission held anywhere: as programme staff, or at any trust through a role. What a
person's own things need (their API tokens), checked against their roles as they are now."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from tests.factories import MembershipFactory
from tests.pages import forbidden, to_sign_in
from trusts.models import Role, SeatGroup
from trusts.permissions import (
    Permission,
    has_permission_somewhere,
    memberships_of,
    requires_somewhere,
)


def test_programme_staff_hold_the_api_somewhere_without_a_role(programme_staff):
    assert has_permission_somewhere(programme_staff, Permission.API_USE)


def test_a_digital_lead_holds_the_api_through_their_role(coordinator):
    assert has_permission_somewhere(coordinator, Permission.API_USE)


def test_a_board_member_does_not_hold_the_api_anywhere(board_member):
    assert not has_permission_somewhere(board_member, Permission.API_USE)
    assert has_permission_somewhere(board_member, Permission.QUESTIONNAIRE_ANSWER)


def test_a_role_at_any_one_trust_is_enough(board_member, other_trust):
    MembershipFactory(trust=other_trust, user=board_member, role=Role.COORDINATOR, seat_group="")
    assert has_permission_somewhere(board_member, Permission.API_USE)


def test_an_executive_seat_never_grants_what_only_a_digital_lead_has(trust):
    person = MembershipFactory(
        trust=trust, role=Role.BOARD_MEMBER, seat_group=SeatGroup.EXECUTIVE
    ).user
    assert not has_permission_somewhere(person, Permission.MEMBERS_MANAGE)


def test_anonymous_and_inactive_people_hold_nothing(coordinator):
    assert not has_permission_somewhere(AnonymousUser(), Permission.API_USE)
    coordinator.is_active = False
    assert not has_permission_somewhere(coordinator, Permission.API_USE)


def test_a_digital_lead_removed_from_their_trust_holds_it_no_longer(coordinator, trust):
    assert has_permission_somewhere(coordinator, Permission.API_USE)
    coordinator.memberships.all().delete()
    coordinator.refresh_from_db()
    del coordinator._quarterdeck_memberships  # the next request reads the roles again
    assert not has_permission_somewhere(coordinator, Permission.API_USE)


def test_it_reads_the_roles_once_a_request(coordinator, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(3):
            has_permission_somewhere(coordinator, Permission.API_USE)
    assert memberships_of(coordinator).roles


@requires_somewhere(Permission.API_USE)
def own_things(request):
    return HttpResponse("Your tokens")


def request_by(user):
    request = RequestFactory().get("/account/api-tokens/")
    request.user = user
    return request


def test_requires_somewhere_declares_its_permission():
    assert own_things.required_permission == Permission.API_USE


def test_requires_somewhere_sends_someone_signed_out_to_sign_in(db):
    to_sign_in(own_things(request_by(AnonymousUser())), "/account/api-tokens/")


def test_requires_somewhere_refuses_someone_without_it(board_member):
    with pytest.raises(PermissionDenied):
        own_things(request_by(board_member))


@pytest.mark.parametrize("who", ["coordinator", "programme_staff"])
def test_requires_somewhere_lets_in_whoever_holds_it(who, request):
    response = own_things(request_by(request.getfixturevalue(who)))
    assert response.content == b"Your tokens"


def test_a_page_declared_so_is_our_403_for_a_board_member(signed_in, board_member):
    forbidden(signed_in(board_member).get("/account/api-tokens/"))
