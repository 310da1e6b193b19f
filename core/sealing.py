"""Sealing a value with the service's secret key: encrypted and signed, so that someone
who can read the database (a replica, a backup, a support console) cannot read or change
it. Each use has its own purpose, and so its own key; a key in SECRET_KEY_FALLBACKS still
opens what it sealed."""

import base64

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


def sealer(purpose: str) -> MultiFernet:
    """Seals with the secret key; opens with it or any earlier key still accepted."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(purpose, "key", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )
