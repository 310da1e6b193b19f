from django.db import models

from core.models import AuditEvent


def audit(
    *,
    action: str,
    by,
    trust=None,
    target: models.Model | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Record that ``by`` (a user, or None for the system) did ``action``."""
    return AuditEvent.objects.create(
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        trust=trust,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )
