"""Writing many rows at once (an imported roster and what it records). On PostgreSQL the rows
go through COPY, as data rather than as the text of an INSERT, which is what makes a hundred
thousand rows a matter of seconds; elsewhere through `bulk_create`. Objects get their ids
(one query to the table's sequence), as `bulk_create` would set them."""

import operator
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone


def insert(model, objects: list, *, batch_size: int = 2000) -> list:
    """Insert `objects` (unsaved instances of `model`) and set their primary keys."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=batch_size)
    meta = model._meta
    fields = [f for f in meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        getters = _getters(fields, objects)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([get(obj) for get in getters])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def _getters(fields, objects) -> list:
    """How to read each column's value from an object: the attribute itself (the driver adapts
    dates, numbers and text), the time of the write for `auto_now` fields, JSON wrapped."""
    from psycopg.types.json import Jsonb

    now = timezone.now()
    getters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
        if isinstance(field, models.JSONField):
            getters.append(lambda obj, name=field.attname: Jsonb(getattr(obj, name)))
        else:
            getters.append(operator.attrgetter(field.attname))
    return getters


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 2000):
    """Insert plain tuples: each row gives the values of the fields `names` (attribute names:
    `cell_id`, not `cell`) in that order; every other column takes its field's default (the
    time of the write for `auto_now` fields), computed once. On PostgreSQL no model instance
    is made, which is where a hundred thousand rows spent most of their time. Returns the new
    primary keys in the order of `rows`."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return []
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    if any(f.primary_key for f in given):
        raise ValueError("insert_rows sets the primary key itself")
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    now = timezone.now()
    defaults = [now if _stamped(f) else f.get_default() for f in rest]
    if connection.vendor != "postgresql":
        fixed = {f.attname: d for f, d in zip(rest, defaults, strict=True)}
        objects = [model(**dict(zip(names, row, strict=True)), **fixed) for row in rows]
        model.objects.bulk_create(objects, batch_size=batch_size)
        return [obj.pk for obj in objects]
    from psycopg.types.json import Jsonb

    json = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]
    tail = tuple(
        Jsonb(d) if isinstance(f, models.JSONField) else d
        for f, d in zip(rest, defaults, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [meta.pk, *given, *rest])
        table = connection.ops.quote_name(meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for pk, row in zip(ids, rows, strict=True):
                if json:
                    row = list(row)
                    for i in json:
                        row[i] = Jsonb(row[i])
                write((pk, *row, *tail))
    return ids


def _stamped(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
