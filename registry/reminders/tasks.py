"""Thin tasks: take ids, call a service. The sweep fans out into batches of units of a bounded
number of people (`services.unit_batches`), so a province of 100,000 members never becomes
one giant task and the workers share the work."""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services

RETRIED = {
    "ignore_result": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="registry.reminders.tasks.reminders_sweep", ignore_result=True)
def reminders_sweep(today: str | None = None, again: bool = False) -> int:
    day = today or timezone.localdate().isoformat()
    batches = 0
    for batch in services.unit_batches():
        remind_units_batch.delay(batch, day, again)
        batches += 1
    return batches


@shared_task(name="registry.reminders.tasks.remind_units_batch", **RETRIED)
def remind_units_batch(unit_ids: list[int], today: str, again: bool = False) -> int:
    return services.remind_units(
        unit_ids=unit_ids, today=datetime.date.fromisoformat(today), again=again
    )


# Batches of people and of units, as the sweep sent them before it went by units: kept so
# that messages queued by an earlier version still run, and to remind given people.
@shared_task(name="registry.reminders.tasks.remind_members_batch", **RETRIED)
def remind_members_batch(member_ids: list[int], today: str) -> int:
    return services.remind_members(member_ids=member_ids, today=datetime.date.fromisoformat(today))


@shared_task(name="registry.reminders.tasks.remind_secretaries_batch", **RETRIED)
def remind_secretaries_batch(unit_ids: list[int], today: str) -> int:
    return services.remind_secretaries(unit_ids=unit_ids, today=datetime.date.fromisoformat(today))
