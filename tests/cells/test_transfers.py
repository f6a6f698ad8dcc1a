"""Chuyển sinh hoạt đảng as a two-sided procedure: the sending cell (or a committee above it)
issues the transfer, the receiving cell receives it, and until then the member stays, is
listed and is counted where they were. Nobody transfers or receives themselves; receiving by
card number only answers a transfer addressed to the cell; the destination is looked for in
a bounded area; after the transfer the new cell reads the current plan, not the old years'."""

import datetime
import re
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.audit.models import AuditEvent
from registry.cells import kept
from registry.cells import services as cell_services
from registry.cells.figures import counted_figures
from registry.cells.selectors import transfer_destinations
from registry.core.periods import Period
from registry.members.models import Membership, Transfer
from registry.pledges import services as plan_services
from registry.pledges.models import Plan
from registry.programmes.models import Programme
from registry.units.models import Unit

from ..factories import TZ, UserFactory, approved_plan, give_role, make_member, make_unit
from ..pledges.conftest import jpeg

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, tzinfo=TZ), tick=False):
        yield


def _issue(client, cell, member, to_cell, **extra):
    return client.post(
        reverse("cells:roster_member", args=[cell.pk, member.pk]),
        {"action": "transfer", "t-to_cell": to_cell.pk, "t-confirm": "on", **extra},
    )


def _decide(client, transfer, action, **extra):
    return client.post(
        reverse("cells:transfer_decide", args=[transfer.pk]), {"action": action, **extra}
    )


def _cell_of(member):
    return Membership.objects.current().get(member=member).cell


def _page(response) -> str:
    """The page without what differs from one request to the next: the CSRF token and the
    card number typed, shown back in its box."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'(name="card_number"[^>]*?) value="[^"]*"', r"\1", text)


def _approved(people, year=2026):
    """An approved plan of Alice's, registered in February of `year`."""
    with time_machine.travel(datetime.datetime(year, 2, 1, 10, tzinfo=TZ), tick=False):
        return approved_plan(people.alice_member, people.alice, people.bob, year=year)


@pytest.fixture
def programme_2025(programme_2026):
    fields = {
        f.name: getattr(programme_2026, f.name)
        for f in Programme._meta.concrete_fields
        if f.name not in ("id", "year")
    }
    for name, value in list(fields.items()):
        if isinstance(value, datetime.date):
            fields[name] = value.replace(year=2025)
    return Programme.objects.create(year=2025, **fields)


# --- Nobody transfers themselves -----------------------------------------------------------


def test_a_secretary_cannot_transfer_themselves(login, tree, people):
    client = login(people.bob)
    page = client.get(reverse("cells:roster_member", args=[tree.cell.pk, people.bob_member.pk]))
    assert page.status_code == 200 and "Lập giấy giới thiệu" not in page.text
    response = _issue(client, tree.cell, people.bob_member, tree.far_cell)
    assert response.status_code == 403
    assert not Transfer.objects.exists()
    assert _cell_of(people.bob_member) == tree.cell


def test_nobody_receives_their_own_transfer(login, tree, people):
    """Dan is a member of Chi bộ Khối Đảng and deputy of Lóng Luông: his transfer there is
    received by the other leader or a committee above, never by himself."""
    dan = UserFactory(username="dan")
    dan_member = make_member(tree.cell, "Hà Văn Dân", user=dan)
    give_role(dan, tree.far_cell, RoleAssignment.Role.DEPUTY_SECRETARY)
    assert _issue(login(people.bob), tree.cell, dan_member, tree.far_cell).status_code == 302
    transfer = Transfer.objects.get(member=dan_member)
    assert _decide(login(dan), transfer, "accept").status_code == 403
    receive = reverse("cells:roster_receive", args=[tree.far_cell.pk])
    response = login(dan).post(receive, {"card_number": dan_member.card_number})
    assert "Không có giấy giới thiệu nào" in response.text
    assert _cell_of(dan_member) == tree.cell
    officer = UserFactory(username="vanho")
    give_role(officer, tree.other_district, RoleAssignment.Role.OFFICER)
    assert _decide(login(officer), transfer, "accept").status_code == 302
    assert _cell_of(dan_member) == tree.far_cell


