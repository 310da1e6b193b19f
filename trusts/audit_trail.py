"""The audit trail in words, for the trust's coordinator and programme staff. Events carry
what happened and to what, never an answer.

Every value is written as the pages write it, read from the same place they read it: the
models' choices (a status, a role, a seat group, a RAG rating, a cover sheet's sections),
principles.models.LEVEL_LABELS for levels, and the pages' long date ("14 October 2026").
The apps above trusts (config/layers.py) are named through Django's app registry, never
imported."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.utils.dateformat import format as date_format

from core.models import AuditEvent
from principles.models import LEVEL_LABELS
from trusts.models import DataOrigin, Role, SeatGroup

DESCRIPTIONS = {
    "trusts.imported": "imported the trusts from NHS ODS",
    "trust.added": "added the trust",
    "user.created": "created an account",
    "user.two_factor_added": "set up a second sign-in step",
    "user.recovery_codes_replaced": "replaced their recovery codes",
    "user.recovery_code_used": "signed in with a recovery code",
    "user.two_factor_reset": "reset a person's second sign-in step",
    "cycle.created": "created a quarter",
    "assessment.opened": "opened the questionnaire",
    "assessment.closed": "closed the questionnaire",
    "assessment.reopened": "reopened the questionnaire",
    "targets.set": "set the board's targets",
    "positions.recorded": "recorded the board's agreed position",
    "cover_sheet.saved": "saved the paper's cover sheet",
    "cover_sheet.sections_chosen": "chose the sections of the trust's cover sheets",
    "board_action.added": "added an action",
    "board_action.changed": "changed an action",
    "membership.added": "added a role",
    "membership.removed": "removed a role",
    "invitation.sent": "invited a board member",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "revoked an invitation",
    "invitation.accepted": "accepted an invitation",
    "response.submitted": "submitted a response",
    "reminder.sent": "sent a reminder",
    "paper.frozen": "published the board paper",
    "paper.refrozen": "published the board paper again, after its figures changed",
    "papers.bulk_started": "started making every trust's board paper for a quarter",
    "results.published": "published the results",
    "results.held": "kept the results already published (too few responses had changed)",
    "person.erased": "erased a person's data",
    "retention.applied": "deleted what had been kept long enough",
}

# Events whose actor is shown only to the trust's coordinator: programme staff see that a
# board member submitted, and when, but not who (they never need to know).
NAMED_FOR_THE_TRUST_ONLY = {"response.submitted"}

# What of an event's detail is shown, in this order; the rest stays in the database for
# administrators.
SHOWN_DETAIL = (
    "quarter",
    "cycle",
    "reason",
    "email",
    "user",
    "role",
    "seat_group",
    "origin",
    "title",
    "status",
    "rag",
    "to",
    "meeting",
    "meeting_date",
    "purpose",
    "purposes",
    "sections",
    "principles",
    "release",
    "responses",
    "papers",
)

# The pages' long date (templates: ``|date:"j F Y"``).
LONG_DATE = "j F Y"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _model_choices(app_label: str, name: str):
    """A TextChoices class of an app above trusts, from the app registry."""
    return getattr(apps.get_app_config(app_label).models_module, name)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# How each detail is written: its words, and its value in words.
CHOICES_OF = {
    "role": lambda: Role,
    "seat_group": lambda: SeatGroup,
    "origin": lambda: DataOrigin,
    "status": lambda: _model_choices("assessments", "ActionStatus"),
    "rag": lambda: _model_choices("assessments", "ActionRag"),
    "purpose": lambda: _model_choices("reports", "CoverPurpose"),
    "purposes": lambda: _model_choices("reports", "CoverPurposes"),
    "sections": lambda: _model_choices("reports", "CoverSection"),
}
KEY_WORDS = {"rag": "RAG", "to": "to", "cycle": "quarter", "release": "release number"}


def date_in_words(value) -> str:
    """An ISO date (or a date) as the pages write it: "14 October 2026"."""
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    return date_format(day, LONG_DATE)


def level_in_words(value) -> str:
    """A level as the forms write it ("3 – Developing"); a part level as its number."""
    try:
        level = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if level == level.to_integral_value() and int(level) in LEVEL_LABELS:
        return f"{int(level)} – {LEVEL_LABELS[int(level)]}"
    return f"{level.normalize()}"


def value_in_words(key: str, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value_in_words(key, item) for item in value)
    if key in CHOICES_OF:
        return _label(CHOICES_OF[key](), value)
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date_in_words(value)
        except ValueError:
            return value
    return str(value)


def key_in_words(key: str) -> str:
    return KEY_WORDS.get(key, key.replace("_", " "))


def detail_in_words(action: str, detail: dict) -> str:
    if action == "targets.set":
        # {principle number: level, or None where the target was cleared}
        return "; ".join(
            f"principle {number}: {level_in_words(level) if level else 'no target'}"
            for number, level in sorted(detail.items(), key=lambda item: int(item[0]))
            if str(number).isdigit()
        )
    if action == "retention.applied":
        # {line of the schedule: how many went}
        return "; ".join(f"{key_in_words(line)}: {count}" for line, count in detail.items())
    return "; ".join(
        f"{key_in_words(key)}: {value_in_words(key, detail[key])}"
        for key in SHOWN_DETAIL
        if detail.get(key) not in (None, "", [])
    )


@dataclass(frozen=True)
class TrailEntry:
    at: object
    who: str
    what: str
    about: str
    detail: str


def trail_entry(
    event: AuditEvent, quarters: dict[str, str], *, names_of_members: bool = True
) -> TrailEntry:
    if event.action in NAMED_FOR_THE_TRUST_ONLY and not names_of_members:
        who = "A board member"
    else:
        who = event.actor_name or "Quarterdeck"
    return TrailEntry(
        at=event.at,
        who=who,
        what=DESCRIPTIONS.get(event.action, event.action),
        about=quarters.get(event.target_id, "")
        if event.target_type == "assessments.assessment"
        else "",
        detail=detail_in_words(event.action, event.detail or {}),
    )
