from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.portal.seeding import SEEDS_DIR, SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the demo data set from seeds/ (safe to run again: nothing changes twice)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=SEEDS_DIR)
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            default=None,
            help="Create the demo sign-in accounts (default: only when DEMO_MODE is on).",
        )

    def handle(self, *args, directory, demo_accounts, **options):
        with_accounts = settings.DEMO_MODE if demo_accounts is None else demo_accounts
        try:
            report = load_seeds(directory=directory, with_demo_accounts=with_accounts)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        created = ", ".join(f"{k}: {v}" for k, v in sorted(report.created.items())) or "none"
        changed = ", ".join(f"{k}: {v}" for k, v in sorted(report.changed.items())) or "none"
        self.stdout.write(f"Seeds loaded. Created – {created}. Changed – {changed}.")
