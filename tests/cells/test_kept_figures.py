"""Kept figures: after any sequence of events made through the services, the figures kept
for each cell and quarter are the figures counted from the raw rows, for every cell, every
unit above them and every quarter, whether the recompute after commit ran or was lost."""

import datetime
import random

import pytest
import time_machine

from registry.cells import kept
from registry.cells import services as cell_services
from registry.cells.figures import COUNTED, counted_figures
from registry.cells.models import QuarterFigures, QuarterPeople
from registry.core.models import StaleFigures
from registry.core.periods import Period, quarter_of
from registry.members import services as members
from registry.members.models import Membership, Transfer
from registry.pledges import services as plans
from registry.pledges import standing
from registry.pledges.models import Plan, PlanItem, ProgressReport
from registry.reviews.figures import counted_unit_figures, unit_figures

from ..factories import TZ, UserFactory, make_member

COMPARED = [*COUNTED, "by_quarter"]


def _now(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ)


class Year:
    """A random year of a small district: people join, transfer and leave, register, amend,
    report on time or late, are checked and rated."""

    def __init__(self, tree, root, rnd: random.Random):
        self.tree, self.root, self.rnd = tree, root, rnd
        self.cells = [tree.cell, tree.next_cell, tree.far_cell]
        self.day = datetime.date(2026, 1, 12)
        self.serial = 0

    def people(self):
        return list(
            Membership.objects.current()
            .filter(member__user__isnull=False)
            .select_related("member__user", "cell")
        )

    def join(self):
        self.serial += 1
        user = UserFactory(username=f"p{self.serial}")
        make_member(
            self.rnd.choice(self.cells), f"Người Thứ {self.serial}", user=user, since=self.day
        )

    def transfer(self):
        """The sending side issues; the person stays in their cell until `receive`."""
        waiting = set(
            Transfer.objects.filter(status=Transfer.Status.PENDING).values_list(
                "member_id", flat=True
            )
        )
        free = [p for p in self.people() if p.member_id not in waiting]
        if not free:
            return
        period = self.rnd.choice(free)
        to = self.rnd.choice([c for c in self.cells if c.pk != period.cell_id])
        cell_services.transfer_issue(member=period.member, to_cell=to, actor=self.root)

    def receive(self):
        """The receiving side receives (or now and then refuses) a transfer waiting for it."""
        waiting = list(Transfer.objects.filter(status=Transfer.Status.PENDING))
        if not waiting:
            return
        transfer = self.rnd.choice(waiting)
        if self.rnd.random() < 0.2:
            cell_services.transfer_refuse(transfer=transfer, actor=self.root, reason="Chưa đủ")
        else:
            cell_services.transfer_accept(transfer=transfer, actor=self.root)

    def leave(self):
        period = self.rnd.choice(self.people())
        members.member_leave(member=period.member, on=self.day)

    def register(self):
        waiting = [
            p for p in self.people() if not Plan.objects.filter(member=p.member, year=2026).exists()
        ]
        if not waiting or self.day > datetime.date(2026, 3, 31):
            return
        p = self.rnd.choice(waiting)
        plan = plans.plan_create(member=p.member, year=2026, actor=p.member.user)
        n = self.rnd.randint(1, 3)
        plans.plan_save(
            plan=plan,
            actor=p.member.user,
            study_content="",
            items=[
                {"action": f"Việc {i}", "is_breakthrough": i == 1 and self.rnd.random() < 0.3}
                for i in range(1, n + 1)
            ],
        )
        plans.plan_submit(plan=plan, actor=p.member.user, commitment_confirmed=True)

    def approve(self):
        waiting = list(Plan.objects.filter(status=Plan.Status.SUBMITTED, year=2026))
        if waiting:
            plans.plan_approve(plan=self.rnd.choice(waiting), actor=self.root)

    def amend(self):
        approved = list(
            Plan.objects.filter(status=Plan.Status.APPROVED, year=2026).select_related(
                "member__user"
            )
        )
        if not approved:
            return
        plan = self.rnd.choice(approved)
        user = plan.member.user
        plans.plan_request_amendment(plan=plan, actor=user, reason="Thêm việc")
        items = [{"id": i.pk, "action": i.action} for i in plan.items.all()]
        plans.plan_save(
            plan=plan, actor=user, study_content="", items=[*items, {"action": "Việc thêm"}]
        )
        plans.plan_submit(plan=plan, actor=user, commitment_confirmed=True)

    def report(self):
        quarter = self.rnd.choice(
            [q for q in (quarter_of(self.day) - 1, quarter_of(self.day)) if q]
        )
        items = [
            i
            for i in PlanItem.objects.filter(plan__year=2026).select_related("plan__member__user")
            if standing.reportable(i, Period(2026, quarter), self.day)[0]
            and not ProgressReport.objects.filter(item=i, quarter=quarter).exists()
        ]
        if items:
            item = self.rnd.choice(items)
            plans.report_file(
                item=item,
                quarter=quarter,
                actor=item.plan.member.user,
                status=self.rnd.choice(["in_progress", "done", "not_started"]),
            )

    def check(self):
        cell = self.rnd.choice(self.cells)
        party = [p for p in self.people() if p.cell_id == cell.pk and p.member.is_party_member]
        if party:
            cell_services.supervision_record(
                cell=cell,
                actor=self.root,
                member=self.rnd.choice(party).member,
                kind=self.rnd.choice(["kiem_tra", "giam_sat"]),
                date=self.day,
                subject="Việc đăng ký",
                findings="Đúng",
                conclusion="Tốt",
            )

    def rate(self):
        period = self.rnd.choice(self.people())
        cell_services.rating_set(
            cell=period.cell,
            member=period.member,
            year=2026,
            actor=self.root,
            level=self.rnd.choice(["tot", "hoan_thanh"]),
            justification="Hoàn thành",
            seen_version=getattr(period.member.ratings.filter(year=2026).first(), "version", None),
        )

    EVENTS = {
        "join": 2,
        "transfer": 2,
        "receive": 2,
        "leave": 1,
        "register": 6,
        "approve": 5,
        "amend": 1,
        "report": 8,
        "check": 1,
        "rate": 1,
    }

    def advance(self):
        self.day += datetime.timedelta(days=self.rnd.randint(1, 12))

    def step(self):
        names = list(self.EVENTS)
        name = self.rnd.choices(names, weights=[self.EVENTS[n] for n in names])[0]
        if name == "rate" and self.day < datetime.date(2026, 11, 1):
            name = "report"
        getattr(self, name)()
        return name


