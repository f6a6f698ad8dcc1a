"""The generated province (`manage.py generate_dataset`): its shape, and that every row is
as the services would have left it."""

import datetime
import itertools
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.core.periods import Period, quarter_start
from registry.members.models import Member, Membership
from registry.pledges import standing
from registry.pledges.models import (
    Plan,
    PlanItem,
    PlanSnapshot,
    PlanTransition,
    ProgressReport,
    RegistrationExtension,
)
from registry.portal import dataset
from registry.portal.dataset.tree import cell_sizes
from registry.programmes.selectors import programme_for
from registry.reviews.figures import unit_figures
from registry.units.models import Unit

ON = datetime.date(2026, 11, 26)
S = Plan.Status


@pytest.fixture
def province(db):
    return dataset.generate(members=600, seed=7, year=2026, on=ON)


def test_cell_sizes_are_skewed_and_add_up():
    sizes = cell_sizes(100_000, random.Random(1))
    assert sum(sizes) == 100_000
    assert min(sizes) >= 5 and max(sizes) == 500
    middle = sorted(sizes)[len(sizes) // 2]
    assert 15 <= middle <= 60
    assert sum(1 for s in sizes if s > 150) < len(sizes) / 100


def test_the_tree_is_a_sound_materialised_path(province):
    assert [problems for problems in Unit.objects.find_problems() if problems] == []
    for parent in Unit.objects.filter(numchild__gt=0):
        names = list(Unit.objects.get_children(parent).values_list("name", flat=True))
        assert names == sorted(names)
    kinds = Counter(Unit.objects.values_list("kind__code", flat=True))
    assert kinds["tinh_uy"] == 1 and kinds["huyen_uy"] >= 1 and kinds["dang_uy_xa"] >= 1
    assert kinds["chi_bo_truc_thuoc"] + kinds["chi_bo_co_so"] >= 10


def test_each_person_has_one_open_period_and_a_whole_history(province):
    assert Member.objects.count() == 600
    periods = defaultdict(list)
    for p in Membership.objects.select_related("cell__kind", "group__kind").order_by("start_date"):
        periods[p.member_id].append(p)
        assert p.cell.kind.is_cell
        assert p.group is None or (p.group.kind.is_group and p.group.path.startswith(p.cell.path))
    reasons = Counter()
    for history in periods.values():
        assert [p.end_date for p in history].count(None) == 1 and history[-1].end_date is None
        for before, after in itertools.pairwise(history):
            assert before.end_date == after.start_date < ON
            reasons[before.end_reason] += 1
            moved = before.cell_id != after.cell_id
            assert before.end_reason == ("transfer" if moved else "regroup")
    assert reasons["transfer"] >= 1 and reasons["regroup"] >= 1
    assert Member.objects.exclude(category="dang_vien").exists()


def _transitions() -> dict[int, list[PlanTransition]]:
    result = defaultdict(list)
    for t in PlanTransition.objects.order_by("at", "id"):
        result[t.plan_id].append(t)
    return result


def test_plans_keep_the_timestamps_of_their_steps(province):
    plans = list(Plan.objects.select_related("member"))
    assert 0.8 < len(plans) / 600 < 0.95
    assert {p.status for p in plans} == set(S.values)
    steps = _transitions()
    snapshots = Counter(PlanSnapshot.objects.values_list("plan_id", flat=True))
    extended = set(RegistrationExtension.objects.values_list("member_id", flat=True))
    window = programme_for(unit=province, year=2026)
    for plan in plans:
        history = steps[plan.pk]
        assert history[0].to_status == S.DRAFT and history[-1].to_status == plan.status
        assert plan.member.user_id is not None
        submits = [t.at for t in history if t.to_status == S.SUBMITTED]
        approvals = [t for t in history if t.to_status == S.APPROVED]
        assert plan.submitted_at == (submits[0] if submits else None)
        assert plan.last_submitted_at == plan.committed_at == (submits[-1] if submits else None)
        assert plan.first_approved_at == (approvals[0].at if approvals else None)
        assert plan.approved_at == (approvals[-1].at if approvals else None)
        assert plan.approved_by_id == (approvals[-1].by_id if approvals else None)
        assert snapshots[plan.pk] == len(approvals)
        if plan.submitted_at:
            first = timezone.localdate(plan.submitted_at)
            assert window.registration_opens <= first
            assert first <= window.registration_closes or plan.member_id in extended
        assert all(timezone.localdate(t.at) < ON for t in history)


def test_items_count_from_the_approval_that_included_them(province):
    for item in PlanItem.objects.select_related("plan"):
        plan = item.plan
        if plan.first_approved_at is None:
            assert item.approved_at is None and not item.pending_change
        elif item.approved_at is not None:
            assert plan.first_approved_at <= item.approved_at <= plan.approved_at
        if item.pending_change:
            assert plan.status in (S.AMENDING, S.SUBMITTED)
    assert PlanItem.objects.filter(is_breakthrough=True).exists()


def test_reports_only_on_counting_items_and_late_by_the_deadline(province):
    deadlines = programme_for(unit=province, year=2026)
    reports = list(ProgressReport.objects.select_related("item"))
    assert len(reports) > 1000
    for r in reports:
        filed_on = timezone.localdate(r.first_filed_at)
        assert standing.counts_on(r.item.approved_at, Period(2026, r.quarter).as_of(filed_on))
        assert r.first_filed_at > r.item.approved_at
        assert quarter_start(2026, r.quarter) <= filed_on < ON
        assert r.first_filed_at <= r.filed_at
        assert r.is_late == standing.is_filed_late(filed_on, deadlines.quarter_deadline(r.quarter))
        if r.review != ProgressReport.Review.PENDING:
            assert r.reviewed_by_id is not None and r.reviewed_at >= r.filed_at
    reviews = Counter(r.review for r in reports)
    assert reviews["accepted"] and reviews["pending"] and reviews["more_needed"]
    figures, _rows = unit_figures(unit=province, period=Period(2026, 2), on=ON)
    assert figures["reports_on_time"] and figures["reports_late"] and figures["reports_missing"]


def test_cells_have_leaders_and_committees_officers(province):
    roles = Counter(RoleAssignment.objects.values_list("unit__kind__is_cell", "role"))
    cells = Unit.objects.filter(kind__is_cell=True).count()
    assert roles[(True, "secretary")] >= cells * 0.9
    assert roles[(True, "deputy_secretary")] >= cells * 0.9
    assert roles[(False, "officer")] >= 1 and roles[(True, "committee_member")] >= 1


def test_a_secretary_opens_the_dashboard(province, client):
    role = RoleAssignment.objects.filter(role="secretary", unit__kind__is_cell=True).first()
    client.force_login(role.user)
    assert client.get(f"/cells/{role.unit_id}/").status_code == 200


def test_it_refuses_a_database_with_members(province):
    with pytest.raises(dataset.DatasetError):
        dataset.generate(members=100, on=ON)


def test_the_command_flushes_and_generates(db, capsys):
    call_command("generate_dataset", "--members", "60", "--on", "2026-05-10", "--flush")
    assert "60 members" in capsys.readouterr().out
    assert Member.objects.count() == 60


def test_about_three_in_a_hundred_are_key_officials_every_cell_secretary_among_them(province):
    members = Member.objects.count()
    officials = set(Member.objects.filter(is_key_official=True).values_list("pk", flat=True))
    assert 0.02 * members <= len(officials) <= 0.045 * members
    secretaries = set(
        Member.objects.filter(
            user__roles__role="secretary", user__roles__unit__kind__is_cell=True
        ).values_list("pk", flat=True)
    )
    assert secretaries and secretaries <= officials


def test_a_share_of_items_counts_in_the_catalogues_indicators_and_adds_up(province):
    from registry.collective.selectors import indicator_totals

    items = PlanItem.objects.count()
    chosen = PlanItem.objects.filter(indicator__isnull=False).select_related("indicator")
    assert 0.08 * items <= chosen.count() <= 0.25 * items
    assert all(item.target_unit == item.indicator.unit for item in chosen)
    reached = ProgressReport.objects.filter(
        item__indicator__isnull=False, value_reached__isnull=False
    )
    assert reached.exists()
    rows = indicator_totals(unit=province, period=Period(2026), on=ON)
    assert rows and sum(r["items"] for r in rows) <= chosen.count()
    assert all(float(r["reached"]) > 0 for r in rows)
