"""A secretary, a deputy, a committee member or an officer holds a role (vai trò), not a
position (chức vụ): "chức vụ" is only a person's job."""

from django.urls import reverse

from registry.access.models import RoleAssignment

from ..factories import UserFactory, give_role, submitted_plan
from ..text import visible_text


def test_home_lists_the_roles_of_a_comrade(login, people):
    text = visible_text(login(people.bob).get(reverse("portal:home")).text)
    assert "Vai trò của đồng chí" in text
    assert "Bí thư\n– Chi bộ Khối Đảng" in text
    assert "Chức vụ" not in text


def test_an_action_beyond_ones_role_is_explained(login, tree, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    carol = UserFactory(username="carol")
    give_role(carol, tree.cell, RoleAssignment.Role.COMMITTEE_MEMBER)
    url = reverse("cells:plan_review", args=[plan.pk])
    response = login(carol).post(url, {"action": "approve"})
    assert response.status_code == 403
    assert "Vai trò của đồng chí không cho phép thực hiện thao tác này." in response.text
    assert "Chức vụ" not in response.text


def test_a_page_out_of_reach_speaks_of_the_role(login, people):
    response = login(people.alice).get("/units/999999/")
    assert response.status_code == 404
    assert "phạm vi đồng chí được xem theo vai trò" in response.text


def test_a_role_on_a_party_group_is_refused_as_a_role(login, tree, people):
    client = login(people.root)
    response = client.post(
        reverse("admin:access_roleassignment_add"),
        {"user": people.alice.pk, "unit": tree.group1.pk, "role": "secretary"},
    )
    text = visible_text(response.text)
    assert "Vai trò gắn với chi bộ hoặc cấp ủy, không gắn với tổ đảng." in text
    listing = visible_text(client.get(reverse("admin:access_roleassignment_changelist")).text)
    assert "Vai trò" in listing and "Chức vụ" not in listing


def test_a_persons_job_is_still_a_position(login, people):
    page = login(people.bob).get(reverse("members:detail", args=[people.alice_member.pk]))
    assert "Chức vụ, công việc" in page.text
