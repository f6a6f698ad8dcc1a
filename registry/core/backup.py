"""Backup and restore: the database and the uploaded files in one archive, checked.

An archive is a tar file holding
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite's online backup),
- `media/…`, every file under `MEDIA_ROOT`,
- `manifest.json`: when and from what it was made, the rows of every table and the files the
  rows name (with their size and SHA-256), all read from the same snapshot as the dump.

`backup` reads the database in one snapshot (PostgreSQL: a repeatable-read transaction whose
snapshot `pg_dump --snapshot` shares; SQLite: the backup copy) and refuses to finish if a file
that a row names is missing. `restore` checks the archive, refuses a database that already has
tables unless forced, restores, then recounts every table and checks every file. Nothing here
knows an app: the tables and file columns come from the installed models.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[tuple[str, list[str]]]:
    """Every table of an installed model, with the columns that name stored files."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        files = [f.column for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        found.setdefault(model._meta.db_table, set()).update(files)
    return sorted((table, sorted(columns)) for table, columns in found.items())


def _read_snapshot(cursor, quote) -> tuple[dict[str, int], list[str]]:
    """Rows per table and the file names rows point at, read through `cursor`."""
    counts, named = {}, set()
    for table, columns in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
        for column in columns:
            cursor.execute(
                f"SELECT {quote(column)} FROM {quote(table)} "
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
            )
            named.update(name for (name,) in cursor.fetchall())
    return counts, sorted(named)


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _check_client(program: str) -> None:
    """pg_dump and pg_restore read and write the server's format only if they are at least
    as new as the server."""
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(f"{program} is not available (install postgresql-client)") from exc
    client = int(re.search(r"(\d+)\.", out.stdout).group(1))
    connection.ensure_connection()
    server = connection.connection.info.server_version // 10000
    if client < server:
        raise BackupError(f"{program} {client} is older than the server ({server})")


def _dump_postgresql(target: Path) -> tuple[dict[str, int], list[str]]:
    db = connection.settings_dict
    args, env = _pg_env(db)
    _check_client("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        dump = ["pg_dump", "-Fc", "--no-owner", "--no-acl", f"--snapshot={snapshot}", *args]
        _run([*dump, "--file", str(target), db["NAME"]], env)
        return _read_snapshot(cursor, connection.ops.quote_name)


def _dump_sqlite(target: Path) -> tuple[dict[str, int], list[str]]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _read_snapshot(copy.cursor(), connection.ops.quote_name)
    finally:
        copy.close()


@dataclass
class Made:
    path: Path
    manifest: dict


def backup_make(*, path: Path, media_root: Path | None = None) -> Made:
    """Write one archive at `path`. Raises BackupError (and leaves no archive) if the dump
    fails or a file that a row names is missing."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"no backup for {vendor}")
    path = Path(path)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / (PG_DUMP if vendor == "postgresql" else SQLITE_COPY)
        counts, named = (_dump_postgresql if vendor == "postgresql" else _dump_sqlite)(dump)
        missing = [name for name in named if not (media_root / name).is_file()]
        if missing:
            raise BackupError(
                f"{len(missing)} file(s) named by the database are missing from "
                f"MEDIA_ROOT, e.g. {missing[0]}"
            )
        manifest = {
            "format": FORMAT,
            "made_at": timezone.now().isoformat(),
            "vendor": vendor,
            "database": {"file": dump.name, "sha256": _sha256(dump)},
            "tables": counts,
            "files": {
                name: {
                    "size": (media_root / name).stat().st_size,
                    "sha256": _sha256(media_root / name),
                }
                for name in named
            },
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            if media_root.is_dir():
                tar.add(media_root, arcname="media")
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.replace(path)
    return Made(path, manifest)


def _target_tables(db: dict) -> list[str]:
    if db["ENGINE"].endswith("sqlite3"):
        if not Path(db["NAME"]).exists():
            return []
        with closing(sqlite3.connect(db["NAME"])) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return [name for (name,) in rows if not name.startswith("sqlite_")]
    with _pg_connect(db) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    return [name for (name,) in rows]


def _pg_connect(db: dict):
    import psycopg

    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def _count(db: dict, tables: dict[str, int]) -> dict[str, int]:
    def counted(conn):
        # Both vendors quote names with double quotes.
        quote = connection.ops.quote_name
        return {t: conn.execute(f"SELECT COUNT(*) FROM {quote(t)}").fetchone()[0] for t in tables}

    if db["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(db["NAME"])) as conn:
            return counted(conn)
    with _pg_connect(db) as conn:
        return counted(conn)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise BackupError("not a backup archive: no readable manifest") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


def backup_restore(
    *, path: Path, database: dict | None = None, media_root: Path | None = None, force=False
) -> dict:
    """Restore the archive at `path` into `database` (a Django DATABASES entry, the default
    one if None) and `media_root`, then recount every table and check every file against the
    manifest. Refuses a database that has tables, or a non-empty media folder, unless `force`.
    Returns the manifest."""
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    is_sqlite = database["ENGINE"].endswith("sqlite3")
    with tarfile.open(path, "r") as tar, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(tar)
        if manifest["vendor"] != ("sqlite" if is_sqlite else "postgresql"):
            raise BackupError(f"this archive is of a {manifest['vendor']} database")
        if not force:
            if _target_tables(database):
                raise BackupError("the database is not empty (use --force to replace it)")
            if media_root.is_dir() and any(media_root.iterdir()):
                raise BackupError(f"{media_root} is not empty (use --force to replace it)")
        tar.extractall(work, filter="data")
        dump = Path(work) / manifest["database"]["file"]
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError("the database dump does not match its checksum")
        for name, meta in manifest["files"].items():
            copy = Path(work) / "media" / name
            if not copy.is_file() or _sha256(copy) != meta["sha256"]:
                raise BackupError(f"the archive's copy of {name} is missing or damaged")
        if is_sqlite:
            source = sqlite3.connect(dump)
            target = sqlite3.connect(database["NAME"])
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            _check_client("pg_restore")
            args, env = _pg_env(database)
            command = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", *args]
            if force:
                command += ["--clean", "--if-exists"]
            _run([*command, "--single-transaction", "--dbname", database["NAME"], str(dump)], env)
        media_root.mkdir(parents=True, exist_ok=True)
        if (Path(work) / "media").is_dir():
            shutil.copytree(Path(work) / "media", media_root, dirs_exist_ok=True)
    counted = _count(database, manifest["tables"])
    differ = {t: (n, counted[t]) for t, n in manifest["tables"].items() if counted[t] != n}
    if differ:
        raise BackupError(f"restored rows differ from the manifest: {differ}")
    for name, meta in manifest["files"].items():
        if _sha256(media_root / name) != meta["sha256"]:
            raise BackupError(f"restored file {name} does not match its checksum")
    return manifest