def _agree(tree, day):
    """Kept and counted figures are equal for every cell, unit and quarter looked at today."""
    cells = [tree.cell, tree.next_cell, tree.far_cell]
    for quarter in (None, 1, 2, 3, 4):
        period = Period(2026, quarter)
        counted = counted_figures(cells=cells, period=period, on=day)
        from_rows = kept.figures_of_cells(cells, period, day)
        for cell in cells:
            for key in COMPARED:
                assert from_rows[cell.pk][key] == counted[cell.pk][key], (cell, quarter, key)
        for unit in (tree.district, tree.province):
            total, children = unit_figures(unit=unit, period=period, on=day)
            from_cells = counted_unit_figures(unit=unit, period=period, on=day)
            assert {k: total[k] for k in COMPARED} == {k: from_cells[0][k] for k in COMPARED}
            assert [(c.pk, {k: f[k] for k in COMPARED}) for c, f in children] == [
                (c.pk, {k: f[k] for k in COMPARED}) for c, f in from_cells[1]
            ]
            # A page without the chart reads the quarter's own rows: the same figures.
            plain, _ = kept.figures_of_unit(unit, period, day, chart=False)
            assert {k: plain[k] for k in COUNTED} == {k: total[k] for k in COUNTED}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_figures_equal_counted_figures_after_random_events(
    tree, people, programme_2026, django_capture_on_commit_callbacks, seed
):
    rnd = random.Random(seed)
    year = Year(tree, people.root, rnd)
    for _ in range(6):
        with time_machine.travel(_now(year.day), tick=False):
            year.join()
    name = None
    for n in range(45):
        # As in production, the recompute runs after each commit; a third of the time it is
        # lost (a crash after the commit), and the marks must be enough.
        lost = rnd.random() < 0.33
        year.advance()
        with time_machine.travel(_now(year.day), tick=False):
            with django_capture_on_commit_callbacks(execute=not lost):
                name = year.step()
            if n % 9 == 8:
                _agree(tree, year.day)
    with time_machine.travel(_now(year.day), tick=False):
        for transfer in Transfer.objects.filter(status=Transfer.Status.PENDING):
            cell_services.transfer_accept(transfer=transfer, actor=people.root)
        kept.settle_all()
        assert not StaleFigures.objects.exists()
        assert kept.reconcile(years=[2026], fix=False) == []
        _agree(tree, year.day)
    assert name is not None
    assert Transfer.objects.filter(status=Transfer.Status.ACCEPTED).exists()


