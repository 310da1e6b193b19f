from dataclasses import dataclass

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
