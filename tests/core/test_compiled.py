"""Queries compiled once per process (`core.compiled.Compiled`) give what the ORM gives, with
each run's own values."""

import pytest
from django.db import connection, connections
from django.db.models import Count, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from registry.accounts.models import User
from registry.core.compiled import Compiled
from registry.notifications.models import Notification


def user_with_member(*, user_id):
    reminders = (
        Notification.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.select_related("member")
        .annotate(reminders=Subquery(reminders))
        .filter(pk=user_id)
    )


def test_each_run_reads_its_own_row_as_the_orm_does(people):
    query = Compiled(user_with_member, "user_id")
    Notification.objects.create(user=people.alice, rule="r", period="p", step="1")
    for user in (people.alice, people.bob, people.root):
        kept = query.get(user_id=user.pk)
        fresh = user_with_member(user_id=user.pk).get()
        assert kept == fresh
        assert [getattr(kept, f.attname) for f in User._meta.concrete_fields] == [
            getattr(fresh, f.attname) for f in User._meta.concrete_fields
        ]
        assert kept.reminders == fresh.reminders
        assert kept.date_joined.tzinfo is not None  # converted like the ORM's
    alice = query.get(user_id=people.alice.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert alice.member == people.alice_member  # read with the user
    assert ctx.captured_queries == []
    assert alice.reminders == 1


def test_no_row_is_none(people):
    assert Compiled(user_with_member, "user_id").get(user_id=10**9) is None


def test_one_query_a_run(people):
    query = Compiled(user_with_member, "user_id")
    query.get(user_id=people.alice.pk)
    with CaptureQueriesContext(connection) as ctx:
        query.get(user_id=people.bob.pk)
    assert len(ctx.captured_queries) == 1


def test_a_value_is_put_in_every_place_it_appears(people):
    def either(*, user_id):
        return User.objects.filter(pk=user_id) | User.objects.filter(member__user_id=user_id)

    assert Compiled(either, "user_id").all(user_id=people.bob.pk) == [people.bob]


def test_a_value_that_is_not_a_parameter_is_refused(people):
    def ignored(*, user_id):
        return User.objects.filter(is_active=True)

    with pytest.raises(ValueError, match="not among"):
        Compiled(ignored, "user_id").get(user_id=people.alice.pk)


def test_values_come_as_the_orm_gives_them(people):
    def names(*, user_id):
        return User.objects.filter(pk__gte=user_id).order_by("pk").values_list("pk", "username")

    first = min(u.pk for u in (people.alice, people.bob))
    assert Compiled(names, "user_id").all(user_id=first) == list(names(user_id=first))


def _prepared_runs(sql_start: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [sql_start + "%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_server_keeps_the_statement_and_each_run_reuses_it(people):
    query = Compiled(user_with_member, "user_id")
    before = _prepared_runs('SELECT "accounts_user"."id"')
    for user in (people.alice, people.bob, people.alice):
        assert query.get(user_id=user.pk) == user
    assert _prepared_runs('SELECT "accounts_user"."id"') == before + 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_prepared_reads_can_be_turned_off_for_a_pooler(people, settings):
    settings.PREPARED_READS = False
    query = Compiled(user_with_member, "user_id")
    before = _prepared_runs('SELECT "accounts_user"."id"')
    assert query.get(user_id=people.bob.pk) == people.bob
    assert _prepared_runs('SELECT "accounts_user"."id"') == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_prepared_before_a_migration_changed_its_columns_is_prepared_again(people):
    """Another process (a deploy's `migrate`) changes a column the statement reads: the
    server refuses the prepared statement ("cached plan must not change result type"), and
    the read is made again on a new connection."""
    query = Compiled(user_with_member, "user_id")
    assert query.get(user_id=people.alice.pk) == people.alice
    assert query.get(user_id=people.alice.pk) == people.alice
    before = connection.connection
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_user ALTER COLUMN first_name TYPE varchar(151)")
        assert query.get(user_id=people.bob.pk) == people.bob
        assert connection.connection is not before  # refused, then read on a new connection
    finally:
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_user ALTER COLUMN first_name TYPE varchar(150)")
        other.close()
