"""The sweep by batches of units: whatever the batches, the parts or the path, it records the
same reminders as one sweep of everything; each unit and person falls in exactly one batch;
a second run creates nothing and costs a few queries a batch, whatever the number of people."""

import datetime
import itertools
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from registry.access.models import RoleAssignment
from registry.members import services as member_services
from registry.members.models import Membership
from registry.notifications import services as inbox
from registry.notifications.models import Notification
from registry.pledges import reminders as keys
from registry.pledges import services as plan_services
from registry.programmes.models import Programme
from registry.reminders import services as reminders
from registry.reminders.models import UnitSweep
from registry.reviews.models import Review
from registry.units.models import Unit

from ..factories import UserFactory, approved_plan, give_role, make_member, submitted_plan

D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=7))
DAYS = [D(2026, 3, 28), D(2026, 6, 24), D(2026, 11, 24), D(2027, 1, 10)]


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@pytest.fixture
def province(tree):
    """Three cells in two districts, the second district with its own deadlines (so a batch
    spans two programmes); leaders and a cell committee; approved plans with reports filed,
    late, missing and pending; plans waiting for approval; a person without an account; a
    transfer after quarter I; a late registration; a review draft."""
    Programme.objects.create(
        year=2026,
        registration_opens=D(2026, 1, 10),
        registration_closes=D(2026, 3, 31),
        q1_deadline=D(2026, 3, 25),
        q2_deadline=D(2026, 6, 25),
        q3_deadline=D(2026, 9, 25),
        q4_deadline=D(2026, 12, 15),
    )
    Programme.objects.create(
        year=2026,
        scope=tree.other_district,
        registration_closes=D(2026, 3, 29),
        q2_deadline=D(2026, 6, 30),
        q4_deadline=D(2027, 1, 12),
    )
    cells = [tree.cell, tree.next_cell, tree.far_cell]
    for cell in cells:
        secretary, deputy, third, *_rest = add_people(cell, 5)
        give_role(secretary.user, cell, RoleAssignment.Role.SECRETARY)
        give_role(deputy.user, cell, RoleAssignment.Role.DEPUTY_SECRETARY)
        if cell.has_committee:
            give_role(third.user, cell, RoleAssignment.Role.COMMITTEE_MEMBER)
    give_role(UserFactory(), tree.district, RoleAssignment.Role.OFFICER)
    for cell in cells:
        add_plans(cell)
        add_people(cell, 1)  # not registered
    moved = Membership.objects.current().filter(cell=tree.cell).order_by("member_id")[3].member
    member_services.member_transfer(member=moved, to_cell=tree.next_cell, on=D(2026, 5, 20))
    make_member(tree.far_cell, "Không Tài Khoản")  # reminded of nothing: no account
    late = make_member(tree.next_cell, "Đăng Ký Muộn", user=UserFactory())
    plan_services.registration_extend(
        member=late,
        year=2026,
        until=D(2026, 4, 2),
        actor=RoleAssignment.objects.get(unit=tree.next_cell, role="secretary").user,
        at=at(D(2026, 3, 27)),
    )
    old = at(D(2026, 10, 5))
    Review.objects.create(
        unit=tree.district, kind="quarter", year=2026, quarter=3, generated_at=old, created_at=old
    )
    return tree


_serial = itertools.count(1)


def add_people(cell, n: int) -> list:
    return [make_member(cell, f"Người Thứ {next(_serial)}", user=UserFactory()) for _ in range(n)]


