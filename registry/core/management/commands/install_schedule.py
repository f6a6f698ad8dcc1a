from django.core.management.base import BaseCommand

from registry.core.schedule import schedule_install_defaults


class Command(BaseCommand):
    help = "Create the missing periodic jobs (never changes existing ones)."

    def handle(self, *args, **options):
        created = schedule_install_defaults()
        self.stdout.write(f"Periodic jobs created: {', '.join(created) or 'none'}.")
