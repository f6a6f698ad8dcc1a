from celery import shared_task

from . import services


@shared_task(
    name="registry.exports.tasks.render_table",
    ignore_result=True,
    acks_late=True,
    queue="export",
)
def render_table(export_id: int) -> None:
    services.export_render(export_id=export_id)


@shared_task(name="registry.exports.tasks.resend_stalled_exports", ignore_result=True)
def resend_stalled_exports() -> int:
    return services.exports_resend_stalled()


@shared_task(name="registry.exports.tasks.remove_expired_exports", ignore_result=True)
def remove_expired_exports() -> int:
    return services.exports_remove_expired()
