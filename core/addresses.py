"""The address a request came from: the person's own, not the proxy's.

Every control that reads an address (sign-in lockouts today) asks ``client_address``.
``X-Forwarded-For`` is believed only when the request reached us from the nearest proxy
(settings.FORWARDED_ALLOW_IPS), and then python-ipware (django-ipware's engine) takes the
address the proxy chain added for the client: with ``PROXY_COUNT`` proxies in front, the
one that many places from the right, so that whatever a client wrote into the header
itself is never read.
"""

import ipaddress

from django.conf import settings
from python_ipware import IpWare


def _networks(addresses: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(address, strict=False) for address in addresses]


def from_trusted_proxy(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in _networks(settings.FORWARDED_ALLOW_IPS))


def client_address(request) -> str:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``); the connection's own address
    when no proxy is configured, the request did not come through it, or the proxy's
    header is missing or unreadable."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT < 1 or not from_trusted_proxy(remote):
        return remote
    resolver = IpWare(
        precedence=("HTTP_X_FORWARDED_FOR",),
        # The nearest proxy's own address is REMOTE_ADDR, not a hop in the header.
        proxy_count=settings.PROXY_COUNT - 1,
    )
    # Not strict: a client may have sent a header of its own, which the chain appends to.
    forwarded, _trusted = resolver.get_client_ip(request.META, strict=False)
    return str(forwarded) if forwarded else remote
