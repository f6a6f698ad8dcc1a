"""Issuing a review while the broker hangs: the request answers at once, the review is issued
with its number, and the PDF arrives afterwards through the catch-up job."""

import time

import time_machine
from django.urls import reverse

from config.celery import app
from registry.reviews.models import Review, ReviewExport
from registry.reviews.tasks import resend_stalled_exports

from ..factories import at, pass_second_factor
from ..faults import broker_at, hung_broker
from .conftest import draft, write


def test_issuing_while_the_broker_hangs_answers_fast_and_the_pdf_follows(
    world, client, monkeypatch, django_capture_on_commit_callbacks
):
    review = write(draft(world.cell), world.bob)
    pass_second_factor(client, world.bob)
    with time_machine.travel(at(2026, 10, 6)):
        form = client.get(reverse("reviews:issue", args=[review.pk])).context["form"]
        with (
            hung_broker() as url,
            broker_at(url, monkeypatch),
            django_capture_on_commit_callbacks(execute=True),
        ):
            started = time.monotonic()
            done = client.post(
                reverse("reviews:issue", args=[review.pk]),
                {
                    "version": form.initial["version"],
                    "number": form.initial["number"],
                    "confirm": "on",
                },
            )
            took = time.monotonic() - started
    assert done.status_code == 302
    assert took < 3
    assert Review.objects.get(pk=review.pk).number_label == "01-BC/CB"
    export = ReviewExport.objects.get(review=review)
    assert export.status == "queued" and "thử lại" in export.error
    status = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert status.status_code == 200 and "thử lại" in status.text

    app.conf.task_always_eager = True  # the broker is back; a worker takes what it is sent
    try:
        resend_stalled_exports.apply()
    finally:
        app.conf.task_always_eager = False
    export.refresh_from_db()
    assert (export.status, export.error) == ("ready", "")
    assert export.file.read(5) == b"%PDF-"
