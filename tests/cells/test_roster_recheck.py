"""Each roster action is one transaction that locks the person and checks again that they
are still in the actor's cell: a transfer made a moment earlier by someone else wins, and the
secretary of the cell the person has left cannot act on them."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from registry.cells import services
from registry.members import services as members
from registry.members.models import Membership

from ..factories import D


def test_a_person_transferred_meanwhile_is_out_of_reach(tree, people):
    members.member_transfer(member=people.alice_member, to_cell=tree.next_cell, on=D(2026, 5, 1))
    for act in (
        lambda: services.roster_set_group(
            cell=tree.cell, actor=people.bob, member=people.alice_member, group=tree.group1
        ),
        lambda: services.transfer_issue(
            actor=people.bob, member=people.alice_member, to_cell=tree.far_cell
        ),
        lambda: services.roster_leave(cell=tree.cell, actor=people.bob, member=people.alice_member),
    ):
        with pytest.raises(PermissionDenied):
            act()
    assert Membership.objects.current().get(member=people.alice_member).cell == tree.next_cell


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_concurrent_transfer_wins_over_a_roster_action_started_on_a_stale_page(tree, people):
    """The district moves alice to the next cell while bob, on the page he opened before,
    moves her to another party group: bob waits for the lock, then is refused."""
    outcome = {}
    locked = threading.Event()

    def transfer():
        try:
            with transaction.atomic():
                members.lock_member(people.alice_member)
                locked.set()
                time.sleep(0.5)
                members.member_transfer(
                    member=people.alice_member, to_cell=tree.next_cell, on=D(2026, 5, 1)
                )
        finally:
            connection.close()

    def regroup():
        locked.wait(5)
        try:
            services.roster_set_group(
                cell=tree.cell, actor=people.bob, member=people.alice_member, group=tree.group1
            )
            outcome["regroup"] = "done"
        except PermissionDenied:
            outcome["regroup"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer), threading.Thread(target=regroup)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert outcome == {"regroup": "refused"}
    periods = Membership.objects.filter(member=people.alice_member).order_by("start_date")
    assert [(p.cell_id, p.group_id) for p in periods] == [
        (tree.cell.pk, tree.group2.pk),
        (tree.next_cell.pk, None),
    ]