# --- Until received, the member stays where they were -------------------------------------


def test_a_transfer_waits_for_the_receiving_cell(login, tree, people, programme_2026):
    plan = _approved(people)
    response = _issue(
        login(people.bob), tree.cell, people.alice_member, tree.next_cell, **{"t-note": "Số 12"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=people.alice_member)
    assert transfer.status == "pending" and transfer.from_cell == tree.cell

    # Still in the old cell: listed on its roster, counted in its figures.
    assert _cell_of(people.alice_member) == tree.cell
    roster = login(people.bob).get(reverse("units:detail", args=[tree.cell.pk])).text
    assert "Nguyễn Văn Đức" in roster and "Đảng viên chuyển đi, chưa được tiếp nhận" in roster
    quarter = Period(2026, 2)
    kept_rows = kept.figures_of_cells([tree.cell, tree.next_cell], quarter, TODAY)
    assert kept_rows[tree.cell.pk]["members"] == 2
    assert kept_rows[tree.next_cell.pk]["members"] == 1

    # The receiving secretary sees the letter, not the person's record or plans.
    client = login(people.charlie)
    waiting = client.get(reverse("units:detail", args=[tree.next_cell.pk])).text
    assert "Đảng viên chuyển đến, chờ tiếp nhận" in waiting and "Nguyễn Văn Đức" in waiting
    assert client.get(reverse("members:detail", args=[people.alice_member.pk])).status_code == 404
    assert client.get(reverse("pledges:detail", args=[plan.pk])).status_code == 404

    # The member sees it on the home page.
    home = login(people.alice).get(reverse("portal:home")).text
    assert "Chuyển sinh hoạt đảng của đồng chí" in home and "Chi bộ bản Nà Lốc" in home


def test_one_transfer_waits_at_a_time_and_the_sending_side_can_withdraw_it(login, tree, people):
    client = login(people.bob)
    _issue(client, tree.cell, people.alice_member, tree.next_cell)
    response = _issue(client, tree.cell, people.alice_member, tree.far_cell)
    assert Transfer.objects.filter(member=people.alice_member).count() == 1
    assert response.status_code == 200
    transfer = Transfer.objects.get()
    assert _decide(login(people.charlie), transfer, "cancel").status_code == 403
    assert _decide(login(people.bob), transfer, "cancel").status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == ("cancelled", people.bob)
    # Withdrawn: it can no longer be received.
    response = login(people.charlie).post(
        reverse("cells:transfer_decide", args=[transfer.pk]), {"action": "accept"}, follow=True
    )
    assert "không còn chờ tiếp nhận" in response.text
    assert _cell_of(people.alice_member) == tree.cell


def test_the_receiving_cell_can_refuse_with_a_reason(login, tree, people):
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    transfer = Transfer.objects.get()
    client = login(people.charlie)
    _decide(client, transfer, "refuse", reason="")
    assert Transfer.objects.get().status == "pending"
    _decide(client, transfer, "refuse", reason="Đồng chí chưa chuyển nơi cư trú")  # not ticked
    assert Transfer.objects.get().status == "pending"
    _decide(client, transfer, "refuse", reason="Đồng chí chưa chuyển nơi cư trú", confirm="on")
    transfer.refresh_from_db()
    assert transfer.status == "refused" and transfer.decision_note.startswith("Đồng chí")
    assert _cell_of(people.alice_member) == tree.cell


def test_an_outsider_cannot_see_or_decide_a_transfer(login, tree, people):
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    transfer = Transfer.objects.get()
    stranger = UserFactory(username="stranger")
    give_role(stranger, tree.far_cell, RoleAssignment.Role.SECRETARY)
    for action in ("accept", "refuse", "cancel"):
        assert _decide(login(stranger), transfer, action, reason="x").status_code == 404
    assert _decide(login(people.alice), transfer, "accept").status_code == 403
    assert Transfer.objects.get().status == "pending"


# --- After acceptance ----------------------------------------------------------------------


def test_accepting_moves_the_member_with_the_current_plan_only(login, tree, people, programme_2025):
    old = _approved(people, year=2025)
    with time_machine.travel(datetime.datetime(2025, 3, 10, 10, tzinfo=TZ), tick=False):
        report = plan_services.report_file(
            item=old.items.first(),
            quarter=1,
            actor=people.alice,
            status="done",
            files=[jpeg()],
        )
    evidence = report.evidence.get()
    current = _approved(people)
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    transfer = Transfer.objects.get()
    response = _decide(login(people.charlie), transfer, "accept", group="")
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.effective_on) == ("accepted", TODAY)
    periods = Membership.objects.filter(member=people.alice_member).order_by("start_date")
    assert [(p.cell, p.end_date) for p in periods] == [(tree.cell, TODAY), (tree.next_cell, None)]

    client = login(people.charlie)
    assert client.get(reverse("members:detail", args=[people.alice_member.pk])).status_code == 200
    assert client.get(reverse("pledges:detail", args=[current.pk])).status_code == 200
    # What was made in the old cell in earlier years stays with the old cell.
    assert client.get(reverse("pledges:detail", args=[old.pk])).status_code == 404
    assert client.get(reverse("pledges:evidence", args=[evidence.pk])).status_code == 404
    client = login(people.bob)
    assert client.get(reverse("pledges:detail", args=[old.pk])).status_code == 200
    assert client.get(reverse("pledges:evidence", args=[evidence.pk])).status_code == 200
    assert client.get(reverse("pledges:detail", args=[current.pk])).status_code == 200


