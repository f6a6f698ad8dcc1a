"""`manage.py backup` and `restore`: a database with plans, evidence files and numbered
reviews, backed up while it runs and restored into another database and folder, comes back
with every plan, file and review number; a restore never overwrites a database in use."""

import sqlite3
import tarfile
from contextlib import closing

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.core.backup import BackupError, backup_restore
from registry.pledges import services as plans
from registry.pledges.models import Evidence, Plan
from registry.reviews.models import Review

from ..factories import approved_plan, at
from ..pledges.conftest import jpeg, pdf_file
from ..reviews.conftest import draft, issue, write

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def registry_in_use(people, programme_2026):
    """An approved plan and a draft, a quarter's report with two files, and an issued review."""
    alice = approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    plans.plan_create(member=people.charlie_member, year=2026, actor=people.charlie)
    plans.report_file(
        item=alice.items.first(),
        quarter=1,
        actor=people.alice,
        status="in_progress",
        files=[jpeg(), pdf_file()],
        at=at(2026, 3, 20),
    )
    review, _export = issue(write(draft(alice.cell), people.bob), people.bob)
    return review


@pytest.fixture
def other_database(tmp_path):
    """An empty database beside the test's own, of the same kind."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read(database, sql):
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(database["NAME"])) as conn:
            return sorted(conn.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname=database["NAME"],
    ) as conn:
        return sorted(tuple(row) for row in conn.execute(sql).fetchall())


def test_a_backup_restored_into_another_database_has_every_plan_file_and_number(
    registry_in_use, other_database, tmp_path, settings
):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    restored_media = tmp_path / "restored-media"

    manifest = backup_restore(path=archive, database=other_database, media_root=restored_media)

    assert read(other_database, "SELECT id, member_id, year, status FROM pledges_plan") == sorted(
        Plan.objects.values_list("id", "member_id", "year", "status")
    )
    numbers = read(
        other_database,
        "SELECT unit_id, issued_year, number FROM reviews_review WHERE number IS NOT NULL",
    )
    assert numbers == [(registry_in_use.unit_id, registry_in_use.issued_year, 1)]
    assert Review.objects.get(pk=registry_in_use.pk).number_label == "01-BC/CB"
    files = read(other_database, "SELECT file, original_name FROM pledges_evidence")
    assert len(files) == 2
    for evidence in Evidence.objects.all():
        assert (evidence.file.name, evidence.original_name) in files
        restored = (restored_media / evidence.file.name).read_bytes()
        assert restored == (settings.MEDIA_ROOT / evidence.file.name).read_bytes()
    assert manifest["tables"]["pledges_plan"] == 2
    assert sorted(manifest["files"]) == sorted(e.file.name for e in Evidence.objects.all())


def test_restore_refuses_a_database_in_use_unless_forced(registry_in_use, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)
    assert Review.objects.filter(number__isnull=False).count() == 1


def test_a_damaged_archive_is_refused_before_anything_is_written(
    registry_in_use, other_database, tmp_path
):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        dump = tar.getmembers()[0]
    data = bytearray(archive.read_bytes())
    data[dump.offset_data + dump.size // 2] ^= 0xFF  # a byte in the middle of the dump
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum"):
        backup_restore(path=archive, database=other_database, media_root=tmp_path / "m")
    if connection.vendor == "sqlite":
        assert read(other_database, "SELECT name FROM sqlite_master WHERE type='table'") == []
    else:
        assert (
            read(other_database, "SELECT tablename FROM pg_tables WHERE schemaname='public'") == []
        )


def test_a_file_missing_from_the_disk_fails_the_backup(registry_in_use, tmp_path):
    lost = Evidence.objects.first()
    lost.file.storage.delete(lost.file.name)
    with pytest.raises(CommandError, match="missing"):
        call_command("backup", str(tmp_path / "backup.tar"), verbosity=0)
    assert not (tmp_path / "backup.tar").exists()
