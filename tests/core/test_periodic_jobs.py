"""Every periodic job runs once without error, and installing the schedule twice neither
duplicates nor overwrites what an administrator changed."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from config.celery import app
from registry.core.schedule import DEFAULT_SCHEDULE


def test_install_schedule_is_idempotent_and_keeps_admin_changes(db):
    call_command("install_schedule", verbosity=0)
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= {
        j.name for j in DEFAULT_SCHEDULE
    }
    sweep = PeriodicTask.objects.get(name="reminders: daily sweep")
    sweep.crontab.hour = "5"
    sweep.crontab.save()
    sweep.enabled = False
    sweep.save()
    call_command("install_schedule", verbosity=0)
    again = PeriodicTask.objects.get(name="reminders: daily sweep")
    assert (again.crontab.hour, again.enabled) == ("5", False)
    assert PeriodicTask.objects.filter(name="reminders: daily sweep").count() == 1


@pytest.mark.parametrize("job", DEFAULT_SCHEDULE, ids=lambda j: j.name)
def test_every_periodic_job_runs_once(db, settings, eager, job):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)
    app.loader.import_default_modules()  # what a worker does at start: find every task
    task = app.tasks[job.task]
    result = task.apply()
    assert result.successful(), result.traceback
