"""Recording what happened. Every state change that matters calls `record`."""

from __future__ import annotations

from ouderportaal.core.models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    school=None,
    obj=None,
    student=None,
    **data,
) -> AuditEvent:
    """Append one event. `action` is dotted, e.g. `guardian.link.created`."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        school=school,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        student=student,
        data=data,
    )