def test_a_plan_waiting_for_approval_is_decided_by_the_cell_the_member_is_in(
    login, tree, people, programme_2026
):
    """Chosen rule: a decision still waiting belongs to the cell the member belongs to. While
    the transfer waits, the sending cell decides; from acceptance the receiving cell does."""
    with time_machine.travel(datetime.datetime(2026, 2, 1, 10, tzinfo=TZ), tick=False):
        plan = plan_services.plan_submit(
            plan=_draft(people), actor=people.alice, commitment_confirmed=True
        )
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    review = reverse("cells:plan_review", args=[plan.pk])
    assert login(people.charlie).post(review, {"action": "approve"}).status_code == 404
    transfer = Transfer.objects.get()
    _decide(login(people.charlie), transfer, "accept")
    assert login(people.bob).post(review, {"action": "approve"}).status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED
    assert login(people.charlie).post(review, {"action": "approve"}).status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED


def _draft(people):
    plan = plan_services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
    plan_services.plan_save(
        plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc một"}]
    )
    return plan


def test_kept_figures_equal_counted_figures_after_transfers(
    login, tree, people, programme_2026, django_capture_on_commit_callbacks
):
    _approved(people)
    cells = [tree.cell, tree.next_cell, tree.far_cell]
    kept.reconcile(years=[2026])
    with django_capture_on_commit_callbacks(execute=True):
        _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    with django_capture_on_commit_callbacks(execute=False):  # the recompute is lost
        _decide(login(people.charlie), Transfer.objects.get(), "accept")
    for quarter in (None, 1, 2):
        period = Period(2026, quarter)
        counted = counted_figures(cells=cells, period=period, on=TODAY)
        from_rows = kept.figures_of_cells(cells, period, TODAY)
        for cell in cells:
            assert from_rows[cell.pk]["members"] == counted[cell.pk]["members"]
            assert from_rows[cell.pk]["registered"] == counted[cell.pk]["registered"]
    assert kept.reconcile(years=[2026], fix=False) == []
    q2 = kept.figures_of_cells(cells, Period(2026, 2), TODAY)
    assert (q2[tree.cell.pk]["members"], q2[tree.next_cell.pk]["members"]) == (1, 2)
    q1 = kept.figures_of_cells(cells, Period(2026, 1), TODAY)
    assert (q1[tree.cell.pk]["members"], q1[tree.next_cell.pk]["members"]) == (2, 1)


