from celery import shared_task

from . import services


@shared_task(
    name="registry.practices.tasks.render_booklet",
    ignore_result=True,
    acks_late=True,
    queue="export",
)
def render_booklet(booklet_id: int) -> None:
    services.booklet_render(booklet_id=booklet_id)


@shared_task(name="registry.practices.tasks.resend_stalled_booklets", ignore_result=True)
def resend_stalled_booklets() -> int:
    return services.booklets_resend_stalled()
