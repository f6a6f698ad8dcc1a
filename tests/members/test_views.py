import datetime

from django.urls import reverse

from registry.members import services


def member_url(member):
    return reverse("members:detail", args=[member.pk])


def test_a_member_reads_their_own_record(login, people):
    response = login(people.alice).get(member_url(people.alice_member))
    assert response.status_code == 200
    assert "Nguyễn Văn Đức" in response.text


def test_a_member_gets_404_on_a_fellow_members_record(login, people):
    assert login(people.alice).get(member_url(people.bob_member)).status_code == 404


def test_secretary_reads_records_of_their_cell(login, people):
    assert login(people.bob).get(member_url(people.alice_member)).status_code == 200


def test_secretary_of_another_cell_gets_404_on_member_pages(login, people):
    client = login(people.charlie)
    assert client.get(member_url(people.alice_member)).status_code == 404
    assert client.get(member_url(people.bob_member)).status_code == 404


def test_officer_reads_members_in_their_district_only(login, tree, people):
    from ..factories import make_member

    far = make_member(tree.far_cell, "Vàng A Sử")
    client = login(people.olga)
    assert client.get(member_url(people.charlie_member)).status_code == 200
    assert client.get(member_url(far)).status_code == 404


def test_unknown_member_is_404_like_a_forbidden_one(login, people):
    assert login(people.root).get("/members/999999/").status_code == 404


def test_history_follows_a_transferred_member(login, tree, people):
    services.member_transfer(
        member=people.alice_member,
        to_cell=tree.far_cell,
        on=datetime.date(2025, 7, 1),
        actor=people.bob,
    )
    response = login(people.root).get(member_url(people.alice_member))
    periods = response.context["periods"]
    assert [p.cell for p in periods] == [tree.far_cell, tree.cell]
    assert periods[1].end_date == datetime.date(2025, 7, 1)
    assert "Chuyển sinh hoạt đảng sang chi bộ khác" in response.text
    # the old cell's secretary no longer reaches the member; the new cell's leaders would
    assert login(people.bob).get(member_url(people.alice_member)).status_code == 404
