"""Replacing a person's name and address wherever free text holds them, for erasure."""

import re

from django.db import models
from django.db.models import Q

ERASED = "(erased)"


def text_fields(model) -> list[str]:
    """The model's free-text and JSON columns (not choices): where a name may be typed."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and not field.primary_key
    ]


def _scrubbed(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrubbed(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, pattern) for key, item in value.items()}
    return value


def scrub_everywhere(*, needles: list[str], places: list[tuple]) -> int:
    """In each (queryset, [field, ...] or None for every text field) of ``places``,
    replaces each needle (any case, as a whole word or address) with "(erased)", inside
    JSON too. Needles shorter than three characters are left alone (they would match too
    much). Returns how many rows changed."""
    needles = [needle for needle in needles if len(needle.strip()) >= 3]
    if not needles:
        return 0
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(needle)}(?!\w)" for needle in needles), re.IGNORECASE
    )
    changed = 0
    for queryset, fields in places:
        fields = fields or text_fields(queryset.model)
        found = Q()
        for name in fields:
            for needle in needles:
                found |= Q(**{f"{name}__icontains": needle})
        for row in queryset.filter(found):
            before = [getattr(row, name) for name in fields]
            after = [_scrubbed(value, pattern) for value in before]
            if after != before:
                for name, value in zip(fields, after, strict=True):
                    setattr(row, name, value)
                row.save(update_fields=fields)
                changed += 1
    return changed