# --- Receiving by card number --------------------------------------------------------------


def test_receive_by_card_says_nothing_about_a_card_without_a_transfer(login, tree, people):
    leaver = make_member(tree.far_cell, "Vàng Thị Dợ", card_number="77777777")
    cell_services.roster_leave(
        cell=tree.far_cell, actor=people.root, member=leaver, on=datetime.date(2026, 5, 1)
    )
    url = reverse("cells:roster_receive", args=[tree.cell.pk])
    client = login(people.bob)
    answers = {
        card: _page(client.post(url, {"card_number": card}))
        for card in [
            "12345678",  # unknown
            people.charlie_member.card_number,  # in another cell
            "77.777.777",  # left their cell
        ]
    }
    assert len(set(answers.values())) == 1
    page = next(iter(answers.values()))
    assert "Không có giấy giới thiệu nào" in page
    for told in ("Lóng Luông", "Nà Lốc", "Vàng Thị Dợ", "Quàng Văn Chiến"):
        assert told not in page
    assert Membership.objects.current().filter(member=leaver).count() == 0


def test_receive_by_card_answers_a_transfer_addressed_to_the_cell(login, tree, people):
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    url = reverse("cells:roster_receive", args=[tree.next_cell.pk])
    card = people.alice_member.card_number
    spaced = f"{card[:2]}.{card[2:5]}.{card[5:]}"
    response = login(people.charlie).post(url, {"card_number": spaced})
    assert response.status_code == 302
    assert _cell_of(people.alice_member) == tree.next_cell
    assert Transfer.objects.get().status == "accepted"


def test_receive_by_card_does_not_answer_a_transfer_addressed_elsewhere(login, tree, people):
    far_secretary = UserFactory(username="longluong")
    give_role(far_secretary, tree.far_cell, RoleAssignment.Role.SECRETARY)
    _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
    url = reverse("cells:roster_receive", args=[tree.far_cell.pk])
    response = login(far_secretary).post(url, {"card_number": people.alice_member.card_number})
    assert "Không có giấy giới thiệu nào" in response.text
    assert _cell_of(people.alice_member) == tree.cell


# --- Where the destination is looked for ---------------------------------------------------


def _found(client, tree, member, **params):
    response = client.get(reverse("cells:roster_member", args=[tree.cell.pk, member.pk]), params)
    return [c.name for c in response.context["destinations"].cells], response


def test_the_destination_search_stays_inside_the_allowed_area(login, tree, people):
    other_province = make_unit("Tỉnh ủy Điện Biên", "tinh_uy")
    make_unit("Chi bộ bản Nà Lốc Điện Biên", "chi_bo_co_so", other_province)
    client = login(people.bob)
    # First the cells under the cell's own committee.
    names, response = _found(client, tree, people.alice_member)
    assert names == ["Chi bộ bản Nà Lốc"]
    assert [a.name for a in response.context["destinations"].areas] == [
        "Huyện ủy Mường La",
        "Tỉnh ủy Sơn La",
    ]
    # Accent-insensitive, then one level up, never beyond the province, never the cell itself.
    assert _found(client, tree, people.alice_member, q="na loc")[0] == ["Chi bộ bản Nà Lốc"]
    assert _found(client, tree, people.alice_member, q="long", level=1)[0] == [
        "Chi bộ bản Lóng Luông"
    ]
    for level in (1, 2, 99, "x"):
        names = _found(client, tree, people.alice_member, q="chi bo", level=level)[0]
        assert "Chi bộ bản Nà Lốc Điện Biên" not in names and "Chi bộ Khối Đảng" not in names
    # Issuing to a cell outside the area is refused, whatever the form says.
    out = Unit.objects.get(name="Chi bộ bản Nà Lốc Điện Biên")
    response = _issue(client, tree.cell, people.alice_member, out)
    assert response.status_code == 200 and not Transfer.objects.exists()
    response = _issue(client, tree.cell, people.alice_member, tree.group1)
    assert response.status_code == 200 and not Transfer.objects.exists()
    assert _issue(client, tree.cell, people.alice_member, tree.far_cell).status_code == 302


