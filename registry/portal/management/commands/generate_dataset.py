import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from registry.portal import dataset


class Command(BaseCommand):
    help = (
        "Generate a province of N members with a year of plans and reports, for measuring "
        "(into an empty database, or with --flush)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=None, help="default: the year of --on")
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the data is as of (YYYY-MM-DD, default today): nothing is later",
        )
        parser.add_argument(
            "--flush", action="store_true", help="empty the whole database first (all data!)"
        )

    def handle(self, *args, members, seed, year, on, flush, **options):
        started = time.perf_counter()
        try:
            dataset.generate(members=members, seed=seed, year=year, on=on, flush=flush)
        except dataset.DatasetError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        made = ", ".join(f"{n:,} {what}" for what, n in dataset.counts().items())
        self.stdout.write(f"Generated {made} in {seconds:.1f} s.")
