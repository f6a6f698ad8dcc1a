from celery import shared_task

from .services import heartbeat_record


@shared_task(name="registry.core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat, run by a worker: its timestamp proves both are alive."""
    heartbeat_record()
