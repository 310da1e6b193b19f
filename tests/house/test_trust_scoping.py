"""Every page under a trust is reached through the trusts the person may see: for someone
of another trust (its coordinator, one of its board members) each one is a 404, whether
asked for or posted to, and so is a trust that does not exist. One walk over the URL list,
so a page added later is covered without a test of its own."""

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.quarter.decisions import ActionInput, board_action_save
from config.layers import LAYERS
from tests.factories import MembershipFactory
from tests.pages import not_found
from trusts.actions import invitation_send
from trusts.models import Role, SeatGroup

TRUST_PREFIX = "trusts/<str:ods_code>/"
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


TRUST_ROUTES = sorted(
    (route, pattern.name)
    for route, pattern in routes(get_resolver().url_patterns)
    if route.startswith(TRUST_PREFIX)
)


def test_the_walk_covers_the_trusts_pages():
    names = {name for _, name in TRUST_ROUTES}
    assert {"trust-detail", "board-people", "assessment-detail", "paper-pdf"} <= names
    assert len(TRUST_ROUTES) >= 25


@pytest.fixture
def objects(trust, assessment, coordinator, board_member):
    """A real object of the trust for each kind of id in its URLs, so that a 404 means
    the trust was out of reach, not that the object was missing."""
    import datetime

    invitation = invitation_send(
        trust=trust,
        email="invited@trust.example",
        full_name="Invited Person",
        seat_group=SeatGroup.EXECUTIVE,
        by=coordinator,
    )
    action = board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(1, "An action", "Owner", datetime.date(2027, 1, 1), "not_started", ""),
        by=coordinator,
    )
    membership = trust.memberships.get(user=board_member)
    return {
        "invitation-resend": invitation.pk,
        "invitation-revoke": invitation.pk,
        "membership-remove": membership.pk,
        "board-action-edit": action.pk,
    }


def everything_stored() -> dict:
    """Every row of every model of ours, to show that a refused request changed nothing
    (no answer, closed quarter, removed member or audit entry)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for config in apps.get_app_configs()
        if config.name in LAYERS
        for model in config.get_models()
    }


def url_for(route: str, name: str, *, ods_code: str, assessment, objects) -> str:
    values = {
        "ods_code": ods_code,
        "cycle": assessment.cycle.slug,
        "number": "1",
        "pk": str(objects.get(name, 1)),
        "level": "principles",
        "extension": "csv",
    }
    return "/" + PARAMETER.sub(lambda match: values[match.group(1)], route)


@pytest.mark.parametrize("outsider_role", [Role.COORDINATOR, Role.BOARD_MEMBER])
@pytest.mark.parametrize(("route", "name"), TRUST_ROUTES)
def test_trust_page_is_404_for_someone_of_another_trust(
    signed_in, trust, other_trust, assessment, objects, route, name, outsider_role
):
    outsider = MembershipFactory(
        trust=other_trust,
        role=outsider_role,
        seat_group=SeatGroup.EXECUTIVE if outsider_role == Role.BOARD_MEMBER else "",
    ).user
    client = signed_in(outsider)
    url = url_for(route, name, ods_code=trust.ods_code, assessment=assessment, objects=objects)
    before = everything_stored()
    not_found(client.get(url))
    not_found(client.post(url, {"confirm": "yes", "level": "3"}))
    assert everything_stored() == before


@pytest.mark.parametrize(("route", "name"), TRUST_ROUTES)
def test_trust_page_of_a_trust_that_does_not_exist_is_404(
    signed_in, coordinator, assessment, objects, route, name
):
    url = url_for(route, name, ods_code="QZZ", assessment=assessment, objects=objects)
    not_found(signed_in(coordinator).get(url))
