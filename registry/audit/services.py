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


def audit_record_many(*, actor, action: str, rows, model=None, batch_size: int = 5000) -> int:
    """Write one audit event per `(target, summary, data)` of `rows` in bulk (an import of a
    roster): the same events `audit_record` writes one by one, inside the caller's
    transaction. With `model`, each target is given by its primary key alone (no instance)."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    types = {}

    def type_id(of) -> int:
        if of not in types:
            types[of] = ContentType.objects.get_for_model(of).pk
        return types[of]

    events = [
        (
            actor_id,
            action,
            type_id(model or type(target)),
            str(target if model else target.pk),
            summary[:500],
            data,
        )
        for target, summary, data in rows
    ]
    bulk.insert_rows(
        AuditEvent,
        ["actor_id", "action", "target_type_id", "target_id", "summary", "data"],
        events,
        batch_size=batch_size,
    )
    return len(events)
