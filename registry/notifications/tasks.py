"""The daily digest: one task per person, so one failing address never holds up the others."""

import datetime

from celery import shared_task
from django.db import OperationalError

from registry.core import schedule
from registry.core.services import heartbeat_record

from . import services

DIGESTS_TASK = "registry.notifications.tasks.send_digests"
DIGESTS_QUEUED = "reminders: emails queued"
# The morning's emails go out within minutes; what is still unsent this long after they were
# queued was lost (broker restarted without its data, worker killed, retries exhausted).
CATCH_UP_GRACE = datetime.timedelta(minutes=15)


def _queue(users: list[int]) -> int:
    heartbeat_record(name=DIGESTS_QUEUED)
    for user_id in users:
        send_digest.delay(user_id)
    return len(users)


@shared_task(
    name=DIGESTS_TASK,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=10,
)
def send_digests() -> int:
    return _queue(services.users_with_pending_email())


@shared_task(name="registry.notifications.tasks.digests_catch_up", ignore_result=True)
def digests_catch_up() -> int:
    """Every few minutes: once today's digest is due, email what is still unsent (lost
    messages, and reminders that a late sweep recorded after the digest), unless the digests
    were queued less than `CATCH_UP_GRACE` ago."""
    if not schedule.catch_up_due(DIGESTS_TASK, marker=DIGESTS_QUEUED, grace=CATCH_UP_GRACE):
        return 0
    users = services.users_with_pending_email()
    return _queue(users) if users else 0


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
