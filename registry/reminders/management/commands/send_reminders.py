import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.reminders import services


class Command(BaseCommand):
    help = "Run the reminder sweep now, in this process (the daily job does the same in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today, **options):
        today = today or timezone.localdate()
        new = services.remind_everyone(today=today)
        self.stdout.write(f"Reminders for {today:%d/%m/%Y}: {new} new.")
