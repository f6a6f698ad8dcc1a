"""Faults against a real worker on a real broker (Redis in CI) and PostgreSQL: the sweep's
messages lost by a broker restarted without its data, and a review issued while the broker
hangs. Each ends with everything done once."""

import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from registry.accounts.models import User
from registry.core.schedule import schedule_install_defaults
from registry.notifications.models import Notification
from registry.reminders import services as reminders
from registry.reminders.tasks import reminders_catch_up, reminders_sweep
from registry.reviews import services
from registry.reviews.models import Review, ReviewExport
from registry.reviews.tasks import resend_stalled_exports
from registry.units.models import Unit

from ..factories import verified
from ..faults import broker_at, hung_broker
from .test_real_worker import pytestmark as real_worker_marks
from .test_real_worker import start_worker, stop_worker, wait_for

pytestmark = real_worker_marks


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)


def lose_queued_messages():
    """What a Redis restarted without persistence does to the queues."""
    with app.connection_for_write() as conn:
        for queue in ("default", "mail", "export"):
            conn.default_channel.queue_purge(queue)


def test_a_sweep_lost_with_the_broker_is_finished_by_the_catch_up(demo, tmp_path, settings):
    schedule_install_defaults()
    sweep = PeriodicTask.objects.get(name="reminders: daily sweep")
    sweep.crontab.minute, sweep.crontab.hour = "*", "*"  # due now, whatever the time
    sweep.crontab.save()
    today = timezone.localdate()

    reminders_sweep.delay()  # beat fires; then the broker restarts before a worker takes it
    lose_queued_messages()
    process, log = start_worker(tmp_path, settings)
    try:
        reminders_catch_up.delay()
        assert wait_for(lambda: not reminders.units_left(today=today).exists(), 90), (
            tmp_path / "worker.log"
        ).read_text()
        recorded = Notification.objects.count()
        assert recorded
        reminders_catch_up.delay()  # again, within its grace: nothing
        time.sleep(3)
    finally:
        stop_worker(process, log)
    assert Notification.objects.count() == recorded
    assert reminders.remind_everyone(today=today) == 0  # nothing due was left out


def test_a_review_issued_while_the_broker_hangs_gets_its_pdf_from_the_catch_up(
    demo, tmp_path, settings, monkeypatch
):
    review = Review.objects.get(unit=Unit.objects.get(code="son-la/muong-la/khoi-dang"), quarter=3)
    review.results = "Đạt yêu cầu."
    review.save()
    with hung_broker() as url, broker_at(url, monkeypatch):
        started = time.monotonic()
        with transaction.atomic():  # the request's transaction; the export is queued on commit
            services.review_issue(
                review=review,
                actor=verified(User.objects.get(username="dv78354851")),
                seen_version=review.version,
                expected_number=services.next_number(review),
                confirm_early=True,
            )
        took = time.monotonic() - started
    assert took < 3
    export = ReviewExport.objects.get(review=review)
    assert export.status == "queued" and export.error
    process, log = start_worker(tmp_path, settings)
    try:
        resend_stalled_exports.delay()
        assert wait_for(lambda: ReviewExport.objects.get(pk=export.pk).status == "ready", 90), (
            tmp_path / "worker.log"
        ).read_text()
    finally:
        stop_worker(process, log)
    export.refresh_from_db()
    assert export.file.read(5) == b"%PDF-" and export.attempts == 1
