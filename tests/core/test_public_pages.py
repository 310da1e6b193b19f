"""The pages a public service must have: accessibility statement, privacy notice, cookies,
help and contact; open to everyone and linked from every page's footer."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core import urls as core_urls

PAGES = {
    "core:accessibility": "Accessibility statement for Quarterdeck",
    "core:privacy": "Privacy notice",
    "core:cookies": "Cookies",
    "core:help": "Help and contact",
    "core:about": "About Quarterdeck",
}


@pytest.mark.parametrize(("name", "heading"), PAGES.items())
def test_public_page_is_open_to_everyone_and_linked_from_the_footer(
    signed_in, board_member, name, heading
):
    anonymous = Client()
    footer = anonymous.get(reverse("accounts:sign-in")).content.decode().split("<footer")[1]
    assert f'href="{reverse(name)}"' in footer
    for visitor in (anonymous, signed_in(board_member)):
        response = visitor.get(reverse(name))
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.content.decode()


def test_public_pages_state_what_the_settings_decide(client, db, settings):
    settings.MIN_RESPONSES = 5
    settings.SESSION_IDLE_MINUTES = 20
    settings.CONTACT_EMAIL = "help@trust.example"
    settings.SERVICE_OWNER = "Testshire Digital Boards team"
    privacy = client.get(reverse("core:privacy")).content.decode()
    assert "at least 5 members have submitted" in privacy
    assert "The data controller is Testshire Digital Boards team" in privacy
    assert 'href="mailto:help@trust.example"' in privacy
    assert "after 20 minutes without activity" in client.get(reverse("core:help")).content.decode()
    statement = client.get(reverse("core:accessibility")).content.decode()
    assert "Reporting a problem with accessibility" in statement
    assert "help@trust.example" in statement


def test_cookies_page_lists_every_cookie_the_service_sets(client, board_member):
    client.get(reverse("accounts:sign-in"))
    client.post(reverse("accounts:sign-in"), {"username": board_member.email, "password": "x"})
    client.post(
        reverse("accounts:sign-in"), {"username": board_member.email, "password": "a-test-password"}
    )
    client.post(reverse("accounts:sign-out"))
    set_here = set(client.cookies)
    assert set_here  # the flow above sets them
    page = client.get(reverse("core:cookies")).content.decode()
    for name in set_here:
        assert f'aria-hidden="true">Name </span>{name}</td>' in page


def public_pages() -> list[str]:
    """The sign-in page and every page made by core.views.public_page, by URL name."""
    made_by_public_page = [
        f"core:{pattern.name}"
        for pattern in core_urls.urlpatterns
        if pattern.callback.__qualname__.startswith("public_page.")
    ]
    return ["accounts:sign-in", *made_by_public_page]


def test_every_public_page_describes_itself_in_its_own_words(client, db):
    assert set(PAGES) < set(public_pages())
    descriptions = {}
    for name in public_pages():
        page = client.get(reverse(name)).content.decode()
        found = re.findall(r'<meta name="description" content="([^"]*)">', page)
        assert len(found) == 1, name
        assert len(found[0].split()) >= 10, name  # a sentence, not a placeholder
        descriptions[name] = found[0]
    assert len(set(descriptions.values())) == len(descriptions)  # each page its own
