"""Roll-ups count organisations: "x/y tổ chức cơ sở đảng đã đăng ký, với n mô hình, m nội dung
đột phá", at every level, in a fixed number of queries."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry.access.models import RoleAssignment
from registry.collective.selectors import RollupRow, collective_rollup

from ..factories import (
    UserFactory,
    collective_registration,
    ensure_unit_kinds,
    give_role,
    make_unit,
    pass_second_factor,
)

CONTENTS = (
    ("model", "Mô hình “Dân vận khéo”"),
    ("model", "Mô hình tự quản về an ninh trật tự"),
    ("breakthrough", "Cải cách hành chính"),
    ("other", "Tham gia xây dựng nông thôn mới"),
)


def _secretary(unit, name):
    user = UserFactory(username=name)
    give_role(user, unit, RoleAssignment.Role.SECRETARY)
    return user


@pytest.fixture
def province(db):
    """Tỉnh ủy ── Huyện ủy ── three grassroots cells (A, B, C), each with its secretary; the
    district's officer decides on their registrations."""
    ensure_unit_kinds()
    top = make_unit("Tỉnh ủy Sơn La", "tinh_uy", code="son-la")
    district = make_unit("Huyện ủy Mường La", "huyen_uy", top)
    cells = [make_unit(f"Chi bộ bản {n}", "chi_bo_co_so", district) for n in "ABC"]
    officer = UserFactory(username="huyenuy")
    give_role(officer, district, RoleAssignment.Role.OFFICER)
    return SimpleNamespace(
        top=top,
        district=district,
        cells=cells,
        officer=officer,
        secretaries=[_secretary(c, f"bithu{i}") for i, c in enumerate(cells)],
    )


def _figures(row: RollupRow) -> tuple:
    return (row.registered, row.organisations, row.models, row.breakthrough)


def test_an_approved_registration_counts_as_one_of_three_at_the_committee_and_above(province):
    a, b, _c = province.cells
    collective_registration(
        a, province.secretaries[0], contents=CONTENTS, approver=province.officer
    )
    collective_registration(b, province.secretaries[1], submit=False)  # a draft: not registered

    for unit in (province.district, province.top):
        rollup = collective_rollup(unit=unit, year=2026)
        assert rollup.mode == "grassroots"
        assert _figures(rollup.total) == (1, 3, 2, 1)
    district = collective_rollup(unit=province.district, year=2026)
    assert [(u.name, _figures(r)) for u, r in district.children] == [
        ("Chi bộ bản A", (1, 1, 2, 1)),
        ("Chi bộ bản B", (0, 1, 0, 0)),
        ("Chi bộ bản C", (0, 1, 0, 0)),
    ]
    top = collective_rollup(unit=province.top, year=2026)
    assert [(u.name, _figures(r)) for u, r in top.children] == [("Huyện ủy Mường La", (1, 3, 2, 1))]
    assert collective_rollup(unit=province.district, year=2025).total.registered == 0

    # The unit pages say it in the report's own words.
    client = pass_second_factor(Client(), province.officer)
    page = client.get(reverse("units:detail", args=[province.district.pk])).text
    assert "1/3 tổ chức cơ sở đảng đã đăng ký, với 2 mô hình, 1 nội dung đột phá" in page


def test_a_submitted_registration_is_registered_but_its_models_count_once_approved(province):
    collective_registration(province.cells[0], province.secretaries[0], contents=CONTENTS)
    rollup = collective_rollup(unit=province.district, year=2026)
    assert _figures(rollup.total) == (1, 3, 0, 0)
    assert rollup.total.approved == 0


def test_a_grassroots_committee_counts_its_cells(db):
    ensure_unit_kinds()
    top = make_unit("Huyện ủy Mường La", "huyen_uy")
    commune = make_unit("Đảng bộ xã Ít Ong", "dang_bo_co_so", top)
    cells = [make_unit(f"Chi bộ bản {n}", "chi_bo_truc_thuoc", commune) for n in ("Cang", "Lọng")]
    officer = UserFactory(username="dangu")
    give_role(officer, commune, RoleAssignment.Role.OFFICER)
    collective_registration(
        cells[0], _secretary(cells[0], "bt0"), contents=CONTENTS[:1], approver=officer
    )
    inside = collective_rollup(unit=commune, year=2026)
    assert inside.mode == "children"
    assert _figures(inside.total) == (1, 2, 1, 0)
    # Above it, the commune's committee is the one grassroots organisation; its cells are not.
    assert _figures(collective_rollup(unit=top, year=2026).total) == (0, 1, 0, 0)
    assert collective_rollup(unit=cells[0], year=2026).mode is None


def test_the_sentence_writes_numbers_the_vietnamese_way():
    rollup = SimpleNamespace(
        mode="grassroots",
        total=RollupRow(organisations=1234, registered=1200, models=107, breakthrough=560),
    )
    with translation.override("vi"):
        text = render_to_string("collective/_rollup_sentence.html", {"rollup": rollup})
    assert (
        text.strip()
        == "1.200/1.234 tổ chức cơ sở đảng đã đăng ký, với 107 mô hình, 560 nội dung đột phá"
    )


def _queries(unit) -> int:
    with CaptureQueriesContext(connection) as queries:
        collective_rollup(unit=unit, year=2026)
    return len(queries)


def test_the_roll_up_reads_a_fixed_number_of_queries_whatever_the_number_of_units(province):
    few = _queries(province.top), _queries(province.district)
    for n in range(8):
        cell = make_unit(f"Chi bộ tổ dân phố {n}", "chi_bo_co_so", province.district)
        collective_registration(
            cell, _secretary(cell, f"more{n}"), contents=CONTENTS, approver=province.officer
        )
    other = make_unit("Huyện ủy Vân Hồ", "huyen_uy", province.top)
    for n in range(4):
        make_unit(f"Chi bộ bản Vân Hồ {n}", "chi_bo_co_so", other)
    assert (_queries(province.top), _queries(province.district)) == few
    assert _figures(collective_rollup(unit=province.top, year=2026).total) == (8, 15, 16, 8)
