"""A real Celery worker, in its own process, on a real broker (Redis in CI), working on the
test database: the reminder sweep and a review export, end to end."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from registry.accounts.models import User
from registry.notifications.models import Notification
from registry.reminders.tasks import reminders_sweep
from registry.reviews import services
from registry.reviews.models import Review, ReviewExport
from registry.units.models import Unit
from tests.factories import verified

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://") or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL=redis://… and PostgreSQL (as in CI)",
    ),
]


@pytest.fixture
def worker(tmp_path, settings):
    process, log = start_worker(tmp_path, settings)
    yield process
    stop_worker(process, log)


def start_worker(tmp_path, settings):
    """A worker of all queues in its own process, on this test's database and media."""
    settings.MEDIA_ROOT = tmp_path / "media"  # shared by this process and the worker
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "integration",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            "default,mail,export",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def stop_worker(process, log):
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_sweep_and_export_through_a_real_worker(worker, settings, tmp_path):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)

    reminders_sweep.delay("2026-11-24")
    assert wait_for(lambda: Notification.objects.filter(rule="reports_to_accept").exists()), (
        tmp_path / "worker.log"
    ).read_text()
    count = Notification.objects.count()
    reminders_sweep.delay("2026-11-24")  # again: nothing new
    time.sleep(3)
    assert Notification.objects.count() == count

    review = Review.objects.get(unit=Unit.objects.get(code="son-la/muong-la/khoi-dang"), quarter=3)
    review.results = "Đạt yêu cầu."
    review.save()
    services.review_issue(
        review=review,
        actor=verified(User.objects.get(username="dv78354851")),
        seen_version=review.version,
        expected_number=services.next_number(review),
        confirm_early=True,
    )
    export = ReviewExport.objects.get(review=review)
    assert wait_for(lambda: ReviewExport.objects.get(pk=export.pk).status == "ready", 90), (
        tmp_path / "worker.log"
    ).read_text()
    assert ReviewExport.objects.get(pk=export.pk).file.read(5) == b"%PDF-"
