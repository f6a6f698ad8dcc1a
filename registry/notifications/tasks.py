"""Thin tasks: take ids, call a service. The sweep fans out into bounded batches so a
province of 100,000 members never becomes one giant task."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.members.models import Membership

from . import services


def _chunks(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@shared_task(name="registry.notifications.tasks.reminders_sweep", ignore_result=True)
def reminders_sweep(today: str | None = None) -> int:
    day = today or timezone.localdate().isoformat()
    size = settings.REMINDER_BATCH_SIZE
    member_ids = list(
        Membership.objects.filter(end_date__isnull=True, member__user__isnull=False)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    unit_ids = sorted(set(RoleAssignment.objects.values_list("unit_id", flat=True)))
    batches = 0
    for chunk in _chunks(member_ids, size):
        remind_members_batch.delay(chunk, day)
        batches += 1
    for chunk in _chunks(unit_ids, size):
        remind_secretaries_batch.delay(chunk, day)
        batches += 1
    return batches


@shared_task(
    name="registry.notifications.tasks.remind_members_batch",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_members_batch(member_ids: list[int], today: str) -> int:
    return services.remind_members(member_ids=member_ids, today=datetime.date.fromisoformat(today))


@shared_task(
    name="registry.notifications.tasks.remind_secretaries_batch",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_secretaries_batch(unit_ids: list[int], today: str) -> int:
    return services.remind_secretaries(unit_ids=unit_ids, today=datetime.date.fromisoformat(today))


@shared_task(name="registry.notifications.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    users = services.users_with_pending_email()
    for user_id in users:
        send_digest.delay(user_id)
    return len(users)


@shared_task(
    bind=True,
    name="registry.notifications.tasks.send_digest",
    ignore_result=True,
    acks_late=True,
    max_retries=6,
)
def send_digest(self, user_id: int) -> str:
    try:
        return services.digest_send(user_id=user_id)
    except services.DigestError as exc:
        # 1, 2, 4, 8 … minutes; other people's digests are separate tasks and go on.
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
