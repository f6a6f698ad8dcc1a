"""The year-end rating: the cell proposes, the grassroots committee decides (Quy định
366-QĐ/TW, "cấp ủy cơ sở quyết định xếp loại"). The committee accepts a proposal as it is or
decides another level with a reason; a new proposal by the cell clears the decision; a page
left open while the cell changed its proposal cannot overwrite it. A grassroots cell (chi bộ
cơ sở) is its own grassroots organisation: its rating is final once recorded. The member sees
the cell's proposal and the final result."""

import pytest
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.cells import services
from registry.cells.models import YearRating

from ..factories import (
    UserFactory,
    approved_plan,
    give_role,
    make_member,
    make_unit,
    pass_second_factor,
)


@pytest.fixture
def commune(tree):
    """Đảng ủy xã Mường Bú under the district, with Chi bộ bản Bú (chi bộ trực thuộc): a
    secretary (sam), a member (mai) and an officer of the commune committee (xuan)."""
    committee = make_unit("Đảng ủy xã Mường Bú", "dang_uy_xa", tree.district)
    cell = make_unit("Chi bộ bản Bú", "chi_bo_truc_thuoc", committee)
    sam, mai, xuan = (UserFactory(username=n) for n in ("sam", "mai", "xuan"))
    make_member(cell, "Cầm Văn Sâm", user=sam)
    mai_member = make_member(cell, "Lò Thị Mai", user=mai)
    give_role(sam, cell, RoleAssignment.Role.SECRETARY)
    give_role(xuan, committee, RoleAssignment.Role.OFFICER)
    return type(
        "Commune",
        (),
        dict(committee=committee, cell=cell, sam=sam, mai=mai, xuan=xuan, mai_member=mai_member),
    )


def propose(commune, level="tot", seen_version=None):
    return services.rating_set(
        cell=commune.cell,
        member=commune.mai_member,
        year=2026,
        actor=commune.sam,
        level=level,
        score=85 if level == "tot" else None,
        justification="Hoàn thành tốt việc nuôi cá lồng.",
        seen_version=seen_version,
    )


def decide_url(commune):
    return reverse("cells:rating_decide", args=[commune.cell.pk]) + "?year=2026"


def post_decision(client, commune, rating, **fields):
    data = {f"version_{rating.pk}": rating.version, "confirm": "on", **fields}
    return client.post(decide_url(commune), data)


def test_the_committee_accepts_the_proposal(client, commune):
    rating = propose(commune)
    client = pass_second_factor(client, commune.xuan)
    page = client.get(decide_url(commune))
    assert page.status_code == 200
    assert "Lò Thị Mai" in page.text and "Hoàn thành tốt việc nuôi cá lồng." in page.text
    box = f'type="checkbox" name="accept" value="{rating.pk}" id="accept-{rating.pk}">'
    assert box in page.text  # nothing ticked beforehand
    response = post_decision(client, commune, rating, accept=[rating.pk])
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.is_decided and rating.decided_level == "tot"
    assert rating.decided_unit == commune.committee and rating.decided_by == commune.xuan


def test_without_the_confirmation_nothing_is_decided(client, commune):
    rating = propose(commune)
    client = pass_second_factor(client, commune.xuan)
    data = {f"version_{rating.pk}": rating.version, "accept": [rating.pk]}
    assert client.post(decide_url(commune), data).status_code == 200
    rating.refresh_from_db()
    assert not rating.is_decided


def test_the_committee_decides_another_level_only_with_a_reason(client, commune):
    rating = propose(commune)
    client = pass_second_factor(client, commune.xuan)
    page = post_decision(client, commune, rating, **{f"level_{rating.pk}": "xuat_sac"})
    assert page.status_code == 200
    assert "Give the reason" in page.text or "Nêu lý do" in page.text
    rating.refresh_from_db()
    assert not rating.is_decided
    post_decision(
        client,
        commune,
        rating,
        **{f"level_{rating.pk}": "xuat_sac", f"note_{rating.pk}": "Vượt chỉ tiêu cả năm."},
    )
    rating.refresh_from_db()
    assert rating.decided_level == "xuat_sac" and rating.level == "tot"
    assert rating.decision_note == "Vượt chỉ tiêu cả năm."


