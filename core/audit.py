"""The audit trail's entries, and the events they may record. Each room (app) declares
the events it records, with their words, in its own ``audit_events`` module:

    EVENTS = {"assessment.closed": "closed the questionnaire", ...}
    NAMED_FOR_THE_TRUST_ONLY = {...}  # optional: whose actor only the trust's own see
    TARGETS = {"app.model": names}  # optional: names(ids) -> {id: words}, for "about"

``audit()`` refuses an event nobody declared, and tests/house/test_layers.py checks that each
event is declared by the room whose code records it."""

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from core.models import AuditEvent


@dataclass(frozen=True)
class SystemActor:
    """Quarterdeck acting when no person asked at that moment: a command, a task, a seeder.
    Named, so the audit trail says which."""

    name: str

    def __str__(self) -> str:
        return f"Quarterdeck ({self.name})"


class ActorMissing(ValueError):
    """An audit entry with no one behind it: a person or a SystemActor must be named."""


class UnknownEvent(ValueError):
    """An audit entry for an event no room has declared (with its words)."""


@dataclass(frozen=True)
class Room:
    """What one app or room declares of its audit events."""

    app: str  # "trusts", "assessments.quarter"
    events: dict[str, str]
    named_for_the_trust_only: frozenset[str] = frozenset()
    targets: dict[str, Callable[[list[str]], dict[str, str]]] = field(default_factory=dict)


@functools.cache
def rooms() -> tuple[Room, ...]:
    """Every installed app's declared events, and each of its rooms' (its packages with an
    ``audit_events`` module of their own), in the order the apps are installed."""
    found = []
    for config in apps.get_app_configs():
        packages = [
            f"{config.name}.{package.name}"
            for package in pkgutil.iter_modules([config.path])
            if package.ispkg
        ]
        for name in (config.name, *sorted(packages)):
            try:
                module = importlib.import_module(f"{name}.audit_events")
            except ModuleNotFoundError as missing:
                if missing.name != f"{name}.audit_events":
                    raise
                continue
            found.append(
                Room(
                    name,
                    dict(module.EVENTS),
                    frozenset(getattr(module, "NAMED_FOR_THE_TRUST_ONLY", ())),
                    dict(getattr(module, "TARGETS", {})),
                )
            )
    return tuple(found)


@functools.cache
def events() -> dict[str, str]:
    """Every declared event and its words ("closed the questionnaire")."""
    declared: dict[str, str] = {}
    for room in rooms():
        for event, words in room.events.items():
            if event in declared:
                raise ValueError(f"{event!r} is declared by two rooms")
            declared[event] = words
    return declared


def named_for_the_trust_only() -> frozenset[str]:
    return frozenset().union(*(room.named_for_the_trust_only for room in rooms()))


def target_names(targets: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Words for each (target type, id) whose room can name it (a quarter's label), in one
    call per type."""
    namers = {kind: names for room in rooms() for kind, names in room.targets.items()}
    ids_of: dict[str, list[str]] = {}
    for kind, pk in targets:
        if kind in namers:
            ids_of.setdefault(kind, []).append(pk)
    return {
        (kind, pk): words
        for kind, ids in ids_of.items()
        for pk, words in namers[kind](sorted(set(ids))).items()
    }


def person(by):
    """The person behind ``by``, or None when it is Quarterdeck itself (a SystemActor)."""
    return None if isinstance(by, SystemActor) else by


def audit(
    *,
    action: str,
    by,
    trust=None,
    target: models.Model | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Record that ``by`` (a signed-in person, or a SystemActor) did ``action``. The names
    of who did it and of the trust are kept with the entry, so it still reads right after
    either is deleted (only erasure, which scrubs a person's name, changes them)."""
    actor = person(by)
    if not isinstance(by, SystemActor) and not (
        getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None
    ):
        raise ActorMissing(f"Audit entry {action!r} needs a person or a SystemActor, not {by!r}.")
    if action not in events():
        raise UnknownEvent(f"{action!r} is not declared in any app's audit_events module.")
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=str(by)[:150],
        trust=trust,
        trust_name=trust.name if trust is not None else "",
        trust_code=trust.ods_code if trust is not None else "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )
