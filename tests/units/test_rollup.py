"""The committee's roll-up page (`units:rollup`): per unit directly below, for a year and
quarter, registration and reporting rates, collective registrations and commendations; the
total is the sum of the rows and the review's figures; late units are marked and can be
shown alone; every number links down; the queries do not grow with the units below."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.cells.figures import LATE_OVERDUE, LATE_REGISTRATION
from registry.commendations import services as commendations
from registry.core import pagecache
from registry.core.periods import Period
from registry.directory.selectors import unit_rollup
from registry.pledges import services as plans
from registry.reviews.figures import unit_figures
from registry.reviews.models import Review
from registry.reviews.services import review_generate

from ..factories import (
    D,
    UserFactory,
    approved_plan,
    at,
    collective_registration,
    commendation_proposal,
    give_role,
    make_member,
    make_unit,
    pass_second_factor,
    submitted_plan,
    verified,
)

TODAY = at(2026, 7, 10)  # quarter II is over and its deadline (25/06) has passed
Q2 = Period(2026, 2)
SHARED = [
    "members",
    "registered",
    "registered_pct",
    "approved_plans",
    "reports_on_time",
    "reports_late",
    "reports_missing",
    "breakthrough",
]


@pytest.fixture
def district(tree, people, programme_2026):
    """Under Huyện ủy Mường La: Chi bộ Khối Đảng, where everyone registered and alice reported
    quarter II on time; Chi bộ bản Nà Lốc, where dan's approved plan misses its report and
    charlie never registered. The district approved a commendation of each cell, and the
    Khối Đảng's collective registration."""
    with time_machine.travel(TODAY, tick=False):
        dan_user = UserFactory(username="dan")
        dan = make_member(tree.next_cell, "Lường Văn Dân", user=dan_user)
        alice_plan = approved_plan(
            people.alice_member,
            people.alice,
            people.bob,
            items=[{"action": "Dạy chữ cho bà con", "is_breakthrough": True}],
        )
        submitted_plan(people.bob_member, people.bob)
        approved_plan(dan, dan_user, people.charlie, items=["Trồng cây"])
        plans.report_file(
            item=alice_plan.items.get(),
            quarter=2,
            actor=people.alice,
            status="in_progress",
            at=at(2026, 6, 20),
        )
        olga = verified(people.olga)
        for unit, secretary, subject in (
            (tree.cell, people.bob, "collective"),
            (tree.next_cell, people.charlie, "person"),
        ):
            extra = (
                {"collective_name": "Tổ 1"}
                if subject == "collective"
                else {"member": people.charlie_member}
            )
            proposal = commendation_proposal(
                unit, secretary, subject=subject, at=at(2026, 5, 10), **extra
            )
            commendations.proposal_decide(
                proposal=proposal,
                actor=olga,
                approved=True,
                decision_number="12-QĐ/HU",
                decision_date=D(2026, 5, 20),
            )
        collective_registration(tree.cell, people.bob, approver=people.olga)
    return tree.district


def page(client, unit, **query):
    url = reverse("units:rollup", args=[unit.pk])
    with time_machine.travel(TODAY, tick=False):
        return client.get(url, query)


def rows(response) -> list[str]:
    """The names of the units below, in the order shown."""
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r'<th scope="row"[^>]*>\s*<span><a href="[^"]*">([^<]+)</a>', table)


def test_each_unit_below_has_its_rates_and_the_total_is_their_sum(district, tree):
    with time_machine.travel(TODAY, tick=False):
        r = unit_rollup(unit=district, period=Q2, today=TODAY.date())
    by_name = {line.unit.name: line for line in r.lines}
    khoi, na_loc = by_name["Chi bộ Khối Đảng"], by_name["Chi bộ bản Nà Lốc"]
    assert (khoi.f["members"], khoi.f["registered"], khoi.f["registered_pct"]) == (2, 2, 100.0)
    assert (khoi.f["approved_plans"], khoi.f["reports_on_time"], khoi.on_time_pct) == (1, 1, 100)
    assert khoi.f["breakthrough"] == 1
    assert (na_loc.f["members"], na_loc.f["registered"], na_loc.f["reports_missing"]) == (2, 1, 1)
    assert na_loc.on_time_pct == 0
    assert (khoi.collective.registered, khoi.collective.models) == (1, 1)
    assert (khoi.deeds.approved_collectives, na_loc.deeds.approved_persons) == (1, 1)

    for key in SHARED[:2] + SHARED[3:]:
        assert r.total.f[key] == sum(line.f[key] for line in r.lines), key
    assert r.total.collective.registered == sum(line.collective.registered for line in r.lines)
    assert r.total.deeds.approved == sum(line.deeds.approved for line in r.lines) == 2
    assert r.own is None


