"""Every decision shows who took it and when, on the page of the thing it changed."""

from django.urls import reverse

from registry.cells import services as cell_services
from registry.pledges import services

from .conftest import at, submitted_plan


def test_plan_page_shows_who_approved_returned_and_reopened(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    services.plan_return(plan=plan, actor=people.bob, comment="Bổ sung", at=at(2026, 2, 3))
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 4)
    )
    services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 2, 5))
    services.plan_reopen(
        plan=plan, actor=people.bob, reason="Đổi vị trí công tác", at=at(2026, 7, 1)
    )
    page = login(people.bob).get(reverse("pledges:detail", args=[plan.pk])).text
    for line in [
        "Trả lại để bổ sung</strong> – 09:00 03/02/2026 – bob",
        "Đã duyệt</strong> – 09:00 05/02/2026 – bob",
        "Đang điều chỉnh</strong> – 09:00 01/07/2026 – bob",
        "Đổi vị trí công tác",
    ]:
        assert line in page, line


def test_member_page_shows_transfer_and_rating_with_who_and_when(login, tree, people):
    cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2025,
        actor=people.bob,
        level="tot",
        justification="Tốt",
    )
    transfer = cell_services.transfer_issue(
        member=people.alice_member, actor=people.bob, to_cell=tree.next_cell
    )
    cell_services.transfer_accept(transfer=transfer, actor=people.charlie)
    page = login(people.root).get(reverse("members:detail", args=[people.alice_member.pk])).text
    assert "Giới thiệu chuyển sinh hoạt đảng – bob" in page
    assert "Được tiếp nhận vào chi bộ mới – charlie" in page
    assert "Chuyển sinh hoạt đảng sang chi bộ khác – charlie" in page
    assert "Chi bộ đề xuất xếp loại cuối năm – bob" in page


def test_rating_page_lists_every_change(login, tree, people):
    first = cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="tot",
        justification="A",
    )
    cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="xuat_sac",
        justification="B",
        seen_version=first.version,
    )
    page = login(people.bob).get(
        reverse("cells:rating_edit", args=[tree.cell.pk, people.alice_member.pk]) + "?year=2026"
    )
    assert len(page.context["events"]) == 2
    assert "Lưu gần nhất: bob" in page.text
