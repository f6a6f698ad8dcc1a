"""Files rendered by a worker (a review's PDF, a booklet of good practices): the one mechanism.

A row (`core.models.RenderedFile`) is created in the requesting transaction and its task is
sent after the commit (`send_after_commit`). The worker claims the row with a conditional
UPDATE (queued or failed → rendering), so a redelivered task finds it claimed or done and
stops; a render that raises marks the row failed with the reason. The periodic catch-up
(`resend_stalled`) sends again what the broker never got (the row carries the reason at once),
what may have been lost in the queue (after `STALE_QUEUED`) and what a worker killed
mid-way left claimed (after `STALE_RENDERING`): the file is rendered later, and once."""

import datetime
import logging
from collections.abc import Callable

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RenderedFile

logger = logging.getLogger(__name__)

# A PDF renders in well under a second; a queue of a province's quarter takes about a quarter
# of an hour of one worker (docs/operations.md).
STALE_QUEUED = datetime.timedelta(minutes=10)
STALE_RENDERING = datetime.timedelta(minutes=5)

Status = RenderedFile.Status


def send_after_commit(model, task_name: str, job_id: int) -> None:
    """Send the rendering task once the surrounding transaction has committed."""
    transaction.on_commit(lambda: send(model, task_name, job_id))


def send(model, task_name: str, job_id: int) -> None:
    """Hand the job to the workers. If the broker cannot be reached, nothing is lost: the row
    says why, and the catch-up sends it again later."""
    try:
        # Looked up by name: an app's tasks module imports its services, not the other way
        # round. One attempt, bounded by the broker's timeouts: a request never waits on a
        # hung broker.
        if task_name not in current_app.tasks:
            # A web process imports the apps' task modules only when first asked (the worker
            # does at start); without this the lookup fails and only the catch-up sends.
            current_app.loader.import_default_modules()
        current_app.tasks[task_name].apply_async((job_id,), retry=False)
    except Exception as exc:  # broker down: not the user's problem, and nothing is lost
        logger.warning("could not queue %s %s: %s", model._meta.label, job_id, exc)
        model.objects.filter(pk=job_id, status=Status.QUEUED).update(
            error=_("Waiting for the background workers; it will be retried.")
        )
    else:
        model.objects.filter(pk=job_id, status=Status.QUEUED).exclude(error="").update(error="")


def resend_stalled(
    model, task_name: str, *, now=None, stale_rendering: datetime.timedelta = STALE_RENDERING
) -> int:
    """Send again the jobs whose message was lost (broker down, worker killed mid-way): at once
    those that could not be handed to the broker (they carry the reason), after
    `STALE_QUEUED` those whose message may still wait in the queue, after `STALE_RENDERING`
    those claimed by a worker that never finished."""
    now = now or timezone.now()
    model.objects.filter(status=Status.RENDERING, started_at__lt=now - stale_rendering).update(
        status=Status.QUEUED
    )
    stalled = list(
        model.objects.filter(
            Q(requested_at__lt=now - STALE_QUEUED) | ~Q(error=""), status=Status.QUEUED
        ).values_list("pk", flat=True)
    )
    for job_id in stalled:
        send(model, task_name, job_id)
    return len(stalled)


def render_claimed(
    model,
    job_id: int,
    *,
    render: Callable,
    stored_name: Callable,
    select_related: tuple[str, ...] = (),
):
    """Claim the job (a redelivered task finds it claimed or done and stops), render it with
    `render(job) -> (filename, mimetype, bytes)`, store the file as `stored_name(job)`."""
    claimed = model.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.FAILED]).update(
        status=Status.RENDERING, started_at=timezone.now(), error=""
    )
    job = model.objects.select_related(*select_related).get(pk=job_id)
    if not claimed:
        return job
    try:
        filename, _mimetype, content = render(job)
    except Exception as exc:
        model.objects.filter(pk=job_id).update(
            status=Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            attempts=job.attempts + 1,
        )
        raise
    job.file.save(stored_name(job), ContentFile(content), save=False)
    job.filename = filename
    job.status = Status.READY
    job.finished_at = timezone.now()
    job.attempts += 1
    job.save(update_fields=["file", "filename", "status", "finished_at", "attempts"])
    return job
