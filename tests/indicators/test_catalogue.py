"""Indicators available to a unit; a pledge item that picks one counts in its unit."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.indicators.models import Indicator
from registry.indicators.selectors import indicators_for
from registry.pledges import services
from registry.pledges.models import Plan

from ..factories import at, ensure_unit_kinds, make_member, make_unit


@pytest.fixture
def other_province(tree):
    ensure_unit_kinds()
    province = make_unit("Tỉnh ủy Hà Giang", "tinh_uy", code="ha-giang")
    cell = make_unit("Chi bộ Văn phòng", "chi_bo_co_so", province)
    for unit in vars(tree).values():  # sorted by name, Hà Giang came first: paths moved
        unit.refresh_from_db()
    return province, cell


def test_a_province_s_own_indicator_is_offered_only_in_that_province(
    tree, catalogue, other_province
):
    _province, far_cell = other_province
    assert set(indicators_for(unit=tree.cell)) == set(catalogue.values())
    assert set(indicators_for(unit=far_cell)) == {catalogue["tiep_dan"], catalogue["ho_so"]}


def test_a_retired_indicator_is_no_longer_offered_but_stays_where_chosen(tree, catalogue):
    retired = catalogue["ho_so"]
    Indicator.objects.filter(pk=retired.pk).update(is_active=False)
    assert retired not in indicators_for(unit=tree.cell)
    assert retired in indicators_for(unit=tree.cell, include={retired.pk})


def test_the_unit_is_stored_in_its_standard_spelling_and_shares_are_refused(catalogue):
    assert catalogue["tiep_dan"].unit == "lượt"
    share = Indicator(name="Tỷ lệ hồ sơ đúng hạn", unit="phần trăm", code="ty-le")
    with pytest.raises(ValidationError) as refused:
        share.full_clean()
    assert "unit" in refused.value.message_dict


def _plan(member, user):
    return services.plan_create(member=member, year=2026, actor=user, at=at(2026, 2, 1))


def test_an_item_that_picks_an_indicator_counts_in_the_indicator_s_unit(tree, people, catalogue):
    plan = _plan(people.alice_member, people.alice)
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[
            {
                "action": "Tiếp công dân định kỳ",
                "target_value": 24,
                "target_unit": "buổi",  # what the member typed is overridden
                "indicator": catalogue["tiep_dan"].pk,
            }
        ],
    )
    item = plan.items.get()
    assert (item.indicator, item.target_unit) == (catalogue["tiep_dan"], "lượt")


def test_an_indicator_of_another_province_is_refused(tree, people, catalogue, other_province):
    province, _cell = other_province
    foreign = Indicator.objects.create(
        name="Lượt tuần tra biên giới", unit="lượt", code="ha-giang-tuan-tra", scope=province
    )
    plan = _plan(people.alice_member, people.alice)
    with pytest.raises(ValidationError) as refused:
        services.plan_save(
            plan=plan,
            actor=people.alice,
            study_content="",
            items=[{"action": "Tuần tra", "target_value": 4, "indicator": foreign.pk}],
        )
    assert "indicator" in refused.value.message_dict
    assert not plan.items.exists()


def test_the_member_picks_an_indicator_in_the_plan_editor_and_sees_it_on_plan_and_pdf(
    login, tree, people, catalogue, programme_2026
):
    client = login(people.alice)
    plan = _plan(people.alice_member, people.alice)
    page = client.get(reverse("pledges:edit", args=[plan.pk]))
    assert "Buổi tuyên truyền bằng tiếng dân tộc" in page.text  # the province's own
    form = {
        "study_content": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "items-0-action": "Giải quyết hồ sơ của công dân",
        "items-0-target_value": "120",
        "items-0-target_unit": "",
        "items-0-indicator": str(catalogue["ho_so"].pk),
        "items-0-ORDER": "1",
    }
    response = client.post(reverse("pledges:edit", args=[plan.pk]), form)
    assert response.status_code == 302, response.context["formset"].errors
    item = Plan.objects.get(pk=plan.pk).items.get()
    assert (item.indicator, item.target_unit) == (catalogue["ho_so"], "hồ sơ")
    detail = client.get(reverse("pledges:my_plan_year", args=[2026]))
    assert "Hồ sơ giải quyết đúng hạn" in detail.text


def test_a_form_with_an_indicator_not_offered_is_refused_on_the_form(
    login, tree, people, catalogue
):
    client = login(people.alice)
    plan = _plan(people.alice_member, people.alice)
    response = client.post(
        reverse("pledges:edit", args=[plan.pk]),
        {
            "study_content": "",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "40",
            "items-0-action": "Việc",
            "items-0-indicator": "999999",
            "items-0-ORDER": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["indicator"]
    assert not plan.items.exists()


def test_a_member_of_another_province_does_not_get_its_indicators(
    login, tree, catalogue, other_province
):
    from ..factories import UserFactory

    _province, far_cell = other_province
    user = UserFactory()
    member = make_member(far_cell, "Giàng Seo Phử", user=user)
    plan = _plan(member, user)
    page = login(user).get(reverse("pledges:edit", args=[plan.pk]))
    assert "Lượt công dân được tiếp" in page.text
    assert "Buổi tuyên truyền bằng tiếng dân tộc" not in page.text
