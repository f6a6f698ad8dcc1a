import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.core import stale
from registry.directory.selectors import unit_overview
from registry.members import selectors
from registry.members.models import Member, Membership
from registry.units.selectors import standards_for_unit, unit_ancestors

from ..factories import make_member, make_unit


def _bulk_members(cells, n):
    """n party members spread over the given cells, inserted in bulk."""
    start = Member.objects.count()
    members = Member.objects.bulk_create(
        Member(
            full_name=f"Đảng viên {start + i}",
            search_name=f"dang vien {start + i}",
            card_number=f"{50_000_000 + start + i}",
            status=Member.Status.FULL,
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(member=m, cell=cells[i % len(cells)], start_date=datetime.date(2020, 1, 1))
        for i, m in enumerate(members)
    )
    # A bulk load bypasses the services: it marks the figures it changed itself.
    stale.mark([c.pk for c in cells], [datetime.date.today().year])


def children_of(unit):
    return dict(unit_overview(unit=unit, today=datetime.date.today())[1])


def test_counts_cover_the_whole_subtree_and_only_current_members(tree):
    make_member(tree.cell, "A")
    make_member(tree.cell, "B", category=Member.Category.CIVIL_SERVANT)
    make_member(tree.next_cell, "C")
    make_member(tree.far_cell, "D")
    gone = make_member(tree.far_cell, "E")
    Membership.objects.filter(member=gone).update(end_date=datetime.date(2024, 1, 1))
    stale.mark([tree.far_cell.pk], [datetime.date.today().year])

    assert selectors.unit_member_counts(unit=tree.province).party_members == 3
    assert selectors.unit_member_counts(unit=tree.province).participants == 1
    assert selectors.unit_member_counts(unit=tree.district).total == 3

    children = children_of(tree.province)
    assert children[tree.district].party_members == 2
    assert children[tree.district].participants == 1
    assert children[tree.other_district].party_members == 1


def test_child_without_members_is_listed_with_zero(tree):
    children = children_of(tree.district)
    assert children[tree.next_cell].total == 0


def _queries_for_province(tree):
    """Queries of the province's reads once its kept figures are current (a first read
    recounts what changed)."""
    children_of(tree.province)
    with CaptureQueriesContext(connection) as ctx:
        selectors.unit_member_counts(unit=tree.province)
        children_of(tree.province)
        unit_ancestors(unit=tree.cell)
        standards_for_unit(unit=tree.cell)
    return len(ctx.captured_queries)


def test_subtree_counts_take_the_same_number_of_queries_with_10_and_1000_members(tree):
    cells = [tree.cell, tree.next_cell, tree.far_cell]
    _bulk_members(cells, 10)
    with_ten = _queries_for_province(tree)
    assert selectors.unit_member_counts(unit=tree.province).party_members == 10

    _bulk_members(cells, 990)
    with_thousand = _queries_for_province(tree)
    assert selectors.unit_member_counts(unit=tree.province).party_members == 1000

    assert with_ten == with_thousand


def test_deeper_trees_take_no_more_queries(tree):
    _bulk_members([tree.far_cell], 5)
    shallow = _queries_for_province(tree)
    parent = tree.other_district
    for depth in range(6):
        parent = make_unit(f"Đảng bộ cấp {depth}", "dang_bo_co_so", parent)
    deep_cell = make_unit("Chi bộ sâu", "chi_bo_truc_thuoc", parent)
    _bulk_members([deep_cell], 5)
    assert _queries_for_province(tree) == shallow
    children = children_of(tree.province)
    assert children[tree.other_district].party_members == 10


@pytest.mark.django_db
def test_ancestors_come_root_first(tree):
    assert unit_ancestors(unit=tree.group1) == [tree.province, tree.district, tree.cell]
    assert unit_ancestors(unit=tree.province) == []
