from celery import shared_task

from . import services


@shared_task(name="registry.rosters.tasks.run_import", ignore_result=True, acks_late=True)
def run_import(job_id: int) -> None:
    services.import_run(job_id=job_id)


@shared_task(name="registry.rosters.tasks.resend_stalled_imports", ignore_result=True)
def resend_stalled_imports() -> int:
    return services.imports_resend_stalled()
