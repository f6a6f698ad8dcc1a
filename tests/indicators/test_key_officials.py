"""Key officials (cán bộ chủ chốt): flagged on the roster, counted apart, and registering first
when the programme says so ("trên trước, dưới sau")."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry.core.periods import Period
from registry.members.models import Member
from registry.pledges import services
from registry.pledges.selectors import key_officials_standing
from registry.programmes.models import Programme
from registry.reviews import services as reviews

from ..factories import D, UserFactory, approved_plan, at, make_member, submitted_plan


def _flag(member, value=True):
    Member.objects.filter(pk=member.pk).update(is_key_official=value)
    member.refresh_from_db()
    return member


def _roster_page(cell, member):
    return reverse("cells:roster_member", args=[cell.pk, member.pk])


def test_the_cell_s_secretary_marks_a_key_official_on_the_roster(login, tree, people):
    client = login(people.bob)
    url = _roster_page(tree.cell, people.alice_member)
    response = client.post(url, {"action": "key_official", "k-is_key_official": "on"})
    assert response.status_code == 302
    people.alice_member.refresh_from_db()
    assert people.alice_member.is_key_official
    roster = client.get(reverse("units:detail", args=[tree.cell.pk]))
    assert "cán bộ chủ chốt" in roster.text.lower()
    client.post(url, {"action": "key_official"})  # unticked
    people.alice_member.refresh_from_db()
    assert not people.alice_member.is_key_official


def test_a_member_or_another_cell_s_secretary_cannot_mark_anyone(login, tree, people):
    url = _roster_page(tree.cell, people.bob_member)
    data = {"action": "key_official", "k-is_key_official": "on"}
    assert login(people.charlie).post(url, data).status_code == 404
    assert login(people.alice).post(url, data).status_code in (403, 404)
    people.bob_member.refresh_from_db()
    assert not people.bob_member.is_key_official


def test_key_officials_are_counted_apart_in_a_fixed_number_of_queries(tree, people, programme_2026):
    _flag(people.alice_member)
    _flag(people.charlie_member)
    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Tiếp dân", "Đối thoại")
    )
    for item in plan.items.all():
        services.report_file(
            item=item, quarter=1, actor=people.alice, status="in_progress", at=at(2026, 3, 20)
        )
    services.report_file(  # late: after the deadline of 25/06
        item=plan.items.first(), quarter=2, actor=people.alice, status="done", at=at(2026, 6, 30)
    )
    submitted_plan(people.bob_member, people.bob)  # not a key official
    with CaptureQueriesContext(connection) as queries:
        year = key_officials_standing(unit=tree.province, period=Period(2026), on=D(2026, 7, 10))
    assert year == {
        "counted": 2,
        "registered": 1,
        "items": 2,
        "reports": 3,
        "reports_on_time": 2,
    }
    assert len(queries) == 5  # the key officials, then four counts
    second = key_officials_standing(unit=tree.district, period=Period(2026, 2), on=D(2026, 7, 10))
    assert (second["reports"], second["reports_on_time"]) == (1, 0)
    cell = key_officials_standing(unit=tree.next_cell, period=Period(2026), on=D(2026, 7, 10))
    assert (cell["counted"], cell["registered"]) == (1, 0)


def test_the_review_says_how_key_officials_registered(tree, people, programme_2026):
    _flag(people.alice_member)
    approved_plan(people.alice_member, people.alice, people.bob, items=("Tiếp dân",))
    review, _ = reviews.review_generate(
        unit=tree.district, kind="quarter", year=2026, quarter=1, at=at(2026, 4, 5)
    )
    assert review.figures["key_officials"]["counted"] == 1
    assert "Cán bộ chủ chốt: 1/1 đồng chí đã đăng ký với 1 việc làm theo." in review.summary


@pytest.fixture
def key_first(tree, programme_2026):
    """Mường La: key officials register from 10/01, the others from 01/02."""
    return Programme.objects.create(
        year=2026, scope=tree.district, key_officials_first=True, others_register_from=D(2026, 2, 1)
    )


def _draft(member, user):
    plan = services.plan_create(member=member, year=2026, actor=user, at=at(2026, 1, 12))
    services.plan_save(plan=plan, actor=user, study_content="", items=[{"action": "Việc"}])
    return plan


def test_others_cannot_register_before_the_day_key_officials_are_given(tree, people, key_first):
    plan = _draft(people.alice_member, people.alice)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.plan_submit(
            plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 1, 20)
        )
    assert refused.value.code == "window"
    assert "cán bộ chủ chốt đăng ký trước" in refused.value.messages[0]
    assert "01/02/2026" in refused.value.messages[0]
    plan = services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 1)
    )
    assert plan.submitted_at is not None


def test_a_key_official_registers_as_soon_as_the_window_opens(tree, people, key_first):
    _flag(people.alice_member)
    plan = _draft(people.alice_member, people.alice)
    plan = services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 1, 20)
    )
    assert plan.submitted_at is not None


def test_the_setting_applies_to_the_unit_s_sub_tree_only(tree, key_first):
    user = UserFactory()
    member = make_member(tree.far_cell, "Sồng A Lử", user=user)
    plan = _draft(member, user)
    plan = services.plan_submit(
        plan=plan, actor=user, commitment_confirmed=True, at=at(2026, 1, 20)
    )
    assert plan.submitted_at is not None


def test_the_plan_page_says_when_the_others_may_register(login, tree, people, key_first):
    import time_machine

    with time_machine.travel(at(2026, 1, 20), tick=False):
        page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    assert page.context["registration_allowed"] is False
    assert "01/02/2026" in page.context["registration_note"]
    assert "01/02/2026" in page.text


def test_the_cell_overview_shows_its_key_officials_apart(login, tree, people, programme_2026):
    _flag(people.alice_member)
    approved_plan(people.alice_member, people.alice, people.bob, items=("Tiếp dân",))
    url = reverse("cells:dashboard", args=[tree.cell.pk]) + "?year=2026&q=1"
    text = login(people.bob).get(url).text
    assert "Cán bộ chủ chốt năm 2026:" in text
    assert "1 cán bộ chủ chốt: 1 đồng chí đã đăng ký" in text