def test_the_secretary_of_the_cell_cannot_decide(client, commune):
    rating = propose(commune)
    client = pass_second_factor(client, commune.sam)
    assert client.get(decide_url(commune)).status_code == 403
    assert post_decision(client, commune, rating, accept=[rating.pk]).status_code == 403
    rating.refresh_from_db()
    assert not rating.is_decided


def test_an_officer_of_another_district_gets_404(client, tree, commune):
    rating = propose(commune)
    other = UserFactory(username="vanho")
    give_role(other, tree.other_district, RoleAssignment.Role.OFFICER)
    client = pass_second_factor(client, other)
    assert client.get(decide_url(commune)).status_code == 404
    assert post_decision(client, commune, rating, accept=[rating.pk]).status_code == 404
    rating.refresh_from_db()
    assert not rating.is_decided


def test_a_new_proposal_clears_the_decision(commune):
    rating = propose(commune)
    services.rating_decide(
        cell=commune.cell,
        year=2026,
        actor=commune.xuan,
        decisions=[services.RatingDecision(rating.pk, rating.version, "tot")],
    )
    rating = propose(commune, level="xuat_sac", seen_version=rating.version)
    assert not rating.is_decided and rating.decided_level == "" and rating.decided_at is None


def test_a_stale_page_cannot_overwrite_a_newer_proposal(client, commune):
    rating = propose(commune)
    shown_version = rating.version
    propose(commune, level="hoan_thanh", seen_version=rating.version)
    client = pass_second_factor(client, commune.xuan)
    page = client.post(
        decide_url(commune),
        {f"version_{rating.pk}": shown_version, "accept": [rating.pk], "confirm": "on"},
    )
    assert page.status_code == 200
    rating = YearRating.objects.get(pk=rating.pk)
    assert not rating.is_decided and rating.level == "hoan_thanh"


def test_the_member_sees_the_proposal_and_the_final_result(client, commune, programme_2026):
    plan = approved_plan(commune.mai_member, commune.mai, commune.sam)
    rating = propose(commune)
    url = reverse("pledges:my_plan_year", args=[2026])
    client.force_login(commune.mai)
    page = client.get(url)
    assert "awaiting the committee" in page.text or "chờ cấp ủy quyết định" in page.text
    services.rating_decide(
        cell=commune.cell,
        year=2026,
        actor=commune.xuan,
        decisions=[services.RatingDecision(rating.pk, rating.version, "xuat_sac", "Vượt mức.")],
    )
    page = client.get(url)
    assert "Đảng ủy xã Mường Bú" in page.text and "Vượt mức." in page.text
    assert "Hoàn thành tốt việc nuôi cá lồng." in page.text
    printed = client.get(reverse("pledges:self_assessment", args=[plan.pk]))
    assert "do Đảng ủy xã Mường Bú quyết định" in printed.text


def test_a_grassroots_cells_rating_is_final_at_once(client, tree, people, programme_2026):
    approved_plan(people.alice_member, people.alice, people.bob)
    services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="tot",
        justification="Hoàn thành tốt.",
    )
    client.force_login(people.alice)
    page = client.get(reverse("pledges:my_plan_year", args=[2026]))
    assert "grassroots cell decides" in page.text or "chi bộ cơ sở" in page.text.lower()
    assert "awaiting the committee" not in page.text and "chờ cấp ủy" not in page.text
    olga = pass_second_factor(client, people.olga)
    assert olga.get(reverse("cells:rating_decide", args=[tree.cell.pk])).status_code == 403


def test_the_committees_page_lists_its_cells_ratings_to_decide(client, tree, people, commune):
    propose(commune)
    decide = reverse("cells:rating_decide", args=[commune.cell.pk])
    page = pass_second_factor(client, commune.xuan).get(commune.committee.get_absolute_url())
    assert "Chi bộ bản Bú" in page.text and decide in page.text
    district_page = pass_second_factor(client, people.olga).get(
        commune.committee.get_absolute_url()
    )
    assert district_page.status_code == 200 and decide not in district_page.text