def test_the_total_equals_the_review_figures_of_the_same_quarter(district):
    with time_machine.travel(TODAY, tick=False):
        r = unit_rollup(unit=district, period=Q2, today=TODAY.date())
        review_total, review_children = unit_figures(unit=district, period=Q2, on=TODAY.date())
    assert {k: r.total.f[k] for k in SHARED} == {k: review_total[k] for k in SHARED}
    assert {c.name: {k: f[k] for k in SHARED} for c, f in review_children} == {
        line.unit.name: {k: line.f[k] for k in SHARED} for line in r.lines
    }


def test_a_unit_is_late_for_overdue_reports_or_an_incomplete_registration(district, tree):
    with time_machine.travel(TODAY, tick=False):
        r = unit_rollup(unit=district, period=Q2, today=TODAY.date())
        before_close = unit_rollup(unit=district, period=Period(2026, 1), today=D(2026, 3, 20))
    late = {line.unit.name: line.late for line in r.lines}
    assert late == {
        "Chi bộ Khối Đảng": (),
        "Chi bộ bản Nà Lốc": (LATE_OVERDUE, LATE_REGISTRATION),
    }
    assert r.total.late == (LATE_OVERDUE, LATE_REGISTRATION)
    # Before the registration window closes (31/03) and the quarter's deadline, nobody is late.
    assert [line.late for line in before_close.lines] == [(), ()]


def test_late_units_are_marked_in_words_and_can_be_shown_alone(client, district, people):
    pass_second_factor(client, people.olga)
    response = page(client, district, year=2026, q=2)
    body = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == ["Chi bộ Khối Đảng", "Chi bộ bản Nà Lốc"]
    assert body.count('<tr class="late">') == 1
    assert "Chậm tiến độ" in body and "báo cáo quá hạn" in body
    assert rows(page(client, district, year=2026, q=2, late=1)) == ["Chi bộ bản Nà Lốc"]


def test_sorted_by_any_allowed_column_and_filtered_by_kind(client, district, people, tree):
    make_unit("Đảng bộ xã Mường Bú", "dang_bo_co_so", tree.district)
    pass_second_factor(client, people.olga)
    by_share = rows(page(client, district, year=2026, q=2, sort="registered_pct", dir="asc"))
    assert by_share == ["Chi bộ bản Nà Lốc", "Chi bộ Khối Đảng", "Đảng bộ xã Mường Bú"]
    descending = rows(page(client, district, year=2026, q=2, sort="registered_pct", dir="desc"))
    assert descending == ["Chi bộ Khối Đảng", "Chi bộ bản Nà Lốc", "Đảng bộ xã Mường Bú"]
    unknown = rows(page(client, district, year=2026, q=2, sort="pk; drop table", kind="nope"))
    assert unknown == ["Chi bộ Khối Đảng", "Chi bộ bản Nà Lốc", "Đảng bộ xã Mường Bú"]
    cells_only = rows(page(client, district, year=2026, q=2, kind="chi_bo_co_so"))
    assert cells_only == ["Chi bộ Khối Đảng", "Chi bộ bản Nà Lốc"]


def test_every_number_links_down(client, district, people, tree):
    pass_second_factor(client, people.root)
    body = page(client, district, year=2026, q=2).content.decode()
    cell = tree.cell.pk
    for what in ("not-registered", "plans-approved", "reports-on_time", "reports-missing"):
        assert f'href="{reverse("cells:list", args=[cell, what])}?year=2026&amp;q=2"' in body
    assert f'href="{reverse("cells:dashboard", args=[cell])}?year=2026&amp;q=2"' in body
    assert f'href="{reverse("collective:unit", args=[cell, 2026])}"' in body
    assert f'href="{reverse("commendations:proposals", args=[cell])}?year=2026&amp;q=2"' in body
    assert f'href="{reverse("commendations:inbox", args=[district.pk])}?year=2026"' in body
    province = page(client, tree.province, year=2026, q=2).content.decode()
    assert f'href="{reverse("units:rollup", args=[district.pk])}?year=2026&amp;q=2"' in province
    assert "<svg" in province and 'role="img"' in province  # the chart, beside the table