def test_the_destination_search_shows_at_most_twenty_cells(login, tree, people):
    for n in range(25):
        make_unit(f"Chi bộ bản Số {n:02}", "chi_bo_co_so", tree.district)
    names, response = _found(login(people.bob), tree, people.alice_member, q="ban")
    assert len(names) == 20 and response.context["destinations"].more
    assert "Chỉ hiện 20 chi bộ đầu tiên" in response.text
    names, _response = _found(login(people.bob), tree, people.alice_member, q="so 07")
    assert names == ["Chi bộ bản Số 07"]


def test_a_committee_above_the_cell_may_issue_but_not_manage_the_roster(login, tree, people):
    client = login(people.olga)
    roster = client.get(reverse("units:detail", args=[tree.cell.pk])).text
    page_url = reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk])
    assert page_url in roster
    page = client.get(page_url).text
    assert "Lập giấy giới thiệu sinh hoạt đảng" in page and "Thôi sinh hoạt tại chi bộ" not in page
    response = client.post(
        page_url, {"action": "leave", "l-reason": "left", "l-on": "2026-05-20", "l-confirm": "on"}
    )
    assert response.status_code == 403
    assert _issue(client, tree.cell, people.alice_member, tree.far_cell).status_code == 302
    assert Transfer.objects.get().issued_by == people.olga
    # A committee member of the cell reads the roster but opens nobody's page.
    carol = UserFactory(username="carol")
    give_role(carol, tree.cell, RoleAssignment.Role.COMMITTEE_MEMBER)
    assert page_url not in login(carol).get(reverse("units:detail", args=[tree.cell.pk])).text
    assert login(carol).get(page_url).status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_receiving_and_withdrawing_at_once_one_wins(tree, people):
    """The receiving secretary and the sending one act on the same transfer at the same
    moment: one waits for the other's lock, then finds the transfer decided."""
    transfer = cell_services.transfer_issue(
        member=people.alice_member, to_cell=tree.next_cell, actor=people.bob
    )
    outcome = {}
    start = threading.Barrier(2)

    def act(name, service, **kwargs):
        start.wait(5)
        try:
            service(transfer=transfer, **kwargs)
            outcome[name] = "done"
        except ValidationError:
            outcome[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("accept", cell_services.transfer_accept),
            kwargs={"actor": people.charlie},
        ),
        threading.Thread(
            target=act, args=("cancel", cell_services.transfer_cancel), kwargs={"actor": people.bob}
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(outcome.values()) == ["done", "refused"]
    transfer.refresh_from_db()
    moved = Membership.objects.current().get(member=people.alice_member).cell == tree.next_cell
    assert (transfer.status == "accepted") == moved == (outcome["accept"] == "done")


def test_a_decision_on_last_years_plan_stays_with_the_cell_that_counted_it(
    login, tree, people, programme_2026
):
    """Received in January 2027, Alice's report of quarter IV/2026, filed before, is still
    accepted by Chi bộ Khối Đảng, which counted her year; Nà Lốc follows her 2027 plan."""
    plan = _approved(people)
    item = plan.items.first()
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, tzinfo=TZ), tick=False):
        report = plan_services.report_file(item=item, quarter=4, actor=people.alice, status="done")
    with time_machine.travel(datetime.datetime(2027, 1, 10, 10, tzinfo=TZ), tick=False):
        _issue(login(people.bob), tree.cell, people.alice_member, tree.next_cell)
        _decide(login(people.charlie), Transfer.objects.get(), "accept")
        assert _cell_of(people.alice_member) == tree.next_cell
        review = reverse("cells:report_review", args=[report.pk])
        charlie = login(people.charlie)
        assert charlie.post(review, {"action": "accept"}).status_code == 404
        board = charlie.get(reverse("cells:dashboard", args=[tree.next_cell.pk]) + "?year=2026")
        assert "Nguyễn Văn Đức" not in board.text
        bob = login(people.bob)
        board = bob.get(reverse("cells:dashboard", args=[tree.cell.pk]) + "?year=2026")
        assert report in board.context["d"].to_review.rows
        assert bob.post(review, {"action": "accept"}).status_code == 302
        report.refresh_from_db()
        assert report.review == "accepted"


