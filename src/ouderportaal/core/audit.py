"""Recording what happened. Every state change that matters calls `record`."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from ouderportaal.core.models import AuditEvent


def values_of(obj, fields) -> dict:
    """The JSON-safe values of `fields` on `obj`, for an event's `old` and `new`.

    A foreign key is given by its id (`group` becomes the group's pk).
    """
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the entries that differ, as (old, new)."""
    keys = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}


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