def test_the_unit_page_and_the_reviews_list_lead_to_it(client, district, people):
    pass_second_factor(client, people.olga)
    unit_page = client.get(reverse("units:detail", args=[district.pk])).content.decode()
    assert reverse("units:rollup", args=[district.pk]) in unit_page
    with time_machine.travel(TODAY, tick=False):
        review_generate(unit=district, kind=Review.Kind.QUARTER, year=2026, quarter=2)
        reviews = client.get(reverse("reviews:list")).content.decode()
    assert f"{reverse('units:rollup', args=[district.pk])}?year=2026&amp;q=2" in reviews


@pytest.mark.parametrize("query", [{"year": "abc"}, {"q": "7"}, {"year": "99999"}])
def test_a_bad_year_or_quarter_answers_404(client, district, people, query):
    pass_second_factor(client, people.olga)
    assert page(client, district, **query).status_code == 404


def test_a_cell_has_no_roll_up_and_another_district_is_out_of_reach(client, district, tree, people):
    pass_second_factor(client, people.olga)
    assert page(client, tree.cell).status_code == 404
    assert page(client, tree.other_district).status_code == 404
    client.force_login(people.alice)
    assert page(client, district).status_code == 404


def _district_with(n: int):
    from ..factories import ensure_unit_kinds

    ensure_unit_kinds()
    top = make_unit(f"Tỉnh ủy {n}", "tinh_uy")
    unit = make_unit(f"Huyện ủy {n}", "huyen_uy", top)
    for i in range(n):
        cell = make_unit(f"Chi bộ {i}", "chi_bo_co_so", unit)
        make_member(cell, f"Đảng viên {i}")
    officer = UserFactory(username=f"officer{n}")
    give_role(officer, unit, RoleAssignment.Role.OFFICER)
    return unit, officer


def _queries(client, unit) -> int:
    cache.clear()
    pagecache.forget_local()
    page(client, unit, year=2026, q=2)  # counts the cells never counted
    cache.clear()
    pagecache.forget_local()
    with CaptureQueriesContext(connection) as ctx:
        assert page(client, unit, year=2026, q=2).status_code == 200
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_units_below(client, db, programme_2026):
    small, small_officer = _district_with(2)
    large, large_officer = _district_with(20)
    pass_second_factor(client, small_officer)
    few = _queries(client, small)
    pass_second_factor(client, large_officer)
    many = _queries(client, large)
    assert many == few


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def test_the_kept_page_follows_a_plan_submitted_below(
    client, district, people, tree, django_capture_on_commit_callbacks
):
    newcomer_user = UserFactory(username="eve")
    newcomer = make_member(tree.cell, "Hà Thị Én", user=newcomer_user)
    pass_second_factor(client, people.olga)
    url = reverse("units:rollup", args=[district.pk]) + "?year=2026&q=3"  # today's quarter

    def read() -> str:
        return CSRF.sub("", client.get(url).content.decode())

    with time_machine.travel(TODAY, tick=False):
        read()  # the reader settles what the events above marked
        first = read()
        with CaptureQueriesContext(connection) as ctx:
            assert read() == first
        assert len(ctx.captured_queries) < 15  # read again: the kept part
        with django_capture_on_commit_callbacks(execute=True):
            plans.registration_extend(
                member=newcomer, year=2026, until=D(2026, 7, 31), actor=people.bob
            )
            submitted_plan(newcomer, newcomer_user, created=TODAY, submitted=TODAY)
        after = read()
        cache.clear()
        pagecache.forget_local()
        assert read() == after  # the page rendered afresh
    assert after != first


def test_the_share_on_time_says_nothing_before_any_report_is_due():
    from registry.cells.figures import on_time_pct

    nothing_due = {"reports_on_time": 0, "reports_late": 0, "reports_missing": 0}
    assert on_time_pct({**nothing_due, "reports_not_due": 7}) is None
    assert on_time_pct({**nothing_due, "reports_on_time": 1, "reports_missing": 3}) == 25.0
    # A report filed early counts on time while the others are not due yet.
    assert on_time_pct({**nothing_due, "reports_on_time": 2, "reports_not_due": 6}) == 100.0
