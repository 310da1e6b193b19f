"""The proxy chain in front of the app, read once from the environment for both gunicorn
(config/gunicorn.py) and Django (config/settings.py), so that the two never disagree.

``FORWARDED_ALLOW_IPS``: the addresses or networks the nearest proxy reaches the app from
("*" for any, as gunicorn reads it); only a request from one of them may say who the
client was. ``PROXY_COUNT``: how many proxies a request passes through on its way in, each
appending the address it was reached from to ``X-Forwarded-For`` (one TLS proxy: 1; a load
balancer in front of it: 2). A value that is not an address or a network stops the app
from starting.
"""

import os

from core.addresses import trusted_networks

PRODUCTION = os.environ.get("QUARTERDECK_ENV", "").lower() == "production"

FORWARDED_ALLOW_IPS = [
    address.strip()
    for address in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")
    if address.strip()
]
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1" if PRODUCTION else "0"))


if PROXY_COUNT < 0:
    raise ValueError("PROXY_COUNT is how many proxies are in front of the app: 0 or more.")
trusted_networks(FORWARDED_ALLOW_IPS)  # fails at start, not on the first sign-in
