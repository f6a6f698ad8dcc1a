"""The daily digest: one task per person, so one failing address never holds up the others."""

from celery import shared_task

from . import services


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
