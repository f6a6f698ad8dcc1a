from django.contrib.contenttypes.models import ContentType
from django.db import models

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
