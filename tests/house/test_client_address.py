"""The client's address behind the proxy chain (core.addresses): what every control that
reads an address is given."""

import pytest
from django.test import RequestFactory

from core.addresses import client_address


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        # No proxy configured (runserver, tests): the connection is the client.
        (0, "127.0.0.1", "198.51.100.1", "127.0.0.1"),
        # One TLS proxy: the address it appended, whatever the client wrote before it.
        (1, "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (1, "127.0.0.1", "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        (1, "::1", "2001:db8::7", "2001:db8::7"),
        # A load balancer, then the TLS proxy: the load balancer's hop is skipped.
        (2, "127.0.0.1", "192.0.2.66, 198.51.100.1, 10.0.0.5", "198.51.100.1"),
        # The proxy sent no usable header: its own address, never a guess.
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", "not an address", "127.0.0.1"),
        (2, "127.0.0.1", "198.51.100.1", "127.0.0.1"),
        # Not from the proxy: whatever the header says is the sender's own words.
        (1, "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # A client's unclosed quote or junk cannot hide the entry the proxy appended.
        (1, "127.0.0.1", '5.5.5.5, "x, 198.51.100.1', "198.51.100.1"),
        (2, "127.0.0.1", '5.5.5.5, "x, 198.51.100.1, 10.0.0.5', "198.51.100.1"),
        (1, "127.0.0.1", '"a,b", 198.51.100.1', "198.51.100.1"),
        (1, "127.0.0.1", "198.51.100.1, x", "127.0.0.1"),
        # More proxies configured than the request passed: never a client-written entry.
        (3, "127.0.0.1", "198.51.100.1, 10.0.0.5", "127.0.0.1"),
    ],
)
def test_the_client_is_the_address_the_proxy_chain_added(
    settings, proxies, remote, forwarded, client
):
    settings.PROXY_COUNT = proxies
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1"]
    assert client_address(request_from(remote, forwarded)) == client


def test_a_trusted_proxy_may_be_named_by_its_network(settings):
    settings.PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    assert client_address(request_from("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
    assert client_address(request_from("11.1.2.3", "198.51.100.1")) == "11.1.2.3"


def test_any_proxy_address_may_be_trusted_with_a_star(settings):
    settings.PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["*"]
    assert client_address(request_from("10.9.8.7", "198.51.100.1")) == "198.51.100.1"


def test_a_proxy_setting_that_is_not_an_address_stops_the_app_from_starting(monkeypatch):
    import importlib

    import config.proxy

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1,not-a-proxy")
    with pytest.raises(ValueError, match="not-a-proxy"):
        importlib.reload(config.proxy)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    importlib.reload(config.proxy)
