"""The values of the same indicator add up the tree: per unit below and in all, in a fixed
number of queries whatever the size of the sub-tree.

    Tỉnh ủy Sơn La ─ Huyện ủy Mường La ─ Chi bộ Khối Đảng: alice
                   │                   └─ Chi bộ bản Nà Lốc: charlie
                   └─ Huyện ủy Vân Hồ ─── Chi bộ bản Lóng Luông: giang
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.collective.selectors import indicator_totals
from registry.core.periods import Period
from registry.pledges import services
from registry.reviews import services as reviews
from registry.reviews.pdf import document_context

from ..factories import D, UserFactory, approved_plan, at, make_member, submitted_plan


def _report(plan, position, quarter, value, on):
    item = plan.items.get(position=position)
    return services.report_file(
        item=item,
        quarter=quarter,
        actor=plan.member.user,
        status="in_progress",
        value_reached=Decimal(value),
        at=on,
        confirmed=True,
    )


def _item(action, indicator=None, target=None):
    return {"action": action, "indicator": indicator and indicator.pk, "target_value": target}


@pytest.fixture
def results(tree, people, catalogue, programme_2026):
    tiep, ho_so = catalogue["tiep_dan"], catalogue["ho_so"]
    giang = UserFactory(username="giang")
    giang_member = make_member(tree.far_cell, "Giàng A Giang", user=giang)
    alice = approved_plan(
        people.alice_member,
        people.alice,
        people.root,
        items=[_item("Tiếp công dân", tiep, 100), _item("Học tập chuyên đề")],
    )
    charlie = approved_plan(
        people.charlie_member,
        people.charlie,
        people.root,
        items=[_item("Tiếp dân ở bản", tiep, 50), _item("Giải quyết hồ sơ", ho_so, 10)],
    )
    far = approved_plan(
        giang_member, giang, people.root, items=[_item("Đối thoại với dân", tiep, 40)]
    )
    # bob's plan waits for approval: its items do not count yet.
    submitted_plan(people.bob_member, people.bob, items=[_item("Tiếp dân", tiep, 1000)])
    _report(alice, 1, 1, 30, at(2026, 3, 20))
    _report(alice, 1, 2, 70, at(2026, 6, 20))  # what was reached so far, not what was added
    _report(charlie, 1, 1, 20, at(2026, 3, 21))
    _report(charlie, 2, 2, 8, at(2026, 6, 22))
    _report(far, 1, 2, 45, at(2026, 6, 23))
    _report(alice, 1, 3, 95, at(2026, 9, 20))  # after the day looked at
    return SimpleNamespace(tiep=tiep, ho_so=ho_so, giang=giang_member)


def _by_name(rows):
    return {row["name"]: row for row in rows}


def test_an_indicator_adds_up_over_three_cells_per_unit_and_in_all(tree, results):
    rows = indicator_totals(unit=tree.province, period=Period(2026, 2), on=D(2026, 7, 10))
    tiep, ho_so = rows  # in the catalogue's order
    assert (tiep["name"], tiep["unit"], tiep["items"]) == ("Lượt công dân được tiếp", "lượt", 3)
    assert Decimal(tiep["target"]) == 100 + 50 + 40
    assert Decimal(tiep["reached"]) == 70 + 20 + 45
    children = _by_name(tiep["children"])
    assert (children["Huyện ủy Mường La"]["target"], children["Huyện ủy Mường La"]["reached"]) == (
        "150",
        "90",
    )
    assert (children["Huyện ủy Vân Hồ"]["target"], children["Huyện ủy Vân Hồ"]["reached"]) == (
        "40",
        "45",
    )
    assert (ho_so["target"], ho_so["reached"]) == ("10", "8")
    assert [c["name"] for c in ho_so["children"]] == ["Huyện ủy Mường La"]


def test_a_quarter_counts_what_was_reported_by_then_and_a_cell_its_own(tree, results):
    first = indicator_totals(unit=tree.province, period=Period(2026, 1), on=D(2026, 4, 10))
    assert Decimal(first[0]["reached"]) == 30 + 20
    cell = indicator_totals(unit=tree.cell, period=Period(2026, 2), on=D(2026, 7, 10))
    assert [(r["target"], r["reached"], r["children"]) for r in cell] == [("100", "70", [])]
    year = indicator_totals(unit=tree.province, period=Period(2026), on=D(2026, 10, 1))
    assert Decimal(year[0]["reached"]) == 95 + 20 + 45


def test_the_sums_take_the_same_queries_whatever_the_size_of_the_sub_tree(tree, people, results):
    period, on = Period(2026, 2), D(2026, 7, 10)
    with CaptureQueriesContext(connection) as small:
        indicator_totals(unit=tree.province, period=period, on=on)
    for n in range(4):
        user = UserFactory()
        member = make_member(tree.next_cell, f"Lò Văn Mới {n}", user=user)
        plan = approved_plan(member, user, people.root, items=[_item("Tiếp dân", results.tiep, 10)])
        _report(plan, 1, 2, 5, at(2026, 6, 24))
    with CaptureQueriesContext(connection) as large:
        rows = indicator_totals(unit=tree.province, period=period, on=on)
    assert len(large) == len(small) == 5  # the chosen items and contents, then three
    assert Decimal(rows[0]["reached"]) == 135 + 4 * 5


def test_the_unit_page_shows_the_indicators_of_the_year(login, tree, people, results):
    page = login(people.olga).get(reverse("units:detail", args=[tree.district.pk]))
    table = {r["name"]: r for r in page.context["year_results"]["indicators"]}
    assert table["Lượt công dân được tiếp"]["target"] == "150"
    assert "Lượt công dân được tiếp" in page.text and "Chi bộ bản Nà Lốc: 20 / 50 lượt" in page.text


def test_the_review_stores_the_sums_its_page_and_pdf_print(tree, people, results):
    review, _ = reviews.review_generate(
        unit=tree.province, kind="quarter", year=2026, quarter=2, at=at(2026, 7, 10)
    )
    tiep = _by_name(review.figures["indicators"])["Lượt công dân được tiếp"]
    assert (tiep["target"], tiep["reached"]) == ("190", "135")
    body = render_to_string("reviews/_document_body.html", document_context(review, preview=True))
    assert "Kết quả theo chỉ tiêu" in body
    assert '<td>Lượt công dân được tiếp</td><td class="c">lượt</td><td class="c">190</td>' in body
