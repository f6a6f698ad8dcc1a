from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and MEDIA_ROOT, then check "
        "every table's rows and every file against its manifest. Refuses a database that "
        "already has tables, or a MEDIA_ROOT with files, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an archive written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the database and MEDIA_ROOT hold",
        )

    def handle(self, *args, path, force, **options):
        if not Path(path).is_file():
            raise CommandError(f"no such archive: {path}")
        try:
            manifest = backup_restore(path=Path(path), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['made_at']}: {sum(manifest['tables'].values())} "
            f"rows and {len(manifest['files'])} files, all checked."
        )
