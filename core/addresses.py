"""The address a request came from: the person's own, not the proxy's.

Every control that reads an address (sign-in lockouts today) asks ``client_address``.
``X-Forwarded-For`` is believed only when the request reached us from the nearest proxy
(settings.FORWARDED_ALLOW_IPS), and then only the entry the proxy chain appended for the
client: with ``PROXY_COUNT`` proxies in front, the one that many places from the right.
Proxies append ", address", so the header is split at its commas and nothing a client
wrote to the left is read. (The libraries we tried, python-ipware and werkzeug's
ProxyFix, read the header as quoted strings, so a client's unclosed quote could swallow
the proxy's own entry: docs/decisions/0031-the-clients-address.md.) An entry that is not
an address, or a chain shorter than the proxies configured, gives the connection's own.
"""

import ipaddress
import logging
from functools import cache

from django.conf import settings

logger = logging.getLogger(__name__)


def trusted_networks(addresses: list[str]) -> list | None:
    """The networks of ``addresses``; None when "*" trusts every address. Raises
    ValueError on anything else (config/proxy.py checks the setting at start)."""
    if "*" in addresses:
        return None
    return [ipaddress.ip_network(address, strict=False) for address in addresses]


@cache
def _networks(addresses: tuple[str, ...]) -> list | None:
    return trusted_networks(list(addresses))


def from_trusted_proxy(remote: str) -> bool:
    networks = _networks(tuple(settings.FORWARDED_ALLOW_IPS))
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(request) -> str:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count < 1 or not from_trusted_proxy(remote):
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < count or not chain[-count]:
        logger.warning("X-Forwarded-For has fewer entries than PROXY_COUNT (%s)", count)
        return remote
    try:
        return str(ipaddress.ip_address(chain[-count]))
    except ValueError:
        logger.warning("X-Forwarded-For's client entry is not an address")
        return remote
