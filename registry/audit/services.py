from django.contrib.contenttypes.models import ContentType
from django.db import models

from registry.core import bulk

from .models import AuditEvent


def audit_record(*, actor, action: str, target: models.Model, summary: str = "", **data):
    """Write one audit event. Call it inside the transaction of the change it records, so
    both are kept or both are rolled back."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        summary=summary,
        data=data,
    )


def audit_events_for(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def audit_record_many(*, actor, action: str, rows, batch_size: int = 5000) -> int:
    """Write one audit event per `(target, summary, data)` of `rows` in bulk (an import of a
    roster): the same events `audit_record` writes one by one, inside the caller's
    transaction."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    events, types = [], {}
    for target, summary, data in rows:
        model = type(target)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        events.append(
            AuditEvent(
                actor=actor,
                action=action,
                target_type=types[model],
                target_id=str(target.pk),
                summary=summary[:500],
                data=data,
            )
        )
    bulk.insert(AuditEvent, events, batch_size=batch_size)
    return len(events)
