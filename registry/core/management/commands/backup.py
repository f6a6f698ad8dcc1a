from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Write one consistent backup archive: the database (pg_dump -Fc on PostgreSQL, the "
        "online backup on SQLite), every file under MEDIA_ROOT, and a manifest of the rows of "
        "each table and the checksum of each file the rows name."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="the archive to write (default: backup-<date and time>.tar here)",
        )

    def handle(self, *args, path=None, **options):
        path = Path(path or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            made = backup_make(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(made.manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {made.path}: {rows} rows in {len(made.manifest['tables'])} "
            f"tables, {len(made.manifest['files'])} files."
        )
