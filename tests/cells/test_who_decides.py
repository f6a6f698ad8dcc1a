"""Nobody is offered what they may not do: one policy function decides each action, for the
button and for the service. A secretary's own plan and reports go to the deputy or to a
member of the cell committee, and the page says so."""

from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.pledges import services

from ..factories import UserFactory, approved_plan, at, give_role


@pytest.fixture
def leaders(tree, people, programme_2026):
    dana, carol = UserFactory(username="dana"), UserFactory(username="carol")
    give_role(dana, tree.cell, RoleAssignment.Role.DEPUTY_SECRETARY)
    give_role(carol, tree.cell, RoleAssignment.Role.COMMITTEE_MEMBER)
    own = approved_plan(people.bob_member, people.bob, dana, created=at(2026, 2, 1))
    alice = approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    reports = {
        name: services.report_file(
            item=plan.items.get(),
            quarter=3,
            actor=plan.member.user,
            status="done",
            at=at(2026, 9, 10),
        )
        for name, plan in (("bob", own), ("alice", alice))
    }
    return SimpleNamespace(dana=dana, carol=carol, own=own, alice=alice, reports=reports)


def test_the_policy_for_a_leaders_own_plan(leaders, people):
    dana, carol, own, alice = leaders.dana, leaders.carol, leaders.own, leaders.alice
    assert not policy.can_decide_on_plan(people.bob, own)
    assert policy.can_decide_on_plan(dana, own) and policy.can_decide_on_plan(carol, own)
    assert policy.can_decide_on_plan(people.bob, alice)
    assert not policy.can_decide_on_plan(carol, alice)  # only on a leader's own plan
    assert not policy.can_decide_on_plan(people.charlie, alice)  # the next cell


def test_the_secretary_is_not_offered_to_accept_their_own_report(leaders, people, login, tree):
    reports = leaders.reports
    with time_machine.travel(at(2026, 10, 1), tick=False):
        page = login(people.bob).get(reverse("cells:dashboard", args=[tree.cell.pk]) + "?q=3")
    board = page.context["d"]
    offered = {r.pk: r.can_decide for r in board.to_review}
    assert offered == {reports["bob"].pk: False, reports["alice"].pk: True}
    assert page.text.count('name="action" value="accept"') == 1
    assert "do đồng chí bí thư/phó bí thư còn lại hoặc chi ủy viên xác nhận" in page.text
    with pytest.raises(PermissionDenied):
        services.report_accept(report=reports["bob"], actor=people.bob)


def test_the_deputy_or_a_committee_member_accepts_it(leaders, people, login, tree):
    carol, own, reports = leaders.carol, leaders.own, leaders.reports
    page = login(carol).get(reverse("pledges:detail", args=[own.pk]))
    assert "Đây là bản đăng ký của một đồng chí lãnh đạo chi bộ" in page.text
    assert reverse("cells:report_review", args=[reports["bob"].pk]) in page.text
    response = login(carol).post(
        reverse("cells:report_review", args=[reports["bob"].pk]), {"action": "accept"}
    )
    assert response.status_code == 302
    reports["bob"].refresh_from_db()
    assert reports["bob"].review == "accepted" and reports["bob"].reviewed_by == carol


def test_the_owner_is_told_who_decides(leaders, people, login):
    page = login(people.bob).get(reverse("pledges:my_plan_year", args=[2026]))
    assert "bản đăng ký và báo cáo của đồng chí do đồng chí bí thư hoặc phó bí thư còn lại" in (
        page.text
    )
    assert reverse("cells:report_review", args=[leaders.reports["bob"].pk]) not in page.text
