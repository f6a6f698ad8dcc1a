"""The three views every file rendered by a worker has (a review's PDF, a booklet, a cell's
book of registrations): its state, polled by htmx every two seconds until it is ready or
failed (`templates/partials/_rendered_file.html`), a retry after a failure, and the download
(`core.files.serve_stored`). The app's view finds the object behind its own policy and hands
it here."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from .files import serve_stored
from .models import RenderedFile
from .numbers import whole_number

# A page polls at most this many times (five minutes), then asks to be reloaded later.
POLL_LIMIT = 10_000


def status_response(request, template: str, context: dict):
    """The job's state as the page's part; `n` counts the polls so far."""
    polls = min(whole_number(request.GET.get("n")) or 0, POLL_LIMIT)
    return render(request, template, {**context, "polls": polls + 1})


def retry_response(request, retry: Callable[[], object], *, to: str):
    """Run the app's retry service; what it refuses is shown as messages on the page `to`."""
    try:
        retry()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(to)


def download_response(job: RenderedFile, *, content_type: str = "application/pdf"):
    """The rendered file once ready; 404 before, and when the storage has lost it."""
    if job.status != RenderedFile.Status.READY:
        raise Http404
    return serve_stored(job.file, filename=job.filename, content_type=content_type)
