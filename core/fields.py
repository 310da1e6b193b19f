"""A model field for exact fractions, stored as text ("29/14"), so that a mean is read back
exactly as it was worked out, on SQLite and PostgreSQL alike (a float would turn 5/2 into
2.5000000000000004 along the way, and a decimal column on SQLite is a float too)."""

from fractions import Fraction
from functools import lru_cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible

# Scores repeat across trusts and quarters (means of a few small integers), and parsing
# one is most of the cost of reading a summary row; a Fraction never changes, so one
# parsed value can serve every row that holds it.
_parsed = lru_cache(maxsize=16384)(Fraction)


class FractionField(models.CharField):
    description = "An exact fraction, stored as text"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 100:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value in (None, "") else _parsed(value)

    def to_python(self, value):
        if value is None or isinstance(value, Fraction):
            return value
        return Fraction(str(value)) if value != "" else None

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else str(value)


def fraction_text(value) -> str | None:
    """For JSON: the exact value as text, or None."""
    return None if value is None else str(Fraction(value))


def from_text(value) -> Fraction | None:
    """The exact value of its text ("29/14"), parsed once per process for each text."""
    return None if value in (None, "") else _parsed(str(value))


HTTPS_ONLY_MESSAGE = (
    "Enter a full web address that starts with https://, like https://www.example.nhs.uk/report"
)


@deconstructible
class HttpsOnly(URLValidator):
    """A full https web address, without a user name or password in it (the paper prints
    links as typed, and a browser would send them on)."""

    def __call__(self, value):
        super().__call__(value)
        parts = urlsplit(value)
        if parts.username is not None or parts.password is not None:
            raise ValidationError(self.message, code=self.code, params={"value": value})


# Links people add as evidence open in a board member's browser: https only.
https_only = HttpsOnly(schemes=["https"], message=HTTPS_ONLY_MESSAGE)
