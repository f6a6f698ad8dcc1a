"""Amendments: what the member adds or changes counts, and can be reported, once the cell
approves it; the approver sees what changed against the approved version; waiting lists
show the latest submission."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.cells.selectors import cell_dashboard
from registry.core.periods import Period
from registry.pledges import services, standing
from registry.pledges.selectors import plan_changes

from ..factories import D, approved_plan, at


@pytest.fixture
def plan(people, programme_2026):
    return approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=(
            {"action": "Học tập chuyên đề", "target_value": "4", "target_unit": "buổi"},
            "Giúp đỡ hộ nghèo",
            "Tiết kiệm điện",
        ),
        created=at(2026, 2, 1),
    )


def amend(plan, user, when, change):
    services.plan_request_amendment(plan=plan, actor=user, reason="Điều chỉnh", at=when)
    items = [
        {
            "id": i.pk,
            "action": i.action,
            "target_value": i.target_value,
            "target_unit": i.target_unit,
        }
        for i in plan.items.all()
    ]
    services.plan_save(plan=plan, actor=user, study_content="", items=change(items))
    return services.plan_submit(plan=plan, actor=user, commitment_confirmed=True, at=when)


def test_an_added_item_is_neither_reportable_nor_counted_until_approved(plan, people):
    amend(plan, people.alice, at(2026, 5, 5), lambda items: [*items, {"action": "Việc mới"}])
    added = plan.items.get(action="Việc mới")
    with pytest.raises(ValidationError, match="chờ chi bộ duyệt"):
        services.report_file(
            item=added, quarter=2, actor=people.alice, status="done", at=at(2026, 5, 6)
        )
    figures = standing.standing_of_cells(
        cells=[plan.cell], period=Period(2026, 2), on=D(2026, 5, 6)
    )[plan.cell.pk]
    assert figures.counts()["items"] == 3
    services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 5, 10))
    # Approved in quarter II: it counts from quarter II, never for quarter I.
    with pytest.raises(ValidationError, match="quý I"):
        services.report_file(
            item=added, quarter=1, actor=people.alice, status="done", at=at(2026, 5, 11)
        )
    services.report_file(
        item=added, quarter=2, actor=people.alice, status="done", at=at(2026, 5, 11)
    )
    q2 = standing.standing_of_cells(cells=[plan.cell], period=Period(2026, 2), on=D(2026, 5, 11))
    q1 = standing.standing_of_cells(cells=[plan.cell], period=Period(2026, 1), on=D(2026, 5, 11))
    assert q2[plan.cell.pk].counts()["items"] == 4 and q1[plan.cell.pk].counts()["items"] == 3


def test_a_changed_item_waits_for_approval_before_it_is_reported(plan, people):
    def change(items):
        items[1]["action"] = "Giúp đỡ 2 hộ nghèo"
        return items

    amend(plan, people.alice, at(2026, 5, 5), change)
    changed = plan.items.get(position=2)
    assert changed.pending_change
    with pytest.raises(ValidationError, match="đã sửa việc này"):
        services.report_file(
            item=changed, quarter=2, actor=people.alice, status="done", at=at(2026, 5, 6)
        )
    services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 5, 7))
    changed.refresh_from_db()
    assert not changed.pending_change
    services.report_file(
        item=changed, quarter=2, actor=people.alice, status="done", at=at(2026, 5, 8)
    )


def test_the_approver_sees_what_changed_against_the_approved_version(plan, people, login):
    def change(items):
        items[0]["target_value"] = "6"
        del items[2]
        return [*items, {"action": "Trồng cây xanh"}]

    amend(plan, people.alice, at(2026, 5, 5), change)
    plan.refresh_from_db()
    changes = {(c.kind, c.now.action if c.now else c.before["action"]) for c in plan_changes(plan)}
    assert changes == {
        ("changed", "Học tập chuyên đề"),
        ("removed", "Tiết kiệm điện"),
        ("added", "Trồng cây xanh"),
    }
    page = login(people.bob).get(reverse("pledges:detail", args=[plan.pk]))
    text = page.text
    assert "Những thay đổi so với bản đã duyệt" in text
    assert "<del>4</del> → <ins>6</ins>" in text
    assert "thêm mới" in text and "bỏ" in text


def test_waiting_lists_show_the_latest_submission(plan, people, login):
    amend(plan, people.alice, at(2026, 8, 14), lambda items: items)
    board = cell_dashboard(cell=plan.cell, year=2026, quarter=3, today=D(2026, 8, 20))
    assert board.life_cycle["submitted"].rows == [plan]
    with time_machine.travel(at(2026, 8, 20), tick=False):
        page = login(people.bob).get(reverse("cells:dashboard", args=[plan.cell.pk]))
    assert "gửi ngày 14/08/2026" in page.text and "gửi ngày 02/02/2026" not in page.text
