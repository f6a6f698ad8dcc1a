"""Writing generated rows fast: COPY on PostgreSQL (psycopg 3), `executemany` elsewhere.
Every row carries its own primary key (`Ids`), so nothing is read back; the sequences are
moved past the new keys at the end."""

import contextlib
import json

from django.core.management.color import no_style
from django.db import models


class Ids:
    """The next free primary key of each model (one query per model, at the start)."""

    def __init__(self):
        self._next: dict[type, int] = {}

    def take(self, model, n: int = 1) -> int:
        """Reserve `n` keys; returns the first."""
        if model not in self._next:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[model] = top + 1
        first = self._next[model]
        self._next[model] += n
        return first

    @property
    def models(self) -> list[type]:
        return list(self._next)


class Table:
    """Rows waiting to be written into one model's table, columns in `names` order."""

    def __init__(self, model, names: tuple[str, ...]):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in names]
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values) -> None:
        self.rows.append(values)


class Writer:
    """Tables are written in the order they were declared (parents before children)."""

    def __init__(self, connection):
        self.connection = connection
        self.tables: dict[type, Table] = {}

    def table(self, model, *names: str) -> Table:
        self.tables[model] = Table(model, names)
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():
            if table.rows:
                self._write(table)
                table.written += len(table.rows)
                table.rows = []

    def _write(self, table: Table) -> None:
        if self.connection.vendor == "postgresql":
            self._copy(table)
        else:
            self._insert(table)

    def _copy(self, table: Table) -> None:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in table.fields)
        as_json = [i for i, f in enumerate(table.fields) if isinstance(f, models.JSONField)]
        sql = f"COPY {quote(table.model._meta.db_table)} ({columns}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in table.rows:
                if as_json:
                    row = list(row)
                    for i in as_json:
                        row[i] = json.dumps(row[i], ensure_ascii=False)
                copy.write_row(row)

    def _insert(self, table: Table) -> None:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in table.fields)
        marks = ", ".join(["%s"] * len(table.fields))
        sql = f"INSERT INTO {quote(table.model._meta.db_table)} ({columns}) VALUES ({marks})"
        connection, fields = self.connection, table.fields
        params = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            for row in table.rows
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start : start + 5000])

    def reset_sequences(self, model_list) -> None:
        statements = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextlib.contextmanager
def indexes_built_after(connection, model_list):
    """On PostgreSQL, drop the foreign keys, unique constraints and indexes (not the primary
    keys) of these tables, and create them again on the way out, the way a restore loads
    data: one sort per index and one join per foreign key instead of work on every row.
    Nothing changes on other databases. Use inside a transaction: any failure undoes all."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in sorted(constraints, key=lambda c: c[3]):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in sorted(constraints, key=lambda c: c[3], reverse=True):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
