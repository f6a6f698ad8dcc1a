"""A practice goes the whole way through the pages: a cell's secretary proposes it with
evidence, the district committee selects and publishes it, two other cells of the district
adopt it, and its page shows where it was replicated."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.practices import services
from registry.practices.models import Adoption, Practice

from ..factories import approved_plan, at, pass_second_factor, published_practice
from ..pledges.conftest import jpeg


def propose(client, unit, **fields):
    data = {
        "title": "Chi bộ ba không: không đảng viên vi phạm, không hộ nghèo tái nghèo",
        "field": "party_building",
        "year": "2026",
        "source": "scratch",
        "description": "Mỗi đảng viên nhận giúp đỡ một hộ khó khăn trong bản.",
        "results": "Tỷ lệ hộ nghèo giảm từ 18% xuống 11%.",
        **fields,
    }
    return client.post(reverse("practices:propose", args=[unit.pk]), data)


def test_a_practice_is_proposed_selected_published_and_adopted_by_two_cells(world, client):
    pass_second_factor(client, world.bob)
    with time_machine.travel(at(2026, 4, 20)):
        done = propose(client, world.cell, files=[jpeg()])
    practice = Practice.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "practices:detail", args=[practice.pk]
    )
    assert (practice.status, practice.unit, practice.evidence.count()) == (
        "proposed",
        world.cell,
        1,
    )

    pass_second_factor(client, world.olga)
    queue = client.get(reverse("practices:unit", args=[world.district.pk]))
    assert practice.title in queue.text
    decide = reverse("practices:decide", args=[practice.pk])
    with time_machine.travel(at(2026, 4, 27)):
        assert client.post(decide, {"action": "select"}).status_code == 302
        practice.refresh_from_db()
        assert (practice.status, practice.committee) == ("selected", world.district)
        unconfirmed = client.post(decide, {"action": "publish"})  # the box is not ticked
        assert unconfirmed.status_code == 400 and "Đánh dấu vào ô để xác nhận" in unconfirmed.text
        assert Practice.objects.get(pk=practice.pk).status == "selected"
        assert client.post(decide, {"action": "publish", "confirm": "on"}).status_code == 302
    practice.refresh_from_db()
    assert practice.status == "published"

    for user, cell, day in (
        (world.charlie, world.next_cell, "2026-05-04"),
        (world.hana, world.third_cell, "2026-06-01"),
    ):
        pass_second_factor(client, user)
        page = client.get(reverse("practices:detail", args=[practice.pk]))
        assert "Ghi nhận nhân rộng" in page.text
        with time_machine.travel(at(2026, 6, 10)):
            adopted = client.post(
                reverse("practices:adopt", args=[practice.pk]),
                {"cell": cell.pk, "adopted_on": day, "note": "Áp dụng cho 5 hộ"},
            )
        assert adopted.status_code == 302

    assert list(
        Adoption.objects.order_by("adopted_on").values_list("cell__name", "adopted_on")
    ) == [
        ("Chi bộ bản Nà Lốc", datetime.date(2026, 5, 4)),
        ("Chi bộ bản Hua Trai", datetime.date(2026, 6, 1)),
    ]
    page = client.get(reverse("practices:detail", args=[practice.pk]))
    replications = page.text[page.text.index('id="replications"') :]
    assert "Chi bộ bản Nà Lốc" in replications and "04/05/2026" in replications
    assert "Chi bộ bản Hua Trai" in replications and "01/06/2026" in replications
    library = client.get(reverse("practices:library"))
    assert practice.title in library.text and "2 chi bộ" in library.text
    assert list(
        AuditEvent.objects.filter(action__startswith="practice.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    ) == [
        "practice.propose",
        "practice.select",
        "practice.publish",
        "practice.adopt",
        "practice.adopt",
    ]


def test_a_cell_does_not_adopt_its_own_practice_nor_twice(world, client):
    practice = published_practice(world.cell, world.bob, world.olga)
    pass_second_factor(client, world.bob)
    page = client.get(reverse("practices:detail", args=[practice.pk]))
    assert "Ghi nhận nhân rộng" not in page.text
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.adoption_record(
            practice=practice, cell=world.cell, actor=world.bob, adopted_on=today
        )
    services.adoption_record(
        practice=practice, cell=world.next_cell, actor=world.charlie, adopted_on=today
    )
    with pytest.raises(ValidationError, match="đã ghi nhận"):
        services.adoption_record(
            practice=practice, cell=world.next_cell, actor=world.charlie, adopted_on=today
        )


def test_a_breakthrough_item_becomes_a_proposal(world, client, programme_2026):
    plan = approved_plan(
        world.alice_member,
        world.alice,
        world.bob,
        items=[{"action": "Hướng dẫn bà con trồng cà phê", "is_breakthrough": True}],
    )
    item = plan.items.get()
    pass_second_factor(client, world.bob)
    form = client.get(reverse("practices:propose", args=[world.cell.pk]) + f"?item={item.pk}")
    assert form.context["form"].initial["source"] == "breakthrough"
    assert "Hướng dẫn bà con trồng cà phê" in form.text
    done = propose(client, world.cell, source="breakthrough", plan_item=item.pk)
    assert done.status_code == 302
    assert Practice.objects.get().plan_item == item
