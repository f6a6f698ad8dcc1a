"""`field__any=[…]` selects what `field__in=[…]` selects, on every database (on PostgreSQL
with one array parameter instead of one per value)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.members.models import Member
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree):
    cells = [tree.cell, tree.next_cell, tree.far_cell]
    return [make_member(cell, full_name=f"Người {n}") for n, cell in enumerate(cells * 2)]


def test_any_selects_what_in_selects(members):
    wanted = [m.pk for m in members[::2]]
    assert set(Member.objects.filter(pk__any=wanted)) == set(Member.objects.filter(pk__in=wanted))
    assert set(Member.objects.filter(pk__any=wanted)) == set(members[::2])


def test_any_follows_relations_and_ignores_none(members, tree):
    cells = [tree.cell, tree.next_cell]
    ids = [c.pk for c in cells] + [None]
    by_any = Member.objects.filter(memberships__cell_id__any=ids)
    by_in = Member.objects.filter(memberships__cell_id__in=ids)
    assert sorted(by_any.values_list("pk", flat=True)) == sorted(by_in.values_list("pk", flat=True))
    assert by_any.count() == 4
    assert Member.objects.filter(memberships__cell__any=cells).count() == 4


def test_any_of_nothing_selects_nothing(members):
    assert list(Member.objects.filter(pk__any=[])) == []
    assert list(Member.objects.filter(pk__any=[None])) == []


def test_on_postgresql_the_list_is_one_parameter(members):
    if connection.vendor != "postgresql":
        pytest.skip("the array form is PostgreSQL's")
    ids = [m.pk for m in members]
    with CaptureQueriesContext(connection) as ctx:
        list(Member.objects.filter(pk__any=ids))
    assert "= ANY(" in ctx.captured_queries[0]["sql"]
    assert " IN (" not in ctx.captured_queries[0]["sql"]
