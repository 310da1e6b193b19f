"""What a refused or redirected request shows the person, asserted once: a test of who may
see a page checks the page they get, not only its status code. Registered for pytest's
assertion rewriting (tests/__init__.py), so a failure says what was shown instead."""

from urllib.parse import quote

from django.urls import reverse
from django.utils.html import escape


def text(response) -> str:
    return response.content.decode()


def forbidden(response):
    """Our 403 page: the page is not for this person's role, in words they can act on."""
    assert response.status_code == 403
    assert "<h1>You cannot see this page</h1>" in text(response)
    return response


def not_found(response):
    """Our 404 page, which says no more than that there is no such page."""
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in text(response)
    return response


def to_sign_in(response, url: str):
    """Sent to sign in, and brought back to ``url`` afterwards."""
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next={quote(url)}"
    return response


def redirected(response, url: str):
    """Sent on to ``url`` (its path, with any query or fragment)."""
    assert response.status_code == 302
    assert response["Location"] == url
    return response


def page_headed(response, heading: str):
    """A page shown, under this main heading (as the template escapes it)."""
    assert response.status_code == 200
    assert f"<h1>{escape(heading)}</h1>" in text(response)
    return response


def locked_out(response):
    """Sign-in refused for a while, saying when to try again, to people and to clients
    (Retry-After, in seconds)."""
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "<h1>Try again after " in text(response)
    return response


def signed_in_as(client, user) -> None:
    """The client's session belongs to ``user``."""
    assert client.session.get("_auth_user_id") == str(user.pk)