def test_a_recompute_lost_after_commit_is_made_by_the_next_reader(
    tree, people, programme_2026, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 2, 10)
    with time_machine.travel(_now(day), tick=False):
        kept.figures_of_cells([tree.cell], Period(2026, 1), day)  # rows exist, counted
        with django_capture_on_commit_callbacks(execute=False):  # the process dies
            user = UserFactory(username="moi")
            make_member(tree.cell, "Người Mới", user=user, since=day)
        assert StaleFigures.objects.filter(cell_id=tree.cell.pk, year=2026).exists()
        f = kept.figures_of_cells([tree.cell], Period(2026, 1), day)[tree.cell.pk]
        assert (
            f["members"]
            == counted_figures(cells=[tree.cell], period=Period(2026, 1), on=day)[tree.cell.pk][
                "members"
            ]
        )
        assert not StaleFigures.objects.filter(cell_id=tree.cell.pk, year=2026).exists()


def test_reconcile_reports_and_repairs_a_kept_row_that_drifted(tree, people, programme_2026):
    day = datetime.date(2026, 2, 10)
    with time_machine.travel(_now(day), tick=False):
        kept.reconcile(years=[2026])  # every cell counted once
        QuarterFigures.objects.filter(cell=tree.cell, year=2026, quarter=1).update(members=99)
        differences = kept.reconcile(years=[2026])
        assert differences == [
            {
                "cell": tree.cell.pk,
                "year": 2026,
                "quarter": 1,
                "field": "members",
                "kept": 99,
                "counted": 2,
            }
        ]
        assert kept.reconcile(years=[2026], fix=False) == []


def test_the_people_kept_beside_the_figures_are_reconciled_too(tree, people, programme_2026):
    day = datetime.date(2026, 2, 10)
    with time_machine.travel(_now(day), tick=False):
        kept.reconcile(years=[2026])
        row = QuarterPeople.objects.get(cell=tree.cell, year=2026, quarter=1)
        assert len(row.people) == 2  # the two party members counted in the quarter
        dropped = row.people[0][0]
        row.people = row.people[1:]
        row.save(update_fields=["people"])
        (difference,) = kept.reconcile(years=[2026])
        assert difference["field"] == "people"
        assert difference["kept"] == "1 people"
        assert difference["counted"] == f"2 people; members {dropped} differ"
        assert kept.reconcile(years=[2026], fix=False) == []


def test_a_mark_made_again_during_a_recompute_stays(tree, people, programme_2026):
    """A recompute removes only the marks it read: an event marking the cell meanwhile keeps
    its own mark, so its change is counted by the next recompute."""
    from registry.core import stale

    day = datetime.date(2026, 2, 10)
    with time_machine.travel(_now(day), tick=False):
        stale.mark([tree.cell.pk], [2026])
        read = list(StaleFigures.objects.all())
        stale.mark([tree.cell.pk], [2026])  # a later event
        kept._forget(read)
        assert StaleFigures.objects.filter(cell_id=tree.cell.pk, year=2026).exists()


def test_the_nightly_job_and_the_command_find_and_repair_drift(
    tree, people, programme_2026, capsys
):
    from django.core.management import call_command

    from config.celery import app
    from registry.cells.tasks import reconcile_figures

    day = datetime.date(2026, 2, 10)
    with time_machine.travel(_now(day), tick=False):
        call_command("recompute_figures")
        QuarterFigures.objects.filter(cell=tree.cell, year=2026, quarter=2).update(registered=7)
        with pytest.raises(SystemExit):
            call_command("recompute_figures", "--check")
        assert "registered: kept 7, counted 0" in capsys.readouterr().out
        app.conf.task_always_eager = True
        try:
            reconcile_figures.delay()
        finally:
            app.conf.task_always_eager = False
        assert QuarterFigures.objects.get(cell=tree.cell, year=2026, quarter=2).registered == 0
        call_command("recompute_figures", "--check")
        assert "0 kept figures differed" in capsys.readouterr().out
