"""Recording the reminders that the rules find due, in the inbox (once each), batch by batch.

The sweep walks the organisation by units: every cell, and every other unit with someone
holding a role, falls in exactly one batch of about `REMINDER_BATCH_SIZE` people (a larger
cell is a batch of its own). A batch costs a fixed number of queries and memory that does
not grow with it; part i of n (`partition`) keeps the units whose id is i modulo n, so that
several processes or workers can share a sweep."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Mod

from registry.access.models import RoleAssignment
from registry.notifications import services as inbox
from registry.pledges import standing
from registry.units.models import Unit

from . import rules
from .models import UnitSweep


def _record(selections) -> int:
    return sum(inbox.record_selected(rows) for rows in selections)


def remind_members(*, member_ids: list[int], today: datetime.date) -> int:
    """The member rules for these people, whatever their cells."""
    with _one_batch():
        return _record(rules.member_reminders(rules.named(member_ids), today))


def remind_secretaries(*, unit_ids: list[int], today: datetime.date) -> int:
    """The rules for the people who act for these units."""
    with _one_batch():
        return sum(
            inbox.record_rows(rule, rows)
            for rule, rows in rules.secretary_reminders(unit_ids, today)
        )


@contextmanager
def _one_batch():
    """A batch is one transaction: a worker that dies half-way leaves nothing, and the retried
    task does it all again. On PostgreSQL, two planner settings for its queries, which read a
    batch's few thousand rows by index out of tables of the whole province: no JIT compilation
    (their per-row lookups add up to a planner cost above `jit_above_cost`, and compiling takes
    longer than running them), and the cost of a random page of a server whose data is in
    memory or on SSD (1.1, not the default 4 of spinning disks, which makes the planner scan
    whole tables for a batch of thousands of people); and no parallel workers, which for a
    batch of 5,000 people scan whole tables too (batches already run side by side)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1;"
                    " SET LOCAL max_parallel_workers_per_gather = 0"
                )
        yield


def _claim(unit_ids: list[int], today: datetime.date, again: bool) -> list[int]:
    """The units of the batch that have not been swept for `today` (all of them if `again`),
    now marked swept, in the batch's transaction. A duplicate batch running at the same time
    waits for the row locks, then finds the units swept (two that meet on a unit's very first
    sweep both do it: the inbox still records each reminder once)."""
    swept = dict(
        UnitSweep.objects.select_for_update()
        .filter(unit_id__in=unit_ids)
        .values_list("unit_id", "day")
    )
    UnitSweep.objects.bulk_create(
        [UnitSweep(unit_id=u, day=today) for u in unit_ids if u not in swept],
        ignore_conflicts=True,
    )
    todo = [u for u in unit_ids if again or swept.get(u) != today]
    UnitSweep.objects.filter(unit_id__in=[u for u in todo if u in swept]).update(day=today)
    return todo


def remind_units(*, unit_ids: list[int], today: datetime.date, again: bool = False) -> int:
    """One batch of the sweep: the member rules for the people that the batch's cells count,
    and the rules for those who act for its units; units already swept today are left out
    unless `again`."""
    with _one_batch():
        unit_ids = _claim(unit_ids, today, again)
        if not unit_ids:
            return 0
        people = rules.in_cells(unit_ids)
        programmes = rules.Programmes(people)
        return _record(rules.member_reminders(people, today, programmes)) + sum(
            inbox.record_rows(rule, rows)
            for rule, rows in rules.secretary_reminders(unit_ids, today, programmes)
        )


def _swept_units():
    """Every unit the sweep reminds for: the cells, and the units where someone holds a role."""
    return Unit.objects.filter(
        Q(kind__is_cell=True) | Q(pk__in=RoleAssignment.objects.values("unit_id"))
    )


def units_left(*, today: datetime.date):
    """The units of the sweep not yet swept for `today` (their batch failed or was lost)."""
    return _swept_units().exclude(pk__in=UnitSweep.objects.filter(day__gte=today).values("unit_id"))


def unit_batches(
    *,
    size: int | None = None,
    partition: tuple[int, int] = (0, 1),
    left_on: datetime.date | None = None,
) -> Iterator[list[int]]:
    """The sweep's batches, in the order of unit ids: lists of unit ids of about `size`
    people each (counting a unit without members as one). Streams the units; part i of n
    (`partition`) keeps those whose id is i modulo n; `left_on` keeps those not yet swept
    for that day."""
    part, parts = partition
    if not 0 <= part < parts:
        raise ValueError(f"no part {part} of {parts}")
    size = size or settings.REMINDER_BATCH_SIZE
    people = (
        standing.current_members()
        .filter(cell_id=OuterRef("pk"))
        .order_by()
        .values("cell_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = (
        (_swept_units() if left_on is None else units_left(today=left_on))
        .annotate(r_part=Mod("pk", parts), r_people=Coalesce(Subquery(people), 0))
        .filter(r_part=part)
        .order_by("pk")
        .values_list("pk", "r_people")
    )
    batch, weight = [], 0
    for unit_id, n in units.iterator(chunk_size=2000):
        n = max(n, 1)
        if batch and weight + n > size:
            yield batch
            batch, weight = [], 0
        batch.append(unit_id)
        weight += n
    if batch:
        yield batch


def remind_everyone(
    *, today: datetime.date, partition: tuple[int, int] = (0, 1), again: bool = False
) -> int:
    """The whole sweep (or part i of n) in this process, batch by batch, as the daily job does
    with a task per batch."""
    return sum(
        remind_units(unit_ids=batch, today=today, again=again)
        for batch in unit_batches(partition=partition)
    )
