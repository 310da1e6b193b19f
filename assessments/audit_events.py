"""The events the quarters' room records in the audit trail (core.audit), whose actors
only the trust's own see, and how a quarter is named in an entry's "about"."""

from assessments.models import Assessment

EVENTS = {
    "cycle.created": "created a quarter",
    "assessment.opened": "opened the questionnaire",
    "assessment.closed": "closed the questionnaire",
    "assessment.reopened": "reopened the questionnaire",
    "targets.set": "set the board's targets",
    "positions.recorded": "recorded the board's agreed position",
    "board_action.added": "added an action",
    "board_action.changed": "changed an action",
    "response.submitted": "submitted a response",
    "reminder.sent": "sent a reminder",
    "results.published": "published the results",
    "results.held": "kept the results already published (too few responses had changed)",
    "person.erased": "erased a person's data",
    "retention.applied": "deleted what had been kept long enough",
}

# Programme staff see that a board member submitted, and when, but not who.
NAMED_FOR_THE_TRUST_ONLY = {"response.submitted"}


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
