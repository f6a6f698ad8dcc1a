"""A practice grows from a model or breakthrough content of an approved collective
registration, as it does from a breakthrough item: offered on the content, prefilled, linked to
its source, and shown on both the content and the practice."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry.practices import services
from registry.practices.models import Practice

from ..factories import collective_registration, pass_second_factor, verified
from .test_journey import propose

MODEL = "Mô hình “Bản không có ma túy”"


@pytest.fixture
def registration(world, programme_2026):
    """The cell's registration of 2026, approved by the district: a model, a breakthrough
    content and another action."""
    return collective_registration(
        world.cell,
        world.bob,
        contents=[
            {
                "kind": "model",
                "title": MODEL,
                "measures": "Tổ tự quản tuần tra mỗi tối thứ Bảy.",
                "expected_result": "Không phát sinh người nghiện mới.",
            },
            ("breakthrough", "Cải cách hành chính một cửa"),
            ("other", "Tham gia xây dựng nông thôn mới"),
        ],
        approver=world.olga,
    )


def test_a_model_of_the_registration_becomes_a_proposal_linked_both_ways(world, registration):
    bob = pass_second_factor(Client(), world.bob)
    model, _breakthrough, other = registration.contents.order_by("position")
    page = bob.get(reverse("collective:unit", args=[world.cell.pk, 2026]))
    offer = reverse("practices:propose", args=[world.cell.pk]) + "?year=2026&amp;content="
    assert f"{offer}{model.pk}" in page.text and f"{offer}{other.pk}" not in page.text

    form = bob.get(
        reverse("practices:propose", args=[world.cell.pk]) + f"?year=2026&content={model.pk}"
    )
    initial = form.context["form"].initial
    assert (initial["source"], initial["content"], initial["title"]) == (
        "collective",
        model.pk,
        MODEL,
    )
    assert initial["description"] == "Tổ tự quản tuần tra mỗi tối thứ Bảy."
    assert initial["results"] == "Không phát sinh người nghiện mới."

    done = propose(bob, world.cell, title=MODEL, source="collective", content=model.pk)
    assert done.status_code == 302
    practice = Practice.objects.get()
    assert (practice.source, practice.content) == ("collective", model)

    shown = bob.get(reverse("practices:detail", args=[practice.pk])).text
    assert "Chi bộ Khối Đảng" in shown and "#content-" in shown
    page = bob.get(reverse("collective:unit", args=[world.cell.pk, 2026])).text
    assert reverse("practices:detail", args=[practice.pk]) in page
    # A committee officer of the district reads the proposal; another district does not.
    olga = pass_second_factor(Client(), world.olga)
    assert (
        reverse("practices:detail", args=[practice.pk])
        in olga.get(reverse("collective:unit", args=[world.cell.pk, 2026])).text
    )
    victor = pass_second_factor(Client(), world.victor)
    assert victor.get(reverse("practices:detail", args=[practice.pk])).status_code == 404


def test_the_district_may_start_from_a_content_of_its_sub_tree(world, registration):
    breakthrough = registration.contents.get(kind="breakthrough")
    practice = services.practice_propose(
        unit=world.district,
        actor=verified(world.olga),
        year=2026,
        title="Một cửa ở chi bộ",
        field="administration",
        description="Tiếp nhận hồ sơ tại nhà văn hóa bản.",
        results="Giải quyết đúng hạn 100% hồ sơ.",
        source="collective",
        content=breakthrough,
    )
    assert practice.content == breakthrough


@pytest.mark.parametrize(
    "case",
    ["other kind", "not yet approved", "another year", "outside the unit"],
)
def test_a_content_that_is_no_source_is_refused_and_nothing_is_written(world, registration, case):
    unit, year = world.cell, 2026
    if case == "other kind":
        content = registration.contents.get(kind="other")
    elif case == "not yet approved":
        draft = collective_registration(
            world.next_cell, world.charlie, contents=[("model", "Mô hình chưa duyệt")]
        )
        content, unit, actor = draft.contents.get(), world.next_cell, world.charlie
    elif case == "another year":
        content, year = registration.contents.get(kind="model"), 2025
    else:
        content, unit = registration.contents.get(kind="model"), world.next_cell
    actor = world.charlie if unit == world.next_cell else world.bob
    with pytest.raises(ValidationError) as refused:
        services.practice_propose(
            unit=unit,
            actor=verified(actor),
            year=year,
            title="Mô hình",
            field="party_building",
            description="Cách làm.",
            results="Kết quả.",
            source="collective",
            content=content,
        )
    assert "content" in refused.value.message_dict
    assert not Practice.objects.exists()


def test_a_forged_content_on_the_form_is_answered_in_vietnamese(world, registration):
    other = registration.contents.get(kind="other")
    bob = pass_second_factor(Client(), world.bob)
    response = propose(bob, world.cell, source="collective", content=other.pk)
    assert response.status_code == 200
    assert "Hãy chọn" in response.text or "Lựa chọn" in response.text
    assert not Practice.objects.exists()
