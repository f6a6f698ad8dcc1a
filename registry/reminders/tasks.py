"""Thin tasks: take ids, call a service. The sweep fans out into bounded batches so a
province of 100,000 members never becomes one giant task."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from . import services


def _chunks(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@shared_task(name="registry.reminders.tasks.reminders_sweep", ignore_result=True)
def reminders_sweep(today: str | None = None) -> int:
    day = today or timezone.localdate().isoformat()
    size = settings.REMINDER_BATCH_SIZE
    batches = 0
    for chunk in _chunks(services.members_to_remind(), size):
        remind_members_batch.delay(chunk, day)
        batches += 1
    for chunk in _chunks(services.units_to_remind(), size):
        remind_secretaries_batch.delay(chunk, day)
        batches += 1
    return batches


@shared_task(
    name="registry.reminders.tasks.remind_members_batch",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_members_batch(member_ids: list[int], today: str) -> int:
    return services.remind_members(member_ids=member_ids, today=datetime.date.fromisoformat(today))


@shared_task(
    name="registry.reminders.tasks.remind_secretaries_batch",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_secretaries_batch(unit_ids: list[int], today: str) -> int:
    return services.remind_secretaries(unit_ids=unit_ids, today=datetime.date.fromisoformat(today))
