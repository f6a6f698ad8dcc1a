"""Every periodic job, declared here once. `python manage.py install_schedule` (run by
`make run` and at deployment) copies missing entries into django-celery-beat's tables; it
never overwrites an entry, so timings changed in the admin stay as the administrator set them.
"""

from dataclasses import dataclass

from django.db import transaction


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
        "reviews: resend stalled PDF exports",
        "registry.reviews.tasks.resend_stalled_exports",
        every_seconds=300,
        queue="export",
        description="Sends again an export whose message was lost (broker down, worker killed).",
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
