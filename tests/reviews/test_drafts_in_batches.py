"""The quarterly drafts of a whole province are written in batches (`generate_drafts`): the
counts beyond the kept figures (indicators, key officials, good deeds and commendations) are
read once for the sub-tree and added up for each unit. Each unit's draft says what it says
when it is written alone, and the work costs a fixed number of queries a batch beside a few
a unit.

The province is the generated one (`manage.py generate_dataset`): transfers, key officials,
items in indicators; good deeds, commendation proposals and a committee's model in an
indicator are added through the services."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.access.models import RoleAssignment
from registry.collective import services as collective
from registry.collective.models import Content
from registry.core.periods import Period
from registry.indicators.models import Indicator
from registry.portal import dataset
from registry.reviews import services
from registry.reviews.models import Review
from registry.units.models import Unit

from ..factories import TZ, collective_registration, good_deed, make_member, make_unit

ON = datetime.date(2026, 11, 26)
QUARTER = Period(2026, 3)


def _secretary(unit):
    return RoleAssignment.objects.get(unit=unit, role=RoleAssignment.Role.SECRETARY).user


@pytest.fixture
def province(db):
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=TZ), tick=False):
        root = dataset.generate(members=600, seed=11, year=2026, on=ON)
        cells = list(Unit.objects.filter(kind__is_cell=True).order_by("path"))
        committees = [
            u
            for u in Unit.objects.filter(kind__is_cell=False, kind__is_group=False)
            .exclude(pk=root.pk)
            .order_by("path")
            if RoleAssignment.objects.filter(unit=u, role="secretary").exists()
        ]
        for cell in cells[::3]:  # deeds in some cells, one of them in a committee's register
            good_deed(cell, _secretary(cell), date=datetime.date(2026, 8, 3))
        committee = committees[0]
        good_deed(committee, _secretary(committee), date=datetime.date(2026, 7, 20))
        indicator = Indicator.objects.filter(scope__isnull=True).first()
        model = {"kind": "model", "title": "Mô hình tiếp dân", "indicator": indicator.pk}
        registration = collective_registration(
            committee, _secretary(committee), contents=[{**model, "target_value": "120"}]
        )
        above = Unit.objects.get_parent(committee)
        collective.registration_approve(registration=registration, actor=_secretary(above))
        assert Content.objects.filter(indicator=indicator).exists()
        # A second province, a tree of its own: its units are read apart.
        other = make_unit("Tỉnh ủy Yên Bái", "tinh_uy", code="yen-bai")
        for name in ("Chi bộ bản Hẻo", "Chi bộ bản Mù"):
            make_member(make_unit(name, "chi_bo_co_so", other), f"Đảng viên {name}")
        yield root


def _reviewed():
    return services.units_to_review()


def test_each_unit_s_values_read_in_a_batch_are_those_read_alone(province):
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=TZ), tick=False):
        units = _reviewed()
        together = services.period_values_of(units, period=QUARTER, on=ON)
        assert len(units) > 20
        assert len({u.path[: Unit.steplen] for u in units}) == 2  # two provinces
        seen = {"indicators": 0, "key_officials": 0, "deeds": 0}
        for unit in units:
            alone = services.period_values(unit=unit, period=QUARTER, on=ON)
            assert together[unit.pk] == alone, unit.name
            seen["indicators"] += bool(alone["figures"]["indicators"])
            seen["key_officials"] += alone["figures"]["key_officials"]["counted"] > 0
            seen["deeds"] += alone["commendations"]["deeds"] > 0
    # The province exercises every part: none of them is compared as empty everywhere.
    assert all(seen.values()), seen


def test_the_drafts_written_in_batches_are_those_written_one_by_one(province, monkeypatch):
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=TZ), tick=False):
        units = _reviewed()
        monkeypatch.setattr(services, "DRAFT_BATCH", 7)  # several batches, one cut mid-district
        outcomes = services.generate_drafts(units=units, kind="quarter", year=2026, quarter=3)
        assert outcomes == {"created": len(units), "updated": 0, "final": 0}
        fields = ("figures", "commendations", "children", "summary", "as_of", "signer_name")
        fields += ("signer_title", "on_behalf", "recipients", "next_tasks")
        batched = {r["unit_id"]: r for r in Review.objects.values("unit_id", *fields)}
        Review.objects.all().delete()
        for unit in units:
            services.review_generate(unit=unit, kind="quarter", year=2026, quarter=3)
        alone = {r["unit_id"]: r for r in Review.objects.values("unit_id", *fields)}
        assert batched == alone
        # Run again, the batches refresh the same drafts.
        again = services.generate_drafts(units=units, kind="quarter", year=2026, quarter=3)
        assert again == {"created": 0, "updated": len(units), "final": 0}
        assert Review.objects.count() == len(units)


def test_a_batch_costs_a_fixed_number_of_queries_beside_a_few_a_unit(province):
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=TZ), tick=False):
        cells = [u for u in _reviewed() if u.kind.is_cell and u.path.startswith(province.path)]
        few, many = cells[:5], cells[5:25]
        services.generate_drafts(units=cells[:1], kind="quarter", year=2026, quarter=3)
        costs = []
        for batch in (few, many):
            with CaptureQueriesContext(connection) as queries:
                services.generate_drafts(units=batch, kind="quarter", year=2026, quarter=3)
            costs.append(len(queries))
        per_unit = (costs[1] - costs[0]) / (len(many) - len(few))
        # Writing a new draft: which reviews exist, the insert and its savepoint.
        assert per_unit <= 4, costs
