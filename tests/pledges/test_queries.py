"""'My plan' and the cell board run a fixed number of queries, however many items,
reports, files or members there are."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.pledges import services

from ..factories import UserFactory, make_member
from .conftest import jpeg

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d):
    return datetime.datetime(y, m, d, 9, tzinfo=TZ)


def approved_plan_for(member, user, secretary, n_items, with_reports=True):
    plan = services.plan_create(member=member, year=2026, actor=user, at=at(2026, 2, 1))
    services.plan_save(
        plan=plan,
        actor=user,
        study_content="",
        items=[
            {"action": f"Việc {i}", "target_value": i, "target_unit": "lần"} for i in range(n_items)
        ],
    )
    services.plan_submit(plan=plan, actor=user, commitment_confirmed=True, at=at(2026, 2, 2))
    services.plan_approve(plan=plan, actor=secretary, at=at(2026, 2, 3))
    if with_reports:
        for item in plan.items.all():
            services.report_file(
                item=item,
                quarter=1,
                actor=user,
                status="in_progress",
                files=[jpeg()],
                at=at(2026, 3, 20),
            )
    return plan


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx, time_machine.travel(at(2026, 5, 1), tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_plan_queries_do_not_grow_with_items(login, people, programme_2026):
    client = login(people.alice)
    plan = approved_plan_for(people.alice_member, people.alice, people.bob, 2)
    few = count_queries(client, reverse("pledges:my_plan_year", args=[2026]))
    services.plan_request_amendment(plan=plan, actor=people.alice, reason="Thêm việc")
    items = [{"id": i.pk, "action": i.action} for i in plan.items.all()] + [
        {"action": f"Thêm {i}"} for i in range(20)
    ]
    services.plan_save(plan=plan, actor=people.alice, study_content="", items=items)
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 4, 1)
    )
    services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 4, 2))
    for item in plan.items.all()[2:]:  # added in April: they count from quarter II
        services.report_file(
            item=item,
            quarter=2,
            actor=people.alice,
            status="done",
            files=[jpeg()],
            at=at(2026, 4, 3),
        )
    many = count_queries(client, reverse("pledges:my_plan_year", args=[2026]))
    assert plan.items.count() == 22
    assert many == few


def test_cell_board_queries_do_not_grow_with_members(login, tree, people, programme_2026):
    client = login(people.alice)
    approved_plan_for(people.bob_member, people.bob, people.root, 2)
    url = reverse("pledges:board")
    few = count_queries(client, url)
    for i in range(8):
        user = UserFactory()
        member = make_member(tree.cell, f"Đảng viên {i}", user=user)
        approved_plan_for(member, user, people.bob, 3, with_reports=i % 2 == 0)
    many = count_queries(client, url)
    assert many == few


def test_the_board_is_for_the_cell_only(login, tree, people, programme_2026):
    approved_plan_for(people.bob_member, people.bob, people.root, 1, with_reports=False)
    with time_machine.travel(at(2026, 5, 1), tick=False):
        alice = login(people.alice).get(reverse("pledges:board"))
        assert "Lò Văn Thắng" in alice.text
        url = reverse("pledges:board_cell", args=[tree.cell.pk, 2026])
        assert login(people.charlie).get(url).status_code == 404
        assert login(people.olga).get(url).status_code == 200


def test_my_plan_queries_do_not_grow_with_the_years_before(login, people, programme_2026):
    client = login(people.alice)
    approved_plan_for(people.alice_member, people.alice, people.bob, 2)
    url = reverse("pledges:my_plan_year", args=[2026])
    few = count_queries(client, url)
    for year in (2023, 2024, 2025):
        plan = services.plan_create(
            member=people.alice_member, year=year, actor=people.alice, at=at(year, 2, 1)
        )
        services.plan_save(
            plan=plan,
            actor=people.alice,
            study_content="",
            items=[{"action": f"Việc {i}"} for i in range(5)],
        )
    many = count_queries(client, url)
    assert many == few
    # The page reads the plan once, with what it shows; the deadlines once (a query for the
    # cell counting each quarter started, one for the programmes).
    assert few <= 25
