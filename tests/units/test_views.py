import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import make_member


def roster_url(unit, **params):
    url = reverse("units:detail", args=[unit.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_secretary_sees_the_roster_of_their_cell(login, tree, people):
    response = login(people.bob).get(roster_url(tree.cell))
    assert response.status_code == 200
    assert "Danh sách chi bộ" in response.text
    assert "Nguyễn Văn Đức" in response.text
    assert "Lò Văn Thắng" in response.text


def test_secretary_of_another_cell_gets_404_on_the_roster(login, tree, people):
    assert login(people.charlie).get(roster_url(tree.cell)).status_code == 404


def test_ordinary_member_gets_404_on_the_roster_of_their_own_cell(login, tree, people):
    assert login(people.alice).get(roster_url(tree.cell)).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, tree):
    response = client.get(roster_url(tree.cell))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:login"))


@pytest.mark.parametrize(
    "query", ["nguyen van duc", "NGUYEN VAN DUC", "Nguyễn Văn Đức", "duc nguyen", "văn đức"]
)
def test_roster_search_ignores_accents_case_and_word_order(login, tree, people, query):
    make_member(tree.cell, "Nguyễn Thị Đào")
    response = login(people.bob).get(roster_url(tree.cell, q=query))
    names = [m.member.full_name for m in response.context["roster"]]
    assert "Nguyễn Văn Đức" in names
    assert "Nguyễn Thị Đào" not in names


def test_roster_search_by_card_number(login, tree, people):
    card = people.alice_member.card_number
    response = login(people.bob).get(roster_url(tree.cell, q=f"{card[:2]}.{card[2:5]}.{card[5:]}"))
    assert [m.member for m in response.context["roster"]] == [people.alice_member]


def test_roster_filters_by_party_group(login, tree, people):
    response = login(people.bob).get(roster_url(tree.cell, group=tree.group1.pk))
    assert [m.member for m in response.context["roster"]] == [people.bob_member]


def test_htmx_search_returns_only_the_roster_fragment(login, tree, people):
    response = login(people.bob).get(roster_url(tree.cell, q="duc"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="roster"')
    assert "<html" not in response.text


def test_officer_drills_down_from_district_to_cell(login, tree, people):
    make_member(tree.next_cell, "Lường Thị Xuân")
    client = login(people.olga)
    district = client.get(reverse("units:detail", args=[tree.district.pk]))
    assert district.status_code == 200
    counts = {child.name: c.party_members for child, c in district.context["children"]}
    assert counts == {"Chi bộ Khối Đảng": 2, "Chi bộ bản Nà Lốc": 2}
    assert reverse("units:detail", args=[tree.cell.pk]) in district.text
    assert client.get(roster_url(tree.cell)).status_code == 200


def test_officer_of_a_district_gets_404_outside_it(login, tree, people):
    client = login(people.olga)
    assert client.get(reverse("units:detail", args=[tree.province.pk])).status_code == 404
    assert client.get(roster_url(tree.far_cell)).status_code == 404


def test_breadcrumb_shows_only_units_in_reach(login, tree, people):
    response = login(people.olga).get(roster_url(tree.cell))
    assert [a.name for a in response.context["ancestors"]] == ["Huyện ủy Mường La"]


def test_unit_page_queries_do_not_grow_with_members(login, tree, people):
    client = login(people.olga)
    with CaptureQueriesContext(connection) as few:
        client.get(roster_url(tree.cell))
    for i in range(40):
        make_member(tree.cell, f"Thành viên {i}", group=tree.group1 if i % 2 else tree.group2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(roster_url(tree.cell))
    assert len(response.context["roster"]) == 42
    assert len(many.captured_queries) == len(few.captured_queries)


def test_officer_finds_a_member_anywhere_in_the_district_without_accents(login, tree, people):
    make_member(tree.far_cell, "Nguyễn Văn Đức Anh")  # outside the district: not found
    response = login(people.olga).get(
        reverse("units:detail", args=[tree.district.pk]) + "?q=nguyen+van+duc"
    )
    assert response.status_code == 200
    found = [(m.member.full_name, m.cell) for m in response.context["results"]]
    assert found == [("Nguyễn Văn Đức", tree.cell)]
    assert reverse("members:detail", args=[people.alice_member.pk]) in response.text


def test_subtree_search_is_paginated_with_constant_queries(login, tree, people):
    client = login(people.olga)
    url = reverse("units:detail", args=[tree.district.pk]) + "?q=tran"
    for i in range(3):
        make_member(tree.next_cell, f"Trần Văn {i}")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(3, 60):
        make_member(tree.next_cell, f"Trần Văn {i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["results"].paginator.count == 60
    assert len(response.context["results"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(client.get(url + "&page=2").context["results"]) == 10


def test_clearing_the_htmx_search_returns_the_fragment_not_the_page(login, tree, people):
    client = login(people.olga)
    url = reverse("units:detail", args=[tree.district.pk])
    response = client.get(url + "?q=", HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="subtree-results"')
    assert "HX-Request" in response["Vary"]
    cell = client.get(roster_url(tree.cell, q="%20"), HTTP_HX_REQUEST="true")
    assert cell.text.lstrip().startswith('<div id="roster"')
    assert len(cell.context["roster"]) == 2


def test_history_restore_gets_the_whole_page(login, tree, people):
    response = login(people.bob).get(
        roster_url(tree.cell, q="duc"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.text


def test_a_party_group_page_is_its_cells_roster_filtered(login, tree, people):
    response = login(people.bob).get(reverse("units:detail", args=[tree.group2.pk]))
    assert response.status_code == 302
    assert response["Location"] == roster_url(tree.cell, group=tree.group2.pk)


def _membership_queries(ctx) -> list[str]:
    """Queries reading membership periods, but those of the year's key officials and standard
    indicators, which the kept figures do not hold (counted from the rows of their few people
    and items)."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if '"members_membership"' in q["sql"]
        and "is_key_official" not in q["sql"]
        and "indicator_id" not in q["sql"]
    ]


def test_a_unit_above_the_cells_reads_its_figures_from_the_kept_rows(login, tree, people):
    for i in range(5):
        make_member(tree.next_cell, f"Thành viên {i}")
    client = login(people.olga)
    client.get(reverse("units:detail", args=[tree.district.pk]))  # counted once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("units:detail", args=[tree.district.pk]))
    counts = {child.name: c.party_members for child, c in response.context["children"]}
    assert counts == {"Chi bộ Khối Đảng": 2, "Chi bộ bản Nà Lốc": 6}
    assert response.context["counts"].party_members == 8
    assert _membership_queries(ctx) == []
    make_member(tree.next_cell, "Người mới")  # an event: the page counts it at once
    response = client.get(reverse("units:detail", args=[tree.district.pk]))
    assert response.context["counts"].party_members == 9


def test_a_cells_roster_is_paginated_and_counted_in_the_cell(login, tree, people):
    for i in range(58):
        make_member(tree.cell, f"Thành viên {i:02d}", group=tree.group1)
    client = login(people.bob)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(roster_url(tree.cell))
    roster = first.context["roster"]
    assert roster.paginator.count == 60 and len(roster) == 50
    assert "60 người" in first.text and "Trang 1 / 2" in first.text
    assert first.context["counts"].party_members == 60
    # Counted by the cell's own index, not by a prefix match over the province's units.
    assert not any("LIKE" in sql for sql in _membership_queries(ctx))
    second = client.get(roster_url(tree.cell, page=2))
    assert len(second.context["roster"]) == 10
    fragment = client.get(roster_url(tree.cell, q="thanh", page=2), HTTP_HX_REQUEST="true")
    assert fragment.text.lstrip().startswith('<div id="roster"')
    assert "q=thanh&amp;page=1" in fragment.text
