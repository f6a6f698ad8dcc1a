"""Who may do what with a cell's collective registration: its leaders draft and report, the
district committee above decides, the chain above and the sub-tree read; anyone else gets a
404, and a refused request changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.collective import services
from registry.collective.models import Registration

from ..factories import (
    UserFactory,
    collective_registration,
    give_role,
    pass_second_factor,
    verified,
)


@pytest.fixture
def submitted(tree, people):
    return collective_registration(tree.cell, people.bob)


def test_an_ordinary_member_cannot_start_or_edit_the_cells_registration(tree, people, submitted):
    alice = pass_second_factor(Client(), people.alice)
    # She reads nothing of it either: a member without a role reads no unit.
    assert alice.get(reverse("collective:unit", args=[tree.cell.pk, 2026])).status_code == 404
    assert alice.post(reverse("collective:start", args=[tree.cell.pk, 2027])).status_code == 404
    assert alice.get(reverse("collective:edit", args=[submitted.pk])).status_code == 404
    assert not Registration.objects.filter(year=2027).exists()


def test_the_cell_next_door_and_another_district_get_404(tree, people, submitted):
    victor = UserFactory(username="victor")
    give_role(victor, tree.other_district, RoleAssignment.Role.OFFICER)
    for user in (people.charlie, victor):
        client = pass_second_factor(Client(), user)
        for url in (
            reverse("collective:unit", args=[tree.cell.pk, 2026]),
            reverse("collective:pdf", args=[submitted.pk]),
            reverse("collective:waiting", args=[tree.district.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(
            reverse("collective:decide", args=[submitted.pk]), {"action": "approve"}
        )
        assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_cells_secretary_cannot_approve_his_own_registration(tree, people, submitted):
    bob = pass_second_factor(Client(), people.bob)
    response = bob.post(reverse("collective:decide", args=[submitted.pk]), {"action": "approve"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration=submitted, actor=verified(people.bob))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_committee_above_decides_but_does_not_draft(tree, people, submitted):
    olga = pass_second_factor(Client(), people.olga)
    assert olga.get(reverse("collective:unit", args=[tree.cell.pk, 2026])).status_code == 200
    assert olga.get(reverse("collective:edit", args=[submitted.pk])).status_code == 404
    assert olga.post(reverse("collective:submit", args=[submitted.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.registration_create(unit=tree.next_cell, year=2026, actor=people.olga)


def test_a_cell_secretary_reads_the_registration_of_the_district_above(tree, people):
    district_secretary = UserFactory(username="bithuhuyen")
    give_role(district_secretary, tree.district, RoleAssignment.Role.SECRETARY)
    collective_registration(tree.district, district_secretary)
    charlie = pass_second_factor(Client(), people.charlie)
    page = charlie.get(reverse("collective:unit", args=[tree.district.pk, 2026]))
    assert page.status_code == 200
    assert "Phê duyệt bản đăng ký" not in page.text  # the province decides, not him


def test_a_decision_on_a_registration_that_is_no_longer_waiting_is_refused(tree, people, submitted):
    olga = verified(people.olga)
    services.registration_approve(registration=submitted, actor=olga)
    client = pass_second_factor(Client(), people.olga)
    response = client.post(
        reverse("collective:decide", args=[submitted.pk]),
        {"action": "return", "comment": "Sửa lại"},
        follow=True,
    )
    assert "Chỉ trả lại được bản đăng ký đang chờ duyệt" in response.text
    submitted.refresh_from_db()
    assert submitted.status == "approved"
