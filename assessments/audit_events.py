"""How a quarter is named in an audit entry's "about" (core.audit). The events themselves
are declared by the rooms that record them (assessments/<room>/audit_events.py)."""

from assessments.models import Assessment

EVENTS: dict[str, str] = {}


def quarter_labels(ids: list[str]) -> dict[str, str]:
    """Each assessment's quarter, as the pages name it ("2026/27 Q3"): one query."""
    numbers = [int(pk) for pk in ids if pk.isdigit()]
    return {
        str(pk): label
        for pk, label in (
            (a.pk, a.cycle.label)
            for a in Assessment.objects.filter(pk__in=numbers).select_related("cycle")
        )
    }


TARGETS = {"assessments.assessment": quarter_labels}