def add_plans(cell) -> None:
    """The plans of the cell's people who have none: most approved with three items and
    reports of some quarters (one in three misses quarter I, every other one half of quarter
    II, one in four all of quarter III, a few accepted), one in five only submitted."""
    secretary = RoleAssignment.objects.get(unit=cell, role="secretary").user
    deputy = RoleAssignment.objects.get(unit=cell, role="deputy_secretary").user
    members = [
        m.member
        for m in Membership.objects.current()
        .filter(cell=cell, member__user__isnull=False, member__plans__isnull=True)
        .select_related("member__user")
        .order_by("member_id")
    ]
    days = {1: D(2026, 3, 20), 2: D(2026, 6, 28), 3: D(2026, 9, 20)}
    for i, member in enumerate(members):
        if i % 5 == 4:
            submitted_plan(member, member.user)
            continue
        approver = deputy if member.user == secretary else secretary
        plan = approved_plan(member, member.user, approver, items=("Một", "Hai", "Ba"))
        items = list(plan.items.order_by("position"))
        filed = {1: items if i % 3 else [], 2: items if i % 2 else items[:1]}
        filed[3] = [] if i % 4 == 0 else items
        for quarter, done in filed.items():
            for item in done:
                report = plan_services.report_file(
                    item=item,
                    quarter=quarter,
                    actor=member.user,
                    status="done",
                    at=at(days[quarter]),
                )
                if i % 3 == 2:
                    plan_services.report_accept(
                        report=report, actor=approver, at=at(D(2026, 10, 1))
                    )


def rows() -> set:
    return {
        (n.user_id, n.rule, n.period, n.step, n.due, n.url, tuple(sorted(n.params.items())))
        for n in Notification.objects.all()
    }


def fresh() -> None:
    Notification.objects.all().delete()
    UnitSweep.objects.all().delete()


def all_units() -> list[int]:
    return [u for batch in reminders.unit_batches(size=10**9) for u in batch]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_batches_parts_and_people_make_the_rows_of_one_sweep(province, today):
    reminders.remind_units(unit_ids=all_units(), today=today)
    whole = rows()
    assert len({r[1] for r in whole}) >= 3
    fresh()
    for batch in reminders.unit_batches(size=3):
        reminders.remind_units(unit_ids=batch, today=today)
    assert rows() == whole
    fresh()
    parts = []
    for part in range(2):
        before = rows()
        reminders.remind_everyone(today=today, partition=(part, 2))
        parts.append(rows() - before)
    assert parts[0] | parts[1] == whole and not parts[0] & parts[1]
    fresh()
    # The same rules asked by person (any cell) and by unit, in one batch each.
    people = Membership.objects.current().values_list("member_id", flat=True)
    reminders.remind_members(member_ids=list(people), today=today)
    reminders.remind_secretaries(unit_ids=all_units(), today=today)
    assert rows() == whole


def test_the_sweep_finds_every_kind_of_reminder(province):
    for today in DAYS:
        reminders.remind_everyone(today=today)
    found = {(r[1], r[3]) for r in rows()}
    assert {
        ("registration_closing", "1d"),
        ("registration_closing", "3d"),
        ("registration_closing", "7d"),
        ("report_due", "1d"),
        ("report_due", "overdue-1"),
        ("approval_waiting", "5d"),
        ("reports_to_accept", "after_deadline"),
        ("review_draft", "3d"),
    } <= found
    # The committee member is reminded of the leaders' own reports only.
    committee = RoleAssignment.objects.get(role="committee_member")
    assert Notification.objects.filter(user=committee.user, rule="reports_to_accept").exists()


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_each_unit_and_person_is_in_one_batch_of_one_part(province, parts):
    batches = [
        batch
        for part in range(parts)
        for batch in reminders.unit_batches(size=4, partition=(part, parts))
    ]
    units = [u for batch in batches for u in batch]
    assert len(units) == len(set(units))
    cells = set(Unit.objects.filter(kind__is_cell=True).values_list("pk", flat=True))
    holders = set(RoleAssignment.objects.values_list("unit_id", flat=True))
    assert set(units) == cells | holders
    people = Membership.objects.current().values_list("member_id", "cell_id")
    for member_id, cell_id in people:
        assert sum(cell_id in batch for batch in batches) == 1, member_id
    for batch in batches:
        size = Membership.objects.current().filter(cell_id__in=batch).count()
        assert size <= 4 or len(batch) == 1


