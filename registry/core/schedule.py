"""Every periodic job, declared here once. `python manage.py install_schedule` (run by
`make run` and at deployment) copies missing entries into django-celery-beat's tables; it
never overwrites an entry, so timings changed in the admin stay as the administrator set them.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    queue: str = "default"
    description: str = ""


DEFAULT_SCHEDULE = [
    Job(
        "heartbeat",
        "registry.core.tasks.heartbeat",
        every_seconds=30,
        description="Proves that beat and a worker are alive (/healthz).",
    ),
    Job(
        "figures: recompute what events marked",
        "registry.cells.tasks.settle_figures",
        every_seconds=60,
        description="Recomputes kept figures an event marked, if the recompute after it was lost.",
    ),
    Job(
        "figures: start of the day",
        "registry.cells.tasks.start_the_day",
        crontab="5 0 * * *",
        description="Counts people moved by periods that start or end today where they now are.",
    ),
    Job(
        "figures: nightly reconciliation",
        "registry.cells.tasks.reconcile_figures",
        crontab="30 2 * * *",
        description="Recounts every kept figure from the raw rows; logs and repairs any drift.",
    ),
    Job(
        "reminders: daily sweep",
        "registry.reminders.tasks.reminders_sweep",
        crontab="0 6 * * *",
        description="Finds who is due a reminder today and records it once.",
    ),
    Job(
        "reminders: daily email digest",
        "registry.notifications.tasks.send_digests",
        crontab="30 7 * * *",
        queue="mail",
        description="One email per person with the reminders not yet emailed.",
    ),
    Job(
        "reminders: catch up",
        "registry.reminders.tasks.reminders_catch_up",
        every_seconds=300,
        description="Sweeps today's units still not swept (the daily sweep failed or was lost).",
    ),
    Job(
        "reminders: email catch-up",
        "registry.notifications.tasks.digests_catch_up",
        every_seconds=300,
        queue="mail",
        description="Sends the morning's emails still unsent (mail server, broker or worker down).",
    ),
    Job(
        "reviews: resend stalled PDF exports",
        "registry.reviews.tasks.resend_stalled_exports",
        every_seconds=300,
        queue="export",
        description="Sends again an export whose message was lost (broker down, worker killed).",
    ),
    Job(
        "practices: resend stalled booklets",
        "registry.practices.tasks.resend_stalled_booklets",
        every_seconds=300,
        queue="export",
        description="Sends again a booklet whose message was lost (broker down, worker killed).",
    ),
    Job(
        "exports: resend stalled exports",
        "registry.exports.tasks.resend_stalled_exports",
        every_seconds=300,
        queue="export",
        description="Sends again a large export whose message was lost (broker or worker down).",
    ),
    Job(
        "exports: remove old exports",
        "registry.exports.tasks.remove_expired_exports",
        crontab="40 3 * * *",
        queue="export",
        description="Removes the exports asked for more than seven days ago, and their files.",
    ),
    Job(
        "cells: resend stalled books of registrations",
        "registry.cells.tasks.resend_stalled_books",
        every_seconds=300,
        queue="export",
        description="Sends again a book of registrations whose message was lost (broker down, "
        "worker killed).",
    ),
    Job(
        "rosters: resend stalled imports",
        "registry.rosters.tasks.resend_stalled_imports",
        every_seconds=300,
        description="Sends again a roster check or import whose message was lost (broker down, "
        "worker killed); an import is one transaction, so it is done once.",
    ),
    Job(
        "reviews: quarterly drafts",
        "registry.reviews.tasks.generate_due_reviews",
        crontab="0 5 * * *",
        description="A few days after a quarter ends, writes or refreshes the draft reviews.",
    ),
]


@transaction.atomic
def schedule_install_defaults() -> list[str]:
    """Create the entries that are missing; return their names."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = []
    for job in DEFAULT_SCHEDULE:
        if PeriodicTask.objects.filter(name=job.name).exists():
            continue
        options = {"task": job.task, "queue": job.queue, "description": job.description}
        if job.every_seconds:
            options["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=job.every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            minute, hour, dom, month, dow = job.crontab.split()
            options["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=dom,
                month_of_year=month,
                day_of_week=dow,
                timezone=settings.TIME_ZONE,
            )
        PeriodicTask.objects.create(name=job.name, **options)
        created.append(job.name)
    return created


def _fired_today(crontab, now: datetime.datetime) -> datetime.datetime | None:
    """The last time today, at or before `now`, that `crontab` (Celery's) fired."""
    local = now.astimezone(crontab.tz)
    day = local.date()
    if not (
        (day.isoweekday() % 7) in crontab.day_of_week
        and day.day in crontab.day_of_month
        and day.month in crontab.month_of_year
    ):
        return None
    times = [
        datetime.datetime.combine(day, datetime.time(h, m), tzinfo=local.tzinfo)
        for h in crontab.hour
        for m in crontab.minute
    ]
    passed = [t for t in times if t <= local]
    return max(passed) if passed else None


def last_due_today(task: str, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When a daily job was last due today, by the timing in beat's table (the administrator's),
    or by its declaration here if the table has no entry for it; None if it is not yet due
    today or its entries are all disabled."""
    from django.conf import settings
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.tzcrontab import TzAwareCrontab

    now = now or timezone.now()
    entries = list(PeriodicTask.objects.filter(task=task).select_related("crontab"))
    if entries:
        schedules = [e.crontab.schedule for e in entries if e.enabled and e.crontab]
    else:
        schedules = []
        for job in DEFAULT_SCHEDULE:
            if job.task == task and job.crontab:
                minute, hour, dom, month, dow = job.crontab.split()
                tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
                schedules.append(TzAwareCrontab(minute, hour, dow, dom, month, tz=tz))
    fired = [t for t in (_fired_today(c, now) for c in schedules) if t is not None]
    return max(fired) if fired else None


def catch_up_due(
    task: str, *, marker: str, grace: datetime.timedelta, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """Whether a catch-up of the daily job `task` should queue its work again now: the job was
    due today, and its work was not queued (the `marker` heartbeat, written when it is) since
    then, or more than `grace` ago. Returns the time it was due."""
    from .models import Heartbeat

    now = now or timezone.now()
    due = last_due_today(task, now=now)
    if due is None:
        return None
    queued = Heartbeat.objects.filter(name=marker).values_list("at", flat=True).first()
    if queued is not None and queued >= due and now - queued < grace:
        return None
    return due
