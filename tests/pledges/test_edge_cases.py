"""Input that once broke pages, and rules found in review."""

import datetime

import time_machine
from django.urls import reverse

from registry.cells import services as cell_services
from registry.members.services import member_transfer
from registry.pledges import services
from registry.pledges.models import Plan, ProgressReport

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d):
    return datetime.datetime(y, m, d, 9, tzinfo=TZ)


def approved(people):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 2, 1)
    )
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[{"action": "Việc", "target_value": 5, "target_unit": "lần"}],
    )
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 2)
    )
    return services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 2, 3))


def test_an_enormous_or_odd_number_is_refused_and_the_pages_keep_working(
    login, people, programme_2026
):
    plan = approved(people)
    item = plan.items.get()
    client = login(people.alice)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for value in ["12345678901234567", "1e400", "NaN", "-1"]:
            response = client.post(
                reverse("pledges:report", args=[plan.pk, item.pk, 1]),
                {"status": "done", "value_reached": value},
            )
            assert response.status_code == 200, value
            assert response.context["form"].errors["value_reached"], value
        assert not ProgressReport.objects.exists()
        assert client.get(reverse("pledges:my_plan")).status_code == 200


def test_garbage_in_forms_is_a_404_or_an_error_not_a_crash(login, tree, people, programme_2026):
    plan = approved(people)
    bob = login(people.bob)
    assert (
        bob.post(
            reverse("cells:plan_review", args=[plan.pk]),
            {"action": "comment", "item": "abc", "text": "x"},
        ).status_code
        == 404
    )
    assert (
        bob.post(reverse("cells:bulk_approve", args=[tree.cell.pk]), {"plans": ["abc"]}).status_code
        == 302
    )
    alice = login(people.alice)
    assert (
        alice.post(reverse("pledges:start"), {"year": "2027", "copy_from": "x"}).status_code == 302
    )
    other = Plan.objects.get(member=people.alice_member, year=2027)  # started just above
    response = alice.post(
        reverse("pledges:edit", args=[other.pk]),
        {"items-TOTAL_FORMS": "x", "items-INITIAL_FORMS": "0", "add_item": "1"},
    )
    assert response.status_code == 200


def test_going_back_only_to_this_site(login, people, programme_2026):
    plan = approved(people)
    response = login(people.bob).post(
        reverse("cells:plan_review", args=[plan.pk]),
        {"action": "comment", "text": "Tốt", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("pledges:detail", args=[plan.pk])


def test_the_commitment_is_written_in_vietnamese_whatever_the_interface(
    login, people, programme_2026
):
    client = login(people.alice)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with time_machine.travel(at(2026, 2, 1), tick=False):
        client.post(reverse("pledges:start"), {"year": "2026"})
    assert Plan.objects.get(member=people.alice_member).commitment.startswith("Tôi xin cam kết")


def test_the_board_shows_the_approved_version_while_a_plan_is_amended(
    login, people, programme_2026
):
    plan = approved(people)
    services.plan_request_amendment(
        plan=plan, actor=people.alice, reason="Đổi việc", at=at(2026, 6, 1)
    )
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[{"id": plan.items.get().pk, "action": "Việc chưa được duyệt"}],
    )
    with time_machine.travel(at(2026, 6, 2), tick=False):
        board = login(people.bob).get(reverse("pledges:board"))
    assert "Việc chưa được duyệt" not in board.text
    assert "đang điều chỉnh; hiển thị bản đã duyệt" in board.text


def test_the_new_cell_reads_a_transferred_members_plan(login, tree, people, programme_2026):
    plan = approved(people)
    member_transfer(
        member=people.alice_member,
        to_cell=tree.next_cell,
        on=datetime.date(2026, 7, 1),
        actor=people.root,
    )
    assert login(people.charlie).get(reverse("pledges:detail", args=[plan.pk])).status_code == 200
    assert login(people.bob).get(reverse("pledges:detail", args=[plan.pk])).status_code == 200


def test_after_a_rating_conflict_saving_again_works(login, tree, people):
    from ..factories import UserFactory, give_role

    dana = UserFactory(username="dana")
    give_role(dana, tree.cell, "deputy_secretary")
    url = reverse("cells:rating_edit", args=[tree.cell.pk, people.alice_member.pk]) + "?year=2026"
    bob = login(people.bob)
    stale = bob.get(url).context["form"].initial.get("version")
    cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=dana,
        level="tot",
        justification="Của dana",
    )
    first = bob.post(url, {"level": "xuat_sac", "justification": "Của bob", "version": stale or ""})
    assert "dana" in first.text and "Của bob" in first.text
    version = first.context["form"]["version"].value()
    second = bob.post(url, {"level": "xuat_sac", "justification": "Của bob", "version": version})
    assert second.status_code == 302
