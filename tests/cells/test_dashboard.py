"""The overview's figures, counted by hand from the demo data (seeds/*.yaml), and its cost."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.cells.selectors import cell_dashboard, not_registered
from registry.members.models import Member, Membership
from registry.pledges.models import Plan, PlanItem, ProgressReport
from registry.units.models import Unit

from ..factories import UserFactory, give_role

NOW = datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)
    return Unit.objects.get(code="son-la/muong-la/khoi-dang")


def test_figures_match_the_demo_data_counted_by_hand(demo):
    # 2026 plans in Chi bộ Khối Đảng (seeds/plans.yaml): submitted at least once by Nguyễn Văn
    # Đức, Lò Văn Thắng, Cà Thị Hương (approved), Điêu Thị Mai (waiting), Cầm Văn Toàn
    # (returned); Trần Thị Minh Nguyệt has only a draft. 27 party members, 3 participants.
    d = cell_dashboard(cell=demo, year=2026, quarter=3, today=NOW.date())
    assert (d.f["registered"], d.f["members"]) == (5, 27)
    assert d.f["registered_pct"] == 18.5
    assert (d.f["participants_registered"], d.f["participants"]) == (0, 3)
    by_group = {g.group.name: (g.registered, g.total) for g in d.groups}
    assert by_group == {
        "Tổ đảng số 1": (2, 6),  # Thắng, Hương
        "Tổ đảng số 2": (2, 6),  # Đức, Mai
        "Tổ đảng số 3": (0, 5),
        "Tổ đảng số 4": (1, 5),  # Toàn
        "Tổ đảng số 5": (0, 5),
    }
    assert [p.member.full_name for p in d.life_cycle["submitted"]] == ["Điêu Thị Mai"]
    assert [p.member.full_name for p in d.life_cycle["returned"]] == ["Cầm Văn Toàn"]
    assert (d.not_registered.count, d.participants_not_registered.count) == (22, 3)
    everyone = not_registered(cell=demo, year=2026, as_of=d.as_of, party=True)
    assert {m.member.full_name for m in everyone if m.has_draft} == {"Trần Thị Minh Nguyệt"}
    # Quarter III (deadline 25/09): Thắng reported all items on 22/09; Đức and Hương did not.
    assert [p.member_name for p in d.reports["on_time"]] == ["Lò Văn Thắng"]
    assert {p.member_name for p in d.reports["missing"]} == {"Nguyễn Văn Đức", "Cà Thị Hương"}
    assert d.reports["late"].count == 0 and d.reports["not_due"].count == 0
    # 7 items in approved plans; their quarter III reports: Thắng's two, in progress.
    assert d.items_total == 7
    assert {k: v.count for k, v in d.items_by_status.items() if v} == {
        "in_progress": 2,
        "none": 5,
    }
    assert (d.f["items_in_progress"], d.f["items_not_reported"]) == (2, 5)
    assert [i.action[:20] for i in d.breakthrough] == ["Xuống cơ sở hướng dẫ"]


def test_quarter_two_has_a_late_report(demo):
    # Đức's second item was reported on 30/06, after the 25/06 deadline.
    d = cell_dashboard(cell=demo, year=2026, quarter=2, today=NOW.date())
    assert [p.member_name for p in d.reports["late"]] == ["Nguyễn Văn Đức"]
    assert [p.member_name for p in d.reports["on_time"]] == ["Lò Văn Thắng"]
    assert [p.member_name for p in d.reports["missing"]] == ["Cà Thị Hương"]


def test_the_page_shows_vietnamese_numbers_and_links_every_figure(demo, client, settings):
    assert client.login(request=HttpRequest(), username="78354851", password=settings.DEMO_PASSWORD)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("cells:dashboard", args=[demo.pk]) + "?year=2026&q=3")
    text = response.text
    assert "5/27" in text and "18,5%" in text
    assert "33,3%" in text  # Tổ đảng số 1 and 2
    anchors = [
        "not-registered",
        "plans-draft",
        "waiting",
        "plans-returned",
        "plans-approved",
        "plans-amending",
        "reports-on_time",
        "reports-late",
        "reports-missing",
        "reports-not_due",
        "to-review",
        "items",
    ]
    for anchor in anchors:
        assert f'href="#{anchor}"' in text, anchor
        assert f'id="{anchor}"' in text, anchor
    assert "<svg" in text and "Tiến độ thực hiện các việc làm theo qua từng quý" in text


def _cell_with_members(n: int) -> tuple[Unit, object]:
    from ..factories import make_unit

    cell = make_unit(f"Chi bộ {n}", "chi_bo_co_so", code=f"cb-{n}")
    group = make_unit("Tổ 1", "to_dang", cell)
    start = Member.objects.count()
    members = Member.objects.bulk_create(
        Member(
            full_name=f"Người {start + i}",
            search_name=f"nguoi {start + i}",
            sort_name=f"{start + i}",
            card_number=str(60_000_000 + start + i),
            status="chinh_thuc",
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(
            member=m,
            cell=cell,
            group=group if i % 2 else None,
            start_date=datetime.date(2020, 1, 1),
        )
        for i, m in enumerate(members)
    )
    early = NOW.replace(month=1, day=20)
    plans = Plan.objects.bulk_create(
        Plan(
            member=m,
            year=2026,
            cell=cell,
            status="approved",
            submitted_at=early,
            last_submitted_at=early,
            approved_at=early,
            first_approved_at=early,
        )
        for m in members[: n * 4 // 5]
    )
    items = PlanItem.objects.bulk_create(
        PlanItem(plan=p, position=k, action=f"Việc {k}", is_breakthrough=k == 1, approved_at=early)
        for p in plans
        for k in (1, 2, 3)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            item=item,
            quarter=q,
            status="in_progress",
            first_filed_at=NOW,
            filed_at=NOW,
            is_late=q == 2,
        )
        for item in items
        for q in (1, 2)
    )
    return cell, group


def test_overview_queries_do_not_grow_with_members(db, client):
    secretary = UserFactory(username="sec")
    small, _ = _cell_with_members(20)
    large, _ = _cell_with_members(500)
    give_role(secretary, small, "secretary")
    give_role(secretary, large, "secretary")
    client.force_login(secretary)

    def queries(cell):
        with CaptureQueriesContext(connection) as ctx, time_machine.travel(NOW, tick=False):
            response = client.get(reverse("cells:dashboard", args=[cell.pk]) + "?year=2026&q=2")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["d"]

    few, d_small = queries(small)
    many, d_large = queries(large)
    assert (d_small.f["members"], d_large.f["members"]) == (20, 500)
    assert d_large.f["registered"] == 400 and d_large.items_total == 1200
    assert d_large.reports["late"].count == 400
    assert many == few


def test_the_overview_opens_on_the_quarter_that_needs_attention(
    tree, people, programme_2026, login
):
    from ..factories import approved_plan, at

    approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    with time_machine.travel(at(2026, 8, 5), tick=False):
        page = login(people.bob).get(reverse("cells:dashboard", args=[tree.cell.pk]))
    d = page.context["d"]
    # Quarter II (deadline 25/06) still misses alice's report; quarter III is under way.
    assert (d.quarter, d.attention) == (2, True)
    assert "Quý II cần chú ý" in page.text and [p.member_name for p in d.reports["missing"]] == [
        people.alice_member.full_name
    ]
    with time_machine.travel(at(2026, 8, 5), tick=False):
        chosen = login(people.bob).get(reverse("cells:dashboard", args=[tree.cell.pk]) + "?q=3")
    assert (chosen.context["d"].quarter, chosen.context["d"].attention) == (3, False)


def test_every_state_of_the_life_cycle_is_counted_and_listed(tree, people, programme_2026, login):
    from ..factories import approved_plan, at, submitted_plan

    approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    submitted_plan(people.bob_member, people.bob, created=at(2026, 2, 1))
    with time_machine.travel(at(2026, 3, 1), tick=False):
        page = login(people.bob).get(reverse("cells:dashboard", args=[tree.cell.pk]))
    d = page.context["d"]
    assert {s: p.count for s, p in d.life_cycle.items()} == {
        "draft": 0,
        "submitted": 1,
        "returned": 0,
        "approved": 1,
        "amending": 0,
    }
    assert 'id="plans-approved"' in page.text and "Nguyễn Văn Đức" in page.text
