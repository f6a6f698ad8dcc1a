import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry.reminders import services


def _part(value: str) -> tuple[int, int]:
    try:
        part, parts = (int(x) for x in value.split("/"))
    except ValueError as exc:
        raise CommandError(f"--part takes i/n, e.g. 0/2, not {value!r}") from exc
    if not 0 <= part < parts:
        raise CommandError(f"--part {value}: i must be from 0 to n - 1")
    return part, parts


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, in this process, batch by batch (the daily job sends the "
        "same batches to the workers). Units already swept for the day are left out unless "
        "--again. --part i/n runs the units whose id is i modulo n, so that n processes can "
        "share the sweep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--part", type=str, default="0/1", help="i/n (default 0/1: all)")
        parser.add_argument(
            "--again",
            action="store_true",
            help="Sweep the units already swept for that day once more.",
        )

    def handle(self, *args, today, part, again, **options):
        today = today or timezone.localdate()
        new = services.remind_everyone(today=today, partition=_part(part), again=again)
        self.stdout.write(f"Reminders for {today:%d/%m/%Y}: {new} new.")
