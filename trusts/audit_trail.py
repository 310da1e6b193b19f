"""The audit trail in words, for the trust's coordinator and programme staff. Events carry
what happened and to what, never an answer.

Each event's words are declared by the room that records it (its ``audit_events``
module, read through core.audit). Every value is written as the pages write it, read
from the same place they read it: the models' choices (a status, a role, a seat group, a
RAG rating, a cover sheet's sections), principles.models.LEVEL_LABELS for levels, and the
pages' long date ("14 October 2026"). The apps above trusts (config/layers.py) are named
through Django's app registry, never imported."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.utils.dateformat import format as date_format

from core import audit
from core.models import AuditEvent
from principles.models import LEVEL_LABELS
from trusts.models import DataOrigin, Role, SeatGroup

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


def trail_entries(events: list[AuditEvent], *, names_of_members: bool = True) -> list[TrailEntry]:
    """The entries of a page of the trail, each target named by the room it belongs to
    (one query per kind of target)."""
    names = audit.target_names([(e.target_type, e.target_id) for e in events])
    return [trail_entry(e, names, names_of_members=names_of_members) for e in events]


def trail_entry(
    event: AuditEvent,
    names: dict[tuple[str, str], str] | None = None,
    *,
    names_of_members: bool = True,
) -> TrailEntry:
    if event.action in audit.named_for_the_trust_only() and not names_of_members:
        who = "A board member"
    else:
        who = event.actor_name or "Quarterdeck"
    return TrailEntry(
        at=event.at,
        who=who,
        what=audit.events().get(event.action, event.action),
        about=(names or {}).get((event.target_type, event.target_id), ""),
        detail=detail_in_words(event.action, event.detail or {}),
    )
