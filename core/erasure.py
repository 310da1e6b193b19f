"""Replacing a person's name and address wherever free text holds them, for erasure."""

import re

from django.db.models import Q

ERASED = "(erased)"


def _scrubbed(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrubbed(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, pattern) for key, item in value.items()}
    return value


def scrub_everywhere(*, needles: list[str], texts: list[tuple]) -> int:
    """In each (model, [field, ...]) of ``texts``, replaces every occurrence of each needle
    (any case) with "(erased)", inside JSON too. Needles shorter than three characters are
    left alone (they would match too much). Returns how many rows changed."""
    needles = [needle for needle in needles if len(needle.strip()) >= 3]
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for model, fields in texts:
        found = Q()
        for name in fields:
            for needle in needles:
                found |= Q(**{f"{name}__icontains": needle})
        for row in model.objects.filter(found):
            for name in fields:
                setattr(row, name, _scrubbed(getattr(row, name), pattern))
            row.save(update_fields=fields)
            changed += 1
    return changed