def test_no_part_of_nothing():
    with pytest.raises(ValueError):
        list(reminders.unit_batches(partition=(2, 2)))


def test_a_second_run_creates_nothing_and_looks_up_its_units_once(province):
    today = D(2026, 11, 24)
    assert reminders.remind_everyone(today=today) > 0
    batches = list(reminders.unit_batches(size=3))
    with CaptureQueriesContext(connection) as ctx:
        assert sum(reminders.remind_units(unit_ids=b, today=today) for b in batches) == 0
    # The transaction's own statements aside: a lookup of the batch's units, nothing else.
    work = [q for q in ctx.captured_queries if not _bookkeeping(q["sql"])]
    assert len(work) == len(batches)


def _bookkeeping(sql: str) -> bool:
    return sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL", "BEGIN", "COMMIT"))


def _queries_again(today) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        new = reminders.remind_units(unit_ids=all_units(), today=today, again=True)
    return new, len([q for q in ctx.captured_queries if not _bookkeeping(q["sql"])])


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_sweeping_again_creates_nothing_in_as_many_queries_for_twice_the_people(province, today):
    reminders.remind_everyone(today=today)
    new, queries = _queries_again(today)
    assert new == 0
    assert queries <= 25
    for cell in (province.cell, province.next_cell, province.far_cell):
        add_people(cell, 5)
        add_plans(cell)
    reminders.remind_everyone(today=today, again=True)  # what the newcomers are due
    assert _queries_again(today) == (0, queries)


def test_a_unit_is_swept_once_a_day_unless_again(province):
    today = D(2026, 11, 24)
    reminders.remind_everyone(today=today)
    count = Notification.objects.count()
    Notification.objects.filter(rule="report_due").delete()
    assert reminders.remind_everyone(today=today) == 0  # done today
    assert reminders.remind_everyone(today=today, again=True) > 0
    assert Notification.objects.count() == count
    assert reminders.remind_everyone(today=today + datetime.timedelta(days=7)) > 0  # a week on


def test_a_failed_batch_leaves_its_units_to_sweep(province):
    today = D(2026, 11, 24)
    units = all_units()
    with (
        mock.patch.object(inbox, "record_rows", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        reminders.remind_units(unit_ids=units, today=today)
    assert not Notification.objects.exists()
    assert not UnitSweep.objects.filter(day=today).exists()
    assert reminders.remind_units(unit_ids=units, today=today) > 0
    assert UnitSweep.objects.filter(day=today).count() == len(units)


def test_send_reminders_runs_a_part_or_again(province):
    call_command("send_reminders", "--today", "2026-11-24", "--part", "0/2", verbosity=0)
    call_command("send_reminders", "--today", "2026-11-24", "--part", "1/2", verbosity=0)
    count = Notification.objects.count()
    Notification.objects.filter(rule="reports_to_accept").delete()
    call_command("send_reminders", "--today", "2026-11-24", verbosity=0)
    assert Notification.objects.count() < count
    call_command("send_reminders", "--today", "2026-11-24", "--again", verbosity=0)
    assert Notification.objects.count() == count
    with pytest.raises(CommandError):
        call_command("send_reminders", "--part", "2/2")


def test_the_keys_the_database_computes_are_the_apps_keys(tree):
    row = (
        Unit.objects.filter(pk=tree.cell.pk)
        .annotate(
            quarter=keys.quarter_key_sql(F("pk"), year=2026, quarter=3),
            registration=keys.registration_key_sql("pk", year=2027),
        )
        .values_list("quarter", "registration")
        .get()
    )
    assert row == (
        keys.quarter_key(cell_id=tree.cell.pk, year=2026, quarter=3),
        keys.registration_key(cell_id=tree.cell.pk, year=2027),
    )
