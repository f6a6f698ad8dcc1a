"""Queries compiled once per process (`docs/architecture.md`, "Signing in"). Django compiles a
queryset's SQL again each time it runs, which for the small reads every request makes costs
more than the read itself: about 0.5 ms of CPU to compile a user with their member record,
against 0.1 ms to send it and turn the row into objects. `Compiled` builds its queryset once per
connection with stand-in values, keeps the SQL, and on each run puts the caller's values in
place of the stand-ins and turns the row into objects (the model, its `select_related`
objects, its annotations) the way Django's own `ModelIterable` does, or for a `values_list`
query into tuples.

Stand-ins are whole numbers, each found among the query's parameters (checked when the query is
compiled). Anything else that changes between runs (the length of a list, a string) must not be
in the queryset.

On PostgreSQL the statements are also prepared (`PREPARED_READS`, on by default): each
connection prepares one on its first run (and again after a rollback, when psycopg drops them
all), so later runs skip most of the planning, which for a join of a few tables costs several
times its execution (0.6 ms against 0.06 ms for the membership of "my plan"). Behind a pooler
that does not carry prepared statements (PgBouncer before 1.22, or without
`max_prepared_statements`), set PREPARED_READS=0."""

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import NotSupportedError, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Stand-ins, one per keyword of the builder: odd values that every integer column can hold
# (Django drops a condition on a value out of its column's range, a small or positive one).
_STAND_IN_BASE = 32_717


@dataclass
class _Plan:
    sql: str
    params: list
    positions: dict  # keyword -> index in params
    compiler: object
    converters: dict
    model: type | None  # None: rows are tuples (a values_list query)
    init_list: list
    start: int
    end: int
    populators: list
    annotations: dict


class Compiled:
    """`build(**values)` returns a queryset; `Compiled(build, "user_id")` compiles it once per
    connection, and `.get(user_id=5)` (the first row's object, or None) or `.all(user_id=5)`
    runs it with 5."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build, self.names = build, names
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compile(self, connection) -> _Plan:
        stand_ins = {name: _STAND_IN_BASE - i for i, name in enumerate(self.names)}
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = {}
        for name, value in stand_ins.items():
            found = [
                i
                for i, p in enumerate(params)
                if isinstance(p, int) and not isinstance(p, bool) and p == value
            ]
            if not found:
                raise ValueError(f"{name} is not among the query's parameters")
            positions[name] = found
        select, klass_info = compiler.select, compiler.klass_info
        if queryset._iterable_class is ValuesListIterable:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            if list(queryset._fields or names) != names:
                raise ValueError("name the values in the order of their columns")
            return _Plan(sql, params, positions, compiler, self._converters(compiler), None,
                         [], 0, 0, [], {})  # fmt: skip
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("objects or values_list only")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Plan(
            sql=sql,
            params=params,
            positions=positions,
            compiler=compiler,
            converters=self._converters(compiler),
            model=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, connection.alias),
            annotations=dict(compiler.annotation_col_map or {}),
        )

    @staticmethod
    def _converters(compiler) -> dict:
        return compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])

    def all(self, *, using: str = "default", **values) -> list:
        """The objects (or tuples) of the rows."""
        connection = connections[using]
        plan = self._plans.get(connection)
        if plan is None:
            plan = self._plans[connection] = self._compile(connection)
        params = list(plan.params)
        for name, found in plan.positions.items():
            for position in found:  # typed as the stand-in was (Int2 for a smallint column)
                params[position] = type(plan.params[position])(int(values[name]))
        try:
            rows = self._run(connection, plan.sql, params)
        except NotSupportedError:
            # "cached plan must not change result type": a migration changed a column that
            # this connection's prepared statement reads. A new connection prepares it afresh:
            # at once outside a transaction, else after this request.
            if not _prepares(connection):
                raise
            if connection.in_atomic_block:
                connection.close_at = time.monotonic()
                raise
            connection.close()
            rows = self._run(connection, plan.sql, params)
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        if plan.model is None:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    @staticmethod
    def _run(connection, sql: str, params: list) -> list:
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def get(self, *, using: str = "default", **values):
        """The first row's object (or tuple), or None when there is none."""
        rows = self.all(using=using, **values)
        return rows[0] if rows else None

    def forget(self) -> None:
        """Compile again on the next run (what the builder reads has changed)."""
        self._plans = weakref.WeakKeyDictionary()


def _cursor(connection):
    """Django's cursor, or on PostgreSQL one whose statements the server prepares
    (`_PreparingCursor`), wrapped by Django as its own are (`execute_wrapper`, error translation).
    While Django records the queries (DEBUG, a test counting them), the same statement is sent
    unprepared, so that the record holds its SQL."""
    if not _prepares(connection):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(connection.connection))


def _prepares(connection) -> bool:
    return (
        connection.vendor == "postgresql"
        and settings.PREPARED_READS
        and not connection.queries_logged
    )


_ASKED_ONLY = 2**31 - 1  # a threshold never reached: psycopg prepares only when asked


class _PreparingCursor(ServerBindingCursor):
    """psycopg's cursor with server-side binding (Django's `ServerBindingCursor`) that asks for
    each statement to be prepared. psycopg prepares only while its connection has a
    `prepare_threshold`; Django leaves none, so that its own queries are neither prepared nor
    tracked, and this cursor sets one for the time of its statement only."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        conn = self.connection
        conn.prepare_threshold = _ASKED_ONLY
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        finally:
            conn.prepare_threshold = None
