import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import MembershipFactory
from trusts.models import Role, SeatGroup
from trusts.permissions import (
    PROGRAMME_PERMISSIONS,
    TRUST_ROLE_PERMISSIONS,
    Permission,
    has_permission,
    visible_trusts,
)

# Views that need no declaration: Django's admin guards itself with is_staff.
UNDECLARED_NAMESPACES = {"admin"}


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


def test_every_view_declares_a_permission():
    undeclared = [
        str(pattern.pattern)
        for namespace, pattern in walk(get_resolver().url_patterns)
        if namespace not in UNDECLARED_NAMESPACES
        and not hasattr(pattern.callback, "required_permission")
    ]
    assert undeclared == []


def test_only_sign_in_password_reset_invitations_public_pages_and_health_are_public():
    public = sorted(
        pattern.name
        for namespace, pattern in walk(get_resolver().url_patterns)
        if namespace not in UNDECLARED_NAMESPACES
        and getattr(pattern.callback, "required_permission", "") is None
    )
    assert public == [
        "about",
        "accessibility",
        "cookies",
        "healthz",
        "help",
        "index",  # the open data page, while settings.OPEN_DATA is on
        "invitation-accept",
        "openapi-json",  # the API's description: no data, and tools read it without a token
        "password-reset",
        "password-reset-confirm",
        "password-reset-done",
        "password-reset-sent",
        "privacy",
        "quarter",  # a published quarter's open data file, while settings.OPEN_DATA is on
        "reference",  # the API's reference page, from the same description
        "sign-in",
        "sign-out",
        "sso-callback",
        "sso-start",
    ]


def test_every_role_has_a_permission_set():
    assert set(TRUST_ROLE_PERMISSIONS) == set(Role)


def test_has_permission_anonymous_has_none(rf, trust):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not any(has_permission(anonymous, p, trust=trust) for p in Permission)


@pytest.mark.parametrize("permission", list(Permission))
def test_has_permission_board_member_matches_role_data(board_member, trust, permission):
    expected = permission in TRUST_ROLE_PERMISSIONS[Role.BOARD_MEMBER] or (
        permission == Permission.SERVICE_USE
    )
    assert has_permission(board_member, permission, trust=trust) is expected


@pytest.mark.parametrize("permission", list(Permission))
def test_has_permission_coordinator_matches_role_data(coordinator, trust, permission):
    expected = permission in TRUST_ROLE_PERMISSIONS[Role.COORDINATOR] or (
        permission == Permission.SERVICE_USE
    )
    assert has_permission(coordinator, permission, trust=trust) is expected


def test_has_permission_roles_at_one_trust_give_nothing_at_another(coordinator, other_trust):
    assert not has_permission(coordinator, Permission.TRUST_VIEW, trust=other_trust)
    assert not has_permission(coordinator, Permission.MEMBERS_VIEW, trust=other_trust)


def test_has_permission_programme_staff_everywhere_but_never_trust_roles(
    programme_staff, trust, other_trust
):
    for t in (trust, other_trust):
        for permission in Permission:
            expected = permission in PROGRAMME_PERMISSIONS or permission == Permission.SERVICE_USE
            assert has_permission(programme_staff, permission, trust=t) is expected


def test_has_permission_inactive_user_has_none(coordinator, trust):
    coordinator.is_active = False
    assert not has_permission(coordinator, Permission.SERVICE_USE)
    assert not has_permission(coordinator, Permission.TRUST_VIEW, trust=trust)


def test_has_permission_two_roles_combine(trust):
    person = MembershipFactory(trust=trust, role=Role.COORDINATOR, seat_group="").user
    MembershipFactory(
        trust=trust, user=person, role=Role.BOARD_MEMBER, seat_group=SeatGroup.EXECUTIVE
    )
    assert has_permission(person, Permission.MEMBERS_VIEW, trust=trust)


def test_has_permission_reads_memberships_once(coordinator, trust, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(5):
            has_permission(coordinator, Permission.TRUST_VIEW, trust=trust)


def test_visible_trusts_member_sees_own_only(board_member, trust, other_trust):
    assert list(visible_trusts(board_member)) == [trust]


def test_visible_trusts_programme_staff_sees_all(programme_staff, trust, other_trust):
    assert set(visible_trusts(programme_staff)) == {trust, other_trust}