def test_the_destination_search_reads_the_same_number_of_queries_however_many_cells(
    tree, people, django_assert_num_queries
):
    def search():
        return transfer_destinations(from_cell=tree.cell, query="ban", level=1)

    with django_assert_num_queries(2):
        assert len(search().cells) == 2
    for n in range(40):
        make_unit(f"Chi bộ bản Mới {n:02}", "chi_bo_co_so", tree.other_district)
    with django_assert_num_queries(2):
        assert len(search().cells) == 20


# --- Leaving the cell ends the roles held in it ----------------------------------------------


def _leave(client, cell, member, reason="left"):
    return client.post(
        reverse("cells:roster_member", args=[cell.pk, member.pk]),
        {"action": "leave", "l-reason": reason, "l-on": TODAY.isoformat(), "l-confirm": "on"},
    )


def test_a_deputy_who_leaves_the_cell_no_longer_acts_for_it(client, tree, people, login):
    dana = UserFactory(username="dana")
    deputy = make_member(tree.cell, "Điêu Thị Mai", user=dana)
    give_role(dana, tree.cell, RoleAssignment.Role.DEPUTY_SECRETARY)
    give_role(dana, tree.group1, RoleAssignment.Role.DEPUTY_SECRETARY)
    assert _leave(login(people.bob), tree.cell, deputy).status_code == 302
    assert not RoleAssignment.objects.filter(user=dana).exists()
    ended = AuditEvent.objects.get(action="member.roles_end")
    assert ended.actor == people.bob and len(ended.data["roles"]) == 2
    client.logout()
    client.force_login(dana)
    assert client.get(reverse("cells:dashboard", args=[tree.cell.pk])).status_code == 404
    assert (
        client.get(
            reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk])
        ).status_code
        == 404
    )


def test_nobody_records_their_own_leaving(client, tree, people, login):
    client = login(people.bob)
    own = reverse("cells:roster_member", args=[tree.cell.pk, people.bob_member.pk])
    assert 'value="leave"' not in client.get(own).text
    for reason in ("left", "deceased"):
        assert _leave(client, tree.cell, people.bob_member, reason).status_code == 403
    assert Membership.objects.current().filter(member=people.bob_member).exists()
    assert RoleAssignment.objects.filter(user=people.bob, unit=tree.cell).exists()


def test_a_secretary_transferred_away_leaves_the_old_cells_roles_behind(tree, people):
    transfer = cell_services.transfer_issue(
        member=people.bob_member, to_cell=tree.next_cell, actor=people.olga
    )
    assert RoleAssignment.objects.filter(user=people.bob, unit=tree.cell).exists()  # still his
    cell_services.transfer_accept(transfer=transfer, actor=people.charlie)
    assert not RoleAssignment.objects.filter(user=people.bob).exists()
    assert RoleAssignment.objects.filter(user=people.olga, unit=tree.district).exists()
