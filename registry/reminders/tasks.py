"""Thin tasks: take ids, call a service. The sweep fans out into batches of units of a bounded
number of people (`services.unit_batches`), so a province of 100,000 members never becomes
one giant task and the workers share the work."""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from registry.core import schedule
from registry.core.services import heartbeat_record

from . import services

SWEEP_TASK = "registry.reminders.tasks.reminders_sweep"

# A batch whose database is away is tried again 5, 10, 20 … seconds later, up to 10 minutes
# apart, for about half an hour (less with the jitter); the catch-up job takes over after that.
RETRIED = {
    "ignore_result": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 10,
}
SWEEP_QUEUED = "reminders: sweep queued"
# A sweep's batches are done within minutes; units still not swept this long after their
# batches were queued were lost (broker restarted without its data, retries exhausted).
CATCH_UP_GRACE = datetime.timedelta(minutes=15)


def _queue(batches, day: str, again: bool = False) -> int:
    heartbeat_record(name=SWEEP_QUEUED)
    sent = 0
    for batch in batches:
        remind_units_batch.delay(batch, day, again)
        sent += 1
    return sent


@shared_task(
    name="registry.reminders.tasks.reminders_sweep",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=10,
)
def reminders_sweep(today: str | None = None, again: bool = False) -> int:
    day = today or timezone.localdate().isoformat()
    return _queue(services.unit_batches(), day, again)


@shared_task(name="registry.reminders.tasks.reminders_catch_up", ignore_result=True)
def reminders_catch_up() -> int:
    """Every few minutes: once today's sweep is due, queue again the units it has not swept
    yet, unless their batches were queued less than `CATCH_UP_GRACE` ago. Idempotent: a
    batch claims its units for the day, and the inbox records each reminder once."""
    now = timezone.now()
    if not schedule.catch_up_due(SWEEP_TASK, marker=SWEEP_QUEUED, grace=CATCH_UP_GRACE, now=now):
        return 0
    today = timezone.localdate(now)
    if not services.units_left(today=today).exists():
        return 0
    return _queue(services.unit_batches(left_on=today), today.isoformat())


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
