"""The reminder sweep moved from the inbox app to this one: periodic entries already
installed follow it to its new task name."""

from django.db import migrations

RENAMED = {
    "registry.notifications.tasks.reminders_sweep": "registry.reminders.tasks.reminders_sweep",
    "registry.notifications.tasks.remind_members_batch": (
        "registry.reminders.tasks.remind_members_batch"
    ),
    "registry.notifications.tasks.remind_secretaries_batch": (
        "registry.reminders.tasks.remind_secretaries_batch"
    ),
}


def rename(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def unrename(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(rename, unrename)]
