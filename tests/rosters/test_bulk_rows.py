"""People written in bulk (an imported roster) are written from plain rows, not model objects
(issue 13, point 5): each is recorded exactly as `member_create` records one person, with the
same derived columns, first period and audit event. Runs the COPY path on PostgreSQL and
`bulk_create` elsewhere."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from registry.audit.models import AuditEvent
from registry.core import bulk
from registry.members import services
from registry.members.models import Member, Membership

FIELDS = {
    "category": Member.Category.PARTY_MEMBER,
    "card_number": "21.076.213",
    "full_name": "  Lò   Văn  Thắng ",
    "status": Member.Status.PROBATIONARY,
    "birth_date": datetime.date(1990, 4, 15),
    "phone": "0912345678",
}
COLUMNS = [
    "full_name",
    "search_name",
    "sort_name",
    "card_number",
    "citizen_id",
    "category",
    "status",
    "birth_date",
    "gender",
    "phone",
    "job_title",
    "is_key_official",
    "user_id",
]


def recorded(member_id: int) -> dict:
    member = Member.objects.values(*COLUMNS, "created_at", "updated_at").get(pk=member_id)
    assert member.pop("created_at") and member.pop("updated_at")
    period = Membership.objects.values("cell_id", "group_id", "start_date", "end_date").get(
        member_id=member_id
    )
    event = AuditEvent.objects.get(
        action="member.create",
        target_type=ContentType.objects.get_for_model(Member),
        target_id=str(member_id),
    )
    return {
        "member": member,
        "period": period,
        "event": (event.actor_id, event.summary, {k: event.data[k] for k in ("cell",)}),
    }


def test_a_person_written_in_bulk_is_recorded_as_one_written_alone(tree, people):
    since = datetime.date(2026, 3, 1)
    alone = services.member_create(
        cell=tree.cell, group=tree.group1, since=since, actor=people.olga, **FIELDS
    )
    expected = recorded(alone.pk)
    Member.objects.filter(pk=alone.pk).update(card_number="21076299")  # free the card again

    [member_id] = services.members_create_bulk(
        people=[(dict(FIELDS), tree.cell, tree.group1)], since=since, actor=people.olga
    )
    assert recorded(member_id) == expected
    assert expected["member"]["card_number"] == "21076213"
    assert expected["member"]["sort_name"] == "thang lo van thang"
    event = AuditEvent.objects.get(target_id=str(member_id), action="member.create")
    assert event.at is not None and event.data["cell"] == tree.cell.pk


def test_rows_take_the_fields_defaults_and_come_back_with_their_ids(tree):
    worker = services.member_create(
        cell=tree.next_cell, full_name="Cầm Văn A", category=Member.Category.WORKER
    )
    ids = bulk.insert_rows(
        Membership,
        ["member_id", "cell_id", "start_date", "end_date"],
        [(worker.pk, tree.cell.pk, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))],
    )
    period = Membership.objects.get(pk=ids[0])  # an earlier period, closed
    assert (period.cell_id, period.group_id, period.end_reason, period.note) == (
        tree.cell.pk,
        None,
        "",
        "",
    )
    assert bulk.insert_rows(Membership, ["member_id"], []) == []
    with pytest.raises(ValueError):
        bulk.insert_rows(Membership, ["id", "member_id"], [(1, 1)])
